"""Access-policy rows of HR's session pages: the sessions one keeps, the roll, closing a session.

Course keepers are the HR roles (courses.access): A's EAP officer and HR staff keep the courses agency
A runs, city HR every course; every other signed-in role has no such page (403). Agency B's session
is kept by city HR alone: A's keepers are told it does not exist (404).

The policy's session starts in ten days. A POST to its roll is refused with a message and sent back
to the roll (marking opens at the start; nothing changes) — an empty POST to a started roll would
come back with its error (200, courses/tests/test_roll_pages.py). Closing it is refused the same way
(a redirect with a message); closing is POST only, GET 405."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

KEEPERS_OF_A = "agency_hr__city_hr__eap_officer"


def _keepers(own_outcome):
    return signed_in(403, **{KEEPERS_OF_A: own_outcome})


def _keepers_of_b(outcome):
    return signed_in(403, eap_officer=404, agency_hr=404, city_hr=outcome)


ROWS = {
    "hr/courses/": Row(get=_keepers(200), post=NOT_ALLOWED),
    "hr/courses/sessions/<int:pk>/roll/": Row(objects="course_session", own=_keepers(200), other=_keepers_of_b(200),
                                              post_own=_keepers("redirect"), post_other=_keepers_of_b("redirect")),
    "hr/courses/sessions/<int:pk>/close/": Row(objects="course_session", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                               post_own=_keepers("redirect"),
                                               post_other=_keepers_of_b("redirect")),
}
