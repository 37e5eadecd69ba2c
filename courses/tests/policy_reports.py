"""Access-policy rows of the course reports (DOMAIN §5, §9): suppressed counts for the course keepers of
an agency subtree (its EAP officers and HR staff) and for the city (city HR, the annual reviewers).
Every other signed-in role has no such page (403); both are read-only (POST 405)."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

READERS = signed_in(403, eap_officer=200, agency_hr=200, city_hr=200, reviewer=200)

ROWS = {
    "hr/courses/report/": Row(get=READERS, post=NOT_ALLOWED),
    "hr/courses/targets/": Row(get=READERS, post=NOT_ALLOWED),
}
