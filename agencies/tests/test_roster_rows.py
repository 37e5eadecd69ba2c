"""Each kind of bad row (issue 10, Import): the preview names its line, the column as the file heads
it, and the reason; the whole file is refused and nothing is written, the good rows included."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

from agencies.models import Employee, EmployeeChange, ImportState
from agencies.roster import jobs
from agencies.tests.factories import UserFactory
from agencies.tests.roster_files import (
    HEADER,
    csv_bytes,
    national_id,
    people_csv,
    person,
    run_import,
    table,
    xlsx_bytes,
)

VALID_ID = national_id("A", "12345678")
BAD_CHECK_DIGIT = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)


def _counts():
    return Employee.objects.count(), get_user_model().objects.count(), EmployeeChange.objects.count()


def refused(cast, data, *, agency=None, by=None, file_name="roster.csv"):
    """Import `data` into A as A's EAP officer; check nothing can be written and return the errors."""
    by = by or cast.a_eap_officer.user
    before = _counts()
    with translation.override("en"):
        roster_import = run_import(data, agency=agency or cast.a, by=by, file_name=file_name)
    assert roster_import.state == ImportState.REFUSED, roster_import.preview
    assert roster_import.upload == roster_import.staged == ""
    with pytest.raises(ValidationError):
        jobs.commit_import(roster_import, by=by)
    jobs.apply_import(roster_import.pk)
    assert _counts() == before
    return roster_import.errors


def bad_row(cast, **cells):
    """A good row on line 2 and the bad one on line 3; the bad row's errors."""
    return refused(cast, people_csv(person("GOOD1"), person("BAD1", **cells)))


@pytest.mark.parametrize("cells, column, reason", [
    ({"機關代碼": "ZZZ"}, "機關代碼", "No agency has the code ZZZ."),
    ({"機關代碼": "B"}, "機關代碼", "乙區公所 is not within 甲局, the agency this import is for."),
    ({"機關代碼": "CITY"}, "機關代碼", "測試市政府 is not within 甲局, the agency this import is for."),
    ({"出生日期": "65/13/40"}, "出生日期",
     "Cannot read 65/13/40 as a date: use 650312, 0650312, 65/3/12 or yyyy-mm-dd."),
    ({"到職日期": "2011-02-30"}, "到職日期", "There is no such date: 2011-02-30."),
    ({"到職日期": ""}, "到職日期", "Required."),
    ({"出生日期": "1000802"}, "出生日期", "The birth date must come before the hire date."),
    ({"離職日期": "0990101"}, "離職日期", "The leave date cannot come before the hire date."),
    ({"人員類別": "外星人"}, "人員類別", "Unknown employee category 外星人: use 公務人員, 教師, 教保人員, 約聘僱人員, "
                                       "技工, 駕駛, 工友, 駐衛警, 臨時人員, 清潔隊員 or 測量助理."),
    ({"官等": "特任"}, "官等", "Unknown rank 特任: use 委任, 薦任 or 簡任."),
    ({"職等": "15"}, "職等", "A grade is a number from 1 to 14."),
    ({"職等": "第十五職等"}, "職等", "A grade is a number from 1 to 14."),
    ({"職等": "0"}, "職等", "A grade is a number from 1 to 14."),
    ({"性別": "X"}, "性別", "Write 男, 女 or 其他."),
    ({"主管": "maybe"}, "主管", "Write 是 or 否."),
    ({"電子郵件": "not-an-address"}, "電子郵件", "Not an e-mail address."),
    ({"姓名": " "}, "姓名", "Required."),
    ({"員工編號": "X" * 31}, "員工編號", "Longer than 30 characters."),
    ({"直屬主管員工編號": "NOPE"}, "直屬主管員工編號",
     "No one on the roster or in this file has the employee number NOPE."),
    ({"直屬主管員工編號": "bad1"}, "直屬主管員工編號", "A person cannot be their own supervisor."),
])
def test_a_bad_cell(cast, cells, column, reason):
    assert bad_row(cast, **cells) == [[3, column, reason]]


def test_a_dissolved_agency(cast):
    cast.a_sub.dissolved_on = datetime.date(2024, 12, 31)
    cast.a_sub.save()
    assert bad_row(cast, 機關代碼="A1") == [[3, "機關代碼", "甲局附屬機關 has been dissolved."]]


def test_every_bad_cell_of_a_row_is_reported(cast):
    errors = bad_row(cast, 性別="X", 職等="15", 電子郵件="@")
    assert errors == [[3, "性別", "Write 男, 女 or 其他."], [3, "職等", "A grade is a number from 1 to 14."],
                      [3, "電子郵件", "Not an e-mail address."]]


def test_a_duplicate_employee_number(cast):
    errors = refused(cast, people_csv(person("N1"), person("N2"), person("n1", name="另一人")))
    assert errors == [[4, "員工編號", "This employee number is already on line 2."]]


@pytest.mark.parametrize("value, reason", [
    ("A12345", "Not a national ID or resident certificate number (one letter and nine characters)."),
    ("1234567890", "Not a national ID or resident certificate number (one letter and nine characters)."),
    (BAD_CHECK_DIGIT, "The national ID number's check digit does not match: check the number."),
])
def test_a_bad_national_id_is_refused_without_showing_it(cast, value, reason):
    errors = bad_row(cast, 身分證統一編號=value)
    assert errors == [[3, "身分證統一編號", reason]]
    assert value not in str(errors)


def test_the_same_national_id_twice_in_the_file(cast):
    value = national_id("F", "22345678")
    errors = refused(cast, people_csv(person("N1", 身分證統一編號=value), person("N2", 身分證統一編號=value.lower())))
    assert errors == [[3, "身分證統一編號", "The same national ID number is already on line 2."]]
    assert value not in str(errors)


def test_a_national_id_belonging_to_another_employee(cast):
    value = national_id("F", "22345678")
    cast.a_employee.set_national_id(value)
    cast.a_employee.save()
    errors = bad_row(cast, 身分證統一編號=value)
    assert errors == [[3, "身分證統一編號",
                       "This national ID number belongs to another employee number on the roster."]]
    assert value not in str(errors)


def test_a_national_id_differing_from_the_one_on_record(cast):
    cast.a_employee.set_national_id(national_id("F", "22345678"))
    cast.a_employee.save()
    other = national_id("F", "12345678")
    errors = bad_row(cast, 員工編號=cast.a_employee.employee_number, 身分證統一編號=other)
    assert errors == [[3, "身分證統一編號", "This national ID number differs from the one on record for this "
                                        "employee number."]]
    assert other not in str(errors)


def test_a_resident_certificate_number_is_accepted(cast):
    by = cast.a_eap_officer.user
    roster_import = run_import(people_csv(person("N1", 身分證統一編號="AC01234567")), agency=cast.a, by=by)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors


def test_extra_cells(cast):
    header, rows = table([person("N1"), person("N2")])
    rows[1] += ["多出來的"]
    errors = refused(cast, csv_bytes(header, rows))
    assert errors == [[3, "", "The row has more cells than the header has columns."]]


def test_a_missing_required_header_column(cast):
    header = [column for column in HEADER if column not in {"性別", "到職日期"}]
    errors = refused(cast, csv_bytes(header, [["N1", "王小明", "A", "公務人員", "0650312"]]))
    assert errors == [[1, "", "The header lacks the required columns: gender、hire date."]]


def test_a_column_given_twice(cast):
    errors = refused(cast, csv_bytes(HEADER + ["employee number"], [["N1", "王", "A", "公務人員", "女", "0650312",
                                                                       "1000801", "N1"]]))
    assert errors == [[1, "", "The column employee number appears twice in the header."]]


def test_a_header_only_file(cast):
    assert refused(cast, csv_bytes(HEADER, [])) == [[1, "", "The file has a header but no rows."]]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b" , ,\n"])
def test_an_empty_file(cast, data):
    assert refused(cast, data) == [[0, "", "The file is empty."]]


def test_an_empty_workbook(cast):
    assert refused(cast, xlsx_bytes([], []), file_name="roster.xlsx") == [[0, "", "The file is empty."]]


def test_an_old_excel_file(cast):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert refused(cast, data, file_name="名冊.XLS") == [
        [0, "", "Old Excel files (.xls) cannot be read: save the file as .xlsx or as CSV."]]


def test_a_broken_workbook(cast):
    assert refused(cast, b"PK\x03\x04 not really a zip", file_name="roster.xlsx") == [
        [0, "", "The file cannot be read as an Excel workbook (.xlsx)."]]


def test_a_user_name_taken_by_an_account_without_roster_entry(cast):
    UserFactory(username="N900")
    errors = refused(cast, people_csv(person("N1"), person("N900")))
    assert errors == [[3, "", "An account named N900 already exists and is not on the roster: rename that account "
                              "first."]]


def test_errors_of_several_rows_come_in_line_order(cast):
    data = people_csv(person("N1", 直屬主管員工編號="NOPE"), person("N2", 性別="?"), person("N1"))
    errors = refused(cast, data)
    assert [error[:2] for error in errors] == [[2, "直屬主管員工編號"], [3, "性別"], [4, "員工編號"]]
