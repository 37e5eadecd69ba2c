"""Course reports for HR and reviewers (DOMAIN §5, §9): planned against held per facet, series or
month, and a plan's targets against its catalogue against what was held. Counts and sums only: no
row is about one person and nobody is named.

Scope: the courses run by agencies of the reader's subtree (courses.access.REPORT_READERS): an
agency's EAP officer or HR staff read their agency and the agencies below it, city HR and reviewers
the city. The reports read sessions and enrolments of that scope directly, not through
`Enrolment.objects.visible_to`: readers never see a roll here, only these aggregates.

What is suppressed, and why:

- Enrolled and attended are counts of people (enrolments, really: one person in five sessions
  counts five, so a cell about fewer than K *distinct* people is hidden as well). They go through
  core.suppression, with complementary suppression against every total the pages publish.
- Sessions (planned, scheduled, held, cancelled), courses and expected participants are not about
  people: they are the plan and the catalogue, which every employee can read. They are shown as
  they are. None of them is linked to a people count by a published relation, so showing them
  cannot give a hidden cell back.
- Learning hours attended are a sum over attendees: each hours figure is published exactly when
  its attended count is (its companion), as counseling.statistics does with its hours.

The three groupings of the activity report and the targets tables of the year's plans publish
totals of the same enrolments: the facet rows, the series rows and the month rows all add up to
the same total row, a series usually lies inside one facet (友善職場 is organisation and
management), and the plans' facet subtotals add up to the activity's facet rows. A cell hidden in
one table must not be published in another, so all of them are suppressed together, in one
`suppress` call over every such relation, and every page of the year reads the same result. Other
cross-classifications (a series against the months) are not relations of published cells and are
not modelled.
"""
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.suppression import TOTAL, TOTAL_LABEL, get_threshold, suppress
from courses.access import courses_reported_to, plans_reported_to
from courses.models import (
    Course,
    CourseFormat,
    CourseSession,
    CourseTarget,
    Enrolment,
    EnrolmentState,
    Facet,
    SessionState,
    TopicCategory,
)
from eap_portal.rocdates import TAIPEI, format_roc_month, roc_year
from plans.models import Plan

FACET, SERIES, MONTH = "facet", "series", "month"
GROUPINGS = {FACET: _("Facet"), SERIES: _("Series"), MONTH: _("Month")}
ENROLLED, ATTENDED = "enrolled", "attended"
FACETS = tuple(Facet.values)
FORMATS = tuple(CourseFormat.values)


@dataclass
class Report:
    """A table ready to show or export: `header` and `body` are display values, the same lists on
    the page and in the files. `kinds` tells the page which lines are subtotals and totals;
    `machine_header`/`machine` are extra columns for machines (ISO months), in the files only."""

    header: list
    body: list
    marker: str
    kinds: list = field(default_factory=list)
    machine_header: list = field(default_factory=list)
    machine: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)  # the real people counts, for tests only: never displayed

    @property
    def lines(self):
        return list(zip(self.kinds, self.body, strict=True))

    def export_rows(self):
        """Header first; every line as on the page, then its machine columns."""
        if not self.machine_header:
            return [self.header, *self.body]
        return [self.header + self.machine_header,
                *(cells + extra for cells, extra in zip(self.body, self.machine, strict=True))]


def current_roc_year():
    return roc_year(timezone.localdate())


def number(value):
    """Hours as shown and exported: 3 rather than 3.0, 1.5 as it is."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else value.normalize()


def courses_in_scope(user, year):
    return courses_reported_to(user, Course.objects.filter(plan__year=year))


def report_years(user):
    """The plan years with courses in the reader's scope, and this year, newest first."""
    years = set(courses_reported_to(user, Course.objects.all()).values_list("plan__year", flat=True)
                .distinct().order_by())
    return sorted(years | {current_roc_year()}, reverse=True)


def offered_plans(user):
    """The plans whose targets report the reader may read: plans of their own subtree (the keepers'
    subtree of courses.access; the city plan for city HR and reviewers) that have targets or courses.
    An agency reader does not get the city plan: its courses and attendance are the whole city's."""
    in_scope = courses_reported_to(user, Course.objects.all()).values("plan")
    return (plans_reported_to(user, Plan.objects.all())
            .filter(Q(pk__in=CourseTarget.objects.values("plan")) | Q(pk__in=in_scope))
            .select_related("owner").order_by("-year", "owner__path"))


def default_plan(plans):
    """This year's plan of the highest agency in scope (the city plan for city HR), else the newest."""
    current = current_roc_year()
    return next((plan for plan in plans if plan.year == current), plans[0] if plans else None)


# --- Rows -------------------------------------------------------------------------------------

def _grouped(queryset, by, course, when):
    """`queryset` grouped by `by`: `course` is the lookup path to the course ("" for a course),
    `when` the date or datetime whose month counts (read in Taipei time for a datetime)."""
    if by == FACET:
        return queryset.values(group=F(f"{course}facet"))
    if by == SERIES:
        return queryset.values(group=F(f"{course}series__name"))
    timed = {} if when == "first_date" else {"tzinfo": TAIPEI}
    return queryset.values(y=ExtractYear(when, **timed), m=ExtractMonth(when, **timed))


def _key(by, row):
    if by != MONTH:
        return row["group"]
    return None if row["y"] is None else (row["y"], row["m"])


def _rows(by, year, courses):
    """The rows of a grouping, in order: the four facets; the series by their order (the same name
    in two plans is one row) and "no series"; the twelve months of the year and any other month
    with a course or a session (a plan's typo dates are shown, not dropped), then "no planned date"."""
    if by == FACET:
        return list(FACETS)
    if by == SERIES:
        orders = {}  # name -> the lowest order of the series of that name (None: no series)
        for name, order in courses.values_list("series__name", "series__order").distinct().order_by():
            orders[name] = order if name not in orders or order is None else min(order, orders[name])
        named = sorted((name for name in orders if name is not None), key=lambda name: (orders[name], name))
        return named + ([None] if None in orders else [])
    months = {(year + 1911, month) for month in range(1, 13)}
    dated = set()
    for queryset, when, course in ((courses, "first_date", ""),
                                   (CourseSession.objects.filter(course__in=courses), "starts_at", "course__")):
        dated |= {_key(MONTH, row) for row in _grouped(queryset, MONTH, course, when).distinct().order_by()}
    rows = sorted(months | {key for key in dated if key is not None})
    return rows + ([None] if None in dated else [])


def _label(by, key):
    if by == FACET:
        return str(Facet(key).label)
    if by == SERIES:
        return key if key is not None else gettext("No series")
    return format_roc_month(datetime.date(key[0], key[1], 1)) if key else gettext("No planned date")


def _iso_month(key):
    return f"{key[0]:04d}-{key[1]:02d}" if key else ""


# --- Plan leaves (the targets table's rows) -----------------------------------------------------

def _order_formats(formats):
    return sorted(formats, key=FORMATS.index) or [None]


def _leaves(plans, courses):
    """{plan pk: {facet: [leaf]}}: a leaf is (facet, category pk or None, format or None). Each
    category of the facet, once per format it has a target or courses in; then the facet's
    uncategorised courses, always one line at least, so that the facet's totals compare fairly."""
    categories = defaultdict(list)  # (plan, facet) -> [category pk]
    for pk, plan, facet in TopicCategory.objects.filter(plan__in=plans).values_list("pk", "plan", "facet"):
        categories[(plan, facet)].append(pk)
    formats = defaultdict(set)  # (plan, facet, category) -> formats
    for plan, facet, category, fmt in CourseTarget.objects.filter(plan__in=plans).values_list(
            "plan", "category__facet", "category", "format"):
        formats[(plan, facet, category)].add(fmt)
    for plan, facet, category, fmt in courses.filter(plan__in=plans).values_list(
            "plan", "facet", "category", "format").distinct().order_by():
        formats[(plan, facet, category)].add(fmt)
        if category is not None and category not in categories[(plan, facet)]:
            categories[(plan, facet)].append(category)  # a course filed under another facet's category
    leaves = {}
    for plan in plans:
        leaves[plan] = {}
        for facet in FACETS:
            lines = []
            for category in [*categories[(plan, facet)], None]:
                lines += [(facet, category, fmt) for fmt in _order_formats(formats[(plan, facet, category)])]
            leaves[plan][facet] = lines
    return leaves


# --- People: one suppression for the year ------------------------------------------------------

@dataclass
class People:
    rows: dict      # grouping -> row keys
    leaves: dict    # plan pk -> facet -> leaves
    result: object  # core.suppression.SuppressionResult over every people cell of the year
    hours: dict     # key of an attended cell -> learning hours (published with it)

    def display(self, key):
        return self.result.display(key)

    def hours_display(self, key):
        return self.result.marker if self.result.is_suppressed(key) else number(self.hours.get(key, 0))


def _enrolments(courses):
    """Seats in sessions that were not cancelled: a cancelled enrolment or session teaches nobody."""
    return (Enrolment.objects.filter(session__course__in=courses, state=EnrolmentState.ENROLLED)
            .exclude(session__state=SessionState.CANCELLED))


# Named apart from the fields ("attended" is one): an annotation would shadow it in the filters.
PEOPLE_FIGURES = {
    f"{ENROLLED}_count": Count("pk"),
    f"{ATTENDED}_count": Count("pk", filter=Q(attended=True)),
    f"{ENROLLED}_people": Count("employee", distinct=True),
    f"{ATTENDED}_people": Count("employee", distinct=True, filter=Q(attended=True)),
}


def year_people(user, year):
    """Every people cell that a report of `year` publishes for this reader, suppressed together.

    Keys: ("g", grouping, row, column) and ("total", column) for the activity report, column
    ENROLLED or ATTENDED; ("p", plan, leaf), ("p", plan, facet) and ("p", plan, TOTAL) for the
    attended column of each plan's targets table."""
    courses = courses_in_scope(user, year)
    plan_ids = set(courses.values_list("plan", flat=True).distinct().order_by())
    plan_ids |= set(offered_plans(user).filter(year=year).values_list("pk", flat=True))
    plans = sorted(plan_ids)
    rows = {by: _rows(by, year, courses) for by in GROUPINGS}
    leaves = _leaves(plans, courses)
    enrolments = _enrolments(courses)

    cells, people, hours = Counter(), {}, defaultdict(Decimal)
    for column in (ENROLLED, ATTENDED):
        cells[("total", column)] = 0
        for by, keys in rows.items():
            for key in keys:
                cells[("g", by, key, column)] = 0
    for plan in plans:
        cells[("p", plan, TOTAL)] = 0
        for facet, lines in leaves[plan].items():
            cells[("p", plan, facet)] = 0
            for leaf in lines:
                cells[("p", plan, leaf)] = 0

    attended_hours = Sum(Coalesce("learning_hours", "session__hours"), filter=Q(attended=True))
    for by in GROUPINGS:
        grouped = _grouped(enrolments, by, "session__course__", "session__starts_at")
        for row in grouped.annotate(hours=attended_hours, **PEOPLE_FIGURES).order_by():
            key = _key(by, row)
            for column in (ENROLLED, ATTENDED):
                cells[("g", by, key, column)] = row[f"{column}_count"]
                people[("g", by, key, column)] = row[f"{column}_people"]
            hours[("g", by, key, ATTENDED)] = row["hours"] or Decimal(0)
    totals = enrolments.aggregate(hours=attended_hours, **PEOPLE_FIGURES)
    for column in (ENROLLED, ATTENDED):
        cells[("total", column)] = totals[f"{column}_count"]
        people[("total", column)] = totals[f"{column}_people"]
    hours[("total", ATTENDED)] = totals["hours"] or Decimal(0)

    plan_figures = {"count": PEOPLE_FIGURES[f"{ATTENDED}_count"], "people": PEOPLE_FIGURES[f"{ATTENDED}_people"]}
    course = "session__course__"
    for fields, key_of in (
            ((f"{course}plan", f"{course}facet", f"{course}category", f"{course}format"),
             lambda r: ("p", r[0], (r[1], r[2], r[3]))),
            ((f"{course}plan", f"{course}facet"), lambda r: ("p", r[0], r[1])),
            ((f"{course}plan",), lambda r: ("p", r[0], TOTAL))):
        for row in enrolments.values(*fields).annotate(**plan_figures).order_by():
            key = key_of([row[name] for name in fields])
            cells[key], people[key] = row["count"], row["people"]

    relations = _relations(rows, leaves, plans, courses)
    k = get_threshold()
    few = {key for key, count in people.items() if 0 < count < k}
    return People(rows, leaves, suppress(dict(cells), relations, force_hidden=few), dict(hours))


def _relations(rows, leaves, plans, courses):
    relations = []
    facets_of = defaultdict(set)  # series name -> the facets of its courses
    for facet, name in courses.values_list("facet", "series__name").distinct().order_by():
        facets_of[name].add(facet)
    for column in (ENROLLED, ATTENDED):
        for by, keys in rows.items():
            relations.append((("total", column), [("g", by, key, column) for key in keys]))
        for facet in FACETS:
            # A facet whose courses all lie in series of that facet alone is the sum of those series.
            series = [name for name, facets in facets_of.items() if facet in facets]
            if series and all(facets_of[name] == {facet} for name in series):
                relations.append((("g", FACET, facet, column), [("g", SERIES, name, column) for name in series]))
    for plan in plans:
        relations.append((("p", plan, TOTAL), [("p", plan, facet) for facet in FACETS]))
        for facet, lines in leaves[plan].items():
            relations.append((("p", plan, facet), [("p", plan, leaf) for leaf in lines]))
    if plans:
        for facet in FACETS:
            relations.append((("g", FACET, facet, ATTENDED), [("p", plan, facet) for plan in plans]))
        relations.append((("total", ATTENDED), [("p", plan, TOTAL) for plan in plans]))
    return relations


# --- The activity report ----------------------------------------------------------------------

ACTIVITY_COLUMNS = (
    _("Planned sessions"), _("Scheduled sessions"), _("Held sessions"), _("Cancelled sessions"),
    _("Expected participants"), _("Enrolled"), _("Attended"), _("Learning hours attended"),
)


def _planned(courses, by):
    """Planned sessions and expected participants (sessions × people per session, where the plan
    gives a number) per row. By month, a course counts in the month of its first planned date: the
    plan gives only the first and last dates of a run of sessions, and a course counted once keeps
    the month rows adding up to the same total as the facet rows."""
    expected = Sum(F("planned_sessions") * F("expected_per_session"))
    grouped = _grouped(courses, by, "", "first_date").annotate(planned=Sum("planned_sessions"), expected=expected)
    return {_key(by, row): (row["planned"] or 0, row["expected"] or 0) for row in grouped.order_by()}


def _sessions(courses, by):
    """Sessions by their own date: scheduled (not cancelled, held ones included), held (closed), cancelled."""
    cancelled = Q(state=SessionState.CANCELLED)
    grouped = _grouped(CourseSession.objects.filter(course__in=courses), by, "course__", "starts_at").annotate(
        scheduled=Count("pk", filter=~cancelled), held=Count("pk", filter=Q(state=SessionState.CLOSED)),
        cancelled=Count("pk", filter=cancelled))
    return {_key(by, row): (row["scheduled"], row["held"], row["cancelled"]) for row in grouped.order_by()}


def activity(user, year, by=FACET):
    """Planned against held in ROC `year` (the plans of that year) per `by`, with a total row."""
    if by not in GROUPINGS:
        raise ValueError(f"Unknown grouping {by!r}.")
    courses = courses_in_scope(user, year)
    people = year_people(user, year)
    planned, sessions = _planned(courses, by), _sessions(courses, by)

    def line(label, plan_figures, session_figures, key_of):
        return [label, plan_figures[0], *session_figures, plan_figures[1],
                people.display(key_of(ENROLLED)), people.display(key_of(ATTENDED)),
                people.hours_display(key_of(ATTENDED))]

    rows = people.rows[by]
    body = [line(_label(by, key), planned.get(key, (0, 0)), sessions.get(key, (0, 0, 0)),
                 lambda column, key=key: ("g", by, key, column)) for key in rows]
    body.append(line(str(TOTAL_LABEL), [sum(figures) for figures in zip((0, 0), *planned.values())],
                     [sum(figures) for figures in zip((0, 0, 0), *sessions.values())],
                     lambda column: ("total", column)))
    report = Report([str(GROUPINGS[by]), *map(str, ACTIVITY_COLUMNS)], body, people.result.marker,
                    kinds=["row"] * len(rows) + ["total"],
                    raw={(_label(by, key), column): people.result.raw_value(("g", by, key, column))
                         for key in rows for column in (ENROLLED, ATTENDED)})
    if by == MONTH:
        report.machine_header = [gettext("Month (ISO 8601)")]
        report.machine = [[_iso_month(key)] for key in rows] + [[""]]
    return report


# --- The targets report -----------------------------------------------------------------------

TARGET_COLUMNS = (
    _("Facet"), _("Topic category"), _("Format"), _("Target sessions"), _("Target participants"),
    _("Courses catalogued"), _("Sessions catalogued"), _("Participants expected"),
    _("Sessions: catalogued minus target"), _("Participants: expected minus target"), _("Held sessions"),
    _("Attended"),
)


def targets(user, plan):
    """The plan's summary table (its targets) beside its catalogue and what was held, per facet,
    topic category and format, with facet subtotals and a total. The targets are entered, never
    derived (DOMAIN §5): where they differ from the catalogue, the difference columns say by how much."""
    people = year_people(user, plan.year)
    courses = courses_in_scope(user, plan.year).filter(plan=plan)
    names = dict(TopicCategory.objects.filter(plan=plan).values_list("pk", "name"))
    names |= dict(TopicCategory.objects.filter(courses__in=courses).values_list("pk", "name"))
    target = {(facet, category, fmt): (sessions, participants) for facet, category, fmt, sessions, participants
              in CourseTarget.objects.filter(plan=plan).values_list(
                  "category__facet", "category", "format", "sessions", "participants")}
    catalogued = {(row["facet"], row["category"], row["format"]): (row["n"], row["planned"] or 0, row["expected"] or 0)
                  for row in courses.values("facet", "category", "format").annotate(
                      n=Count("pk"), planned=Sum("planned_sessions"),
                      expected=Sum(F("planned_sessions") * F("expected_per_session"))).order_by()}
    held = {(row["course__facet"], row["course__category"], row["course__format"]): row["n"]
            for row in CourseSession.objects.filter(course__in=courses, state=SessionState.CLOSED).values(
                "course__facet", "course__category", "course__format").annotate(n=Count("pk")).order_by()}

    def figures(leaves, always=False):
        """A leaf without a target line shows none (not a target of 0); subtotals and the total do."""
        has_target = always or any(leaf in target for leaf in leaves)
        goal = [sum(target.get(leaf, (0, 0))[i] for leaf in leaves) for i in range(2)]
        listed = [sum(catalogued.get(leaf, (0, 0, 0))[i] for leaf in leaves) for i in range(3)]
        difference = [listed[1] - goal[0], listed[2] - goal[1]]
        return [*(goal if has_target else ["", ""]), *listed, *(difference if has_target else ["", ""]),
                sum(held.get(leaf, 0) for leaf in leaves)]

    body, kinds, raw = [], [], {}
    every = []
    for facet in FACETS:
        leaves = people.leaves[plan.pk][facet]
        every += leaves
        facet_label = str(Facet(facet).label)
        for leaf in leaves:
            _, category, fmt = leaf
            category_label = names.get(category, "") if category is not None else gettext("Uncategorised")
            format_label = str(CourseFormat(fmt).label) if fmt else ""
            body.append([facet_label, category_label, format_label, *figures([leaf]),
                         people.display(("p", plan.pk, leaf))])
            kinds.append("row")
            raw[(facet, category_label, format_label)] = people.result.raw_value(("p", plan.pk, leaf))
        body.append([facet_label, gettext("Subtotal"), "", *figures(leaves, always=True),
                     people.display(("p", plan.pk, facet))])
        kinds.append("subtotal")
        raw[(facet, "subtotal", "")] = people.result.raw_value(("p", plan.pk, facet))
    body.append([str(TOTAL_LABEL), "", "", *figures(every, always=True), people.display(("p", plan.pk, TOTAL))])
    kinds.append("total")
    raw[("total", "", "")] = people.result.raw_value(("p", plan.pk, TOTAL))
    return Report([str(column) for column in TARGET_COLUMNS], body, people.result.marker, kinds=kinds, raw=raw)
