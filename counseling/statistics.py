"""Counseling aggregates for HR and reviewers (DOMAIN §8, §9): how counseling is used, per agency,
provider, service, problem category or month, and the reconciliation (核銷) of each provider's
held sessions per month. Counts and sums only — no name, no booking, no row about one person —
and every figure is small-cell suppressed (core.suppression).

These queries read bookings and sessions of the reader's scope directly rather than through
`Booking.objects.visible_to`: HR and reviewers never see a booking (counseling.access), only these
aggregates. Only plain columns are read (`values_list`): nothing encrypted is loaded.

Hours are not counts of people, so they are not suppressed on their own: each hours figure is
published exactly when the count of the sessions it sums is (its *companion* count, suppressed with
the same totals and hierarchy). The hidden pattern is then the same for the hours as for a safe
count pattern over the same linear relations, so no total gives a hidden hours figure back either.
"""
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.access import held_roles
from agencies.models import Agency
from agencies.roles import Role
from core.suppression import TOTAL, TOTAL_LABEL, get_threshold, suppress, suppress_table
from counseling.models import Booking, LedgerEntry, Session, SessionState
from counseling.retention import statistics_person
from eap_portal.rocdates import TAIPEI, format_roc_month, roc_year, to_local_date
from plans.models import Contract, Plan, ProblemCategory, Provider, Service

USAGE_READERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR, Role.REVIEWER})
RECONCILERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
# The per-agency breakdown of the reconciliation is city HR's alone (DOMAIN §8).
BREAKDOWN_READERS = frozenset({Role.CITY_HR})

DIMENSIONS = {
    "agency": _("Agency"),
    "provider": _("Provider"),
    "service": _("Service"),
    "category": _("Problem category"),
    "month": _("Month"),
}

# The counts suppressed for the usage table. "charged" and "on_hold" are not shown: they are the
# companions of the two hours columns.
REQUESTS, HELD, CHARGED, ON_HOLD = "requests", "held", "charged", "on_hold"
USAGE_COUNTS = (REQUESTS, HELD, CHARGED, ON_HOLD)


@dataclass
class Report:
    """A suppressed table ready to show or export: `header` and `body` are display values (the
    page and the CSV/XLSX render the very same lists)."""

    header: list
    body: list
    marker: str
    raw: dict = field(default_factory=dict)  # the real figures, for tests only: never displayed

    def as_rows(self):
        return [self.header, *self.body]


def scope_roots(user, roles):
    """The agencies at the top of the user's scope for `roles` (nested ones fold into their parent)."""
    paths = sorted({held.agency_path for held in held_roles(user) if held.role in roles})
    roots = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    return list(Agency.objects.filter(path__in=roots).order_by("path"))


def _in_scope(roots, path_field):
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(**{f"{path_field}__startswith": root.path})
    return condition


def current_roc_year():
    return roc_year(timezone.localdate())


def _bounds(year):
    """The start and end (exclusive) of an ROC year in Taipei time."""
    gregorian = year + 1911
    return (datetime.datetime(gregorian, 1, 1, tzinfo=TAIPEI), datetime.datetime(gregorian + 1, 1, 1, tzinfo=TAIPEI))


def month_label(year, month):
    return format_roc_month(datetime.date(year + 1911, month, 1))


def number(value):
    """Hours and amounts as shown and exported: 3 rather than 3.0, 1.5 as it is."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


# --- Agency rows (a root, its direct children with their subtrees, and the root's own) ----------

def agency_rows(roots):
    """(rows, labels, hierarchy, prefixes): each root and under it its direct children (each with its
    whole subtree) plus "(its own)"; `prefixes` maps a path prefix to its leaf row, longest first."""
    rows, labels, hierarchy, prefixes = [], {}, {}, []
    for root in roots:
        children = list(Agency.objects.filter(parent=root).order_by("code"))
        top, own = ("agency", root.pk), ("own", root.pk)
        labels[top] = root.name
        labels[own] = gettext("%(agency)s (its own)") % {"agency": root.name}
        kids = [("agency", child.pk) for child in children] + [own]
        for child in children:
            labels[("agency", child.pk)] = child.name
            prefixes.append((child.path, ("agency", child.pk)))
        prefixes.append((root.path, own))
        rows += [top, *kids]
        hierarchy[top] = kids
    prefixes.sort(key=lambda item: -len(item[0]))
    return rows, labels, hierarchy, prefixes


def _leaf(prefixes, path):
    for prefix, row in prefixes:
        if path.startswith(prefix):
            return row
    return None


def _roll_up(hierarchy, values, columns):
    """Parent cells are the sums of their children's (the hierarchy's invariant)."""
    for parent, kids in hierarchy.items():
        for column in columns:
            values[(parent, column)] = sum(values.get((kid, column), 0) for kid in kids)


def _roll_up_people(hierarchy, people, columns):
    for parent, kids in hierarchy.items():
        for column in columns:
            people[(parent, column)] = set().union(*(people.get((kid, column), set()) for kid in kids))


def _few_people(people, counts):
    """Cells whose count is large but describes fewer than K people (one person's five sessions):
    they are hidden like a small count (DOMAIN §8: a figure about fewer than K people)."""
    k = get_threshold()
    return {key for key in counts if 0 < len(people.get(key, ())) < k}


# --- Usage ---------------------------------------------------------------------------------

def _plans_of_scope(roots, year):
    """The plans of the year that cover the scope: those of the roots' ancestors and of agencies inside."""
    ancestors = {pk for root in roots for pk in root.ancestor_ids()}
    return Plan.objects.filter(Q(owner_id__in=ancestors) | _in_scope(roots, "owner__path"), year=year)


def _usage_rows(by, roots, year, data_keys):
    """(rows, labels, hierarchy, key_of) for the dimension `by`. `key_of(record)` gives the rows a
    booking or session counts in (several for problem categories, none outside the scope)."""
    if by == "agency":
        rows, labels, hierarchy, prefixes = agency_rows(roots)
        leaf = {}

        def key_of(record):
            path = record["path"]
            if path not in leaf:
                leaf[path] = _leaf(prefixes, path)
            return [leaf[path]] if leaf[path] else []

        return rows, labels, hierarchy, key_of
    if by == "provider":
        plans = _plans_of_scope(roots, year)
        ids = set(Contract.objects.filter(plan__in=plans).values_list("provider_id", flat=True)) | data_keys["provider"]
        providers = list(Provider.objects.filter(pk__in=ids).order_by("name", "pk"))
        rows = [provider.pk for provider in providers]
        return rows, {p.pk: p.name for p in providers}, {}, lambda record: [record["provider"]]
    if by == "service":
        rows = list(Service.values)
        return rows, dict(Service.choices), {}, lambda record: [record["service"]]
    if by == "month":
        rows = list(range(1, 13))
        return rows, {m: month_label(year, m) for m in rows}, {}, lambda record: [record["month"]]
    # Problem categories are the plans' own; the same name in two plans is one row.
    plans = _plans_of_scope(roots, year)
    names = set(ProblemCategory.objects.filter(plan__in=plans).values_list("name", flat=True)) | data_keys["category"]
    rows = sorted(names) + [None]
    labels = {name: name for name in names} | {None: gettext("Not coded")}
    return rows, labels, {}, lambda record: record["categories"] or [None]


def usage(user, year, by="agency"):
    """Counseling use in ROC `year` in the user's scope, one row per value of `by`.

    Columns: requests (bookings made in the year); sessions held (by their date, Taipei time);
    hours used — the hours the ledger consumed for sessions of the year (held, and no-shows or late
    cancellations the plan charges; a family session counts its family charge; services outside the
    ledger count none); hours on hold — what sessions still scheduled hold. The hours columns are
    suppressed with their companion counts (sessions charged, sessions on hold).

    Agency rows roll up like core.statistics.duty_timeliness, so parent minus children cannot give
    back a hidden cell. A booking may carry several problem categories, so the category table has
    no total row (its rows do not add up to anything).
    """
    if by not in DIMENSIONS:
        raise ValueError(f"Unknown dimension {by!r}.")
    roots = scope_roots(user, USAGE_READERS)
    start, end = _bounds(year)
    bookings = Booking.objects.filter(_in_scope(roots, "agency__path"), created_at__gte=start, created_at__lt=end)
    sessions = Session.objects.filter(_in_scope(roots, "booking__agency__path"), starts_at__gte=start,
                                      starts_at__lt=end)
    categories = defaultdict(list)
    if by == "category" and roots:
        through = Booking.problem_categories.through.objects.filter(
            Q(booking__in=bookings.values("pk")) | Q(booking__in=sessions.values("booking_id")))
        for booking_id, name in through.values_list("booking_id", "problemcategory__name"):
            categories[booking_id].append(name)
    charged = {row["session"]: (row["consumed"], row["held"]) for row in LedgerEntry.objects.filter(
        session__in=sessions.values("pk")).values("session").annotate(consumed=Sum("consumed"), held=Sum("held"))}

    def record(booking_id, path, provider, service, when, employee_id, token, agency_id):
        # Who the figure is about: the employee (also once the booking is purged), or the agency.
        person = statistics_person(employee_id, token, agency_id)
        return {"path": path, "provider": provider, "service": service, "month": to_local_date(when).month,
                "categories": sorted(set(categories.get(booking_id, []))), "person": person}

    booking_records = [record(*row) for row in bookings.values_list(
        "pk", "agency__path", "provider_id", "service", "created_at", "employee_id", "person_token",
        "agency_id").iterator()
    ] if roots else []
    session_records = []
    if roots:
        for pk, state, *rest in sessions.values_list(
                "pk", "state", "booking_id", "booking__agency__path", "booking__provider_id", "booking__service",
                "starts_at", "booking__employee_id", "booking__person_token", "booking__agency_id").iterator():
            consumed, held = charged.get(pk, (Decimal(0), Decimal(0)))
            session_records.append((state, consumed, held, record(*rest)))
    data_keys = {"provider": {r["provider"] for r in booking_records} | {s[3]["provider"] for s in session_records},
                 "category": {name for r in booking_records for name in r["categories"]}
                 | {name for s in session_records for name in s[3]["categories"]}}
    rows, labels, hierarchy, key_of = _usage_rows(by, roots, year, data_keys)
    rows = rows if roots else []
    counts, hours, people = Counter(), defaultdict(Decimal), defaultdict(set)
    for booking in booking_records:
        for key in key_of(booking):
            counts[(key, REQUESTS)] += 1
            people[(key, REQUESTS)].add(booking["person"])
    for state, consumed, held, session in session_records:
        for key in key_of(session):
            if key not in labels:  # a data value the rows do not list (a provider of another plan)
                continue
            if state == SessionState.HELD:
                counts[(key, HELD)] += 1
                people[(key, HELD)].add(session["person"])
            if consumed > 0:
                counts[(key, CHARGED)] += 1
                hours[(key, CHARGED)] += consumed
                people[(key, CHARGED)].add(session["person"])
            if held > 0:
                counts[(key, ON_HOLD)] += 1
                hours[(key, ON_HOLD)] += held
                people[(key, ON_HOLD)].add(session["person"])
    _roll_up(hierarchy, counts, USAGE_COUNTS)
    _roll_up(hierarchy, hours, (CHARGED, ON_HOLD))
    _roll_up_people(hierarchy, people, USAGE_COUNTS)
    totals = by != "category"
    counts = {key: value for key, value in counts.items() if key[0] in labels}
    table = suppress_table(rows, USAGE_COUNTS, counts, row_totals=False, column_totals=totals, grand_total=False,
                           hierarchy=hierarchy or None, force_hidden=_few_people(people, counts))
    top = [row for row in rows if not any(row in kids for kids in hierarchy.values())]
    for column in (CHARGED, ON_HOLD):
        hours[(TOTAL, column)] = sum((hours[(row, column)] for row in top), Decimal(0))

    def line(row, label):
        def hours_cell(column):
            return table.marker if table.is_suppressed(row, column) else number(hours[(row, column)])

        return [str(label), table.display(row, REQUESTS), table.display(row, HELD), hours_cell(CHARGED),
                hours_cell(ON_HOLD)]

    header = [str(DIMENSIONS[by]), gettext("Requests"), gettext("Sessions held"), gettext("Hours used"),
              gettext("Hours on hold")]
    body = [line(row, labels[row]) for row in rows]
    if totals and rows:
        body.append(line(TOTAL, TOTAL_LABEL))
    raw = {(str(labels[row]), column): table.raw_value(row, column) for row in rows for column in USAGE_COUNTS}
    return Report(header, body, table.marker, raw)


# --- Reconciliation --------------------------------------------------------------------------

@dataclass
class Reconciliation:
    providers: Report           # per provider (contract) and month
    agencies: Report | None     # agency × provider for the whole year, city HR only


def _contract_labels(contracts):
    """The provider's name; the plan as well when one provider has several contracts here."""
    seen = Counter(contract.provider_id for contract in contracts)
    return {contract.pk: contract.provider.name if seen[contract.provider_id] == 1
            else f"{contract.provider.name} ({contract.plan})" for contract in contracts}


def _breakdown_allowed(user, roots):
    paths = [held.agency_path for held in held_roles(user) if held.role in BREAKDOWN_READERS]
    return bool(roots) and all(any(root.path.startswith(path) for path in paths) for root in roots)


def reconciliation(user, year, month=None):
    """Held sessions of the user's scope per provider contract and month: sessions, hours (their
    length), the contract's price per hour and the amount (hours × price), and each contract's
    total for the year. City HR also gets the year's sessions and hours per agency × provider.

    Suppression is always worked out for the whole year, and `month` only picks the lines shown:
    a month suppressed on its own would publish what the year's table hides (the year's total
    minus February gives January back). For the same reason the two tables are suppressed
    together, in one `suppress` call over every relation of both: a contract's total for the year
    is the first table's row total and the second's column total. There is no grand total of
    amounts: with the hours total, totals weighted by different prices would give back hidden
    per-provider hours.
    """
    roots = scope_roots(user, RECONCILERS)
    months = list(range(1, 13))
    start, end = _bounds(year)
    held = Session.objects.filter(_in_scope(roots, "booking__agency__path"), state=SessionState.HELD,
                                  starts_at__gte=start, starts_at__lt=end)
    records = (list(held.values_list("booking__contract_id", "starts_at", "hours", "booking__agency__path",
                                    "booking__employee_id", "booking__person_token", "booking__agency_id"))
               if roots else [])
    contracts = list(Contract.objects.filter(pk__in={r[0] for r in records}).select_related("provider", "plan")
                     .order_by("provider__name", "plan__year", "pk"))
    labels = _contract_labels(contracts)
    prices = {contract.pk: contract.price_per_hour for contract in contracts}
    breakdown = _breakdown_allowed(user, roots)

    cells, hours, relations = Counter(), defaultdict(Decimal), []
    for c in labels:
        for m in [*months, TOTAL]:
            cells[("m", c, m)] = 0
        relations.append((("m", c, TOTAL), [("m", c, m) for m in months]))
    rows, row_labels, hierarchy, prefixes = agency_rows(roots) if breakdown else ([], {}, {}, [])
    parent_of = {kid: parent for parent, kids in hierarchy.items() for kid in kids}
    if breakdown:
        top = [row for row in rows if row not in parent_of]
        for row in rows:
            for c in [*labels, TOTAL]:
                cells[("b", row, c)] = 0
            relations.append((("b", row, TOTAL), [("b", row, c) for c in labels]))
        for parent, kids in hierarchy.items():
            for c in [*labels, TOTAL]:
                relations.append((("b", parent, c), [("b", kid, c) for kid in kids]))
        cells[("b", TOTAL, TOTAL)] = 0
        for c in labels:  # the column total is the contract's total for the year
            relations.append((("m", c, TOTAL), [("b", row, c) for row in top]))
        relations.append((("b", TOTAL, TOTAL), [("b", row, TOTAL) for row in top]))
        relations.append((("b", TOTAL, TOTAL), [("m", c, TOTAL) for c in labels]))

    people = defaultdict(set)
    for contract_id, starts_at, length, path, employee_id, token, agency_id in records:
        keys = [("m", contract_id, to_local_date(starts_at).month), ("m", contract_id, TOTAL)]
        if breakdown:
            leaf = _leaf(prefixes, path)
            keys += [("b", leaf, contract_id), ("b", leaf, TOTAL), ("b", parent_of[leaf], contract_id),
                     ("b", parent_of[leaf], TOTAL), ("b", TOTAL, TOTAL)]
        for key in keys:
            cells[key] += 1
            hours[key] += length
            people[key].add(statistics_person(employee_id, token, agency_id))
    result = suppress(dict(cells), relations, force_hidden=_few_people(people, cells))
    hidden = result.is_suppressed

    def shown(key, value):
        return result.marker if hidden(key) else value

    def amount(key, contract_id):
        price = prices[contract_id]
        return "" if price is None else shown(key, number(hours[key] * price))

    header = [gettext("Provider"), gettext("Month"), gettext("Sessions held"), gettext("Hours held"),
              gettext("Price per hour (NT$)"), gettext("Amount (NT$)")]
    body = []
    for c, label in labels.items():
        price = "" if prices[c] is None else number(prices[c])
        for m in [month] if month else months:
            key = ("m", c, m)
            if cells[key] == 0 and not hidden(key):
                continue  # nothing to pay that month; a hidden zero stays, shown as hidden
            body.append([label, month_label(year, m), result.display(key), shown(key, number(hours[key])), price,
                         amount(key, c)])
        if not month:
            key = ("m", c, TOTAL)
            body.append([label, gettext("Year %(year)s") % {"year": year}, result.display(key),
                         shown(key, number(hours[key])), price, amount(key, c)])
    providers = Report(header, body, result.marker,
                       {(labels[c], m): cells[("m", c, m)] for c in labels for m in [*months, TOTAL]})

    agencies = None
    if breakdown:
        header = [gettext("Agency")]
        for label in labels.values():
            header += [gettext("%(provider)s: sessions") % {"provider": label},
                       gettext("%(provider)s: hours") % {"provider": label}]
        header += [gettext("All providers: sessions"), gettext("All providers: hours")]

        def line(row, text):
            out = [str(text)]
            for c in [*labels, TOTAL]:
                key = ("m", c, TOTAL) if row is TOTAL and c is not TOTAL else ("b", row, c)
                out += [result.display(key), shown(key, number(hours[key]))]
            return out

        body = [line(row, row_labels[row]) for row in rows] + [line(TOTAL, TOTAL_LABEL)]
        agencies = Report(header, body, result.marker,
                          {(str(row_labels[row]), labels[c]): cells[("b", row, c)] for row in rows for c in labels})
    return Reconciliation(providers, agencies)
