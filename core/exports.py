"""CSV and XLSX downloads of a queryset or an aggregate table, streamed in constant memory.

    fmt = requested_format(request)                       # None: show the page
    if fmt:
        return export_queryset(request, cases, COLUMNS, filename="個案清單", fmt=fmt,
                               purpose=Purpose.by_role(role))
    ...
    header, *rows = table.as_rows()                        # a suppressed aggregate
    return export_rows(request, header, rows, filename="使用統計", fmt=fmt)

Why it is written this way:

- **UTF-8 with a BOM.** Excel on zh-TW Windows reads a CSV without a BOM as Big5 (cp950), so
  臺北市 turns into mojibake and characters outside Big5 (𡘙) are lost. The BOM makes it read UTF-8.
- **Formula injection.** Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@`
  (and a tab or carriage return before one) as a formula, e.g. `=HYPERLINK(...)` in a name
  typed by a user. Every *string* cell starting with one of those characters gets a leading `'`,
  in CSV and XLSX alike, so both files show the same cell text; XLSX writes it with
  `write_string` and the workbook never turns strings into formulas, numbers or links.
  Numbers (int, float, Decimal) are written as numbers and never prefixed: -3 stays -3.
- **Constant memory.** A queryset is never loaded whole: rows are read 2,000 at a time and CSV is
  streamed (StreamingHttpResponse) as it is written. XLSX cannot be streamed while it is written
  (it is a zip), so xlsxwriter writes it row by row in `constant_memory` mode into a temporary
  file, which is then streamed (FileResponse). `bench/export_memory.py` checks that the memory
  stays flat from 10,000 to 100,000 rows.
- **The access log names exactly what is exported.** A sensitive export (one given a purpose)
  first reads the ids of the queryset, writes one AccessLog row with those ids and their count,
  then streams exactly those rows, in that order, by chunks of ids (a row deleted in between is
  skipped, never replaced by another). An aggregate export logs nothing: it names nobody.

Dates: a "date" column shows the ROC date (114年2月20日), a "datetime" column the ROC date and time
(114/02/20 14:05), both in Taipei time; an "iso_date" column is for machines: ISO 8601, aware
datetimes in Asia/Taipei with their offset (2025-02-20T14:05:00+08:00). None is an empty cell.
"""
import codecs
import csv
import datetime
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone

from core.access_log import record_access
from core.models.audit import AccessAction
from eap_portal.rocdates import TAIPEI, format_roc_date, format_roc_datetime

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "Column",
    "csv_stream",
    "export_queryset",
    "export_rows",
    "queryset_rows",
    "requested_format",
    "safe_cell",
    "write_xlsx",
]

FORMATS = ("csv", "xlsx")
KINDS = ("text", "number", "date", "datetime", "iso_date")
CHUNK_SIZE = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, header included
# What a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CSV_FLUSH_CHARS = 16 * 1024  # characters: at most 64 KiB of UTF-8 per chunk
_PATH_SEPARATOR = re.compile(r"__|\.")


# --- Cells --------------------------------------------------------------------------------------

def _is_number(value):
    return (isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            and (not isinstance(value, (float, Decimal)) or math.isfinite(value)))


def safe_cell(value):
    """The value as written to a file: a finite number stays a number, None is "", anything
    else becomes text, with a `'` in front when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)  # also renders lazy translations in the active language
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _iso(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, TAIPEI)
        return value.isoformat(timespec="seconds")
    return value.isoformat()


@dataclass(frozen=True)
class Column:
    """One column: its header (a lazy translation is fine), where its value comes from, and its kind.

    `value` is a callable(row) or an attribute path, "actor__username" or "actor.username"; a
    method found on the path is called (e.g. "get_action_display"), a None on the way gives None,
    and a dict row (a values() queryset) is looked up by the whole path first.
    `kind` is "text" (anything, shown as text), "number" (a number stays a number; a string such
    as a suppressed "<5" passes as text), "date" (ROC date), "datetime" (ROC date and time) or
    "iso_date" (ISO 8601 for machines); dates of aware datetimes are read in Taipei time.
    """

    header: Any
    value: str | Callable[[Any], Any]
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}: use one of {', '.join(KINDS)}.")
        if not (callable(self.value) or (isinstance(self.value, str) and self.value)):
            raise ValueError("A column's value is an attribute path or a callable.")

    def raw(self, row):
        if callable(self.value):
            return self.value(row)
        if isinstance(row, Mapping) and self.value in row:
            return row[self.value]
        value = row
        for part in _PATH_SEPARATOR.split(self.value):
            if value is None:
                return None
            value = value[part] if isinstance(value, Mapping) else getattr(value, part)
            if callable(value) and not isinstance(value, type):  # get_FOO_display is a partial
                value = value()
        return value

    def cell(self, row):
        """The display value of this column for `row`, before formula neutralising."""
        value = self.raw(row)
        if value is None or value == "":
            return ""
        if isinstance(value, datetime.date):  # datetime is a date too
            if self.kind == "date":
                return format_roc_date(value)
            if self.kind == "datetime":
                return format_roc_datetime(value)
            if self.kind == "iso_date":
                return _iso(value)
        if self.kind == "number" and _is_number(value):
            return value
        return str(value)


# --- Rows ---------------------------------------------------------------------------------------

def _objects(queryset, ids, chunk_size):
    if ids is None:
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start:start + chunk_size]
        found = {obj.pk: obj for obj in queryset.filter(pk__in=chunk).order_by()}
        for pk in chunk:  # the order of the ids, i.e. of the original queryset
            if pk in found:
                yield found.pop(pk)


def queryset_rows(queryset, columns, *, ids=None, chunk_size=CHUNK_SIZE):
    """Yield one list of display values per row, reading the queryset `chunk_size` rows at a time.

    With `ids`, exactly those rows in that order (those still in the queryset), by chunks of ids;
    the queryset must then be filterable (not sliced).
    """
    for obj in _objects(queryset, ids, chunk_size):
        yield [column.cell(obj) for column in columns]


# --- Writers ------------------------------------------------------------------------------------

class _Echo:
    """The csv module writes to a file; this one hands each line back instead of keeping it."""

    def write(self, value):
        return value


def csv_stream(header, rows):
    """Yield the CSV file as UTF-8 bytes, BOM first, a few dozen KiB at a time."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8
    buffer, size = [], 0
    for row in _with_header(header, rows):
        line = writer.writerow([safe_cell(value) for value in row])
        buffer.append(line)
        size += len(line)
        if size >= _CSV_FLUSH_CHARS:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def _with_header(header, rows):
    yield header
    yield from rows


def write_xlsx(header, rows, fileobj, *, sheet_name=None):
    """Write one worksheet (bold header row, frozen) to `fileobj` in xlsxwriter's constant memory.

    Returns the number of data rows. More rows than Excel holds is a ValueError, not a file
    silently cut short.
    """
    import xlsxwriter  # only the XLSX path needs it

    header = [safe_cell(value) for value in header]
    workbook = xlsxwriter.Workbook(fileobj, WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(sheet_name)
        bold = workbook.add_format({"bold": True})
        for col, title in enumerate(header):
            # A CJK character is about two Latin ones wide.
            width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(title))
            sheet.set_column(col, col, max(10, min(width + 2, 60)))
        sheet.freeze_panes(1, 0)
        _write_row(sheet, 0, header, bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            if count >= XLSX_MAX_ROWS:
                raise ValueError(f"An XLSX sheet holds at most {XLSX_MAX_ROWS - 1} rows; use CSV.")
            _write_row(sheet, count, [safe_cell(value) for value in row])
    finally:
        workbook.close()
    return count


def _write_row(sheet, row, cells, cell_format=None):
    for col, value in enumerate(cells):
        if isinstance(value, str):
            if value:
                sheet.write_string(row, col, value, cell_format)
        else:
            sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value,
                               cell_format)


# --- Responses ----------------------------------------------------------------------------------

def requested_format(request, default=None):
    """The export format asked for with ?format=csv|xlsx, or `default` when none is asked.

    Any other value is a 404: the view answers an unknown format as it answers an unknown URL,
    rather than quietly rendering the page or guessing a format.
    """
    fmt = request.GET.get("format")
    if fmt is None or fmt == "":
        return default
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    return fmt


def _check_format(fmt):
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: use csv or xlsx.")


def content_disposition(filename, fmt):
    """`attachment` with an ASCII name for old clients and the real (zh-Hant) one, RFC 6266."""
    name = "".join(ch for ch in str(filename) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[\\/"]', "_", name).strip(" .")
    if name.lower().endswith("." + fmt):
        name = name[: -len(fmt) - 1]
    name = name or "export"
    fallback = name if re.fullmatch(r"[A-Za-z0-9._ -]+", name) else "export"
    return (f'attachment; filename="{fallback}.{fmt}"; '
            f"filename*=UTF-8''{quote(f'{name}.{fmt}', safe='')}")


def _respond(header, rows, filename, fmt):
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows), content_type=CSV_CONTENT_TYPE)
    else:
        fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        try:
            write_xlsx(header, rows, fileobj)
            fileobj.seek(0)
        except BaseException:
            fileobj.close()
            raise
        response = FileResponse(fileobj, content_type=XLSX_CONTENT_TYPE)  # closes it when sent
    response["Content-Disposition"] = content_disposition(filename, fmt)
    response["Cache-Control"] = "private, no-store"
    return response


def export_queryset(request, queryset, columns, *, filename, fmt, purpose=None, person=None):
    """A CSV or XLSX download of `queryset`, one row per object, one cell per Column.

    With a `purpose` (a core.access_log.Purpose) the export is sensitive: one AccessLog row
    (action export, the exported ids, their count, `person`) is written before any row is read,
    and exactly those rows are exported. Without one, nothing is logged. `filename` is given
    without extension; `fmt` is "csv" or "xlsx" (anything else is a ValueError).
    """
    _check_format(fmt)
    ids = None
    if purpose is not None:
        if queryset.query.is_sliced or queryset.query.combinator:
            # Its rows are read back with filter(pk__in=...): refuse now, not half-way through a download.
            raise ValueError("A logged export needs a queryset that can be filtered (not sliced, no union).")
        ids = list(queryset.values_list("pk", flat=True))
        record_access(request, AccessAction.EXPORT, ids, model=queryset.model, purpose=purpose,
                      person=person, rows=len(ids))
    header = [column.header for column in columns]
    return _respond(header, queryset_rows(queryset, columns, ids=ids), filename, fmt)


def export_rows(request, header, rows, *, filename, fmt):
    """A CSV or XLSX download of an aggregate: `rows` is any iterable of lists of display values
    (e.g. a suppressed table's as_rows()[1:]). Nothing is logged: an aggregate names nobody.
    `request` is taken for the same call shape as export_queryset."""
    _check_format(fmt)
    return _respond(list(header), rows, filename, fmt)
