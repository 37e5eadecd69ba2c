"""The employee's counseling pages: every role with an employee profile has its own balances and
may book; provider staff, reviewers and accounts without a profile are told the pages do not
exist. A booking and its actions are the booking employee's alone — provider staff see A's booking
on their own pages, never here; everyone else, and everyone for agency B's, gets 404."""
from eap_portal.tests.policy import NOT_ALLOWED, STAFF, Row, outcomes, signed_in  # noqa: F401

PROFILE_HOLDERS = "__".join(sorted(STAFF))  # every role with a roster entry (an employee profile)


def _profile_holders(outcome):
    return signed_in(404, **{PROFILE_HOLDERS: outcome})


OWN_ONLY = signed_in(404, employee=200)
OWN_POST_ONLY = signed_in(404, employee="redirect")

ROWS = {
    "counseling/": Row(get=_profile_holders(200), post=NOT_ALLOWED),
    # An empty form comes back with its errors (200); nothing is created.
    "counseling/book/": Row(get=_profile_holders(200), post=_profile_holders(200)),
    "counseling/bookings/<int:pk>/": Row(objects="booking", own=OWN_ONLY, other=signed_in(404),
                                         post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    "counseling/bookings/<int:pk>/another-counselor/": Row(objects="booking", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                                           post_own=OWN_POST_ONLY, post_other=signed_in(404)),
    "counseling/bookings/<int:pk>/end/": Row(objects="booking", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                             post_own=OWN_POST_ONLY, post_other=signed_in(404)),
    "counseling/sessions/<int:pk>/cancel/": Row(objects="session", own=NOT_ALLOWED, other=NOT_ALLOWED,
                                                post_own=OWN_POST_ONLY, post_other=signed_in(404)),
}
