"""Access-policy rows of the HR results pages and the suggestion mailbox.

Results: the HR roles read the surveys run in their subtree (agency HR included), reviewers the
de-identified aggregates of their subtree (here the city's, so both sides); everyone else 403.
The mailbox: EAP officers (their subtree) and city HR only. The "survey" object (a fresh survey
run by the side's agency, one scale question) is policy_surveys.py's."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, outcomes, signed_in  # noqa: F401

READERS = {"eap_officer": 200, "agency_hr": 200, "city_hr": 200, "reviewer": 200}

ROWS = {
    "hr/surveys/": Row(get=signed_in(403, **READERS), post=NOT_ALLOWED),
    "hr/surveys/<int:pk>/": Row(objects="survey", own=signed_in(403, **READERS),
                                other=signed_in(403, **READERS | {"eap_officer": 404, "agency_hr": 404}),
                                post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "hr/suggestions/": Row(get=signed_in(403, eap_officer=200, city_hr=200), post=NOT_ALLOWED),
}
# Objects this part's object URLs use: name -> (cast, side) -> {"pk": ...}; "own" is agency A's.
OBJECTS = {}
