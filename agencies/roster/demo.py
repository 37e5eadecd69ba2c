"""The demo's roster imports (issue 10), built last because they move people other demos use:

- 前鎮區公所's EAP officer (`disteap`) loaded the district's full roster as a Big5 CSV: four new workers
  without e-mail (activation codes to print), 洪振興 transferred to the district council, 簡秀琴 gone (leaver);
- 社會局's EAP officer (`eapofficer`) loaded a UTF-8 change file: 江美玲, who has an open case, moved from
  the children's centre to the bureau itself — the case shows a handover duty;
- the same officer's earlier upload was refused: a user-defined character (造字) and a bad date;
- city HR (`cityhr`) has an XLSX change file for the school waiting in preview."""
import csv
import io

from django.utils import timezone

from agencies.models import Agency, Employee, ImportState, RosterImport
from agencies.roster import jobs

BUILD_AFTER_PEOPLE = True

HEADER = ["員工編號", "姓名", "身分證統一編號", "機關代碼", "單位", "職稱", "人員類別", "官等", "職等", "主管",
          "直屬主管員工編號", "性別", "出生日期", "到職日期", "到機關日期", "電子郵件", "電話"]
CATEGORY_NAMES = {"civil_servant": "公務人員", "teacher": "教師", "preschool_educator": "教保服務人員",
                  "contract": "約聘僱人員", "technician": "技工", "driver": "駕駛", "janitor": "工友",
                  "security_guard": "駐衛警", "temporary": "臨時人員", "cleaning_crew": "清潔隊員",
                  "survey_assistant": "測量助理"}
RANK_NAMES = {"elementary": "委任", "junior": "薦任", "senior": "簡任", "": ""}
GENDER_NAMES = {"female": "女", "male": "男", "other": "其他"}

NEW_DISTRICT_WORKERS = [
    # number, name, fictional ID number, unit, title, category, born (ROC, as personnel systems write it), hired
    ("D00131", "吳金水", "E100000005", "清潔隊", "清潔隊員", "清潔隊員", "0550612", "0980301"),
    ("D00132", "黃阿滿", "E200000007", "清潔隊", "清潔隊員", "清潔隊員", "58/1/23", "101/7/16"),
    ("D00133", "陳明德", "E100000014", "清潔隊", "駕駛", "駕駛", "620405", "1050801"),
    ("D00134", "林秀鳳", "E200000016", "總務課", "工友", "工友", "1965-10-30", "2001-02-01"),
]


def roc(day):
    return f"{day.year - 1911:03d}{day.month:02d}{day.day:02d}" if day else ""


def roster_row(person, **changes):
    row = {
        "員工編號": person.employee_number, "姓名": person.full_name, "身分證統一編號": "",
        "機關代碼": person.agency.code,
        "單位": person.unit, "職稱": person.job_title, "人員類別": CATEGORY_NAMES[person.category],
        "官等": RANK_NAMES[person.rank_series], "職等": person.grade or "",
        "主管": "是" if person.is_supervisor else "否",
        "直屬主管員工編號": person.direct_supervisor.employee_number if person.direct_supervisor else "",
        "性別": GENDER_NAMES[person.gender], "出生日期": roc(person.birth_date), "到職日期": roc(person.hire_date),
        "到機關日期": roc(person.agency_since), "電子郵件": person.user.email, "電話": person.phone,
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def as_csv(rows, encoding):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run_import(agency, data, file_name, by, *, is_full=False, commit=True):
    roster_import = jobs.store_upload(agency=agency, data=data, file_name=file_name, by=by, is_full=is_full)
    jobs.read_import(roster_import.pk)
    roster_import.refresh_from_db()
    if commit and roster_import.state == ImportState.PREVIEW:
        jobs.commit_import(roster_import, by=by, queue=False)
        jobs.apply_import(roster_import.pk)
        roster_import.refresh_from_db()
    return roster_import


def build(demo):
    if RosterImport.objects.exists():
        return
    people, agencies = demo.people, {agency.code: agency for agency in Agency.objects.filter(code__startswith="DEMO")}
    district = agencies["DEMO-DIST"]
    staff = Employee.objects.filter(agency__path__startswith=district.path).select_related(
        "agency", "user", "direct_supervisor").order_by("employee_number")
    rows = []
    for person in staff:
        if person.full_name == "簡秀琴" or person.leave_date:
            continue  # she retired: a full roster without her marks her as a leaver
        if person.full_name == "洪振興":
            rows.append(roster_row(person, 機關代碼="DEMO-DIST-CNCL", 單位="議事組", 職稱="組員"))
        else:
            rows.append(roster_row(person))
    for number, name, national_id, unit, title, category, born, hired in NEW_DISTRICT_WORKERS:
        rows.append([number, name, national_id, "DEMO-DIST", unit, title, category, "", "", "否", "", "男" if
                     national_id[1] == "1" else "女", born, hired, "", "", "07-8224000"])
    run_import(district, as_csv(rows, "cp950"), "前鎮區公所人員名冊（全部）.csv", people["disteap"].user, is_full=True)

    social = agencies["DEMO-SOC"]
    refused = (as_csv([], "cp950").rstrip(b"\r\n") + b"\r\n" + "D00140,王".encode("cp950") + b"\xfa\x40" +
               ",,DEMO-SOC,社會救助科,約僱人員,約聘僱人員,,,否,,男,0800230,114/13/01,,,\r\n".encode("cp950"))
    run_import(social, refused, "社會局異動名冊.csv", people["eapofficer"].user)
    moved = Employee.objects.select_related("agency", "user", "direct_supervisor").get(full_name="江美玲")
    change = roster_row(moved, 機關代碼="DEMO-SOC", 單位="社會工作科", 到機關日期=roc(timezone.localdate()))
    run_import(social, as_csv([change], "utf-8-sig"), "社會局異動名冊（更正）.csv", people["eapofficer"].user)

    _school_changes_waiting(agencies, people)


def _school_changes_waiting(agencies, people):
    import xlsxwriter

    teacher = Employee.objects.select_related("agency", "user", "direct_supervisor").get(user=people["teacher"].user)
    rows = [roster_row(teacher, 單位="輔導室", 職稱="輔導教師"),
            ["D00141", "蕭宇彤", "", "DEMO-EDU-SCH", "附設幼兒園", "教保員", "教保服務人員", "", "", "否", "", "女",
             "0870914", "1140801", "", "", ""]]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("名冊")
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, [str(cell) for cell in row])
    book.close()
    run_import(agencies["DEMO-EDU"], out.getvalue(), "教育局所屬學校異動.xlsx", people["cityhr"].user, commit=False)
