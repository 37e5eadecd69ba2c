"""Opening a case, and who works on it: the team that serves the agency, the members and the
professional the convener assigns, and the acting deputy of an absent member."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import CareTeam, Position
from cases import access
from cases.models import AssignmentRole, Case, CaseAssignment, CaseKind, EntryKind, Origin
from cases.timeline import add_entry
from cases.workflow import FIRST_STATE
from core import duties
from core.language import in_site_language
from core.models import Duty
from core.notifications import notify
from core.working_days import add_working_days

INTAKE_KIND = "case_intake"
INTAKE_TITLE = gettext_lazy("A case to assign")
INTAKE_WORKING_DAYS = 2


def team_for(agency):
    """The care team nearest the agency: its own, else one above it or one covering it."""
    teams = CareTeam.objects.serving(agency).select_related("agency")
    team = max(teams, key=lambda t: (t.agency_id == agency.pk, t.agency.depth, -t.pk), default=None)
    if team is None:
        raise ValidationError(_("No care team serves %(agency)s yet: HR must set one up first.")
                              % {"agency": agency.name})
    return team


def due_end_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))


@transaction.atomic
def open_case(*, kind, origin, subject, by, agency=None, team=None, summary="", categories=(),
              referring_supervisor=None, respondents=(), reason=""):
    """Open a case in its kind's first state, with the timeline's first entry, and hand it to the
    team's intake (designated intake officer, else convener) to assign a member."""
    if kind == CaseKind.GENERAL and subject is None:
        raise ValidationError(_("A general case is about one person: choose them."))
    if subject is not None and not subject.is_current():
        raise ValidationError(_("%(name)s is not on the current roster.") % {"name": subject.full_name})
    agency = agency or subject.agency
    team = team or team_for(agency)
    respondents = list(respondents)
    if subject is not None and subject in respondents:
        raise ValidationError(_("The complainant cannot also be a respondent."))
    case = Case.objects.create(kind=kind, origin=origin, state=FIRST_STATE[kind], subject=subject, agency=agency,
                               team=team, summary=summary, referring_supervisor=referring_supervisor, opened_by=by)
    if categories:
        case.problem_categories.set(categories)
    if respondents:
        case.respondents.set(respondents)
    add_entry(case, by=by, kind=EntryKind.OPENED, reason=reason or in_site_language(Origin(origin).label))
    duties.create_duty(kind=INTAKE_KIND, title=in_site_language(INTAKE_TITLE), person=subject,
                       subject=case, agency=agency, **duty_holders(case),
                       due_at=due_end_of(add_working_days(timezone.localdate(), INTAKE_WORKING_DAYS, agency)),
                       remind_before=datetime.timedelta(hours=9), escalate_after=datetime.timedelta(days=1),
                       urgent=kind in (CaseKind.CRISIS, CaseKind.NON_VOLUNTARY))
    return case


# --- Who works on the case -------------------------------------------------------------------

def assignable_members(case, on=None):
    """Current members of the case's team who may work on it: never the subject, a respondent or
    anyone above a respondent (recusal)."""
    members = case.team.current_members(on).select_related("user__employee")
    return [member for member in members if not _is_recused(member.user, case)]


def assignable_professionals(case):
    """Provider staff who may be assigned as the case's professional."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(provider_memberships__isnull=False, is_active=True)
            .distinct().order_by("username"))


def _is_recused(user, case):
    # The subject, a misconduct respondent and their chain, and the people a crisis affects.
    return access.is_recused_from(user, case)


def duty_holders(case, assignee=None):
    """Who holds a duty about the case and which team oversees it: the named assignee (else the
    team's intake) and the team's convener. For a misconduct complaint nobody recused does either:
    the intake skips the respondent and their chain (and goes to someone who may assign the case),
    and a team whose convener is recused does not oversee the duty (its convener would see it, and
    receive its escalation)."""
    respondents = list(case.respondents.all())
    if not respondents:
        return {"assignee": assignee, "team": case.team}

    def recused(user):
        from agencies.access import is_recused

        return is_recused(user, subject=case.subject, respondents=respondents)

    conveners = case.team.current_members().filter(position=Position.CONVENER).select_related("user")
    team = None if any(recused(member.user) for member in conveners) else case.team
    if assignee is None or recused(assignee):
        try:  # someone who may assign the case: a convener or EAP officer outside the chain
            assignee = duties.intake_for(case.team, case.subject,
                                         skip=lambda user: recused(user) or not access.can_manage(user, case))
        except duties.NoOneToAssign:
            assignee = duties.intake_for(case.team, case.subject, skip=recused)
    return {"assignee": assignee, "team": team}


def open_duties_of(case):
    return Duty.objects.open().filter(subject_type__model="case", subject_type__app_label="cases",
                                      subject_id=str(case.pk))


@transaction.atomic
def assign(case, user, *, by, role=AssignmentRole.MEMBER, acting_for=None, since=None, until=None, reason=""):
    if not access.can_manage(by, case):
        raise PermissionDenied
    if _is_recused(user, case):
        raise ValidationError(_("This person may not work on this case (recusal)."))
    if role == AssignmentRole.MEMBER and user.pk not in {m.user_id for m in assignable_members(case)}:
        raise ValidationError(_("Choose a current member of the case's care team."))
    if role == AssignmentRole.PROFESSIONAL and not assignable_professionals(case).filter(pk=user.pk).exists():
        raise ValidationError(_("Choose a professional of a contracted provider."))
    if CaseAssignment.objects.current().filter(case=case, user=user, role=role).exists():
        raise ValidationError(_("This person is already assigned."))
    since = max(since or timezone.localdate(), timezone.localdate())
    if until is not None and until < since:
        raise ValidationError(_("The assignment cannot end before it starts."))
    assignment = CaseAssignment.objects.create(case=case, user=user, role=role, acting_for=acting_for, since=since,
                                               until=until, assigned_by=by)
    add_entry(case, by=by, kind=EntryKind.ASSIGNED, reason=reason or str(assignment))
    for duty in open_duties_of(case).filter(kind=INTAKE_KIND):
        duties.settle_duty(duty, by=by, outcome=in_site_language(_("Assigned: %(who)s") % {"who": assignment}))
    notify(user, kind="case_assigned", key=f"case:{case.pk}:assigned:{assignment.pk}",
           link=reverse("case_detail", args=[case.pk]))
    return assignment


@transaction.atomic
def end_assignment(assignment, *, by, reason=""):
    case = assignment.case
    if not access.can_manage(by, case):
        raise PermissionDenied
    today = timezone.localdate()
    if assignment.until is not None and assignment.until < today:
        return assignment  # already over
    add_entry(case, by=by, kind=EntryKind.UNASSIGNED, reason=reason or str(assignment))
    if assignment.since >= today:
        # Assignments run in whole days, so one that began today (or has not begun: an acting
        # deputy's) cannot end yesterday: it is withdrawn, else the person would keep the case until
        # midnight. The timeline keeps that it was made and ended.
        assignment.delete()
        return assignment
    assignment.until = today - datetime.timedelta(days=1)
    assignment.save(update_fields=["until"])
    return assignment


@transaction.atomic
def hand_cases_to_deputy(absence, *, by):
    """The convener hands an absent member's open cases to the acting deputy for the absence."""
    if not duties.can_record_absence(by, absence.team):
        raise PermissionDenied
    handed = 0
    if absence.ends_on < timezone.localdate():
        return handed  # over already: nothing to hand
    first_day = max(absence.starts_on, timezone.localdate())
    held = (CaseAssignment.objects.current(first_day).filter(user=absence.member, case__team=absence.team)
            .exclude(case__state="closed").select_related("case"))
    for assignment in held:
        case = assignment.case
        already = CaseAssignment.objects.filter(case=case, user=absence.deputy).filter(
            Q(until__isnull=True) | Q(until__gte=absence.ends_on)).exists()
        if already or _is_recused(absence.deputy, case):
            continue
        # The deputy works on the case from the first day of the absence, not from the day it is
        # recorded, and until its last day.
        assign(case, absence.deputy, by=by, role=assignment.role, acting_for=absence.member,
               since=absence.starts_on, until=absence.ends_on,
               reason=in_site_language(_("Acting deputy during an absence")))
        handed += 1
    return handed


def end_deputy_assignments(*, team, member, deputy, last_day, by):
    """An absence ended early: the deputy's acting assignments on the member's cases end with it."""
    acting = CaseAssignment.objects.filter(case__team=team, user=deputy, acting_for=member).filter(
        Q(until__isnull=True) | Q(until__gt=last_day)).select_related("case")
    for assignment in acting:
        if assignment.since > last_day:
            assignment.delete()
        else:
            assignment.until = last_day
            assignment.save(update_fields=["until"])
        add_entry(assignment.case, by=by, kind=EntryKind.UNASSIGNED,
                  reason=in_site_language(_("The absence ended: the acting deputy hands the case back")))
