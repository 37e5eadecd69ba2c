"""The employee's private self-check (心情溫度計, DOMAIN §7 Decision (a)).

The result is the employee's own. At or above the plan's threshold (default 10), or with ★ ≥ 2,
contact by the care team is *offered*; only an acceptance sends anything anywhere — one duty for
the team serving the employee's agency, carrying the band (never the total or the answers) and the
hint to begin with sleep. The answers reach the care team only if the employee also agrees to share
them (`answers_shared_at`; surveys.access lets the duty's holder and the convener read it then).
Declining is simply not accepting: nothing is stored, nothing is sent.

★ ≥ 2 turns the result into the urgent-help screen, with a one-tap "contact me now" that creates an
urgent duty (due within two hours, escalated as soon as it is late).
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import CareTeam
from core import duties
from core.language import in_site_language
from core.models import DutyState
from core.working_days import add_working_days
from eap_portal.rocdates import TAIPEI, roc_year
from plans.services import plans_covering
from surveys import bsrs5
from surveys.models import Instrument, Screening, Setting

DEFAULT_THRESHOLD = 10
FOLLOW_UP_KIND = "screening_follow_up"
URGENT_KIND = "screening_urgent"
FOLLOW_UP_WORKING_DAYS = 3
URGENT_WITHIN = datetime.timedelta(hours=2)
END_OF_DAY = datetime.time(17, 30)  # a follow-up is due by the close of office hours

# The lines every result lists (the same words as the public urgent-help page).
NATIONAL_LINES = [
    ("1925", _("Ministry of Health and Welfare 24-hour mental health line")),
    ("1995", _("Lifeline (24 hours)")),
    ("1980", _("Teacher Chang")),
]


class NoCareTeam(Exception):
    """No care team serves the employee's agency (or it has no one to receive a duty)."""


class NotOffered(Exception):
    """Contact was not offered for this result (or "contact me now", without ★ ≥ 2)."""


@dataclass(frozen=True)
class Line:
    number: str
    name: str

    @property
    def dial(self):
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


# --- Reading a result -------------------------------------------------------------------------

def threshold_for(employee, on=None):
    """The follow-up threshold of the nearest plan covering the employee this year, else 10."""
    on = on or timezone.localdate()
    plans = plans_covering(employee, roc_year(on))
    return plans[0].screening_threshold if plans else DEFAULT_THRESHOLD


def score_of(screening):
    """The stored result as a bsrs5.Score (total, band, star)."""
    result = screening.result or {}
    return bsrs5.Score(total=result["total"], band=bsrs5.Band(result["band"]), star=result["star"])


def lines_to_call(employee, on=None):
    """1925, 1995, 1980, then the single-window hotlines and the unlimited lines of the plans
    covering the employee (nearest plan first); each number once."""
    on = on or timezone.localdate()
    lines = [Line(number, str(name)) for number, name in NATIONAL_LINES]
    for plan in plans_covering(employee, roc_year(on)):
        if plan.hotline:
            lines.append(Line(plan.hotline, gettext("Single window: %(owner)s") % {"owner": plan.owner.name}))
        for unlimited in plan.unlimited_lines.all():
            if any(ch.isdigit() for ch in unlimited.phone) and not unlimited.phone.startswith("http"):
                lines.append(Line(unlimited.phone, unlimited.name))
    seen, unique = set(), []
    for line in lines:
        if line.dial and line.dial not in seen:
            seen.add(line.dial)
            unique.append(line)
    return unique


def single_windows(employee, on=None):
    """The single-window hotlines of the plans covering the employee, for the urgent screen."""
    on = on or timezone.localdate()
    return [Line(plan.hotline, plan.owner.name) for plan in plans_covering(employee, roc_year(on)) if plan.hotline]


def serving_team(employee):
    """The care team serving the employee's agency: the nearest agency's team first."""
    return (CareTeam.objects.serving(employee.agency).select_related("agency")
            .order_by("-agency__depth", "pk").first())


def own_self_checks(user, employee):
    """The employee's own self-checks, through the scoped queryset."""
    return Screening.objects.visible_to(user).filter(employee=employee, setting=Setting.SELF_CHECK,
                                                     instrument=Instrument.BSRS5)


# --- Taking it ----------------------------------------------------------------------------------

@transaction.atomic
def take_self_check(employee, *, ratings, star, by, on=None):
    """Score and store one self-check. Answers and result are encrypted by the model."""
    on = on or timezone.localdate()
    result = bsrs5.score(ratings, star)
    return Screening.objects.create(
        employee=employee, instrument=Instrument.BSRS5, setting=Setting.SELF_CHECK, taken_on=on,
        answers={"ratings": list(ratings), "star": star},
        result={"total": result.total, "band": str(result.band), "star": result.star},
        contact_offered=result.needs_follow_up(threshold_for(employee, on)), created_by=by,
    )


# --- Accepting contact ----------------------------------------------------------------------------

def _note(score, urgent):
    with translation.override(settings.LANGUAGE_CODE):
        lines = [gettext("The person accepted contact by the care team after a self-check."),
                 gettext("Result: %(band)s.") % {"band": bsrs5.Band(score.band).label}]
        if urgent:
            lines.append(gettext("They asked to be contacted now: please call them as soon as possible."))
        lines.append(gettext("Begin by asking how they are sleeping."))
        return "\n".join(lines)


def _route(screening, *, kind, title, due_at, remind_before, escalate_after, urgent):
    team = serving_team(screening.employee)
    if team is None:
        raise NoCareTeam
    try:
        return duties.create_duty(
            kind=kind, title=in_site_language(title), due_at=due_at, team=team, person=screening.employee,
            subject=screening, remind_before=remind_before, escalate_after=escalate_after, urgent=urgent,
            note=_note(score_of(screening), urgent))
    except duties.NoOneToAssign as error:
        raise NoCareTeam from error


def _follow_up_due(agency, today):
    day = add_working_days(today, FOLLOW_UP_WORKING_DAYS, agency)
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=TAIPEI)


def _locked(screening):
    # Two taps (or two tabs) on the same result must not make two duties: lock the screening row.
    # `of` keeps the lock off the nullable duty join, which PostgreSQL refuses to lock.
    return (Screening.objects.select_for_update(of=("self",)).select_related("employee__agency", "duty")
            .get(pk=screening.pk))


def _share(screening, share_answers, now):
    if share_answers and screening.answers_shared_at is None:
        screening.answers_shared_at = now


@transaction.atomic
def accept_contact(screening, *, share_answers=False, by, now=None):
    """The employee accepts contact: one follow-up duty for the team serving their agency.
    Accepting again creates nothing more (it may add the sharing of the answers).
    Raises NoCareTeam when no team can receive it; nothing is stored then."""
    now = now or timezone.now()
    screening = _locked(screening)
    if not screening.contact_offered:
        raise NotOffered("Contact was not offered for this self-check.")
    if screening.duty_id is None:
        screening.duty = _route(
            screening, kind=FOLLOW_UP_KIND, title=_("Follow-up after a self-check"),
            due_at=_follow_up_due(screening.employee.agency, timezone.localdate(now)),
            remind_before=datetime.timedelta(days=1), escalate_after=datetime.timedelta(days=1), urgent=False)
        screening.contact_accepted_at = now
    _share(screening, share_answers, now)
    screening.save()
    return screening


@transaction.atomic
def contact_now(screening, *, share_answers=False, by, now=None):
    """★ ≥ 2: the employee asks to be contacted now. One urgent duty, due within two hours and
    escalated as soon as it is late. A follow-up accepted earlier and still open is cancelled in
    its favour, so the team holds one duty about this self-check."""
    now = now or timezone.now()
    screening = _locked(screening)
    if not score_of(screening).urgent:
        raise NotOffered("Contact now is offered only when the ★ item is rated 2 or more.")
    current = screening.duty
    if current is None or not current.urgent:
        urgent = _route(screening, kind=URGENT_KIND, title=_("Urgent: contact requested now"),
                        due_at=now + URGENT_WITHIN, remind_before=datetime.timedelta(hours=1),
                        escalate_after=datetime.timedelta(0), urgent=True)
        if current is not None and current.state == DutyState.OPEN:
            duties.cancel_duty(current, reason=in_site_language(_("Replaced by an urgent request to be contacted.")))
        screening.duty = urgent
        screening.contact_accepted_at = screening.contact_accepted_at or now
    _share(screening, share_answers, now)
    screening.save()
    return screening


# --- The history chart -------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 320, 180
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 28, 10, 10, 24
CHART_MAX = 20
BAND_LINES = [(6, bsrs5.Band.MILD), (10, bsrs5.Band.MODERATE), (15, bsrs5.Band.SEVERE)]
CHART_POINTS = 20  # the most recent self-checks drawn; the list below shows them all


def _y(total):
    inner = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    return round(CHART_TOP + inner * (1 - total / CHART_MAX), 1)


def history_chart(entries):
    """An inline SVG line chart of totals over time, drawn in the template from these numbers.
    `entries`: (taken_on, total) oldest first. Points are evenly spaced, one per self-check."""
    entries = list(entries)[-CHART_POINTS:]
    if not entries:
        return None
    inner = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    step = inner / (len(entries) - 1) if len(entries) > 1 else 0
    points = []
    for index, (day, total) in enumerate(entries):
        x = round(CHART_LEFT + (step * index if len(entries) > 1 else inner / 2), 1)
        points.append({"x": x, "y": _y(total), "total": total, "day": day})
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": CHART_LEFT, "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP, "bottom": _y(0), "label_y": CHART_HEIGHT - 6,
        "points": points, "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "bands": [{"at": at, "y": _y(at), "label_y": _y(at) - 2, "band": band} for at, band in BAND_LINES],
        "axis_x": CHART_LEFT - 4, "zero_y": _y(0) + 4, "max_y": _y(CHART_MAX) + 4,
        "first": points[0], "last": points[-1],
    }
