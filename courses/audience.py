"""Whether a course is open to a person: the structured audience rules HR adds next to the plan's
words (DOMAIN §5). A course without rules is open to everyone its plan covers."""
from django.utils.translation import gettext as _

from agencies.models import Category
from plans.services import plan_covers


def refusal(course, employee):
    """Why `employee` may not take `course` (a sentence in the user's language), or None."""
    # Staff roles let HR read the plans of their whole subtree; reading a plan is not being covered by it.
    if not plan_covers(course.plan, employee):
        return _("This course belongs to %(owner)s's plan and is for the staff it covers.") % {
            "owner": course.plan.owner.name}
    if course.audience_categories and employee.category not in course.audience_categories:
        names = "、".join(str(Category(value).label) for value in course.audience_categories)
        return _("This course is for: %(categories)s.") % {"categories": names}
    if course.min_grade or course.max_grade:
        low, high = course.min_grade or 1, course.max_grade or 14
        if employee.grade is None or not low <= employee.grade <= high:
            return _("This course is for grades %(low)s to %(high)s (職等).") % {"low": low, "high": high}
    if course.supervisors_only and not employee.is_supervisor:
        return _("This course is for supervisors.")
    if course.hired_after and employee.hire_date < course.hired_after:
        return _("This course is for staff who joined recently.")
    agencies = list(course.audience_agencies.all())
    if agencies and not any(employee.agency.is_within(agency) for agency in agencies):
        return _("This course is for the staff of %(agencies)s.") % {
            "agencies": "、".join(agency.name for agency in agencies)}
    return None


def is_open_to(course, employee):
    return refusal(course, employee) is None
