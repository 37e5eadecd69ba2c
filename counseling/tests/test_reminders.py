"""A confirmation when a session is scheduled and a reminder the day before, through the shared
notification service: discreet, once each."""
import pytest
import time_machine

from counseling import services
from counseling.tests.conftest import at
from core.models import Notification
from core.notifications import headline_for

pytestmark = pytest.mark.usefixtures("actor")


def test_confirmation_then_one_reminder_the_day_before(counsel):
    cast = counsel.cast
    offer = next(o for o in services.offers_for(cast.a_employee, 114) if o.service == "individual")
    booking = services.request_booking(cast.a_employee, offer, by=cast.a_employee.user, description="x",
                                       rights_acknowledged=True)
    services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 10, 15))
    mine = Notification.objects.filter(recipient=cast.a_employee.user)
    assert list(mine.values_list("kind", flat=True)) == ["session_scheduled"]
    with time_machine.travel(at(3, 8, 9), tick=False):
        assert services.remind_sessions_tomorrow() == 0
    with time_machine.travel(at(3, 9, 9), tick=False):
        services.remind_sessions_tomorrow()
        services.remind_sessions_tomorrow()
    assert mine.filter(kind="session_reminder").count() == 1
    # The provider's staff heard of the request; nobody's inbox line says what it is about.
    assert Notification.objects.filter(recipient=counsel.provider, kind="booking_received").exists()
    for notification in Notification.objects.all():
        text = str(headline_for(notification.kind))
        assert "諮商" not in text and "counsel" not in text.lower()
