"""Access-policy rows of group counseling and the counseling aggregates (DOMAIN §4, §8, §9)."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, signed_in

ROWS = {
    # The agency EAP officer asks for group counseling and follows their agencies' requests; nobody
    # else has the page (agency HR and city HR included: HR sees counseling only as aggregates).
    # An empty POST is an invalid form, shown again with its errors.
    "hr/group-counseling/": Row(get=signed_in(403, eap_officer=200), post=signed_in(403, eap_officer=200)),
    # The report of A's group booking: A's EAP officer and A's provider staff may see the booking, but
    # the policy object has no report attached, so they too get "not found" (test_group_pages checks
    # the 200 with a file). Everyone else cannot see the booking at all, which is the same 404.
    "hr/group-counseling/<int:pk>/report/": Row(objects="group_booking", own=signed_in(404), other=signed_in(404),
                                                post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # Suppressed aggregates: EAP officers (their subtree), city HR and reviewers (the city). Agency HR
    # staff see no counseling data, not even counts.
    "hr/counseling/": Row(get=signed_in(403, eap_officer=200, city_hr=200, reviewer=200), post=NOT_ALLOWED),
    # Reconciliation: per-provider monthly totals for EAP officers and city HR (the per-agency
    # breakdown is city HR's); reviewers do not reconcile.
    "hr/counseling/reconciliation/": Row(get=signed_in(403, eap_officer=200, city_hr=200), post=NOT_ALLOWED),
}
