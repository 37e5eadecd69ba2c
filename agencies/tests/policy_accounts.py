"""The accounts rows of the access-policy table (issue 10): activation, printing codes. The person
page's print button posts for agency A's employee (own) and agency B's (other)."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, hr_only, outcomes, signed_in

KEEPERS = {"eap_officer": 200, "city_hr": 200}

ROWS = {
    # Public: an empty form is answered with its errors.
    "accounts/activate/": Row(get=outcomes(200), post=outcomes(200)),
    # EAP officers and city HR; agency HR keep the roster but do not open accounts. An empty POST
    # shows the choice again with its errors; it prints nothing.
    "hr/people/activation-codes/": Row(get=hr_only(agency_hr=403, **KEEPERS), post=signed_in(403, **KEEPERS)),
    "hr/people/<int:pk>/activation-code/": Row(objects="employee", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                               post_own=signed_in(403, **KEEPERS),
                                               post_other=signed_in(403, eap_officer=404, city_hr=200)),
}
