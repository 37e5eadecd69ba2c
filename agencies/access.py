"""Who may see and change what: the whole rule of DOMAIN §1, in one place.

Every model a user can reach has a `visible_to(user)` / `editable_by(user)` queryset method that
lands here. Each function grants by role and agency subtree and ends in `.none()` for anyone it
does not know, so a new role sees nothing until a line here says otherwise. Views answer "not
yours" exactly like "does not exist" (404) by fetching through these querysets.

Recusal (DOMAIN §1, Decision): the subject of a case, and the respondent of a misconduct
complaint with their supervisory chain, never see that case through any staff role they hold.
"""
from dataclasses import dataclass

from django.db.models import Q

from agencies.roles import AGENCY_GRANTABLE_ROLES, HR_ROLES, Role

# Who reads the agency tree of their subtree (names, kinds, contacts).
AGENCY_READERS = frozenset(Role) - {Role.PROVIDER_STAFF}
AGENCY_EDITORS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
# Who reads and keeps the roster of their subtree.
ROSTER_KEEPERS = HR_ROLES
# Who grants roles, and which.
ROLE_GRANTERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
ADMIN_USERS = HR_ROLES


@dataclass(frozen=True)
class HeldRole:
    role: str
    agency_id: int
    agency_path: str


def held_roles(user):
    """The user's active roles with their subtree paths, read once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_eap_held_roles", None)
    if cached is None:
        from agencies.models import RoleAssignment

        rows = RoleAssignment.objects.filter(user=user).active().values_list("role", "agency_id", "agency__path")
        cached = tuple(HeldRole(role, agency_id, path) for role, agency_id, path in rows)
        user._eap_held_roles = cached
    return cached


def forget_roles(user):
    """Drop the per-request cache after roles change within the same request or test."""
    user.__dict__.pop("_eap_held_roles", None)


def has_role(user, *roles):
    wanted = set(roles)
    return any(held.role in wanted for held in held_roles(user))


def role_paths(user, roles):
    return sorted({held.agency_path for held in held_roles(user) if held.role in roles})


def subtree_q(user, roles, path_field):
    """A condition matching rows whose agency lies in a subtree where the user holds one of `roles`."""
    condition = Q(pk__in=[])
    for path in role_paths(user, roles):
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def own_employee(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee
    except Exception:  # no profile: provider staff, reviewers from outside
        return None


def _known(user):
    return getattr(user, "is_authenticated", False) and user.is_active


# --- Agencies ------------------------------------------------------------------------

def agencies_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = subtree_q(user, AGENCY_READERS, "path")
    employee = own_employee(user)
    if employee is not None:
        condition |= Q(pk=employee.agency_id)
    return queryset.filter(condition)


def agencies_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, AGENCY_EDITORS, "path"))


# --- People --------------------------------------------------------------------------

def employees_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = subtree_q(user, ROSTER_KEEPERS, "agency__path")
    employee = own_employee(user)
    if employee is not None:
        condition |= Q(pk=employee.pk)
        if employee.is_supervisor:
            condition |= Q(direct_supervisor=employee)
    return queryset.filter(condition)


def employees_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, ROSTER_KEEPERS, "agency__path"))


# --- Roles ---------------------------------------------------------------------------

def role_assignments_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(user=user) | subtree_q(user, ROLE_GRANTERS, "agency__path"))


def role_assignments_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    city_wide = subtree_q(user, {Role.CITY_HR}, "agency__path")
    in_agency = subtree_q(user, {Role.EAP_OFFICER}, "agency__path") & Q(role__in=AGENCY_GRANTABLE_ROLES)
    return queryset.filter(city_wide | in_agency)


def grantable_roles(user):
    """The roles this user may hand out, for forms."""
    if user.is_superuser or has_role(user, Role.CITY_HR):
        return list(Role)
    if has_role(user, Role.EAP_OFFICER):
        return [role for role in Role if role in AGENCY_GRANTABLE_ROLES]
    return []


def users_assignable_by(user, queryset):
    """Accounts a granter may give a role to: staff of their subtree; city HR also outsiders
    without a roster entry (provider staff, reviewers)."""
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = subtree_q(user, ROLE_GRANTERS, "employee__agency__path")
    if has_role(user, Role.CITY_HR):
        condition |= Q(employee__isnull=True)
    return queryset.filter(condition)


# --- Care teams ------------------------------------------------------------------------

CARE_TEAM_READERS = HR_ROLES | {Role.CONVENER, Role.CARE_MEMBER}
CARE_TEAM_KEEPERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})


def care_teams_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = subtree_q(user, CARE_TEAM_READERS, "agency__path") | Q(members__user=user)
    return queryset.filter(condition).distinct()


def care_teams_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, CARE_TEAM_KEEPERS, "agency__path"))


# --- Pages and the admin -----------------------------------------------------------

def can_use_admin(user):
    return _known(user) and (user.is_superuser or has_role(user, *ADMIN_USERS))


def is_hr(user):
    return _known(user) and has_role(user, *HR_ROLES)


# --- Recusal -------------------------------------------------------------------------

def subordinate_ids(employee, limit=10_000):
    """Everyone under this person in the supervisory chain, at every level."""
    from agencies.models import Employee

    found, frontier = set(), {employee.pk}
    while frontier and len(found) < limit:
        frontier = set(Employee.objects.filter(direct_supervisor__in=frontier).values_list("pk", flat=True)) - found
        frontier.discard(employee.pk)
        found |= frontier
    return found


def is_recused(user, *, subject=None, respondents=()):
    """True when the user is the subject, a respondent, or above a respondent in the chain."""
    employee = own_employee(user)
    if employee is None:
        return False
    if subject is not None and subject.pk == employee.pk:
        return True
    for respondent in respondents:
        if respondent.pk == employee.pk or employee in respondent.supervisory_chain():
            return True
    return False


def exclude_recused(queryset, user, *, subject_field, respondents_field=None):
    """Remove from a staff queryset the records this user must not see as staff."""
    employee = own_employee(user)
    if employee is None:
        return queryset
    queryset = queryset.exclude(**{subject_field: employee.pk})
    if respondents_field:
        recused_for = subordinate_ids(employee) | {employee.pk}
        queryset = queryset.exclude(**{f"{respondents_field}__in": recused_for})
    return queryset


# --- Roster imports and accounts (issue 10) -----------------------------------------

# Who imports rosters and prints activation codes: an agency's EAP officer for their subtree,
# city HR for the whole city. Other HR staff read the roster but do not load or open accounts.
ROSTER_IMPORTERS = frozenset({Role.EAP_OFFICER, Role.CITY_HR})
ACCOUNT_KEEPERS = ROSTER_IMPORTERS


def agencies_importable_by(user, queryset):
    """The agencies whose roster this user may load (their subtree)."""
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, ROSTER_IMPORTERS, "path"))


def roster_imports_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, ROSTER_IMPORTERS, "agency__path"))


def employees_with_accounts_kept_by(user, queryset):
    """The people whose activation codes this user may print: staff of their subtree."""
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, ACCOUNT_KEEPERS, "agency__path"))


# --- The person's own rights: correction requests (issue 11) --------------------------

# The access approver answers the correction requests of the people of their subtree.
CORRECTION_ANSWERERS = frozenset({Role.ACCESS_APPROVER})


def correction_requests_visible_to(user, queryset):
    """The person their own; the access approver those of their subtree."""
    if not _known(user):
        return queryset.none()
    condition = subtree_q(user, CORRECTION_ANSWERERS, "employee__agency__path")
    employee = own_employee(user)
    if employee is not None:
        condition |= Q(employee=employee)
    return queryset.filter(condition)


def correction_requests_answerable_by(user, queryset):
    """An approver never answers their own request: another approver of the person's agency does."""
    if not _known(user):
        return queryset.none()
    answerable = queryset.filter(subtree_q(user, CORRECTION_ANSWERERS, "employee__agency__path"))
    employee = own_employee(user)
    return answerable.exclude(employee=employee) if employee is not None else answerable
