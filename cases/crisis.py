"""Crisis cases (附件五) as incidents: one record, several affected people (employees or not, possibly
deceased), each notification recorded with its time and who made it, the crisis level assessed and
re-assessed, and the agency head (and, for a first-level agency, city HR) told the fact and the time
— never the content."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencyKind, RoleAssignment
from agencies.roles import Role
from cases import access
from cases.models import AffectedPerson, Case, CaseKind, CrisisLevel, CrisisLevelEntry, EntryKind, Origin, Relation
from cases.opening import open_case
from cases.timeline import add_entry
from core.language import in_site_language
from core.notifications import notify


@transaction.atomic
def report_incident(*, agency, by, summary, people=(), supervisor=None, team=None):
    """Open a crisis case for an incident in `agency`; `people` are the affected employees known now."""
    if not summary.strip():
        raise ValidationError(_("Say what happened."))
    case = open_case(kind=CaseKind.CRISIS, origin=Origin.INCIDENT, subject=None, agency=agency, team=team, by=by,
                     summary=summary, referring_supervisor=supervisor,
                     reason=in_site_language(_("Emergency incident reported")))
    for employee in people:
        add_affected(case, by=by, employee=employee, relation=Relation.SELF if not case.affected.exists()
                     else Relation.COLLEAGUE, check=False)
    tell_heads(case)
    return case


def tell_heads(case):
    """The agency head and, when the agency is first-level, city HR as the superior agency, receive
    the fact and the time of the crisis — a neutral line, no link to the case."""
    heads = RoleAssignment.objects.active().filter(role=Role.AGENCY_HEAD, agency=case.agency).select_related("user")
    recipients = {ra.user for ra in heads}
    if case.agency.kind == AgencyKind.FIRST_LEVEL:
        recipients |= {ra.user for ra in RoleAssignment.objects.active().filter(role=Role.CITY_HR)
                       .select_related("user")}
    for user in recipients:
        if not access.is_recused_from(user, case):
            notify(user, kind="crisis_reported", key=f"case:{case.pk}:crisis:{user.pk}")
    return recipients


@transaction.atomic
def add_affected(case, *, by, relation, employee=None, name="", deceased=False, note="", check=True):
    if check and not access.can_work_on(by, case):
        raise PermissionDenied
    if case.kind != CaseKind.CRISIS:
        raise ValidationError(_("Affected people are recorded on crisis cases."))
    if employee is None and not name.strip():
        raise ValidationError(_("Choose the employee or write the person's name."))
    if employee is not None and case.affected.filter(employee=employee).exists():
        raise ValidationError(_("This employee is already recorded."))
    person = AffectedPerson.objects.create(case=case, employee=employee, name="" if employee else name,
                                           relation=relation, deceased=deceased, note=note, added_by=by)
    add_entry(case, by=by, kind=EntryKind.AFFECTED, reason=person.get_relation_display())
    if employee is not None and employee.user_id:
        _take_duties_from(case, employee.user)
    return person


def _take_duties_from(case, user):
    """An affected employee is recused like a subject, so holds no duty about the case (the intake
    duty went to the convener before anyone was named): it goes to someone who may work on it."""
    from cases.opening import open_duties_of
    from core import duties

    held = list(open_duties_of(case).filter(assignee=user))
    if not held:
        return
    try:
        holder = duties.intake_for(case.team, skip=lambda u: access.is_recused_from(u, case)
                                   or not access.can_manage(u, case))
    except duties.NoOneToAssign:
        holder = duties.intake_for(case.team, skip=lambda u: access.is_recused_from(u, case))
    for duty in held:
        duty.assignee, duty.deputy_for, duty.assigned_at = holder, None, timezone.now()
        duty.save()
        duties._notify_assigned(duty)


@transaction.atomic
def assess_crisis_level(case, *, by, level, reason):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if case.kind != CaseKind.CRISIS:
        raise ValidationError(_("The crisis level belongs to crisis cases."))
    if level not in CrisisLevel.values:
        raise ValidationError(_("Choose a crisis level."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the level."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    entry = CrisisLevelEntry.objects.create(case=case, level=level, reason=reason, by=by)
    # The timeline says the level only: the reason is a professional's note, and the safety-and-health
    # team reads the timeline.
    add_entry(case, by=by, kind=EntryKind.CRISIS_LEVEL, reason=entry.get_level_display())
    return entry


def current_level(case):
    return case.crisis_levels.order_by("-assessed_at", "-pk").first()
