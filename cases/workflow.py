"""Every case's states and allowed moves, in one place (DOMAIN §6).

The seeds' flowcharts lost their arrows; these tables are our reading of them. Each kind has one
table (general cases one per origin, since a referral and a misconduct complaint add a follow-up
of improvement before closing). A closed case may be reopened with a reason, into the state where
care continues. `move_case` is the only writer of `Case.state`: it refuses a move the table does
not allow, or one whose condition (below) is not met, and writes the timeline entry in the same
transaction.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseKind, CaseState, EntryKind, EscalationDecision, Origin, TimelineEntry
from cases.models import CaseState as S


class IllegalMove(ValidationError):
    pass


GENERAL_SELF_APPLIED = {  # 附件二
    S.RECEIVED: {S.ASSESSED},
    S.ASSESSED: {S.IN_SERVICE, S.CLOSED},  # closed: no service needed, or declined
    S.IN_SERVICE: {S.CLOSED},
    S.CLOSED: {S.IN_SERVICE},  # reopened
}
GENERAL_REFERRAL = {  # 附件三
    S.RECEIVED: {S.ASSESSED},
    S.ASSESSED: {S.IN_SERVICE},
    S.IN_SERVICE: {S.FOLLOW_UP},
    S.FOLLOW_UP: {S.IN_SERVICE, S.CLOSED},
    S.CLOSED: {S.IN_SERVICE},
}
GENERAL_MISCONDUCT = {  # 001 陸.三.(四).7: care for the complainant, then follow-up of their adaptation
    S.RECEIVED: {S.ASSESSED},
    S.ASSESSED: {S.IN_SERVICE, S.CLOSED},
    S.IN_SERVICE: {S.FOLLOW_UP},
    S.FOLLOW_UP: {S.IN_SERVICE, S.CLOSED},
    S.CLOSED: {S.IN_SERVICE},
}
NON_VOLUNTARY = {  # 附件四
    S.REPORTED: {S.RISK_ASSESSED},
    S.RISK_ASSESSED: {S.EMERGENCY, S.ENCOURAGED},
    S.EMERGENCY: {S.CONTINUING_CARE},  # hospital, family, superior agency, counseling arranged
    S.ENCOURAGED: {S.IN_SERVICE, S.CONTINUING_CARE},  # willing / unwilling
    S.CONTINUING_CARE: {S.IN_SERVICE, S.CLOSED},  # they later accept / at least 3 months of care
    S.IN_SERVICE: {S.CLOSED},
    S.CLOSED: {S.CONTINUING_CARE},
}
CRISIS = {  # 附件五
    S.REPORTED: {S.ACTIVATED},
    S.ACTIVATED: {S.CASUALTY_RESPONSE, S.SUPPORT},  # casualties? yes / no
    S.CASUALTY_RESPONSE: {S.SUPPORT},
    S.SUPPORT: {S.ADJUSTMENT, S.PERIODIC_CARE},
    S.ADJUSTMENT: {S.PERIODIC_CARE},
    S.PERIODIC_CARE: {S.SUPPORT, S.ADJUSTMENT, S.CLOSED},
    S.CLOSED: {S.PERIODIC_CARE},
}
HIGH_CONCERN = {  # three stages, in order but revisitable
    S.STAGE_ASSESS: {S.STAGE_CONSULT},
    S.STAGE_CONSULT: {S.STAGE_JOINT, S.STAGE_ASSESS},
    S.STAGE_JOINT: {S.CLOSED, S.STAGE_CONSULT, S.STAGE_ASSESS},
    S.CLOSED: {S.STAGE_JOINT},
}

TABLES = {
    "general_self_applied": GENERAL_SELF_APPLIED,
    "general_referral": GENERAL_REFERRAL,
    "general_misconduct": GENERAL_MISCONDUCT,
    "non_voluntary": NON_VOLUNTARY,
    "crisis": CRISIS,
    "high_concern": HIGH_CONCERN,
}
FIRST_STATE = {
    CaseKind.GENERAL: S.RECEIVED,
    CaseKind.NON_VOLUNTARY: S.REPORTED,
    CaseKind.CRISIS: S.REPORTED,
    CaseKind.HIGH_CONCERN: S.STAGE_ASSESS,
}


def table_name(kind, origin):
    if kind != CaseKind.GENERAL:
        return kind
    return {Origin.SUPERVISOR_REFERRAL: "general_referral",
            Origin.MISCONDUCT: "general_misconduct"}.get(origin, "general_self_applied")


def table_for(case):
    return TABLES[table_name(case.kind, case.origin)]


def next_states(case):
    """The states this case may move to next, in the table's order."""
    allowed = table_for(case).get(case.state, set())
    return [state for state in CaseState if state in allowed]


# --- Conditions beyond the table: what must be true before a move -------------------------------

def _assessment_recorded(case):
    if case.kind == CaseKind.GENERAL and not case.assessment:
        return _("Record the assessment first.")


def _referral_ready_to_close(case):
    if not case.is_referral:
        return None
    if not case.management_advice:
        return _("A referral closes only after the management advice to the supervisor is recorded.")
    if case.escalation == EscalationDecision.PENDING:
        return _("Decide first whether to escalate to the safety-and-health team or the care team.")


def _minimum_care_met(case):
    """Continuing care lasts at least 3 months (附件四); closing earlier needs a stated reason and the
    convener's approval."""
    if case.kind != CaseKind.NON_VOLUNTARY or case.state != S.CONTINUING_CARE or case.care_started_on is None:
        return None
    from cases.non_voluntary import minimum_care_ends

    if timezone.localdate() < minimum_care_ends(case) and case.early_close_approved_at is None:
        return _("Continuing care lasts at least 3 months: closing earlier needs a reason and the convener's "
                 "approval.")


def _crisis_level_lowest(case):
    """A crisis closes only once its level has fallen to the lowest (附件五)."""
    if case.kind != CaseKind.CRISIS:
        return None
    from cases.models import LOWEST_CRISIS_LEVEL

    latest = case.crisis_levels.order_by("-assessed_at", "-pk").first()
    if latest is None or latest.level != LOWEST_CRISIS_LEVEL:
        return _("A crisis closes only once its level has fallen to the lowest.")


CONDITIONS = {
    S.ASSESSED: [_assessment_recorded],
    S.CLOSED: [_referral_ready_to_close, _minimum_care_met, _crisis_level_lowest],
}


def _start_care(case, by, before):
    from cases.non_voluntary import start_continuing_care

    # A case reopened into continuing care starts a new episode: its own clock and review.
    start_continuing_care(case, by=by, restart=before == S.CLOSED)


# What entering a state sets off, besides the timeline entry.
ON_ENTER = {
    S.CONTINUING_CARE: [_start_care],
}


def check_move(case, to):
    """The reason a move is refused, or None when it is allowed."""
    if to not in table_for(case).get(case.state, set()):
        return _("A case that is “%(from)s” cannot become “%(to)s”.") % {
            "from": CaseState(case.state).label, "to": CaseState(to).label}
    for condition in CONDITIONS.get(to, []):
        refusal = condition(case)
        if refusal:
            return refusal
    return None


@transaction.atomic
def move_case(case, to, *, by, reason):
    """Move the case to `to`, with the mover's reason; the only writer of its state."""
    from cases import access

    if not access.can_work_on(by, case):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise IllegalMove(_("Give a reason for the change."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    refusal = check_move(locked, to)
    if refusal:
        raise IllegalMove(refusal)
    before = locked.state
    locked.state = to
    now = timezone.now()
    if to == S.CLOSED:
        locked.closed_at = now
    elif before == S.CLOSED:
        locked.closed_at = None
    locked.save(update_fields=["state", "closed_at"])
    TimelineEntry.objects.create(case=locked, at=now, by=by, kind=EntryKind.MOVED, from_state=before, to_state=to,
                                 reason=reason)
    case.state, case.closed_at = locked.state, locked.closed_at
    from cases import closing

    if to == S.CLOSED:
        closing.on_closed(locked, by=by)
    for hook in ON_ENTER.get(to, []):
        hook(locked, by, before)
    case.care_started_on = locked.care_started_on
    return case
