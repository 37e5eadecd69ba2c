"""The booking's and the session's states, and every allowed move, in one place. Only
`move_booking` and `move_session` write a state; an illegal move is refused with a clear message."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counseling.models import BookingState as B
from counseling.models import SessionState as S

BOOKING_MOVES = {
    B.REQUESTED: {B.INTAKE_DONE, B.ACTIVE, B.CLOSED, B.WITHDRAWN},
    B.INTAKE_DONE: {B.ACTIVE, B.CLOSED},
    B.ACTIVE: {B.CLOSED},
    B.CLOSED: set(),
    B.WITHDRAWN: set(),
}

SESSION_MOVES = {
    S.SCHEDULED: {S.HELD, S.CANCELLED, S.LATE_CANCELLED, S.NO_SHOW},
    S.HELD: set(),
    S.CANCELLED: set(),
    S.LATE_CANCELLED: set(),
    S.NO_SHOW: set(),
}


def move_booking(booking, to):
    if to == booking.state:
        return
    if to not in BOOKING_MOVES[booking.state]:
        raise ValidationError(_("A booking that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": B(booking.state).label, "to": B(to).label})
    booking.state = to


def move_session(session, to):
    if to not in SESSION_MOVES[session.state]:
        raise ValidationError(_("A session that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": S(session.state).label, "to": S(to).label})
    session.state = to
