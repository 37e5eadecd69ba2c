"""Duty timeliness for HR and reviewers: how many duties were done on time, late, or are overdue,
per agency, with small-cell suppression. Counts only: nobody is named (DOMAIN §1, §9)."""
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import held_roles
from agencies.models import Agency
from agencies.roles import Role
from core.models import Duty, DutyState
from core.suppression import suppress_table
from eap_portal.rocdates import roc_year

STATISTICS_READERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR, Role.REVIEWER})
COLUMNS = {
    "open": _("Open, not yet due"),
    "overdue": _("Overdue"),
    "on_time": _("Done on time"),
    "late": _("Done late"),
    "cancelled": _("Cancelled"),
}


def _column(state, due_at, done_at, now):
    if state == DutyState.CANCELLED:
        return "cancelled"
    if state == DutyState.DONE:
        return "on_time" if done_at <= due_at else "late"
    return "overdue" if due_at < now else "open"


def scope_roots(user):
    """The agencies at the top of the user's statistics scope (nested ones fold into their parent)."""
    paths = sorted({held.agency_path for held in held_roles(user) if held.role in STATISTICS_READERS})
    roots = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    return list(Agency.objects.filter(path__in=roots).order_by("path"))


def duty_timeliness(user, year, now=None):
    """A suppressed table: each root agency, and under it its direct child agencies (each with its
    whole subtree) plus the root's own duties, × the timeliness columns."""
    now = now or timezone.now()
    gregorian = year + 1911
    rows, hierarchy, row_of_path = [], {}, []
    for root in scope_roots(user):
        children = list(Agency.objects.filter(parent=root).order_by("code"))
        own_label = _("%(agency)s (its own)") % {"agency": root.name}
        rows.append(root.name)
        kids = [child.name for child in children] + [own_label]
        rows += kids
        hierarchy[root.name] = kids
        row_of_path += [(child.path, child.name) for child in children] + [(root.path, own_label)]
    counts = Counter()
    if rows:
        duties = Duty.objects.filter(due_at__year=gregorian).values_list("agency__path", "state", "due_at", "done_at")
        # The longest matching path wins: a child's subtree before the root's own.
        ordered = sorted(row_of_path, key=lambda item: -len(item[0]))
        for path, state, due_at, done_at in duties.iterator():
            for prefix, label in ordered:
                if path.startswith(prefix):
                    column = COLUMNS[_column(state, due_at, done_at, now)]
                    counts[(label, column)] += 1
                    break
        for parent, kids in hierarchy.items():
            for column in COLUMNS.values():
                counts[(parent, column)] = sum(counts[(kid, column)] for kid in kids)
    table = suppress_table(rows, list(COLUMNS.values()), dict(counts), hierarchy=hierarchy)
    return table


def current_roc_year():
    return roc_year(timezone.localdate())
