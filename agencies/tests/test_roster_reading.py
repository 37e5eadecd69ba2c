"""Roster files as personnel systems export them (issue 10, Import): UTF-8 with or without BOM,
Big5/CP950 told from the bytes or chosen by HR, XLSX with date and numeric cells, ROC dates, rare
characters kept, and user-defined characters (造字) reported on their row, never replaced."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from agencies.models import Employee, ImportState
from agencies.roster import columns
from agencies.roster.reading import read_table
from agencies.tests.roster_files import (
    HEADER,
    commit,
    cp950_bytes,
    csv_bytes,
    people_csv,
    person,
    run_import,
    table,
    xlsx_bytes,
)

MARCH_12_1976 = datetime.date(1976, 3, 12)


def _numbers(*numbers):
    return set(Employee.objects.filter(employee_number__in=numbers).values_list("employee_number", flat=True))


# --- Reading the bytes (no database) -------------------------------------------------------

def test_utf8_without_bom_is_told_from_the_bytes():
    found = read_table(csv_bytes(*table([person("N1", name="王小明")])), file_name="x.csv")
    assert (found.file_format, found.encoding) == ("csv", "utf-8")
    assert found.header == HEADER
    assert found.header_line == 1
    assert [(row.line, row.cells[:2]) for row in found.rows] == [(2, ["N1", "王小明"])]


def test_utf8_with_bom_loses_the_mark_from_the_first_header_cell():
    found = read_table(csv_bytes(*table([person("N1")]), bom=True), file_name="x.csv")
    assert found.encoding == "utf-8"
    assert found.header[0] == "員工編號"


def test_cp950_is_told_from_the_bytes():
    found = read_table(cp950_bytes(*table([person("N1", name="陳碁銹")])), file_name="x.csv")
    assert found.encoding == "cp950"
    assert found.header == HEADER
    assert found.rows[0].cells[1] == "陳碁銹"
    assert found.rows[0].undecodable == []


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter):
    found = read_table(csv_bytes(*table([person("N1"), person("N2")]), delimiter=delimiter), file_name="x.csv")
    assert found.header == HEADER
    assert [row.cells[0] for row in found.rows] == ["N1", "N2"]


def test_blank_lines_are_skipped_but_lines_keep_the_file_numbering():
    data = csv_bytes(*table([person("N1")])) + b",,\r\n\r\nN2,x,A\r\n"
    found = read_table(data, file_name="x.csv")
    assert [row.line for row in found.rows] == [2, 5]


def test_a_cp950_user_defined_character_is_kept_as_its_bytes_on_its_line():
    data = cp950_bytes(*table([person("N1"), person("N2", name="林@@明")]), raw={"@@": b"\xfa\x40"})
    found = read_table(data, file_name="x.csv")
    assert found.encoding == "cp950"
    assert found.rows[0].undecodable == []
    assert found.rows[1].undecodable == [b"\xfa\x40"]
    assert found.rows[1].cells[1] == "林\ufffd明"  # one character, not a replacement and a stray "@"


def test_xlsx_date_and_numeric_cells_become_text():
    header = ["員工編號", "姓名", "機關代碼", "人員類別", "性別", "出生日期", "到職日期", "職等"]
    rows = [[12345, "王小明", "A", "公務人員", "女", datetime.date(1976, 3, 12), 1000801, 7],
            [12346.0, "李小華", "A", "技工", "男", datetime.datetime(1980, 1, 2), "065/03/12", 7.0]]
    found = read_table(xlsx_bytes(header, rows), file_name="roster.xlsx")
    assert (found.file_format, found.encoding) == ("xlsx", "")
    assert found.rows[0].cells == ["12345", "王小明", "A", "公務人員", "女", "1976-03-12", "1000801", "7"]
    assert found.rows[1].cells[0] == "12346"
    assert found.rows[1].cells[5] == "1980-01-02"


def test_xlsx_is_recognised_by_its_bytes_whatever_its_name():
    found = read_table(xlsx_bytes(*table([person("N1")])), file_name="roster.csv")
    assert found.file_format == "xlsx"


@pytest.mark.parametrize("text", ["650312", "0650312", "65/3/12", "065/03/12", "1976-03-12", "65.3.12", "65年3月12日"])
def test_roc_and_iso_dates(text):
    assert columns.date(text) == MARCH_12_1976


def test_a_seven_digit_roc_date_has_a_three_digit_year():
    assert columns.date("1140220") == datetime.date(2025, 2, 20)


@pytest.mark.parametrize("text", ["65/13/12", "2025-02-30", "abc", "12"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(columns.CellError):
        columns.date(text)


def test_english_and_full_width_headers_are_recognised():
    positions, unknown = columns.map_header(["Employee Number", "ＮＡＭＥ", "agency_code", "category", "gender",
                                             "birth date", "hire_date", "備註"])
    assert set(positions) == {"employee_number", "full_name", "agency_code", "category", "gender", "birth_date",
                              "hire_date"}
    assert unknown == ["備註"]


# --- Through an import ---------------------------------------------------------------------

@pytest.mark.parametrize("bom", [False, True])
def test_utf8_import_keeps_rare_characters(cast, bom):
    by = cast.a_eap_officer.user
    data = people_csv(person("N1", name="林堃喆", 出生日期="65/3/12"), bom=bom)
    roster_import = run_import(data, agency=cast.a, by=by)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors
    assert roster_import.encoding == "utf-8"
    commit(roster_import, by=by)
    person_ = Employee.objects.get(employee_number="N1")
    assert person_.full_name == "林堃喆"
    assert person_.birth_date == MARCH_12_1976


@pytest.mark.parametrize("forced", ["", "cp950"])
def test_cp950_import_autodetected_or_forced(cast, forced):
    by = cast.a_eap_officer.user
    data = cp950_bytes(*table([person("N1", name="陳碁銹", 出生日期="065/03/12", 到職日期="1976-03-13")]))
    roster_import = run_import(data, agency=cast.a, by=by, encoding=forced)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors
    assert roster_import.encoding == "cp950"
    commit(roster_import, by=by)
    person_ = Employee.objects.get(employee_number="N1")
    assert (person_.full_name, person_.birth_date) == ("陳碁銹", MARCH_12_1976)


def test_a_cp950_file_forced_as_utf8_is_refused_at_its_header(cast):
    data = cp950_bytes(*table([person("N1")]))
    with translation.override("en"):
        roster_import = run_import(data, agency=cast.a, by=cast.a_eap_officer.user, encoding="utf-8")
    assert roster_import.state == ImportState.REFUSED
    assert roster_import.errors == [[0, "", "The header (line 1) cannot be read as UTF-8: choose the file's encoding."]]


def test_user_defined_characters_in_cp950_are_reported_per_row_and_nothing_is_written(cast):
    rows = [person("N1"), person("N2", name="林@@明"), person("N3", 單位="@@@@科")]
    data = cp950_bytes(*table(rows, HEADER + ["單位"]), raw={"@@": b"\xfa\x40"})
    with translation.override("en"):
        roster_import = run_import(data, agency=cast.a, by=cast.a_eap_officer.user)
    assert roster_import.state == ImportState.REFUSED
    assert [error[:2] for error in roster_import.errors] == [[3, "姓名"], [4, "單位"]]
    assert "Big5 (CP950)" in roster_import.errors[0][2]
    assert "bytes FA40)" in roster_import.errors[0][2]
    assert "造字" in roster_import.errors[0][2]
    assert "bytes FA40、FA40)" in roster_import.errors[1][2]
    assert _numbers("N1", "N2", "N3") == set()
    assert not get_user_model().objects.filter(username__in=["N1", "N2", "N3"]).exists()
    assert roster_import.upload == roster_import.staged == ""


def test_a_stray_byte_in_a_utf8_file_is_reported_on_its_row(cast):
    data = people_csv(person("N1", name="王小明"), person("N2", name="林XX明"))
    data = data.replace(b"XX", b"\xfa\x40")
    with translation.override("en"):
        roster_import = run_import(data, agency=cast.a, by=cast.a_eap_officer.user)
    assert roster_import.state == ImportState.REFUSED
    assert [error[:2] for error in roster_import.errors] == [[3, "姓名"]]
    assert "UTF-8 (bytes FA)" in roster_import.errors[0][2]
    assert _numbers("N1", "N2") == set()


def test_a_replacement_character_already_in_a_utf8_file_is_reported(cast):
    with translation.override("en"):
        roster_import = run_import(people_csv(person("N1", name="林\ufffd明")), agency=cast.a,
                                   by=cast.a_eap_officer.user)
    assert roster_import.state == ImportState.REFUSED
    assert [error[:2] for error in roster_import.errors] == [[2, "姓名"]]
    assert "(bytes EF BF BD)" in roster_import.errors[0][2]


def test_trailing_empty_cells_are_not_extra_cells(cast):
    header, rows = table([person("N1")])
    roster_import = run_import(csv_bytes(header, [rows[0] + ["", " "]]), agency=cast.a, by=cast.a_eap_officer.user)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors


def test_a_private_use_character_in_utf8_is_kept_with_a_warning(cast):
    by = cast.a_eap_officer.user
    with translation.override("en"):
        roster_import = run_import(people_csv(person("N1", name="林\ue000明")), agency=cast.a, by=by)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors
    assert len(roster_import.warnings) == 1
    line, column, message = roster_import.warnings[0]
    assert (line, column) == (2, "姓名")
    assert message.startswith("U+E000 is a user-defined character (造字): kept as it is")
    commit(roster_import, by=by)
    assert Employee.objects.get(employee_number="N1").full_name == "林\ue000明"


def test_xlsx_import_with_date_and_numeric_cells(cast):
    by = cast.a_eap_officer.user
    header = ["員工編號", "姓名", "機關代碼", "人員類別", "性別", "出生日期", "到職日期", "職等", "主管"]
    rows = [[20001, "王小明", "A", "公務人員", "女", datetime.date(1976, 3, 12), 1000801, 7, 1],
            ["20002", "李小華", "A1", "技工", "男", "65/3/12", datetime.datetime(2011, 8, 1), None, "否"]]
    roster_import = run_import(xlsx_bytes(header, rows), agency=cast.a, by=by, file_name="名冊.xlsx")
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors
    assert (roster_import.file_format, roster_import.created) == ("xlsx", 2)
    commit(roster_import, by=by)
    first, second = Employee.objects.filter(employee_number__in=["20001", "20002"]).order_by("employee_number")
    assert (first.birth_date, first.hire_date, first.grade, first.is_supervisor) == (
        MARCH_12_1976, datetime.date(2011, 8, 1), 7, True)
    assert (second.agency, second.birth_date, second.grade, second.is_supervisor) == (
        cast.a_sub, MARCH_12_1976, None, False)
    assert second.category == "technician"


def test_excel_unicode_text_utf16_with_tabs_is_read():
    from agencies.roster.reading import read_table

    table = read_table("員工編號\t姓名\n123\t王小明\n".encode("utf-16"), file_name="名冊.txt")
    assert table.encoding == "utf-8"
    assert table.header == ["員工編號", "姓名"] and table.rows[0].cells == ["123", "王小明"]


def test_full_width_employee_numbers_are_the_same_person():
    from agencies.roster.columns import identifier

    assert identifier("Ｅ００１ ") == identifier("e001") == "E001"
