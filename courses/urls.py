from django.urls import path

from courses.views import catalogue, reports, roll

urlpatterns = [
    # The employee: the catalogue, enrolling and the waiting list, my sessions and their calendar.
    path("courses/", catalogue.catalogue, name="course_catalogue"),
    path("courses/<int:pk>/", catalogue.course_detail, name="course_detail"),
    path("courses/sessions/<int:pk>/enrol/", catalogue.enrol, name="course_enrol"),
    path("courses/enrolments/<int:pk>/cancel/", catalogue.cancel, name="course_cancel_enrolment"),
    path("courses/mine/", catalogue.my_courses, name="my_courses"),
    path("courses/mine/calendar.ics", catalogue.my_calendar, name="my_courses_ics"),
    # HR: the sessions they keep, the attendance roll (a tablet at the door), closing a session.
    path("hr/courses/", roll.session_list, name="course_sessions_hr"),
    path("hr/courses/sessions/<int:pk>/roll/", roll.roll, name="course_roll"),
    path("hr/courses/sessions/<int:pk>/close/", roll.close, name="course_close_session"),
    # Suppressed counts: planned against held, targets against catalogued against held.
    path("hr/courses/report/", reports.activity, name="course_report"),
    path("hr/courses/targets/", reports.targets, name="course_targets_report"),
]
