"""The employee's course pages: every role with an employee profile has the catalogue, My courses and
its calendar; provider staff, reviewers and accounts without a profile are told the pages do not exist.

A course is as visible as its plan (plans.access): agency A's course is seen by A's people, and by
city HR and the access approver, whose roles at the city reach every plan of its subtree; agency B's
only by those two. They may press Enrol on what they see and are answered with a message (the
audience rules tell them A's plan does not cover them). An enrolment is cancelled by its own
employee alone; everyone else, and everyone for agency B's, gets 404."""
from eap_portal.tests.policy import NOT_ALLOWED, STAFF, Row, signed_in

PROFILE_HOLDERS = "__".join(sorted(STAFF))  # every role with a roster entry (an employee profile)
CITY_WIDE_STAFF = "access_approver__city_hr"  # staff roles held at the city: every plan of its subtree


def _profile_holders(outcome):
    return signed_in(404, **{PROFILE_HOLDERS: outcome})


ROWS = {
    "courses/": Row(get=_profile_holders(200), post=NOT_ALLOWED),
    "courses/<int:pk>/": Row(objects="course", own=_profile_holders(200),
                             other=signed_in(404, **{CITY_WIDE_STAFF: 200}),
                             post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "courses/sessions/<int:pk>/enrol/": Row(objects="course_session", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                            post_own=_profile_holders("redirect"),
                                            post_other=signed_in(404, **{CITY_WIDE_STAFF: "redirect"})),
    "courses/enrolments/<int:pk>/cancel/": Row(objects="course_enrolment", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                               post_own=signed_in(404, employee="redirect"),
                                               post_other=signed_in(404)),
    "courses/mine/": Row(get=_profile_holders(200), post=NOT_ALLOWED),
    "courses/mine/calendar.ics": Row(get=_profile_holders(200), post=NOT_ALLOWED),
}
