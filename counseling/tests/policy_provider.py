"""The provider's inbox: only the staff of the booking's provider (the `provider` role is staff of
agency A's provider). Everyone else is refused the inbox and the entry form (403) and is told a
booking or session page does not exist (404) — the employee too, for their own booking."""
from eap_portal.tests.policy import NOT_ALLOWED, Row, outcomes, signed_in  # noqa: F401


def _object_post(objects, provider_outcome="redirect"):
    return Row(objects=objects, own=NOT_ALLOWED, other=NOT_ALLOWED,
               post_own=signed_in(404, provider=provider_outcome), post_other=signed_in(404))


ROWS = {
    "provider/": Row(get=signed_in(403, provider=200), post=NOT_ALLOWED),
    # An empty POST is the first step's form again, with its error.
    "provider/bookings/new/": Row(get=signed_in(403, provider=200), post=signed_in(403, provider=200)),
    "provider/bookings/<int:pk>/": Row(objects="booking", own=signed_in(404, provider=200), other=signed_in(404),
                                       post_own=NOT_ALLOWED, post_other=NOT_ALLOWED),
    # An empty intake form is refused with a message and a redirect back to the booking.
    "provider/bookings/<int:pk>/intake/": _object_post("booking"),
    # A refused scheduling is shown on the booking page itself (200), never after a redirect.
    "provider/bookings/<int:pk>/schedule/": _object_post("booking", 200),
    "provider/bookings/<int:pk>/code/": _object_post("booking"),
    "provider/bookings/<int:pk>/close/": _object_post("booking"),
    "provider/bookings/<int:pk>/report/": _object_post("group_booking"),
    "provider/sessions/<int:pk>/record/": _object_post("session"),
    "provider/sessions/<int:pk>/cancel/": _object_post("session"),
}
