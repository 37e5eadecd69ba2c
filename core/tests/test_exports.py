"""Exports: a CSV Excel opens as UTF-8, no cell a spreadsheet would run as a formula, ROC dates for
people and ISO dates for machines, and a sensitive export logged with exactly the rows it holds."""
import codecs
import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import openpyxl
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, StreamingHttpResponse

from agencies.tests.factories import UserFactory
from core import exports
from core.access_log import Purpose
from core.exports import Column, export_queryset, export_rows, queryset_rows, requested_format
from core.models import AccessAction, AccessLog

BOM = codecs.BOM_UTF8
DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\",\"臺北\")"]
# 2025-02-19 16:30 UTC is already 20 February in Taipei.
AWARE = datetime.datetime(2025, 2, 19, 16, 30, tzinfo=datetime.UTC)


def close(response):
    """Close a response as the test client does: without request_finished closing the test's
    database connection (which holds the test's transaction)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def read_back(response, fmt):
    """The cells of a downloaded file, row by row: strings in CSV, typed values in XLSX."""
    data = b"".join(response.streaming_content)
    close(response)
    if fmt == "csv":
        assert data.startswith(BOM)
        return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_sheet(response):
    data = b"".join(response.streaming_content)
    close(response)
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.fixture
def user(db):
    return UserFactory(username="auditor")


@pytest.fixture
def request_(rf, user):
    request = rf.get("/audit/access-log/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    return request


@pytest.fixture
def logs(user):
    """Five access-log rows to export (AccessLog is a real model that any test may write)."""
    record_type = ContentType.objects.get_for_model(AccessLog)
    AccessLog.objects.bulk_create(
        AccessLog(actor=user, record_type=record_type, record_ids=[str(n)], rows=n, action=AccessAction.READ,
                  purpose_kind="audit", purpose_ref=f"臺北市-{n}", path=f"/cases/{n}/")
        for n in range(1, 6))
    return list(AccessLog.objects.order_by("pk"))


COLUMNS = [
    Column("編號", "pk", "number"),
    Column("使用者", "actor__username"),
    Column("動作", "get_action_display"),
    Column("事由", "purpose_ref"),
    Column("筆數", "rows", "number"),
]


# --- Encoding ------------------------------------------------------------------------------------

def test_csv_starts_with_a_bom_and_keeps_zh_hant_text(request_):
    response = export_rows(request_, ["城市", "字"], [["臺北市", "𡘙"], ["高雄市", "鿕"]], filename="統計", fmt="csv")
    data = b"".join(response.streaming_content)
    assert data.startswith(BOM) and data.count(BOM) == 1
    assert data[len(BOM):].decode("utf-8").splitlines() == ["城市,字", "臺北市,𡘙", "高雄市,鿕"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_xlsx_keeps_zh_hant_text(request_):
    response = export_rows(request_, ["城市", "字"], [["臺北市", "𡘙"]], filename="統計", fmt="xlsx")
    assert read_back(response, "xlsx") == [["城市", "字"], ["臺北市", "𡘙"]]


# --- Formula injection ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_formula_prefix_is_written_as_text_with_a_quote(request_, fmt):
    response = export_rows(request_, ["值"], [[value] for value in DANGEROUS], filename="x", fmt=fmt)
    cells = [row[0] for row in read_back(response, fmt)[1:]]
    assert len(cells) == len(DANGEROUS)
    for cell, value in zip(cells, DANGEROUS):
        # XLSX stores a carriage return as _x000D_ (Excel decodes it; openpyxl leaves it as is).
        assert isinstance(cell, str) and cell.replace("_x000D_", "\r") == "'" + value


def test_no_xlsx_cell_is_a_formula(request_, logs):
    columns = [Column("值", lambda log: DANGEROUS[log.rows - 1]), Column("公式", lambda log: "=cmd|' /C calc'!A0")]
    sheet = xlsx_sheet(export_queryset(request_, AccessLog.objects.order_by("pk"), columns, filename="x", fmt="xlsx"))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)


def test_the_header_is_neutralised_too(request_):
    rows = read_back(export_rows(request_, ["=危險"], [[1]], filename="x", fmt="csv"), "csv")
    assert rows[0] == ["'=危險"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_numbers_stay_numbers_even_negative(request_, fmt):
    response = export_rows(request_, ["數"], [[-3], [Decimal("-1.5")], [0], ["-3"]], filename="x", fmt=fmt)
    cells = [row[0] for row in read_back(response, fmt)[1:]]
    if fmt == "csv":
        assert cells == ["-3", "-1.5", "0", "'-3"]  # only the text "-3" is quoted
    else:
        assert cells == [-3, -1.5, 0, "'-3"]
        assert isinstance(cells[0], int)


def test_a_number_column_passes_a_suppressed_marker_as_text():
    column = Column("人數", "count", "number")
    assert column.cell(SimpleNamespace(count=7)) == 7
    assert column.cell(SimpleNamespace(count="<5")) == "<5"
    assert Column("人數", "count").cell(SimpleNamespace(count=7)) == "7"  # a text column is text


# --- Dates ----------------------------------------------------------------------------------------

DATE_COLUMNS = [
    Column("日期", lambda log: AWARE, "date"),
    Column("時間", lambda log: AWARE, "datetime"),
    Column("ISO", lambda log: AWARE, "iso_date"),
    Column("ISO 日", lambda log: datetime.date(2025, 2, 20), "iso_date"),
    Column("記錄日", "at", "date"),
    Column("空", lambda log: None, "date"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_display_dates_are_roc_and_machine_dates_iso_in_taipei_time(request_, logs, fmt):
    from eap_portal.rocdates import format_roc_date

    response = export_queryset(request_, AccessLog.objects.filter(pk=logs[0].pk), DATE_COLUMNS,
                               filename="x", fmt=fmt)
    header, row = read_back(response, fmt)
    assert header == ["日期", "時間", "ISO", "ISO 日", "記錄日", "空"]
    assert row[:5] == ["114年2月20日", "114/02/20 00:30", "2025-02-20T00:30:00+08:00", "2025-02-20",
                       format_roc_date(logs[0].at)]
    assert row[5] in ("", None)  # an empty cell


# --- The access log -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_sensitive_export_logs_exactly_the_rows_it_exports(request_, user, logs, fmt):
    chosen = AccessLog.objects.filter(pk__in=[logs[4].pk, logs[1].pk, logs[2].pk]).order_by("-pk")
    response = export_queryset(request_, chosen, COLUMNS, filename="存取紀錄", fmt=fmt,
                               purpose=Purpose.audit("access_approver"))
    entry = AccessLog.objects.exclude(pk__in=[log.pk for log in logs]).get()  # exactly one new row
    expected = [logs[4].pk, logs[2].pk, logs[1].pk]
    assert entry.action == AccessAction.EXPORT and entry.actor == user
    assert entry.record_ids == [str(pk) for pk in expected] and entry.rows == 3
    assert entry.record_type == ContentType.objects.get_for_model(AccessLog)
    assert (entry.purpose_kind, entry.purpose_role, entry.ip_address, entry.path) == (
        "audit", "access_approver", "10.1.2.3", "/audit/access-log/")

    header, *rows = read_back(response, fmt)
    assert header == ["編號", "使用者", "動作", "事由", "筆數"]
    assert [int(row[0]) for row in rows] == expected  # the log row itself is not exported
    assert [str(row[3]) for row in rows] == ["臺北市-5", "臺北市-3", "臺北市-2"]


def test_a_sensitive_export_never_adds_rows_created_after_it_was_logged(request_, user, logs):
    response = export_queryset(request_, AccessLog.objects.order_by("pk"), COLUMNS, filename="x", fmt="csv",
                               purpose=Purpose.audit("access_approver"))
    entry = AccessLog.objects.latest("pk")
    AccessLog.objects.create(actor=user, record_type=entry.record_type, action=AccessAction.READ,
                             purpose_kind="audit")
    rows = read_back(response, "csv")[1:]
    assert [row[0] for row in rows] == entry.record_ids == [str(log.pk) for log in logs]


def test_a_logged_export_of_a_sliced_queryset_is_refused_before_it_is_logged(request_, logs):
    with pytest.raises(ValueError):
        export_queryset(request_, AccessLog.objects.order_by("pk")[:2], COLUMNS, filename="x", fmt="csv",
                        purpose=Purpose.audit("access_approver"))
    assert AccessLog.objects.count() == len(logs)


def test_rows_by_id_chunks_keep_the_order_of_the_ids(logs):
    ids = [logs[3].pk, logs[0].pk, logs[4].pk, logs[1].pk, logs[2].pk]
    rows = list(queryset_rows(AccessLog.objects.all(), COLUMNS[:1], ids=ids, chunk_size=2))
    assert [row[0] for row in rows] == ids


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_non_sensitive_export_writes_no_log(request_, logs, fmt):
    read_back(export_queryset(request_, AccessLog.objects.all(), COLUMNS, filename="x", fmt=fmt), fmt)
    read_back(export_rows(request_, ["a"], [[1]], filename="x", fmt=fmt), fmt)
    assert AccessLog.objects.count() == len(logs)


# --- Formats and responses ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "CSV", "", None])
def test_an_unknown_format_is_refused(request_, fmt):
    with pytest.raises(ValueError):
        export_rows(request_, ["a"], [[1]], filename="x", fmt=fmt)
    with pytest.raises(ValueError):
        export_queryset(request_, AccessLog.objects.none(), COLUMNS, filename="x", fmt=fmt,
                        purpose=Purpose.audit("access_approver"))
    assert not AccessLog.objects.exists()  # refused before anything is logged


def test_requested_format_reads_the_query_string(rf):
    assert requested_format(rf.get("/")) is None
    assert requested_format(rf.get("/"), default="csv") == "csv"
    assert requested_format(rf.get("/?format=xlsx")) == "xlsx"
    assert requested_format(rf.get("/?format=CSV")) == "csv"
    for bad in ("pdf", "html", "csv;x"):
        with pytest.raises(Http404):
            requested_format(rf.get("/", {"format": bad}))


def test_a_csv_export_streams_lazily(request_, logs, django_assert_num_queries):
    read = []

    def rows():
        for n in range(5000):
            read.append(n)
            yield [n, "臺北市" * 5]

    response = export_rows(request_, ["n", "城市"], rows(), filename="x", fmt="csv")
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert not hasattr(response, "content")  # there is no .content to build in memory
    chunks = iter(response.streaming_content)
    assert next(chunks) == BOM and read == []  # nothing read before the download starts
    next(chunks)
    assert 0 < len(read) < 5000  # one chunk read, the rest still waiting
    assert len(list(chunks)) > 1 and len(read) == 5000

    with django_assert_num_queries(0):  # a queryset export queries only when streamed
        response = export_queryset(request_, AccessLog.objects.order_by("pk"), COLUMNS, filename="x", fmt="csv")
    assert len(read_back(response, "csv")) == len(logs) + 1


def test_xlsx_has_a_bold_frozen_header_row(request_, logs):
    response = export_queryset(request_, AccessLog.objects.order_by("pk"), COLUMNS, filename="存取紀錄",
                               fmt="xlsx")
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = xlsx_sheet(response)
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == ["編號", "使用者", "動作", "事由", "筆數"]
    assert all(cell.font.b for cell in sheet[1])
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [log.pk for log in logs]
    assert sheet.cell(2, 2).value == "auditor" and sheet.cell(2, 3).value == str(AccessAction.READ.label)


def test_an_xlsx_too_long_for_excel_is_refused_not_cut(request_, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    with pytest.raises(ValueError):
        export_rows(request_, ["n"], [[n] for n in range(5)], filename="x", fmt="xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_keeps_its_zh_hant_name_with_an_ascii_fallback(request_, fmt):
    response = export_rows(request_, ["a"], [[1]], filename="使用統計 114年", fmt=fmt)
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"export.{fmt}\"; filename*=UTF-8''{quote(f'使用統計 114年.{fmt}', safe='')}")
    assert "no-store" in response["Cache-Control"]
    close(response)


def test_an_ascii_name_is_its_own_fallback_and_cannot_break_the_header():
    assert exports.content_disposition("access-log.csv", "csv") == (
        "attachment; filename=\"access-log.csv\"; filename*=UTF-8''access-log.csv")
    assert exports.content_disposition('a"b\r\n/../c', "xlsx") == (
        "attachment; filename=\"a_b_.._c.xlsx\"; filename*=UTF-8''a_b_.._c.xlsx")


# --- Columns --------------------------------------------------------------------------------------

def test_a_column_reads_paths_methods_callables_and_dicts(logs):
    log = AccessLog.objects.select_related("actor").get(pk=logs[0].pk)
    assert Column("", "actor__username").cell(log) == "auditor"
    assert Column("", "actor.username").cell(log) == "auditor"
    assert Column("", "get_action_display").cell(log) == str(AccessAction.READ.label)
    assert Column("", "person__full_name").cell(log) == ""  # None on the way is an empty cell
    assert Column("", lambda row: row.rows * 10, "number").cell(log) == 10
    assert Column("", "actor__username").cell({"actor__username": "x"}) == "x"
    with pytest.raises(ValueError):
        Column("", "pk", kind="money")


# --- Aggregates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_suppressed_table_exports_the_cells_the_page_shows(request_, fmt):
    from core.suppression import suppress_table

    counts = {("甲局", "諮商"): 2, ("甲局", "課程"): 30, ("乙區公所", "諮商"): 12, ("乙區公所", "課程"): 40}
    table = suppress_table(["甲局", "乙區公所"], ["諮商", "課程"], counts)
    header, *rows = table.as_rows(row_label="機關")
    assert any(cell == "<5" for row in rows for cell in row)
    exported = read_back(export_rows(request_, header, rows, filename="統計", fmt=fmt), fmt)
    expected = [[str(cell) for cell in row] for row in [header, *rows]]
    assert [["" if cell is None else str(cell) for cell in row] for row in exported] == expected
    assert AccessLog.objects.count() == 0
