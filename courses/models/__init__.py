from .catalogue import Course, CourseFormat, CourseSeries, CourseTarget, Facet, TopicCategory
from .sessions import CourseSession, Enrolment, EnrolmentState, SessionState

__all__ = [
    "Course", "CourseFormat", "CourseSeries", "CourseSession", "CourseTarget", "Enrolment", "EnrolmentState",
    "Facet", "SessionState", "TopicCategory",
]
