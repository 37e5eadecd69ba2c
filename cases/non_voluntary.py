"""Non-voluntary cases (附件四): the supervisor notices and talks with the employee, reports to the
safety-and-health team or the care team, the risk is assessed, and then either the emergency branch
or encouragement; continuing care lasts at least 3 and up to 6 months.

- Entering continuing care starts its clock once, and a duty for the team at 6 months asks to
  close or extend (with a reason).
- Closing before 3 months needs a stated reason (anyone working on the case) and the convener's
  approval; `workflow` refuses the move until then.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import RoleAssignment
from agencies.roles import Role
from cases import access
from cases.actions import record_action
from cases.models import ActionKind, Case, CaseKind, CaseState, EntryKind, Origin
from cases.opening import due_end_of, open_case, open_duties_of
from cases.timeline import add_entry
from core import duties
from core.access import teams_convened_by
from core.language import in_site_language
from core.notifications import notify

MINIMUM_CARE_MONTHS = 3
REVIEW_AFTER_MONTHS = 6
REVIEW_KIND = "case_care_review"
REVIEW_TITLE = gettext_lazy("Close or extend continuing care")


def months_after(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue


def minimum_care_ends(case):
    return months_after(case.care_started_on, MINIMUM_CARE_MONTHS)


@transaction.atomic
def report_non_voluntary(supervisor, employee, *, by, observations):
    """The supervisor who noticed and talked with the employee reports them (附件四's first steps)."""
    from cases.referrals import may_refer

    if not may_refer(supervisor, employee):
        raise PermissionDenied
    if not observations.strip():
        raise ValidationError(_("Describe what you noticed and what was said."))
    case = open_case(kind=CaseKind.NON_VOLUNTARY, origin=Origin.SUPERVISOR_REPORT, subject=employee, by=by,
                     summary=observations, referring_supervisor=supervisor,
                     reason=in_site_language(_("Reported by the supervisor")))
    record_action(case, by=by, kind=ActionKind.SUPERVISOR_TALK, note=observations)
    return case


def safety_health_members(agency, on=None):
    """The safety-and-health team of the agency: holders of the role at it or above it."""
    on = on or timezone.localdate()
    return [ra.user for ra in RoleAssignment.objects.active(on).filter(
        role=Role.SAFETY_HEALTH, agency_id__in=agency.ancestor_ids()).select_related("user")]


@transaction.atomic
def report_to_safety_health(case, *, by):
    """Report the case to the agency's safety-and-health team: each member is told (no content) and
    from then on sees its state and timeline, not the professionals' notes."""
    if not access.can_work_on(by, case) and not access.supervises(by, case):
        raise PermissionDenied
    if case.kind not in (CaseKind.NON_VOLUNTARY, CaseKind.CRISIS):
        raise ValidationError(_("Only non-voluntary and crisis cases are reported to the safety-and-health team."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.safety_health_reported_at is not None:
        raise ValidationError(_("This case has already been reported to the safety-and-health team."))
    members = [user for user in safety_health_members(case.agency) if not access.is_recused_from(user, case)]
    case.safety_health_reported_at = timezone.now()
    case.save(update_fields=["safety_health_reported_at"])
    add_entry(case, by=by, kind=EntryKind.SAFETY_HEALTH)
    from django.urls import reverse

    for user in members:
        notify(user, kind="safety_health_report", key=f"case:{case.pk}:safety_health:{user.pk}",
               link=reverse("safety_case", args=[case.pk]))
    return case


def start_continuing_care(case, *, by, restart=False):
    """Entering continuing care: the clock starts once (again when the case is reopened into it, with
    any earlier approval to close early withdrawn); at 6 months the team is asked to close or extend."""
    if case.kind != CaseKind.NON_VOLUNTARY or (case.care_started_on is not None and not restart):
        return
    case.care_started_on = timezone.localdate()
    case.early_close_reason, case.early_close_requested_by = "", None
    case.early_close_approved_by = case.early_close_approved_at = None
    case.save(update_fields=["care_started_on", "early_close_reason", "early_close_requested_by",
                             "early_close_approved_by", "early_close_approved_at"])
    add_entry(case, by=by, kind=EntryKind.CARE,
              reason=in_site_language(_("Continuing care started: at least 3 months")))
    _review_duty(case, months_after(case.care_started_on, REVIEW_AFTER_MONTHS))


def _review_duty(case, day):
    return duties.create_duty(kind=REVIEW_KIND, title=in_site_language(REVIEW_TITLE), team=case.team,
                              person=case.subject, subject=case, agency=case.agency, due_at=due_end_of(day),
                              remind_before=datetime.timedelta(days=7), escalate_after=datetime.timedelta(days=1))


@transaction.atomic
def request_early_close(case, *, by, reason):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason to close before 3 months."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    # Asked (and approved) only while the minimum applies: an approval given earlier would let the
    # case skip its 3 months once continuing care starts.
    if case.care_started_on is None or case.state != CaseState.CONTINUING_CARE:
        raise ValidationError(_("This case is not in continuing care."))
    case.early_close_reason, case.early_close_requested_by = reason, by
    case.early_close_approved_by = case.early_close_approved_at = None
    case.save(update_fields=["early_close_reason", "early_close_requested_by", "early_close_approved_by",
                             "early_close_approved_at"])
    add_entry(case, by=by, kind=EntryKind.CARE, reason=in_site_language(_("Early closure asked for")))
    return case


@transaction.atomic
def approve_early_close(case, *, by):
    """Only the convener of the case's team approves an early closure (DOMAIN §1)."""
    if case.team_id not in set(teams_convened_by(by)) or access.is_recused_from(by, case):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.early_close_reason:
        raise ValidationError(_("Nobody has asked to close this case early."))
    case.early_close_approved_by, case.early_close_approved_at = by, timezone.now()
    case.save(update_fields=["early_close_approved_by", "early_close_approved_at"])
    add_entry(case, by=by, kind=EntryKind.CARE, reason=in_site_language(_("Early closure approved")))
    return case


@transaction.atomic
def extend_care(case, *, by, reason, months=3):
    """At the 6-month review the team extends continuing care, with a reason; the next review follows."""
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason to extend continuing care."))
    if case.care_started_on is None or not case.is_open:
        raise ValidationError(_("This case is not in continuing care."))
    for duty in open_duties_of(case).filter(kind=REVIEW_KIND):
        duties.settle_duty(duty, by=by, outcome=reason)
    record_action(case, by=by, kind=ActionKind.CARE_EXTENDED, note=reason)
    return _review_duty(case, months_after(timezone.localdate(), months))
