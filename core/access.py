"""Who sees what of the shared services (DOMAIN §1, §8). Same shape as agencies.access: each
function grants by role or by a named link and ends in `.none()` for anyone it does not know."""
from django.db.models import Q
from django.utils import timezone

from agencies.access import _known, exclude_recused, has_role, subtree_q
from agencies.models import CareTeamMember, Position
from agencies.roles import HR_ROLES, Role

# Who keeps the declared days off: the city's personnel department, and each agency's EAP officer
# for their subtree (a district's typhoon day).
CALENDAR_KEEPERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
# Who sees failed e-mail deliveries (no content: a person, an address, a time).
DELIVERY_WATCHERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})


def current_positions(user, positions, on=None):
    """The care-team memberships in which the user holds one of `positions` today."""
    on = on or timezone.localdate()
    return CareTeamMember.objects.filter(user=user, position__in=positions, since__lte=on).filter(
        Q(until__isnull=True) | Q(until__gt=on))


def teams_led_by(user, on=None):
    """Teams whose duties this user directs: as convener, or as the designated intake officer."""
    return current_positions(user, [Position.CONVENER, Position.INTAKE_OFFICER], on).values_list("team_id", flat=True)


def teams_convened_by(user, on=None):
    return current_positions(user, [Position.CONVENER], on).values_list("team_id", flat=True)


# Features whose records are recused beyond the duty's `person` (a misconduct respondent's chain,
# the people a crisis affects) add a function here: called with (user, queryset of duties), it
# returns the queryset without the duties about records the user is recused from.
DUTY_RECUSALS = []


def exclude_recused_duties(user, queryset):
    for exclude in DUTY_RECUSALS:
        queryset = exclude(user, queryset)
    return queryset


def duties_visible_to(user, queryset):
    """The assignee sees their duty; a convener sees every duty of their team (DOMAIN §1: all its
    cases). Members do not see each other's duties. Nobody sees a duty about themselves, nor one
    about a record they are recused from."""
    if not _known(user):
        return queryset.none()
    visible = queryset.filter(Q(assignee=user) | Q(team_id__in=list(teams_convened_by(user))))
    return exclude_recused_duties(user, exclude_recused(visible, user, subject_field="person"))


def access_log_visible_to(user, queryset):
    """The access approver reads the log for audits; nobody else in a staff role (a person's own
    rows reach them through their "my data" page, issue 11)."""
    if not _known(user):
        return queryset.none()
    if has_role(user, Role.ACCESS_APPROVER):
        return queryset
    return queryset.none()


def failed_notifications_visible_to(user, queryset):
    from core.notifications import PRIVATE_KINDS

    if not _known(user):
        return queryset.none()
    queryset = queryset.exclude(kind__in=PRIVATE_KINDS)
    if has_role(user, Role.CITY_HR):
        return queryset
    return queryset.filter(subtree_q(user, DELIVERY_WATCHERS, "recipient__employee__agency__path"))


def day_exceptions_visible_to(user, queryset):
    """HR see the declarations that apply to their agencies: city-wide ones, those of their
    subtree, and those of the agencies above them."""
    from agencies.access import held_roles

    if not _known(user):
        return queryset.none()
    if user.is_superuser or has_role(user, Role.CITY_HR):
        return queryset
    held = [role for role in held_roles(user) if role.role in HR_ROLES]
    if not held:
        return queryset.none()
    above = {int(step) for role in held for step in role.agency_path.strip("/").split("/") if step}
    return queryset.filter(Q(agency__isnull=True) | Q(agency_id__in=above) | subtree_q(user, HR_ROLES, "agency__path"))


def day_exceptions_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser or has_role(user, Role.CITY_HR):
        return queryset
    return queryset.filter(subtree_q(user, CALENDAR_KEEPERS, "agency__path"))


def is_staff_member(user):
    """Anyone who acts for the program: a role holder, a unit supervisor, a care-team member."""
    from agencies.access import held_roles, own_employee

    if not _known(user):
        return False
    if held_roles(user):
        return True
    employee = own_employee(user)
    if employee is not None and employee.is_supervisor:
        return True
    return current_positions(user, list(Position)).exists()


def leads_a_team(user):
    return _known(user) and bool(list(teams_led_by(user)))


def access_requests_visible_to(user, queryset):
    """The requester and the person concerned see a request; the access approver of the person's
    subtree sees it once the person has consented (before that it is not the approver's business)."""
    from core.models import RequestState

    if not _known(user):
        return queryset.none()
    condition = Q(requester=user) | Q(person__user=user)
    approver = subtree_q(user, {Role.ACCESS_APPROVER}, "person__agency__path") & ~Q(
        state__in=[RequestState.AWAITING_CONSENT, RequestState.CONSENT_REFUSED])
    return queryset.filter(condition | approver)
