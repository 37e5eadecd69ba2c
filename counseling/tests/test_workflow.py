"""The booking's and session's state tables, walked whole: every allowed move succeeds, every
other is refused with a message."""
import itertools
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from counseling.models import BookingState, SessionState
from counseling.workflow import BOOKING_MOVES, SESSION_MOVES, move_booking, move_session

BOOKING_PAIRS = list(itertools.permutations(BookingState.values, 2))
SESSION_PAIRS = list(itertools.permutations(SessionState.values, 2))


@pytest.mark.parametrize("start, to", BOOKING_PAIRS)
def test_every_booking_move(start, to):
    booking = SimpleNamespace(state=start)
    if to in BOOKING_MOVES[start]:
        move_booking(booking, to)
        assert booking.state == to
    else:
        with pytest.raises(ValidationError):
            move_booking(booking, to)
        assert booking.state == start


@pytest.mark.parametrize("start, to", SESSION_PAIRS)
def test_every_session_move(start, to):
    session = SimpleNamespace(state=start)
    if to in SESSION_MOVES[start]:
        move_session(session, to)
        assert session.state == to
    else:
        with pytest.raises(ValidationError):
            move_session(session, to)
        assert session.state == start


def test_every_state_is_in_the_tables():
    assert set(BOOKING_MOVES) == set(BookingState.values)
    assert set(SESSION_MOVES) == set(SessionState.values)
