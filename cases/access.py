"""Who sees a case (DOMAIN §1), the whole rule:

- the care-team members and the professional assigned to it (while assigned);
- the convener of the team it belongs to, and the agency's EAP officer (their subtree);
- the referring supervisor: only the coarse state and the management advice addressed to them,
  through `referrals_visible_to` and its own page — never the case page;
- nobody else: city HR, other HR staff, reviewers, agency heads, provider staff not assigned.

Recusal (`recused_cases`, the one definition): the subject, for a misconduct complaint the
respondents and everyone above them in the supervisory chain, and the people a crisis affects
never see the case, whatever roles they hold. Nobody sees a case through
the superuser flag either: a technical account is not a reason to read case notes.
"""
from django.db.models import Q
from django.utils import timezone

from agencies.access import _known, exclude_recused, own_employee, role_paths, subtree_q
from agencies.roles import Role
from core.access import teams_convened_by

CASE_OVERSEERS = frozenset({Role.EAP_OFFICER})


def _recused(user, queryset):
    return queryset.exclude(pk__in=recused_cases(user).values("pk"))


def is_recused_from(user, case):
    return recused_cases(user).filter(pk=case.pk).exists()


def recused_cases(user):
    """The cases the user is recused from: about them, against them or someone below them in the
    chain (misconduct), or a crisis that affects them."""
    from agencies.access import subordinate_ids
    from cases.models import Case

    employee = own_employee(user)
    if employee is None:
        return Case.objects.none()
    chain = subordinate_ids(employee) | {employee.pk}
    return Case.objects.filter(Q(subject=employee) | Q(respondents__in=chain) | Q(affected__employee=employee))


def exclude_recused_case_duties(user, duties):
    """Duties about a case the user is recused from are not theirs to see (core.access.DUTY_RECUSALS)."""
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case

    ids = [str(pk) for pk in recused_cases(user).values_list("pk", flat=True).distinct()]
    if not ids:
        return duties
    return duties.exclude(subject_type=ContentType.objects.get_for_model(Case), subject_id__in=ids)


def assigned_case_ids(user, on=None):
    from cases.models import CaseAssignment

    return CaseAssignment.objects.current(on or timezone.localdate()).filter(user=user).values_list("case_id",
                                                                                                      flat=True)


def cases_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    condition = (Q(pk__in=list(assigned_case_ids(user)))
                 | Q(team_id__in=list(teams_convened_by(user)))
                 | subtree_q(user, CASE_OVERSEERS, "agency__path"))
    return _recused(user, queryset.filter(condition)).distinct()


def can_work_on(user, case):
    """Everyone who sees a case works on it: logs follow-ups, moves it with a reason."""
    return cases_visible_to(user, type(case).objects.filter(pk=case.pk)).exists()


def can_manage(user, case):
    """Assigning people and deciding for the agency: the team's convener, the agency's EAP officer."""
    if not can_work_on(user, case):
        return False
    if case.team_id in set(teams_convened_by(user)):
        return True
    return type(case).objects.filter(pk=case.pk).filter(subtree_q(user, CASE_OVERSEERS, "agency__path")).exists()


def purpose_for(user, case):
    """The purpose an access-log row names: the reader's assignment, else the role that grants it."""
    from cases.models import CaseAssignment
    from core.access_log import Purpose

    assignment = CaseAssignment.objects.current().filter(case=case, user=user).order_by("pk").first()
    if assignment is not None:
        return Purpose.case_assignment(assignment, assignment.role)
    if case.team_id in set(teams_convened_by(user)):
        return Purpose.by_role(Role.CONVENER, f"team:{case.team_id}")
    return Purpose.by_role(Role.EAP_OFFICER, f"agency:{case.agency_id}")


def referrals_visible_to(user, queryset):
    """The referring supervisor's view of their referrals (coarse state and advice only)."""
    employee = own_employee(user)
    if employee is None:
        return queryset.none()
    return _recused(user, queryset.filter(referring_supervisor=employee, origin="supervisor_referral"))


def contacts_visible_to(user, queryset):
    """Single-window contacts: the EAP officer of the agency (its subtree), never about themselves."""
    if not _known(user):
        return queryset.none()
    visible = queryset.filter(subtree_q(user, CASE_OVERSEERS, "agency__path"))
    return exclude_recused(visible, user, subject_field="person")


def window_agencies_q(user):
    return subtree_q(user, CASE_OVERSEERS, "path")


def keeps_window_of(user, agency):
    return _known(user) and any(agency.path.startswith(path) for path in role_paths(user, CASE_OVERSEERS))


def is_single_window(user):
    from agencies.access import has_role

    return _known(user) and has_role(user, *CASE_OVERSEERS)


def works_on_cases(user):
    """Who has the case pages: the agency's EAP officer, every current care-team member, and anyone
    assigned to a case now (a provider's professional)."""
    from agencies.models import Position
    from core.access import current_positions

    if not _known(user):
        return False
    return (is_single_window(user) or current_positions(user, list(Position)).exists()
            or assigned_case_ids(user).exists())


def may_open_cases(user):
    from core.access import leads_a_team

    return is_single_window(user) or leads_a_team(user)


def people_served_by(user):
    """Whom the user may open a case for: the roster of their EAP subtree, and the people of the
    agencies their teams serve (for a convener or intake officer)."""
    from agencies.models import Agency, CareTeam, Employee
    from core.access import teams_led_by

    condition = subtree_q(user, CASE_OVERSEERS, "agency__path")
    for team in CareTeam.objects.filter(pk__in=list(teams_led_by(user))).select_related("agency"):
        condition |= Q(agency__path__startswith=team.agency.path)
        for covered in Agency.objects.filter(served_by_care_teams=team):
            condition |= Q(agency__path__startswith=covered.path)
    if not _known(user):
        return Employee.objects.none()
    return Employee.objects.current().filter(condition)


# --- The unit supervisor and the safety-and-health team in serious cases --------------------------

SERIOUS_KINDS = ("non_voluntary", "crisis")


def cases_supervised_by(user, queryset):
    """Non-voluntary and crisis cases of the supervisor who reported them: they act in them (their own
    entries, the duties assigned to them) without reading the professionals' notes."""
    employee = own_employee(user)
    if employee is None:
        return queryset.none()
    return _recused(user, queryset.filter(kind__in=SERIOUS_KINDS, referring_supervisor=employee)).distinct()


def supervises(user, case):
    return cases_supervised_by(user, type(case).objects.filter(pk=case.pk)).exists()


def cases_for_safety_health(user, queryset):
    """Cases reported to the safety-and-health team: its members of the agency (or above) see the
    state and the timeline, not the professionals' notes."""
    if not _known(user):
        return queryset.none()
    reported = queryset.filter(safety_health_reported_at__isnull=False)
    return _recused(user, reported.filter(subtree_q(user, {Role.SAFETY_HEALTH}, "agency__path"))).distinct()
