"""The self-check rows of the access-policy table. Taking the self-check and the history are for
every role with an employee profile; provider staff, reviewers and accounts without a profile are
told the pages do not exist. A self-check is its employee's alone: everyone else, the care team
and HR included, gets 404 for agency A's, and everyone for agency B's. An empty POST of the form
comes back with its errors (200); accepting contact and "contact me now" redirect to the result."""
from eap_portal.tests.policy import NOT_ALLOWED, STAFF, Row, outcomes, signed_in  # noqa: F401

PROFILE_HOLDERS = "__".join(sorted(STAFF))


def _profile_holders(outcome):
    return signed_in(404, **{PROFILE_HOLDERS: outcome})


OWN_ONLY = signed_in(404, employee=200)
OWN_POST_ONLY = signed_in(404, employee="redirect")

ROWS = {
    "self-check/": Row(get=_profile_holders(200), post=_profile_holders(200)),
    "self-check/history/": Row(get=_profile_holders(200), post=NOT_ALLOWED),
    "self-check/<int:pk>/": Row(objects="self_check", own=OWN_ONLY, other=signed_in(404),
                                post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "self-check/<int:pk>/contact/": Row(objects="self_check", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                        post_own=OWN_POST_ONLY, post_other=signed_in(404)),
    "self-check/<int:pk>/urgent/": Row(objects="self_check", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                       post_own=OWN_POST_ONLY, post_other=signed_in(404)),
}


def self_check_of(cast, side):
    """A fresh self-check of the side's employee, with the ★ item at 2 (contact offered, the urgent
    screen shown), so that both POST rows act for its employee."""
    from core.actors import acting_as
    from surveys import selfcheck

    employee = getattr(cast, f"{side}_employee")
    with acting_as("test:policy"):
        return selfcheck.take_self_check(employee, ratings=[3, 2, 2, 2, 1], star=2, by=employee.user)


# Objects this part's object URLs use: name -> (cast, side) -> {"pk": ...}; "own" is agency A's.
OBJECTS = {
    "self_check": lambda cast, side: {"pk": self_check_of(cast, side).pk},
}
