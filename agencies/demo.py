"""The demo city: a bureau, a district office, a school and people in every role.

`load_demo` calls `build(demo)` of every app that has a `demo` module, in INSTALLED_APPS order,
so each later issue adds its part here or in its own app's demo module."""
import datetime

from django.contrib.auth import get_user_model

from agencies import services
from agencies.models import Agency, AgencyKind, Category, Employee, Gender, RankSeries, RoleAssignment
from agencies.roles import Role

CITY_CODE = "DEMO-CITY"
# When the demo tree starts; the social bureau's rename below is dated inside it.
TREE_FROM = datetime.date(2018, 1, 1)

AGENCIES = [
    # code, name, kind, parent code, high stress, phone, e-mail
    (CITY_CODE, "示範市政府", AgencyKind.CITY, None, False, "07-3306034", "ihappy@demo.gov.tw"),
    ("DEMO-HR", "示範市政府人事處", AgencyKind.FIRST_LEVEL, CITY_CODE, False, "07-3306000", "hr@demo.gov.tw"),
    ("DEMO-SOC", "示範市政府社會處", AgencyKind.FIRST_LEVEL, CITY_CODE, False, "07-3315000", "soc@demo.gov.tw"),
    ("DEMO-SOC-CHILD", "示範市兒童福利服務中心", AgencyKind.SUBORDINATE, "DEMO-SOC", False, "07-3315100", ""),
    ("DEMO-EDU", "示範市政府教育局", AgencyKind.FIRST_LEVEL, CITY_CODE, False, "07-7995678", "edu@demo.gov.tw"),
    ("DEMO-EDU-SCH", "示範市立海濱國民小學", AgencyKind.SCHOOL, "DEMO-EDU", False, "07-8123456", ""),
    ("DEMO-FIRE", "示範市政府消防局", AgencyKind.FIRST_LEVEL, CITY_CODE, True, "07-8225000", ""),
    ("DEMO-DIST", "示範市前鎮區公所", AgencyKind.DISTRICT_OFFICE, CITY_CODE, False, "07-8224000", "dist@demo.gov.tw"),
    ("DEMO-DIST-CNCL", "示範市前鎮區民代表會", AgencyKind.NON_EXECUTIVE, "DEMO-DIST", False, "", ""),
]

# username, name, agency, category, title, unit, gender, born, hired, roles (role, agency code), supervisor?
PEOPLE = [
    ("employee", "林怡君", "DEMO-SOC", Category.CIVIL_SERVANT, "科員", "社會救助科", Gender.FEMALE,
     datetime.date(1990, 5, 12), datetime.date(2016, 9, 1), [], False),
    ("supervisor", "陳建宏", "DEMO-SOC", Category.CIVIL_SERVANT, "科長", "社會救助科", Gender.MALE,
     datetime.date(1975, 3, 12), datetime.date(2001, 8, 1), [], True),
    ("agencyhead", "黃淑芬", "DEMO-SOC", Category.CIVIL_SERVANT, "處長", "處本部", Gender.FEMALE,
     datetime.date(1968, 11, 2), datetime.date(1993, 7, 1), [(Role.AGENCY_HEAD, "DEMO-SOC")], True),
    ("careofficer", "王志明", "DEMO-SOC", Category.CIVIL_SERVANT, "專員", "秘書室", Gender.MALE,
     datetime.date(1983, 1, 20), datetime.date(2010, 2, 1), [(Role.CARE_MEMBER, "DEMO-SOC")], False),
    ("convener", "張雅婷", "DEMO-SOC", Category.CIVIL_SERVANT, "副處長", "處本部", Gender.FEMALE,
     datetime.date(1972, 6, 30), datetime.date(1998, 9, 1), [(Role.CONVENER, "DEMO-SOC")], True),
    ("safety", "李國華", "DEMO-SOC", Category.CIVIL_SERVANT, "技正", "總務科", Gender.MALE,
     datetime.date(1979, 8, 8), datetime.date(2005, 4, 1), [(Role.SAFETY_HEALTH, "DEMO-SOC")], False),
    ("eapofficer", "吳佩珊", "DEMO-SOC", Category.CIVIL_SERVANT, "人事管理員", "人事室", Gender.FEMALE,
     datetime.date(1986, 2, 14), datetime.date(2012, 3, 1), [(Role.EAP_OFFICER, "DEMO-SOC")], False),
    ("agencyhr", "蔡明哲", "DEMO-SOC", Category.CIVIL_SERVANT, "科員", "人事室", Gender.MALE,
     datetime.date(1992, 10, 5), datetime.date(2019, 1, 2), [(Role.AGENCY_HR, "DEMO-SOC")], False),
    ("cityhr", "鄭惠玲", "DEMO-HR", Category.CIVIL_SERVANT, "專員", "綜合規劃科", Gender.FEMALE,
     datetime.date(1981, 4, 9), datetime.date(2007, 8, 1), [(Role.CITY_HR, CITY_CODE)], False),
    ("approver", "周文彬", "DEMO-HR", Category.CIVIL_SERVANT, "科長", "考訓科", Gender.MALE,
     datetime.date(1970, 12, 25), datetime.date(1996, 8, 1), [(Role.ACCESS_APPROVER, CITY_CODE)], True),
    ("disteap", "許家豪", "DEMO-DIST", Category.CIVIL_SERVANT, "人事主任", "人事室", Gender.MALE,
     datetime.date(1977, 7, 7), datetime.date(2003, 2, 1), [(Role.EAP_OFFICER, "DEMO-DIST")], True),
    ("distworker", "劉阿財", "DEMO-DIST", Category.TECHNICIAN, "技工", "清潔隊", Gender.MALE,
     datetime.date(1965, 9, 17), datetime.date(1990, 3, 1), [], False),
    ("teacher", "楊心怡", "DEMO-EDU-SCH", Category.TEACHER, "教師", "教務處", Gender.FEMALE,
     datetime.date(1988, 3, 3), datetime.date(2014, 8, 1), [], False),
    ("schooleap", "謝佳玲", "DEMO-EDU-SCH", Category.CIVIL_SERVANT, "人事管理員", "人事室", Gender.FEMALE,
     datetime.date(1985, 12, 1), datetime.date(2011, 8, 1), [(Role.EAP_OFFICER, "DEMO-EDU-SCH")], False),
    ("preschool", "趙品妍", "DEMO-EDU-SCH", Category.PRESCHOOL_EDUCATOR, "教保員", "附設幼兒園", Gender.FEMALE,
     datetime.date(1995, 6, 18), datetime.date(2021, 8, 1), [], False),
    ("firefighter", "孫偉倫", "DEMO-FIRE", Category.CIVIL_SERVANT, "隊員", "第一救災救護大隊", Gender.MALE,
     datetime.date(1993, 1, 28), datetime.date(2017, 7, 1), [], False),
]

# People outside the roster: they hold a role but have no staff profile.
OUTSIDERS = [
    ("provider", "provider@demo-counseling.org.tw", Role.PROVIDER_STAFF, CITY_CODE),
    ("reviewer", "reviewer@demo-university.edu.tw", Role.REVIEWER, CITY_CODE),
]

# A few more staff so lists and counts look like a real roster (no logins printed for them).
EXTRA_STAFF = [
    ("DEMO-SOC", "社會救助科", ["蘇怡萱", "何俊傑", "高淑惠", "羅志偉", "梁雅雯"]),
    ("DEMO-DIST", "民政課", ["葉宗翰", "簡秀琴", "洪振興"]),
    ("DEMO-EDU-SCH", "學務處", ["曾婉婷", "彭冠宇"]),
    ("DEMO-SOC-CHILD", "保育組", ["江美玲", "傅信宏"]),
]

DEMO_PASSWORD = "demo-eap-114"


def _person(username, name, agency, category, title, unit, gender, born, hired, supervisor, number, password):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@demo.gov.tw"})
    if created:
        user.set_password(password) if password else user.set_unusable_password()
        user.save()
    employee, _ = Employee.objects.get_or_create(user=user, defaults=dict(
        employee_number=number, full_name=name, agency=agency, category=category, job_title=title, unit=unit,
        gender=gender, birth_date=born, hire_date=hired, is_supervisor=supervisor,
        rank_series=RankSeries.JUNIOR if category == Category.CIVIL_SERVANT else "",
        grade=7 if category == Category.CIVIL_SERVANT else None,
    ))
    return employee


def build(demo):
    agencies = {}
    for code, name, kind, parent, stress, phone, email in AGENCIES:
        agencies[code] = Agency.objects.filter(code=code).first() or services.create_agency(
            code=code, name=name, kind=kind, parent=agencies.get(parent), effective=TREE_FROM,
            is_high_stress=stress, contact_phone=phone, contact_email=email,
        )
    social = agencies["DEMO-SOC"]
    if social.name != "示範市政府社會局":
        # 社會處 became 社會局 in 2023: reports for 111 still group under the old name.
        services.rename_agency(social, name="示範市政府社會局", effective=datetime.date(2023, 1, 1), by=None,
                               reason="組織調整")
    demo.agencies = agencies

    password = demo.password
    people = {}
    for number, (username, name, code, category, title, unit, gender, born, hired, roles, sup) in enumerate(PEOPLE, 1):
        people[username] = _person(username, name, agencies[code], category, title, unit, gender, born, hired, sup,
                                   f"D{number:05d}", password)
        for role, scope in roles:
            RoleAssignment.objects.get_or_create(user=people[username].user, role=role, agency=agencies[scope])
        demo.logins.append((username, ", ".join(str(Role(r).label) for r, _ in roles) or _plain_role(username)))

    for subordinate in ("employee", "careofficer", "safety", "agencyhr", "eapofficer"):
        Employee.objects.filter(pk=people[subordinate].pk).update(direct_supervisor=people["supervisor"])
    Employee.objects.filter(pk=people["supervisor"].pk).update(direct_supervisor=people["convener"])
    Employee.objects.filter(pk=people["distworker"].pk).update(direct_supervisor=people["disteap"])

    User = get_user_model()
    for username, email, role, scope in OUTSIDERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        if created:
            user.set_password(password) if password else user.set_unusable_password()
            user.save()
        RoleAssignment.objects.get_or_create(user=user, role=role, agency=agencies[scope])
        demo.logins.append((username, str(Role(role).label)))

    serial = 100
    for code, unit, names in EXTRA_STAFF:
        for name in names:
            serial += 1
            _person(f"staff{serial}", name, agencies[code], Category.CIVIL_SERVANT, "科員", unit,
                    Gender.FEMALE if serial % 2 else Gender.MALE, datetime.date(1960 + serial % 35, serial % 12 + 1, 10),
                    datetime.date(1985 + serial % 38, 8, 1), False, f"D{serial:05d}", None)
    # A leaver whose account HR has not yet closed: it shows on the HR home's attention list.
    leaver = _person("leaver", "鍾志豪", agencies["DEMO-SOC"], Category.CONTRACT, "約聘研究員", "社會救助科",
                     Gender.MALE, datetime.date(1989, 2, 2), datetime.date(2015, 3, 1), False, "D00900", None)
    Employee.objects.filter(pk=leaver.pk, leave_date__isnull=True).update(leave_date=datetime.date(2024, 6, 30))
    demo.people = people
    _care_team(agencies["DEMO-SOC"], people)
    _correction_request(people["employee"])


def _correction_request(employee):
    """`employee` asked for a correction on 我的資料; the access approver (`approver`) has it to answer."""
    from agencies.models import CorrectionRequest, RecordCategory
    from agencies.my_data import ask_for_correction
    from core.actors import acting_as

    if CorrectionRequest.objects.filter(employee=employee).exists():
        return
    with acting_as(employee.user):
        ask_for_correction(employee, category=RecordCategory.PROFILE, what_is_wrong="分機號碼登錄為舊分機 2301。",
                           should_say="分機 2315。", by=employee.user)


def _care_team(agency, people):
    """社會局's care team: the convener, a care officer and a member; membership grants their roles."""
    from agencies.care_teams import sync_care_roles
    from agencies.models import CareTeam, CareTeamMember, Position, ReviewMeeting, Training

    team, created = CareTeam.objects.get_or_create(agency=agency, name="社會局員工關懷小組",
                                                   defaults={"established_on": datetime.date(2023, 3, 1)})
    if not created:
        return
    for username, position, phone in (("convener", Position.CONVENER, "07-3315001"),
                                      ("careofficer", Position.CARE_OFFICER, "07-3315002"),
                                      ("safety", Position.MEMBER, "")):
        person = people[username]
        CareTeamMember.objects.create(team=team, user=person.user, position=position, unit=person.unit, phone=phone,
                                      email=person.user.email, since=datetime.date(2023, 3, 1))
    officer = team.members.get(position=Position.CARE_OFFICER)
    Training.objects.create(member=officer, title="員工心理健康管理師培訓", hours=18, completed_on=datetime.date(2024, 9, 30),
                            certification="員工心理健康管理師", certified_on=datetime.date(2024, 10, 15))
    ReviewMeeting.objects.create(team=team, held_on=datetime.date(2024, 12, 20), summary="第4季個案追蹤及年度檢討。")
    sync_care_roles(team, by=None)


def _plain_role(username):
    from django.utils.translation import gettext

    if username == "supervisor":
        return gettext("Supervisor")
    return gettext("Employee")
