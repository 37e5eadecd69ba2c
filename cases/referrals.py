"""General cases at work (附件二, 附件三): the supervisor's referral, the professional's assessment,
the service arranged, the management advice to the supervisor, and the escalation decision."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import subordinate_ids
from cases import access
from cases.models import (
    Case,
    CaseKind,
    CaseService,
    CaseState,
    EntryKind,
    EscalationDecision,
    Origin,
    ServiceKind,
)
from cases.opening import open_case
from cases.timeline import add_entry
from cases.workflow import move_case, next_states
from core.language import in_site_language
from core.notifications import notify
from counseling.models import Channel


def may_refer(supervisor, employee):
    """A supervisor refers only their own unit's staff: people under them in the chain, or of their
    own unit in their agency."""
    if supervisor is None or employee is None or not supervisor.is_supervisor or supervisor.pk == employee.pk:
        return False
    if employee.pk in subordinate_ids(supervisor):
        return True
    return bool(supervisor.unit) and employee.agency_id == supervisor.agency_id and employee.unit == supervisor.unit


def referable_staff(supervisor):
    from agencies.models import Employee

    if supervisor is None or not supervisor.is_supervisor:
        return Employee.objects.none()
    mine = Employee.objects.current().filter(pk__in=subordinate_ids(supervisor))
    if supervisor.unit:
        mine = mine | Employee.objects.current().filter(agency=supervisor.agency, unit=supervisor.unit)
    return mine.exclude(pk=supervisor.pk).distinct().order_by("full_name")


@transaction.atomic
def refer_employee(supervisor, employee, *, by, observations):
    """The supervisor's referral (附件三): it becomes a general case with its origin and supervisor."""
    if not may_refer(supervisor, employee):
        raise PermissionDenied
    if not observations.strip():
        raise ValidationError(_("Describe what you observed."))
    return open_case(kind=CaseKind.GENERAL, origin=Origin.SUPERVISOR_REFERRAL, subject=employee, by=by,
                     summary=observations, referring_supervisor=supervisor,
                     reason=in_site_language(_("Referred by the supervisor")))


def _worker(case, by):
    if not access.can_work_on(by, case):
        raise PermissionDenied


@transaction.atomic
def record_assessment(case, *, by, assessment, move=True):
    """The initial talk or the professional's assessment: the type of help judged."""
    _worker(case, by)
    if not assessment.strip():
        raise ValidationError(_("Write the assessment."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.assessment, case.assessed_at = assessment, timezone.now()
    case.save(update_fields=["assessment", "assessed_at"])
    add_entry(case, by=by, kind=EntryKind.ASSESSMENT)
    if move and case.state == CaseState.RECEIVED:
        move_case(case, CaseState.ASSESSED, by=by, reason=in_site_language(_("Assessment recorded")))
    return case


@transaction.atomic
def arrange_service(case, *, by, kind, offer=None, resource="", details="", affected=None):
    """Arrange a service for the person: a counseling booking through the counseling module (it
    draws on their own yearly hours), or an internal or outside resource. In a crisis, `affected`
    names the affected employee it is for."""
    from counseling.services import request_booking

    _worker(case, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("Reopen the case before arranging a service."))
    booking = None
    if kind == ServiceKind.BOOKING:
        if offer is None:
            raise ValidationError(_("Choose the counseling service to book."))
        if affected is not None and affected.case_id != case.pk:
            raise ValidationError(_("That person is not recorded on this case."))
        person = affected.employee if affected is not None else case.subject
        if person is None:
            raise ValidationError(_("A booking is for an employee: choose an affected employee."))
        booking = request_booking(person, offer, by=by, description=details, channel=Channel.CASE)
        resource = f"{offer.contract.provider.name}"
    elif not resource.strip():
        raise ValidationError(_("Name the resource."))
    service = CaseService.objects.create(case=case, kind=kind, booking=booking, resource=resource, details=details,
                                         affected=affected, by=by)
    # The kind only: the resource (a hospital department) is on the service's own line, and the
    # safety-and-health team reads the timeline of serious cases.
    add_entry(case, by=by, kind=EntryKind.SERVICE, reason=in_site_language(ServiceKind(kind).label))
    # Assessed, or following up (a referral's improvement, a complainant's adaptation) and back in service.
    if case.state in (CaseState.ASSESSED, CaseState.FOLLOW_UP) and CaseState.IN_SERVICE in next_states(case):
        move_case(case, CaseState.IN_SERVICE, by=by, reason=in_site_language(_("Service arranged")))
    return service


@transaction.atomic
def give_management_advice(case, *, by, advice):
    """The professional's advice to the referring supervisor; the supervisor reads it on their page."""
    _worker(case, by)
    if not case.is_referral:
        raise ValidationError(_("Management advice goes to the supervisor who referred the person."))
    if not advice.strip():
        raise ValidationError(_("Write the advice."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.management_advice, case.advice_given_at = advice, timezone.now()
    case.save(update_fields=["management_advice", "advice_given_at"])
    add_entry(case, by=by, kind=EntryKind.ADVICE)
    notify(case.referring_supervisor.user, kind="referral_advice",
           key=f"case:{case.pk}:advice:{int(case.advice_given_at.timestamp())}",
           link=reverse("referral_detail", args=[case.pk]))
    return case


ESCALATION_KINDS = {EscalationDecision.HIGH_CONCERN: CaseKind.HIGH_CONCERN,
                    EscalationDecision.NON_VOLUNTARY: CaseKind.NON_VOLUNTARY}


@transaction.atomic
def decide_escalation(case, *, by, decision, reason):
    """Before a referral closes, the agency decides whether to escalate to the safety-and-health
    team or the care team; yes opens the linked high-concern or non-voluntary case."""
    if not access.can_manage(by, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    if decision not in (EscalationDecision.NO, *ESCALATION_KINDS):
        raise ValidationError(_("Choose a decision."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_referral:
        raise ValidationError(_("The escalation decision belongs to a supervisor's referral."))
    if case.escalation != EscalationDecision.PENDING:
        raise ValidationError(_("The escalation has already been decided."))
    case.escalation, case.escalation_reason = decision, reason
    if decision in ESCALATION_KINDS:
        case.escalated_to = open_case(
            kind=ESCALATION_KINDS[decision], origin=Origin.ESCALATION, subject=case.subject, agency=case.agency,
            team=case.team, by=by, summary=reason,
            # The unit supervisor acts in a non-voluntary case of their unit (DOMAIN §1).
            referring_supervisor=case.referring_supervisor if decision == EscalationDecision.NON_VOLUNTARY else None,
            reason=in_site_language(_("Escalated from case %(ref)s") % {"ref": case.reference}))
    case.save(update_fields=["escalation", "escalation_reason", "escalated_to"])
    add_entry(case, by=by, kind=EntryKind.ESCALATION, reason=f"{EscalationDecision(decision).label}: {reason}")
    return case
