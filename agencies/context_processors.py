from agencies import access
from agencies.models import Position
from agencies.roles import Role
from core import access as core_access
from core.statistics import STATISTICS_READERS
from counseling.access import is_provider_staff


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_is_hr": access.is_hr(user),
        "portal_can_use_admin": access.can_use_admin(user),
        "portal_employee": access.own_employee(user),
        # Lazily: pages that show no navigation (errors, downloads) do not pay for these.
        "portal_is_staff": lambda: core_access.is_staff_member(user),
        "portal_unread": lambda: user.notifications.unread().count(),
        "portal_audits_access": lambda: access.has_role(user, Role.ACCESS_APPROVER),
        "portal_reads_statistics": lambda: access.has_role(user, *STATISTICS_READERS),
        "portal_reconciles": lambda: access.has_role(user, Role.EAP_OFFICER, Role.CITY_HR),
        "portal_is_provider": lambda: is_provider_staff(user),
        "portal_imports_roster": lambda: access.has_role(user, *access.ROSTER_IMPORTERS),
        "portal_requests_groups": lambda: access.has_role(user, Role.EAP_OFFICER),
        "portal_on_care_team": lambda: core_access.current_positions(user, list(Position)).exists(),
        "portal_works_on_cases": lambda: _cases_access().works_on_cases(user),
        "portal_is_single_window": lambda: _cases_access().is_single_window(user),
        "portal_refers": lambda: bool(getattr(access.own_employee(user), "is_supervisor", False)),
        "portal_is_safety_health": lambda: access.has_role(user, Role.SAFETY_HEALTH),
        "portal_keeps_courses": lambda: _courses_access().is_course_keeper(user),
        "portal_reads_course_reports": lambda: _courses_access().reads_course_reports(user),
    }


def _cases_access():
    from cases import access as cases_access

    return cases_access


def _courses_access():
    from courses import access as courses_access

    return courses_access
