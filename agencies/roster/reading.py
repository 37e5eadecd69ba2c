"""From an uploaded file's bytes to a header and numbered rows of text cells.

CSV files come from Taiwanese personnel systems in UTF-8 (with or without a byte-order mark) or in
Big5/CP950. A user-defined character (造字) has no code in either, so decoding fails at it: that
cell is reported by line and column, never replaced silently. Lines are decoded one by one — in
UTF-8 and Big5 a newline byte is never part of a multi-byte character — so each failure is pinned
to its line. XLSX files are read with openpyxl in read-only mode (constant memory)."""
import codecs
import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

REPLACEMENT = "\ufffd"
ENCODINGS = {"utf-8": "UTF-8", "cp950": "Big5 (CP950)"}
XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    line: int  # as the file numbers it: the header is line 1 (for XLSX, the sheet's row number)
    cells: list
    # Byte sequences the encoding could not decode, in the order they appear on the row.
    undecodable: list = field(default_factory=list)


@dataclass
class Table:
    file_format: str  # "csv" or "xlsx"
    encoding: str  # "utf-8", "cp950" or "" for XLSX
    header: list
    header_line: int
    rows: list


def read_table(data, *, file_name="", encoding=None):
    """Read a roster file. `encoding` forces the CSV encoding ("utf-8" or "cp950"); otherwise it is
    told from the bytes. Raises UnreadableFile for a file that is neither CSV nor XLSX."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    if file_name.lower().endswith(".xls"):
        raise UnreadableFile(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or as CSV."))
    return _read_csv(data, encoding)


# --- CSV -------------------------------------------------------------------------------

def _big5_trail(byte):
    return 0x40 <= byte <= 0x7E or 0xA1 <= byte <= 0xFE


def _decode_line(raw, encoding):
    """The line as text, and the byte sequences that could not be decoded (each one REPLACEMENT)."""
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError:
        pass
    parts, bad, position = [], [], 0
    while position < len(raw):
        try:
            parts.append(raw[position:].decode(encoding))
            break
        except UnicodeDecodeError as error:
            parts.append(raw[position:position + error.start].decode(encoding))
            start, end = position + error.start, position + error.end
            # CP950 reports only the lead byte of an unmapped pair; its trail byte is part of the
            # same character (0xFA40 would otherwise leave a stray "@").
            if encoding == "cp950" and end - start == 1 and raw[start] >= 0x81 and end < len(raw) \
                    and _big5_trail(raw[end]):
                end += 1
            bad.append(raw[start:end])
            parts.append(REPLACEMENT)
            position = end
    return "".join(parts), bad


def _split_lines(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def _failures(lines, encoding):
    count = 0
    for line in lines:
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            count += 1
    return count


def _guess_encoding(lines):
    # A Big5 file is almost never valid UTF-8, and a UTF-8 file with Chinese text is almost never
    # valid CP950 throughout: the encoding with fewer failing lines is the file's.
    utf8 = _failures(lines, "utf-8")
    if utf8 == 0:
        return "utf-8"
    return "cp950" if _failures(lines, "cp950") <= utf8 else "utf-8"


def _read_csv(data, encoding):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with its byte-order mark, tab-separated.
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file starts as UTF-16 text but cannot be read as such.")) from None
        encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[len(codecs.BOM_UTF8):], "utf-8"
    if encoding not in (None, "", *ENCODINGS):
        raise ValueError(f"unknown encoding {encoding!r}")
    lines = _split_lines(data)
    encoding = encoding or _guess_encoding(lines)
    texts, bad_by_line = [], {}
    for number, raw in enumerate(lines, start=1):
        text, bad = _decode_line(raw, encoding)
        texts.append(text)
        if bad:
            bad_by_line[number] = bad
    try:
        dialect = csv.Sniffer().sniff("\n".join(texts[:5]), delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO("\n".join(texts) + "\n", newline=""), dialect)
    rows, header, header_line, start = [], None, 0, 1
    try:
        for cells in reader:
            end = reader.line_num
            if not any(cell.strip() for cell in cells):
                start = end + 1
                continue
            undecodable = [chunk for number in range(start, end + 1) for chunk in bad_by_line.get(number, ())]
            if header is None:
                header, header_line = cells, start
            else:
                rows.append(Row(start, cells, undecodable))
            start = end + 1
    except csv.Error as error:
        raise UnreadableFile(_("Line %(line)s cannot be read as CSV: %(error)s")
                             % {"line": reader.line_num, "error": error}) from None
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    if bad_by_line.get(header_line):
        raise UnreadableFile(_("The header (line %(line)s) cannot be read as %(encoding)s: choose the file's "
                               "encoding.") % {"line": header_line, "encoding": ENCODINGS[encoding]})
    return Table("csv", encoding, header, header_line, rows)


# --- XLSX ------------------------------------------------------------------------------

def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # employee numbers and compact ROC dates typed as numbers
    return str(value)


def _read_xlsx(data):
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise UnreadableFile(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        rows, header, header_line = [], None, 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header, header_line = cells, number
            else:
                rows.append(Row(number, cells))
    finally:
        workbook.close()
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    return Table("xlsx", "", header, header_line, rows)
