"""Who sees and keeps courses (DOMAIN §1, §5).

The catalogue is no secret: whoever sees a plan sees its courses and sessions. Course keepers are
HR: city HR, and an agency's EAP officers and HR staff for the courses their subtree runs. Who sits
in a session is personal: the person sees their own enrolments, the session's keepers its roll;
nobody else — reviewers and city HR read counts through the suppressed reports only."""
from django.db.models import Q

from agencies.access import _known, has_role, own_employee, subtree_q
from agencies.roles import HR_ROLES, Role

COURSE_KEEPERS = HR_ROLES
# The reports: suppressed counts for the keepers' subtree and for the annual reviewers.
REPORT_READERS = frozenset({Role.EAP_OFFICER, Role.AGENCY_HR, Role.CITY_HR, Role.REVIEWER})


def courses_visible_to(user, queryset):
    from plans.models import Plan

    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(plan__in=Plan.objects.visible_to(user).values("pk"))
                           | subtree_q(user, COURSE_KEEPERS, "agency__path"))


def courses_editable_by(user, queryset):
    if not _known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(subtree_q(user, COURSE_KEEPERS, "agency__path"))


def sessions_visible_to(user, queryset):
    from courses.models import Course

    return queryset.filter(course__in=Course.objects.visible_to(user).values("pk"))


def sessions_editable_by(user, queryset):
    from courses.models import Course

    return queryset.filter(course__in=Course.objects.editable_by(user).values("pk"))


def enrolments_visible_to(user, queryset):
    """One's own, and the rolls of the sessions one keeps."""
    from courses.models import Course

    if not _known(user):
        return queryset.none()
    condition = Q(session__course__in=Course.objects.editable_by(user).values("pk"))
    employee = own_employee(user)
    if employee is not None:
        condition |= Q(employee=employee)
    return queryset.filter(condition)


def courses_reported_to(user, queryset):
    """The courses whose counts a report reader reads: those run in the subtree where they hold a
    reading role. Reports show suppressed counts only, never a person."""
    if not _known(user):
        return queryset.none()
    return queryset.filter(subtree_q(user, REPORT_READERS, "agency__path"))


def plans_reported_to(user, queryset):
    """The plans of the reader's own subtree (the targets report): not the city plan for an agency
    reader, whose courses and attendance are the whole city's."""
    if not _known(user):
        return queryset.none()
    return queryset.visible_to(user).filter(subtree_q(user, REPORT_READERS, "owner__path"))


def is_course_keeper(user):
    return _known(user) and (user.is_superuser or has_role(user, *COURSE_KEEPERS))


def reads_course_reports(user):
    return _known(user) and has_role(user, *REPORT_READERS)
