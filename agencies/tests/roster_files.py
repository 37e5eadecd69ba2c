"""Roster files for tests, built from a header and rows the way personnel systems export them."""
import codecs
import io

from agencies.roster import jobs

HEADER = ["員工編號", "姓名", "機關代碼", "人員類別", "性別", "出生日期", "到職日期"]
FULL_HEADER = HEADER + ["身分證統一編號", "單位", "職稱", "官等", "職等", "主管", "直屬主管員工編號", "到機關日期",
                        "離職日期", "電子郵件", "電話"]
ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"  # A=10 … in the order the check digit counts them


def national_id(letter, eight_digits):
    """A national ID number with its check digit, so tests never carry a real person's number."""
    first = ID_LETTERS.index(letter) + 10
    digits = [first // 10, first % 10] + [int(char) for char in eight_digits]
    total = sum(d * w for d, w in zip(digits, [1, 9, 8, 7, 6, 5, 4, 3, 2, 1]))
    return f"{letter}{eight_digits}{(10 - total % 10) % 10}"


def person(number, agency="A", name=None, **extra):
    """One row as a dict keyed by the Chinese header, with sensible defaults for the required columns."""
    row = {"員工編號": number, "姓名": name or f"員工{number}", "機關代碼": agency, "人員類別": "公務人員",
           "性別": "女", "出生日期": "0650312", "到職日期": "1000801"}
    row.update(extra)
    return row


def table(people, header=None):
    """Header and list rows from person() dicts; the header is every column any row uses, in order."""
    header = list(header or HEADER)
    for row in people:
        header += [key for key in row if key not in header]
    return header, [[row.get(key, "") for key in header] for row in people]


def _csv_text(header, rows, delimiter):
    # Written by hand rather than with csv.writer so a test controls every byte (no quoting).
    return "".join(delimiter.join(str(cell) for cell in line) + "\r\n" for line in [header, *rows])


def csv_bytes(header, rows, *, encoding="utf-8", bom=False, delimiter=","):
    data = _csv_text(header, rows, delimiter).encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def cp950_bytes(header, rows, *, raw=None, delimiter=","):
    """CP950 CSV; `raw` maps a placeholder in a cell to bytes put in as they are (造字 has no code)."""
    data = _csv_text(header, rows, delimiter).encode("cp950")
    for placeholder, replacement in (raw or {}).items():
        data = data.replace(placeholder.encode("ascii"), replacement)
    return data


def xlsx_bytes(header, rows):
    """An XLSX workbook; cells keep their Python type (dates become date cells, ints numeric cells)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_csv(*people, header=None, **options):
    return csv_bytes(*table(people, header), **options)


def run_import(data, *, agency, by, file_name="roster.csv", is_full=False, encoding="", today=None):
    """Upload and read a file; returns the import refreshed (PREVIEW or REFUSED)."""
    roster_import = jobs.start_import(agency=agency, data=data, file_name=file_name, by=by, is_full=is_full,
                                      encoding=encoding)
    jobs.read_import(roster_import.pk, today=today)
    roster_import.refresh_from_db()
    return roster_import


def commit(roster_import, *, by, today=None):
    """Confirm and write a previewed import; returns it refreshed."""
    jobs.commit_import(roster_import, by=by)
    jobs.apply_import(roster_import.pk, today=today)
    roster_import.refresh_from_db()
    return roster_import


def import_and_commit(data, *, agency, by, today=None, **options):
    return commit(run_import(data, agency=agency, by=by, today=today, **options), by=by, today=today)
