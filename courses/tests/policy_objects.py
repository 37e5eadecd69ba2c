"""The objects the courses rows of the access-policy table are checked on. Side A: a course of A's
own plan run by agency A, a session of it ten days ahead, and a_employee's seat in it; side B the
same for agency B."""


def _course(cast, side):
    from courses.tests.factories import CourseFactory

    return CourseFactory(plan=getattr(cast, f"{side}_plan"), agency=getattr(cast, side), topic=f"{side} 研習班")


def _session(cast, side):
    from courses.tests.factories import CourseSessionFactory

    return CourseSessionFactory(course=_course(cast, side))


def _enrolment(cast, side):
    from courses.tests.factories import EnrolmentFactory

    return EnrolmentFactory(session=_session(cast, side), employee=getattr(cast, f"{side}_employee"))


OBJECTS = {
    "course": lambda cast, side: {"pk": _course(cast, side).pk},
    "course_session": lambda cast, side: {"pk": _session(cast, side).pk},
    "course_enrolment": lambda cast, side: {"pk": _enrolment(cast, side).pk},
}


def _series(cast, side):
    from courses.models import CourseSeries

    return CourseSeries.objects.get_or_create(plan=getattr(cast, f"{side}_plan"), name=f"{side} 樂活職場")[0]


def _category(cast, side):
    from courses.models import TopicCategory

    return TopicCategory.objects.get_or_create(plan=getattr(cast, f"{side}_plan"), facet="health",
                                               name=f"{side} 身心健康")[0]


# The admin's pages take the object itself (test_access_policy.ADMIN_OBJECTS).
ADMIN_OBJECTS = {
    "course": _course,
    "courseseries": _series,
    "topiccategory": _category,
}
