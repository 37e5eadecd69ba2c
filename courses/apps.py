from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses (DOMAIN §5): each plan's four-facet catalogue and targets, sessions, enrolment with a
    waiting list, attendance and learning hours, and the satisfaction invitation after a session."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from core.notifications import register_kind
        from courses.planning import copy_course_structure
        from plans.services import register_copyable_part

        register_copyable_part("courses", _("Course series and topic categories with their goals"),
                               copy_course_structure)

        # Neutral like every line: an e-mail never names the course.
        register_kind("course_seat_offered", _("A seat you were waiting for is now yours"))
        register_kind("course_reminder", _("A course you enrolled in starts soon"))
        register_kind("course_changed", _("A course you enrolled in has changed"))
