"""Importing a plan's courses from CSV (DOMAIN §5; issue 9: the 111 plan ships as data).

One entry point, import_file(), reads any of three files, told apart by their header: the catalogue
(the plan's detailed tables, one course a row), the targets (its summary table: sessions and
participants per topic category and format) and the goals of each topic category.

Every row is read and checked before anything is written: one bad row and nothing is imported, and
the report names every bad row by line, column and reason. Rows are matched on a natural key (a
course on plan, facet, table and number; a target on category and format; goals on facet and
category), so importing the same file again finds every row unchanged and writes nothing."""
import csv
import io
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from courses import import_rows as cells
from courses.models import Course, CourseSeries, CourseTarget, Facet, TopicCategory


class ImportFileError(ValueError):
    """The file as a whole cannot be imported: not UTF-8 text, not CSV, or a header of no known kind."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RowError(NamedTuple):
    line: int  # as in the file, the header being line 1
    column: str  # the header of the column as the file writes it
    reason: str


class RowWarning(NamedTuple):
    line: int
    message: str


@dataclass
class ImportReport:
    """What an import did (or, with errors, would not do). The counts are of courses, targets or
    categories' goals, by kind of file; series and categories created on the way are not counted."""

    kind: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[RowWarning] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        """One line for people: what the import did, or would do."""
        values = {"kind": cells.KINDS[self.kind].label, "created": self.created, "updated": self.updated,
                  "unchanged": self.unchanged}
        if self.dry_run:
            return _("%(kind)s, dry run (nothing written): %(created)s would be created, %(updated)s updated, "
                     "%(unchanged)s unchanged.") % values
        return _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % values


def import_file(source, plan, *, agency=None, dry_run=False) -> ImportReport:
    """Import a catalogue, targets or goals CSV file (a path, or a binary or text file object) into
    `plan`. Courses are run by `agency`, by default the plan's owner. With `dry_run`, everything is
    checked and counted and nothing is kept. Raises ImportFileError for a file of no known kind;
    bad rows are in the report's errors, and then nothing was imported."""
    records = _records(source)
    if not records:
        raise ImportFileError(_("The file is empty."))
    header = records[0][1]
    try:
        kind, columns = cells.read_header(header)
    except cells.HeaderError as error:
        raise ImportFileError(error.message) from None
    report = ImportReport(kind=kind.name, dry_run=dry_run)
    rows = [_Row(line, record, header, columns, report) for line, record in records[1:]
            if any(cell.strip() for cell in record)]
    importer = {cells.CATALOGUE: _import_catalogue, cells.TARGETS: _import_targets, cells.GOALS: _import_goals}[kind]
    importer(rows, plan, report, agency=agency)
    return report


def _records(source):
    """(line the record starts on, cells) for every record; quoted cells may span lines."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            data = file.read()
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    reader = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""))
    records, previous = [], 0
    try:
        for record in reader:
            records.append((previous + 1, record))
            previous = reader.line_num
    except csv.Error as error:
        raise ImportFileError(_("Line %(line)s cannot be read as CSV: %(error)s")
                              % {"line": reader.line_num, "error": error}) from None
    return records


class _Row:
    """One record's cells by column; a cell that cannot be read becomes a RowError and reads as None."""

    def __init__(self, line, record, header, columns, report):
        self.line, self.header, self.columns, self.report = line, header, columns, report
        self.values = {key: record[position] if position < len(record) else "" for key, position in columns.items()}
        self.bad = False
        if any(cell.strip() for position, cell in enumerate(record) if position not in columns.values()):
            self.report.errors.append(RowError(line, "", _("This row has cells outside the header's columns.")))
            self.bad = True

    def read(self, key, reader, **options):
        try:
            return reader(self.values.get(key, ""), **options)
        except cells.CellError as error:
            self.refuse(key, error.reason)
            return None

    def refuse(self, key, reason):
        column = self.header[self.columns[key]].strip() if key in self.columns else cells.COLUMN_NAMES[key][0]
        self.report.errors.append(RowError(self.line, column, reason))
        self.bad = True

    def warn(self, message):
        self.report.warnings.append(RowWarning(self.line, message))


@contextmanager
def _writing(report):
    # A dry run writes as the real one would, to count exactly, then rolls the savepoint back.
    with transaction.atomic():
        yield
        if report.dry_run:
            transaction.set_rollback(True)


def _save(report, model, instance, values):
    """Create, update or leave one row; an unchanged row is not saved at all."""
    if instance is None:
        model.objects.create(**values)
        report.created += 1
        return
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        report.unchanged += 1
        return
    for name in changed:
        setattr(instance, name, values[name])
    instance.save(update_fields=changed)
    report.updated += 1


def _duplicate(row, seen, key, column, message):
    """Whether an earlier row of the file has the same natural key (then this row is bad)."""
    if key in seen:
        row.refuse(column, message % {"line": seen[key]})
        return True
    seen[key] = row.line
    return False


# --- the catalogue ------------------------------------------------------------------------------------

def _import_catalogue(rows, plan, report, *, agency):
    categories = {(category.facet, category.name): category for category in TopicCategory.objects.filter(plan=plan)}
    series = {one.name: one for one in CourseSeries.objects.filter(plan=plan)}
    series_facets = {name: one.facet for name, one in series.items() if one.facet}
    courses, seen = [], {}
    for row in rows:
        course = _read_course(row, plan, categories, series_facets)
        key = course and (course["facet"], course["section"], course["number"])
        if course and not _duplicate(row, seen, key, "number",
                                     _("The same facet, table and number as line %(line)s.")):
            courses.append(course)
    if report.errors:
        return
    agency_id = agency.pk if agency else plan.owner_id
    with _writing(report):
        existing = {(course.facet, course.section, course.number): course
                    for course in Course.objects.filter(plan=plan, number__isnull=False)}
        for course in courses:
            series_name = course.pop("series_name")
            course["series_id"] = _series(plan, series, series_name, course["facet"]).pk if series_name else None
            course.update(plan_id=plan.pk, agency_id=agency_id)
            _save(report, Course, existing.get((course["facet"], course["section"], course["number"])), course)


def _read_course(row, plan, categories, series_facets):
    facet = row.read("facet", cells.read_facet)
    number = row.read("number", cells.read_row_number)
    section = row.read("section", cells.read_text, max_length=120)
    topic, sessions = _read_topic(row)
    schedule = row.read("dates", cells.read_schedule, sessions=sessions, plan_year=plan.year) if sessions else None
    planned_dates = row.read("dates", cells.read_text, max_length=120)
    per_session = row.read("per_session", cells.read_per_session)
    course_format = row.read("format", cells.read_format)
    audience = row.read("audience", cells.read_text)
    purpose = row.read("purpose", cells.read_text)
    series_name = row.read("series", cells.read_text, max_length=80)
    category = _read_category(row, facet, categories)
    if facet and series_name:
        series_facet = series_facets.setdefault(series_name, facet)
        if series_facet != facet:
            row.refuse("series", _("Series %(series)s belongs to the facet %(facet)s.")
                       % {"series": series_name, "facet": Facet(series_facet).label})
    if row.bad:
        return None
    for message in schedule.warnings:
        row.warn(message)
    return {
        "facet": facet, "section": section, "number": number, "topic": topic, "planned_sessions": sessions,
        "planned_dates": planned_dates, "first_date": schedule.first_date, "last_date": schedule.last_date,
        "date_warning": schedule.date_warning, "expected_per_session": per_session, "format": course_format,
        "audience_text": audience, "purpose": purpose, "category_id": category.pk if category else None,
        "series_name": series_name,
    }


def _read_topic(row):
    text = row.read("topic", cells.read_text, required=True)
    if text is None:
        return None, None
    try:
        topic, sessions = cells.split_sessions(text)
    except cells.CellError as error:
        row.refuse("topic", error.reason)
        return None, None
    topic = topic.strip()
    if not topic:
        row.refuse("topic", _("The topic is only a session marker."))
    elif len(topic) > Course._meta.get_field("topic").max_length:
        row.refuse("topic", _("The topic is longer than %(max)s characters.")
                   % {"max": Course._meta.get_field("topic").max_length})
    return topic, sessions


def _read_category(row, facet, categories):
    """Topic categories come from the targets and goals files: a catalogue row can only name one."""
    name = row.read("category", cells.read_text)
    if not name or not facet:
        return None
    category = categories.get((facet, name))
    if category is None:
        known = [known_name for known_facet, known_name in categories if known_facet == facet]
        if known:
            row.refuse("category", _("Unknown topic category %(name)s for this facet; its categories are: %(known)s.")
                       % {"name": f"「{name}」", "known": "、".join(known)})
        else:
            row.refuse("category", _("Unknown topic category %(name)s: this facet has no categories yet; import "
                                     "the targets or goals file first.") % {"name": f"「{name}」"})
    return category


def _series(plan, series, name, facet):
    if name not in series:
        order = max((one.order for one in series.values()), default=0) + 1
        series[name] = CourseSeries.objects.create(plan=plan, name=name, facet=facet, order=order)
    return series[name]


# --- targets and goals ----------------------------------------------------------------------------------

class _Categories:
    """The plan's topic categories, found by facet and name or created after the existing ones,
    in the order of the file."""

    def __init__(self, plan):
        self.plan = plan
        self.known = {(category.facet, category.name): category
                      for category in TopicCategory.objects.filter(plan=plan)}

    def get(self, facet, name):
        return self.known.get((facet, name))

    def create(self, facet, name, **values):
        order = max((category.order for category in self.known.values()), default=0) + 1
        self.known[facet, name] = TopicCategory.objects.create(plan=self.plan, facet=facet, name=name, order=order,
                                                               **values)
        return self.known[facet, name]

    def get_or_create(self, facet, name):
        return self.get(facet, name) or self.create(facet, name)


def _import_targets(rows, plan, report, *, agency):
    targets, seen = [], {}
    for row in rows:
        facet = row.read("facet", cells.read_facet)
        name = row.read("category", cells.read_text, max_length=200, required=True)
        course_format = row.read("format", cells.read_format)
        sessions = row.read("sessions", cells.read_count)
        participants = row.read("participants", cells.read_count)
        if not row.bad and not _duplicate(row, seen, (facet, name, course_format), "category",
                                          _("The same facet, category and format as line %(line)s.")):
            targets.append((facet, name, {"format": course_format, "sessions": sessions,
                                          "participants": participants}))
    if report.errors:
        return
    with _writing(report):
        categories = _Categories(plan)
        existing = {(target.category_id, target.format): target
                    for target in CourseTarget.objects.filter(category__plan=plan)}
        for facet, name, values in targets:
            category = categories.get_or_create(facet, name)
            values.update(plan_id=plan.pk, category_id=category.pk)
            _save(report, CourseTarget, existing.get((category.pk, values["format"])), values)


def _import_goals(rows, plan, report, *, agency):
    goals, seen = [], {}
    for row in rows:
        facet = row.read("facet", cells.read_facet)
        name = row.read("category", cells.read_text, max_length=200, required=True)
        text = row.read("goals", cells.read_text, required=True)
        if not row.bad and not _duplicate(row, seen, (facet, name), "category",
                                          _("The same facet and category as line %(line)s.")):
            goals.append((facet, name, text))
    if report.errors:
        return
    with _writing(report):
        categories = _Categories(plan)
        for facet, name, text in goals:
            category = categories.get(facet, name)
            if category is None:
                categories.create(facet, name, goals=text)
                report.created += 1
            else:
                _save(report, TopicCategory, category, {"goals": text})


