"""The employee's counseling pages as they use them (DOMAIN §4): the balance and what a session
costs, booking (holding nothing), the refusal when no hours are left, the notice of rights, the
encrypted description and its access log, and the rights used with one click — cancel a session,
ask for another counselor, end counseling. Pages are read in English (the language cookie), so
the assertions hold whatever the translations say."""
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.actors import acting_as
from core.models import AccessLog
from core.models.audit import PurposeKind
from counseling import services
from counseling.models import Booking, BookingState, LedgerEntry, QuotaAccount, SessionState
from counseling.tests.conftest import at

LEAVE = "Counseling during office hours needs leave under the civil-servant leave rules."


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def offer_key(world, service="individual"):
    return f"{world.cast.a_contract.pk}:{service}"


def form_data(world, **overrides):
    data = {"offer": offer_key(world), "mode": "in_person", "preferred_gender": "", "preferred_specialty": "",
            "phone": "0912-345-678", "description": "最近睡不好，工作壓力很大", "intake_times": "平日晚上七點後",
            "rights_acknowledged": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def booked(world, employee=None, **kwargs):
    """A portal request of agency A's employee, made through the service."""
    employee = employee or world.cast.a_employee
    offer = next(o for o in services.offers_for(employee, 114) if o.key == offer_key(world))
    with acting_as("test"):
        return services.request_booking(employee, offer, by=employee.user, description="睡不好",
                                        rights_acknowledged=True, **kwargs)


def scheduled(world, booking, when, **kwargs):
    with acting_as("test"):
        return services.schedule_session(booking, by=world.provider, starts_at=when, **kwargs)


def account(world):
    return QuotaAccount.objects.get(pool=world.a_pool, employee=world.cast.a_employee)


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


# --- The overview and the booking page ------------------------------------------------------

def test_my_counseling_shows_this_years_hours_and_the_leave_rule(counsel):
    html = page(client_of(counsel.cast.a_employee), "my_counseling")
    assert "Your hours this year (ROC 114)" in html
    assert '<span class="fw-semibold">6</span> hours available' in html
    assert reverse("book_counseling") in html
    assert LEAVE in html


def test_my_counseling_lists_my_bookings_newest_first_with_their_state(counsel):
    first = booked(counsel)
    with acting_as("test"):
        services.end_counseling(first, by=counsel.cast.a_employee.user)  # withdrawn
    second = booked(counsel)
    html = page(client_of(counsel.cast.a_employee), "my_counseling")
    newer, older = html.index(reverse("my_booking", args=[second.pk])), html.index(reverse("my_booking", args=[first.pk]))
    assert newer < older
    assert "Requested</span>" in html and "Withdrawn</span>" in html


def test_the_booking_page_shows_the_6_h_balance_and_what_a_session_costs(counsel):
    html = page(client_of(counsel.cast.a_employee), "book_counseling")
    assert "6 h of 6 h available this year" in html
    assert "a session costs 1 h" in html
    assert "a family session costs 2 h" in html
    assert counsel.cast.a_provider.name in html
    assert "Individual counseling" in html and "Legal consulting" in html
    # The plan's applicant details come from the profile; only the phone is a field.
    assert counsel.cast.a_employee.full_name in html and 'name="phone"' in html and 'name="full_name"' not in html
    assert "records for 10 years and then destroys them" in html
    assert LEAVE in html


def test_booking_creates_a_request_that_holds_nothing(counsel):
    client = client_of(counsel.cast.a_employee)
    response = client.post(reverse("book_counseling"), form_data(counsel), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain == [(reverse("my_booking", args=[booking.pk]), 302)]
    assert "Your request has been sent" in response.content.decode()
    assert booking.state == BookingState.REQUESTED and booking.employee == counsel.cast.a_employee
    assert booking.pool == counsel.a_pool and booking.rights_acknowledged_at is not None
    assert booking.applicant["phone"] == "0912-345-678"
    assert booking.applicant["name"] == counsel.cast.a_employee.full_name
    assert booking.description == "最近睡不好，工作壓力很大" and booking.intake_times == "平日晚上七點後"
    assert (account(counsel).held, account(counsel).consumed) == (0, 0)
    assert not LedgerEntry.objects.exists()


def test_a_family_request_shows_the_2_h_cost(counsel):
    client = client_of(counsel.cast.a_employee)
    response = client.post(reverse("book_counseling"), form_data(counsel, wants_family="on"))
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.wants_family
    html = page(client, "my_booking", booking.pk)
    assert "You asked for a family session." in html and "A family session costs 2 h." in html


def test_a_family_session_is_refused_where_the_plan_offers_none(counsel):
    counsel.a_pool.family_charge_hours = None
    counsel.a_pool.save()
    client = client_of(counsel.cast.a_employee)
    html = page(client, "book_counseling")
    assert "a family session costs" not in html and 'name="wants_family"' not in html
    response = client.post(reverse("book_counseling"), form_data(counsel, wants_family="on"))
    assert response.status_code == 200
    assert "This service does not offer family sessions." in response.content.decode()
    assert not Booking.objects.exists()


def test_with_no_hours_left_the_request_is_refused_clearly_and_nothing_is_created(counsel):
    earlier = booked(counsel)
    scheduled(counsel, earlier, at(3, 10), hours=6)  # all six hours held
    client = client_of(counsel.cast.a_employee)
    html = page(client, "book_counseling")
    assert "0 h of 6 h available this year" in html and "Not enough hours left this year" in html
    response = client.post(reverse("book_counseling"), form_data(counsel))
    assert response.status_code == 200
    assert "You have 0 h left this year; a session needs 1 h." in response.content.decode()
    assert list(Booking.objects.all()) == [earlier]


def test_the_notice_of_rights_must_be_acknowledged(counsel):
    client = client_of(counsel.cast.a_employee)
    response = client.post(reverse("book_counseling"), form_data(counsel, rights_acknowledged=None))
    assert response.status_code == 200
    assert "Please read and acknowledge your rights and duties first." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_main_problem_is_required_and_at_most_1000_characters(counsel):
    client = client_of(counsel.cast.a_employee)
    for description in ("", "字" * 1001):
        response = client.post(reverse("book_counseling"), form_data(counsel, description=description))
        assert response.status_code == 200
        assert response.context["form"].errors["description"]
    assert not Booking.objects.exists()


def test_only_the_contracts_modes_can_be_chosen(counsel):
    response = client_of(counsel.cast.a_employee).post(reverse("book_counseling"), form_data(counsel, mode="remote"))
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_someone_without_an_employee_profile_has_no_counseling_pages(counsel):
    client = client_of(counsel.cast.provider)
    assert client.get(reverse("my_counseling")).status_code == 404
    assert client.get(reverse("book_counseling")).status_code == 404


# --- One booking: the description, privacy ---------------------------------------------------

def test_the_description_is_stored_encrypted_and_reading_it_is_logged(counsel):
    client = client_of(counsel.cast.a_employee)
    client.post(reverse("book_counseling"), form_data(counsel, description="我和主管衝突，晚上失眠"))
    booking = Booking.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, intake_times, applicant FROM counseling_booking WHERE id = %s",
                       [booking.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "主管衝突" not in raw and "失眠" not in raw and "平日晚上" not in raw and "0912" not in raw
    before = AccessLog.objects.count()
    html = page(client, "my_booking", booking.pk)
    assert "我和主管衝突，晚上失眠" in html
    log = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert log.actor == counsel.cast.a_employee.user and log.person == counsel.cast.a_employee
    assert log.record_ids == [str(booking.pk)] and log.purpose_kind == PurposeKind.OWN_RECORDS


def test_the_booking_page_shows_the_provider_sessions_and_the_leave_rule(counsel):
    counsel.cast.a_provider.phone = "07-1234567"
    counsel.cast.a_provider.save()
    booking = booked(counsel)
    scheduled(counsel, booking, at(3, 10, 14), counselor=counsel.a_counselor)
    html = page(client_of(counsel.cast.a_employee), "my_booking", booking.pk)
    assert "07-1234567" in html and counsel.a_counselor.name in html
    assert "114/03/10 14:00" in html  # the session, in the ROC calendar and Taipei time
    assert "Sessions scheduled" in html
    assert LEAVE in html


def test_another_employee_gets_404_on_my_booking_and_its_actions(counsel):
    booking = booked(counsel)
    session = scheduled(counsel, booking, at(3, 10))
    for other in (counsel.cast.a_supervisor, counsel.cast.b_employee, counsel.cast.a_eap_officer):
        client = client_of(other)
        assert client.get(reverse("my_booking", args=[booking.pk])).status_code == 404
        assert client.post(reverse("another_counselor", args=[booking.pk])).status_code == 404
        assert client.post(reverse("end_counseling", args=[booking.pk])).status_code == 404
        assert client.post(reverse("cancel_my_session", args=[session.pk])).status_code == 404
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.change_requested_at is None and booking.end_requested_at is None
    assert session.state == SessionState.SCHEDULED


def test_the_actions_refuse_get(counsel):
    booking = booked(counsel)
    client = client_of(counsel.cast.a_employee)
    assert client.get(reverse("end_counseling", args=[booking.pk])).status_code == 405
    assert client.get(reverse("another_counselor", args=[booking.pk])).status_code == 405


# --- The rights, one click each ---------------------------------------------------------------

def test_cancelling_a_session_in_time_gives_its_hours_back(counsel):
    booking = booked(counsel)
    session = scheduled(counsel, booking, at(3, 10))
    client = client_of(counsel.cast.a_employee)
    html = page(client, "my_booking", booking.pk)
    assert "<details" in html and "Yes, cancel this session" in html
    assert "This is a late cancellation" not in html
    response = client.post(reverse("cancel_my_session", args=[session.pk]), follow=True)
    assert response.redirect_chain == [(reverse("my_booking", args=[booking.pk]), 302)]
    assert "The session is cancelled." in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    assert (account(counsel).held, account(counsel).consumed) == (0, 0)
    assert "Yes, cancel this session" not in response.content.decode()


def test_a_late_cancellation_is_warned_about_and_charged_as_the_plan_says(counsel):
    booking = booked(counsel)
    session = scheduled(counsel, booking, at(3, 3, 18))  # nine hours ahead: late under the 24-hour rule
    client = client_of(counsel.cast.a_employee)
    assert "This is a late cancellation: the plan may still charge" in page(client, "my_booking", booking.pk)
    response = client.post(reverse("cancel_my_session", args=[session.pk]), follow=True)
    assert "The session was cancelled late" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.LATE_CANCELLED
    assert (account(counsel).held, account(counsel).consumed) == (0, Decimal(1))


def test_a_past_session_cannot_be_cancelled(counsel):
    booking = booked(counsel)
    session = scheduled(counsel, booking, at(3, 3, 8))  # began an hour ago
    client = client_of(counsel.cast.a_employee)
    assert "Yes, cancel this session" not in page(client, "my_booking", booking.pk)
    response = client.post(reverse("cancel_my_session", args=[session.pk]), follow=True)
    assert "already started" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED


def test_asking_for_another_counselor(counsel):
    booking = booked(counsel)
    client = client_of(counsel.cast.a_employee)
    assert "Yes, ask for another counselor" in page(client, "my_booking", booking.pk)
    response = client.post(reverse("another_counselor", args=[booking.pk]), follow=True)
    html = response.content.decode()
    assert "The provider has been told you would like another counselor." in html
    assert "You asked for another counselor on" in html and "Yes, ask for another counselor" not in html
    booking.refresh_from_db()
    assert booking.change_requested_at is not None


def test_ending_counseling_cancels_the_future_sessions(counsel):
    booking = booked(counsel)
    session = scheduled(counsel, booking, at(3, 10))
    client = client_of(counsel.cast.a_employee)
    assert "Yes, end counseling" in page(client, "my_booking", booking.pk)
    response = client.post(reverse("end_counseling", args=[booking.pk]), follow=True)
    assert "Counseling is ended at your request" in response.content.decode()
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.end_requested_at is not None and session.state == SessionState.CANCELLED
    assert account(counsel).held == 0


def test_ending_a_request_not_yet_scheduled_withdraws_it(counsel):
    booking = booked(counsel)
    client = client_of(counsel.cast.a_employee)
    client.post(reverse("end_counseling", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.state == BookingState.WITHDRAWN
    html = page(client, "my_booking", booking.pk)
    assert "This booking is closed." in html and "Yes, end counseling" not in html
    response = client.post(reverse("another_counselor", args=[booking.pk]), follow=True)
    assert "This booking is closed." in response.content.decode()


