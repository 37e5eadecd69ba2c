"""Every row of a roster file checked and turned into plain values, before anything is written.

A row's errors name its line, the column as the file heads it, and the reason in the reader's
language. National ID numbers become their keyed hash here; the staged rows carry only the hash."""
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agencies.models import Agency, Employee
from agencies.models.employee import national_id_hash
from agencies.roster import columns
from agencies.roster.reading import ENCODINGS, REPLACEMENT


def _required_date(cell):
    day = columns.date(cell)
    if day is None:
        raise columns.CellError(_("Required."))
    return day.isoformat()


def _optional_date(cell):
    day = columns.date(cell)
    return day.isoformat() if day else None


# The plain cells: key → reader (the checker reads the ones that need the roster itself).
_READERS = {
    "unit": lambda cell: columns.text(cell, max_length=80),
    "job_title": lambda cell: columns.text(cell, max_length=60),
    "phone": lambda cell: columns.text(cell, max_length=40),
    "direct_supervisor": lambda cell: columns.identifier(cell),
    "birth_date": _required_date, "hire_date": _required_date,
    "agency_since": _optional_date, "leave_date": _optional_date,
    "category": columns.category, "rank_series": columns.rank_series, "grade": columns.grade,
    "is_supervisor": columns.yes_no, "gender": columns.gender, "email": columns.email,
}
LOOKUP_CHUNK = 2000  # keeps IN (...) lists under SQLite's variable limit


@dataclass
class Staged:
    rows: list = field(default_factory=list)  # one dict per good row
    errors: list = field(default_factory=list)  # [line, column, reason]
    warnings: list = field(default_factory=list)  # [line, column, message]
    present: list = field(default_factory=list)  # the keys of the columns the file has


def chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


# The private-use areas (BMP and planes 15–16), where fonts of user-defined characters put them.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")


def _private_use(text):
    return [] if text.isascii() else _PRIVATE_USE.findall(text)


def _hex(chunk):
    return chunk.hex().upper()


class _RowChecker:
    """Reads one row's cells into values, collecting every cell's error."""

    def __init__(self, table, positions, scope, agencies_by_code):
        self.table, self.positions, self.scope = table, positions, scope
        self.agencies_by_code = agencies_by_code
        self.header = table.header

    def label(self, key):
        return self.header[self.positions[key]].strip()

    def check(self, row, staged):
        errors, values = [], {"line": row.line}
        cells = row.cells + [""] * (len(self.header) - len(row.cells))
        if any(cell.strip() for cell in cells[len(self.header):]):
            errors.append([row.line, "", _("The row has more cells than the header has columns.")])
        undecodable = list(row.undecodable)
        for key, position in self.positions.items():
            cell = cells[position]
            if REPLACEMENT in cell:
                found = [undecodable.pop(0) for _char in range(cell.count(REPLACEMENT)) if undecodable]
                if found or self.table.file_format == "csv":
                    codes = "、".join(_hex(chunk) for chunk in found) or "EF BF BD"
                    errors.append([row.line, self.label(key), _(
                        "A character here cannot be read as %(encoding)s (bytes %(bytes)s): probably a "
                        "user-defined character (造字). Replace it in the source file and import again.")
                        % {"encoding": ENCODINGS.get(self.table.encoding, self.table.encoding), "bytes": codes}])
                    continue
            if key != "national_id":
                for char in dict.fromkeys(_private_use(cell)):
                    staged.warnings.append([row.line, self.label(key), _(
                        "U+%(code)04X is a user-defined character (造字): kept as it is, it shows only where "
                        "the agency's own font is installed.") % {"code": ord(char)}])
            try:
                values[key] = self.read(key, cell)
            except columns.CellError as error:
                errors.append([row.line, self.label(key), error.reason])
        if not errors:
            errors += self.check_row(row.line, values)
        return values, errors

    def read(self, key, cell):
        return (getattr(self, f"read_{key}", None) or _READERS[key])(cell)

    def read_employee_number(self, cell):
        value = columns.identifier(cell)
        if not value:
            raise columns.CellError(_("Required."))
        return value

    def read_full_name(self, cell):
        value = columns.text(cell, max_length=60)
        if not value:
            raise columns.CellError(_("Required."))
        return value

    def read_national_id(self, cell):
        value = columns.national_id(cell)
        return national_id_hash(value) if value else ""

    def read_agency_code(self, cell):
        code = columns.text(cell, max_length=20)
        agency = self.agencies_by_code.get(code.upper())
        if agency is None:
            raise columns.CellError(_("No agency has the code %(code)s.") % {"code": code or "—"})
        if not agency.path.startswith(self.scope.path):
            raise columns.CellError(_("%(agency)s is not within %(scope)s, the agency this import is for.")
                                    % {"agency": agency.name, "scope": self.scope.name})
        if agency.dissolved_on is not None:
            raise columns.CellError(_("%(agency)s has been dissolved.") % {"agency": agency.name})
        return agency.pk

    def check_row(self, line, values):
        errors = []
        birth, hire = values["birth_date"], values["hire_date"]
        if birth >= hire:
            errors.append([line, self.label("birth_date"), _("The birth date must come before the hire date.")])
        leave = values.get("leave_date")
        if leave and leave < hire:
            errors.append([line, self.label("leave_date"), _("The leave date cannot come before the hire date.")])
        if values.get("direct_supervisor") == values["employee_number"]:
            errors.append([line, self.label("direct_supervisor"), _("A person cannot be their own supervisor.")])
        return errors


def stage(table, scope, *, progress=None):
    """Check every row of `table` for an import into `scope` (an agency and its subtree)."""
    staged = Staged()
    try:
        positions, unknown = columns.map_header(table.header)
    except columns.CellError as error:
        staged.errors.append([table.header_line, "", error.reason])
        return staged
    staged.present = sorted(positions)
    for text in unknown:
        staged.warnings.append([table.header_line, text, _("Column not recognised: ignored.")])
    if not table.rows:
        staged.errors.append([table.header_line, "", _("The file has a header but no rows.")])
        return staged
    agencies = {agency.code.upper(): agency for agency in Agency.objects.all()}
    checker = _RowChecker(table, positions, scope, agencies)
    first_line = {}
    for count, row in enumerate(table.rows, start=1):
        values, errors = checker.check(row, staged)
        number = values.get("employee_number")
        if number and number in first_line:
            errors.append([row.line, checker.label("employee_number"),
                           _("This employee number is already on line %(line)s.") % {"line": first_line[number]}])
        elif number:
            first_line[number] = row.line
        if errors:
            staged.errors += errors
        else:
            staged.rows.append(values)
        if progress and count % 2000 == 0:
            progress(count)
    _check_across_rows(staged, checker)
    return staged


def _check_across_rows(staged, checker):
    """Supervisors must exist; a national ID belongs to one employee number, in the file and on the roster."""
    rows = staged.rows
    numbers = {row["employee_number"] for row in rows}
    known = {}
    for chunk in chunks(numbers):
        known.update(Employee.objects.filter(employee_number__in=chunk).values_list("employee_number",
                                                                                  "national_id_hash"))
    wanted_bosses = {row["direct_supervisor"] for row in rows if row.get("direct_supervisor")} - numbers
    existing_bosses = set()
    for chunk in chunks(wanted_bosses):
        existing_bosses.update(Employee.objects.filter(employee_number__in=chunk).values_list("employee_number",
                                                                                             flat=True))
    hashes = {row["national_id"] for row in rows if row.get("national_id")}
    owners = {}
    for chunk in chunks(hashes):
        owners.update(Employee.objects.filter(national_id_hash__in=chunk).values_list("national_id_hash",
                                                                                    "employee_number"))
    bad_lines, seen_ids = set(), {}
    for row in rows:
        line, number, errors = row["line"], row["employee_number"], []
        boss = row.get("direct_supervisor")
        if boss and boss not in numbers and boss not in existing_bosses:
            errors.append([line, checker.label("direct_supervisor"),
                           _("No one on the roster or in this file has the employee number %(number)s.")
                           % {"number": boss}])
        hashed = row.get("national_id")
        if hashed:
            label = checker.label("national_id")
            if hashed in seen_ids:
                errors.append([line, label, _("The same national ID number is already on line %(line)s.")
                               % {"line": seen_ids[hashed]}])
            else:
                seen_ids[hashed] = line
            owner = owners.get(hashed)
            if owner is not None and owner != number:
                errors.append([line, label, _("This national ID number belongs to another employee number on "
                                              "the roster.")])
            on_record = known.get(number)
            if on_record and on_record != hashed:
                errors.append([line, label, _("This national ID number differs from the one on record for this "
                                              "employee number.")])
        if errors:
            staged.errors += errors
            bad_lines.add(line)
    if bad_lines:
        staged.rows = [row for row in rows if row["line"] not in bad_lines]
    staged.errors.sort(key=lambda error: error[0])
