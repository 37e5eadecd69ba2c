"""A privacy and access review of counseling, as an attacker with a legitimate account would try it:
guessed ids, forged form fields pointing at other agencies' or providers' objects, side doors that
would tell HR who uses counseling, the ledger charged for what did not happen. Each test names the
rule it defends (DOMAIN §1, §4, §8)."""
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from agencies.tests.factories import UserFactory
from core.actors import acting_as
from core.models import Notification
from core.models.audit import AccessLog
from counseling import services
from counseling.models import Booking, QuotaAccount, Session, SessionState
from counseling.tests.conftest import at
from plans.models import Counselor


def client_of(user):
    client = Client()
    client.force_login(getattr(user, "user", user))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offer_for(world, service="individual", side="a"):
    employee = getattr(world.cast, f"{side}_employee")
    return next(o for o in services.offers_for(employee, 114) if o.service == service
                and o.contract == getattr(world.cast, f"{side}_contract"))


def book(world, side="a", description="睡不好，工作壓力大"):
    employee = getattr(world.cast, f"{side}_employee")
    with acting_as("test"):
        return services.request_booking(employee, offer_for(world, side=side), by=employee.user,
                                        description=description, rights_acknowledged=True)


def schedule(world, booking, when):
    with acting_as("test"):
        return services.schedule_session(booking, by=world.provider, starts_at=when)


def group_booking(world):
    cast = world.cast
    offer = services.Offer(cast.a_contract, "group", services.pool_for(cast.a_contract, "group"))
    with acting_as("test"):
        return services.request_group_counseling(cast.a, offer, by=cast.a_eap_officer.user, topics=["morale"],
                                                 description="單位士氣低落")


def account(world):
    found = QuotaAccount.objects.get(pool=world.a_pool, employee=world.cast.a_employee)
    return found.held, found.consumed


# --- Problems found (each failed before its fix) ---------------------------------------------

def test_provider_staff_learn_nothing_about_an_employee_their_contracts_do_not_serve(counsel):
    """Provider staff see no roster (DOMAIN §1): looking up the number of an employee whom none of
    their provider's contracts serves must not show that employee's name, agency or job title."""
    b_employee = counsel.cast.b_employee
    b_employee.job_title = "課員甲"
    b_employee.save()
    response = client_of(counsel.provider).post(reverse("provider_new_booking"),
                                                 {"employee_number": b_employee.employee_number})
    assert response.status_code == 200
    body = response.content.decode()
    assert b_employee.full_name not in body
    assert counsel.cast.b.name not in body
    assert "課員甲" not in body
    assert response.context["employee"] is None
    assert not Booking.objects.exists()


def test_a_no_show_cannot_be_recorded_before_the_session_starts(counsel):
    """The ledger charges a no-show as the plan says — not a session that has not happened yet."""
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 10))  # a week from now
    assert account(counsel) == (1, 0)
    response = client_of(counsel.provider).post(reverse("provider_record_session", args=[session.pk]),
                                                {"outcome": "no_show"}, follow=True)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED
    assert account(counsel) == (1, 0)


def test_a_no_show_is_still_recorded_once_the_session_has_started(counsel, time_machine):
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 10))
    time_machine.move_to(at(3, 10, 12), tick=False)
    with acting_as("test"):
        services.record_session(session, by=counsel.provider, outcome=SessionState.NO_SHOW)
    assert account(counsel) == (0, 1)


def test_the_officer_can_open_the_notice_of_a_scheduled_group_session(counsel):
    """A group booking is the agency's: its notices lead the officer to the group counseling page,
    not to an employee's booking page that tells them it does not exist."""
    booking = group_booking(counsel)
    with acting_as("test"):
        services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 20), hours=2)
    notice = Notification.objects.get(recipient=counsel.cast.a_eap_officer.user, kind="session_scheduled")
    assert client_of(counsel.cast.a_eap_officer).get(notice.link).status_code == 200


# --- Attempts that fail, as they should (the rules documented) -------------------------------

@pytest.fixture
def other_provider(counsel):
    user = UserFactory(username="b_provider_staff")
    counsel.cast.b_provider.staff.add(user)
    return user


def test_a_counselor_of_another_provider_cannot_be_assigned_or_scheduled(counsel):
    booking = book(counsel)
    stranger = Counselor.objects.create(provider=counsel.cast.b_provider, name="乙所心理師", gender="male")
    provider = client_of(counsel.provider)
    provider.post(reverse("provider_intake", args=[booking.pk]), {"outcome": "初談", "counselor": stranger.pk})
    provider.post(reverse("provider_schedule", args=[booking.pk]), {
        "starts_at_date": "114/03/10", "starts_at_time": "10:00", "hours": "1", "mode": "in_person",
        "counselor": stranger.pk})
    booking.refresh_from_db()
    assert booking.counselor is None
    assert not Session.objects.filter(counselor=stranger).exists()


def test_an_employee_cannot_book_an_offer_of_another_agencys_plan(counsel):
    b_offer = offer_for(counsel, side="b")
    response = client_of(counsel.cast.a_employee).post(reverse("book_counseling"), {
        "offer": b_offer.key, "mode": "in_person", "phone": "0912000000", "description": "x",
        "rights_acknowledged": "on"})
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_an_officer_cannot_ask_group_counseling_for_another_agency_or_of_its_provider(counsel):
    officer = client_of(counsel.cast.a_eap_officer)
    url = reverse("group_counseling")
    for agency, contract in ((counsel.cast.b, counsel.cast.a_contract), (counsel.cast.a, counsel.cast.b_contract)):
        response = officer.post(url, {"agency": agency.pk, "offer": contract.pk, "topics": ["morale"]})
        assert response.status_code == 200
    assert not Booking.objects.exists()


def test_staff_of_another_provider_cannot_read_or_act_and_nothing_is_logged(counsel, other_provider):
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 10))
    client = client_of(other_provider)
    assert client.get(reverse("provider_booking", args=[booking.pk])).status_code == 404
    for route in ("provider_record_session", "provider_cancel_session"):
        assert client.post(reverse(route, args=[session.pk]), {"outcome": "no_show"}).status_code == 404
    assert not AccessLog.objects.exists()
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr", "city_hr", "reviewer", "access_approver",
                                 "b_employee", "a_supervisor"])
def test_nobody_else_reads_a_booking_and_the_404_says_nothing(counsel, who):
    booking = book(counsel, description="祕密內容")
    person = getattr(counsel.cast, who)
    client = client_of(person)
    for url in (reverse("my_booking", args=[booking.pk]), reverse("provider_booking", args=[booking.pk])):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "祕密內容" not in body and counsel.cast.a_employee.full_name not in body
    assert not AccessLog.objects.exists()


def test_an_employee_cannot_cancel_or_end_someone_elses_counseling(counsel):
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 20))
    other = client_of(counsel.cast.b_employee)
    assert other.post(reverse("cancel_my_session", args=[session.pk])).status_code == 404
    assert other.post(reverse("end_counseling", args=[booking.pk])).status_code == 404
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.state == SessionState.SCHEDULED and booking.end_requested_at is None


def test_the_employees_notices_are_private_and_carry_no_content(counsel):
    booking = book(counsel, description="失眠")
    schedule(counsel, booking, at(3, 20))
    from core.notifications import PRIVATE_KINDS

    for notice in Notification.objects.filter(recipient=counsel.cast.a_employee.user):
        assert notice.kind in PRIVATE_KINDS
        assert "失眠" not in notice.link and "?" not in notice.link
    assert Notification.objects.filter(recipient=counsel.cast.a_employee.user).exists()


def test_hr_pages_never_name_a_counseling_user(counsel):
    counsel.cast.a_employee.full_name = "王祕密"
    counsel.cast.a_employee.save()
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 3, 9))
    with acting_as("test"):
        services.record_session(session, by=counsel.provider, outcome=SessionState.HELD)
    for person in (counsel.cast.a_eap_officer, counsel.cast.city_hr):
        client = client_of(person)
        for url in (reverse("counseling_usage"), reverse("counseling_usage") + "?by=month&format=csv",
                    reverse("counseling_reconciliation"), reverse("group_counseling")):
            response = client.get(url)
            if response.status_code == 200:
                content = b"".join(response.streaming_content) if response.streaming else response.content
                assert "王祕密" not in content.decode(errors="replace")
    assert client_of(counsel.cast.a_agency_hr).get(reverse("counseling_usage")).status_code == 403


def test_the_ledger_is_never_charged_twice_for_one_session(counsel, time_machine):
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 3, 9))
    provider = client_of(counsel.provider)
    for outcome in ("held", "held", "no_show"):
        provider.post(reverse("provider_record_session", args=[session.pk]), {"outcome": outcome})
    provider.post(reverse("provider_cancel_session", args=[session.pk]))
    assert account(counsel) == (Decimal(0), Decimal(1))


def _held_sessions_of_one_person(world, employee, days):
    with acting_as("test"):
        booking = services.request_booking(employee, offer_for_employee(employee, world.cast.a_contract),
                                           by=employee.user, description="x", rights_acknowledged=True)
        for day in days:
            session = services.schedule_session(booking, by=world.provider, starts_at=at(2, day))
            services.record_session(session, by=world.provider, outcome=SessionState.HELD)


def offer_for_employee(employee, contract):
    return next(o for o in services.offers_for(employee, 114) if o.service == "individual" and o.contract == contract)


def test_one_persons_many_sessions_do_not_show_in_a_small_agency(counsel, time_machine):
    """A count that describes fewer than K people is hidden (core.suppression): five sessions of
    one person at a small sub-agency describe one person, and must not be published to its EAP officer."""
    from counseling.statistics import usage

    counsel.a_pool.hours = Decimal(20)
    counsel.a_pool.save()
    time_machine.move_to(at(3, 1), tick=False)
    _held_sessions_of_one_person(counsel, counsel.cast.a_sub_employee, [3, 4, 5, 6, 7])
    report = usage(counsel.cast.a_eap_officer.user, 114, "agency")
    row = next(line for line in report.body if line[0] == counsel.cast.a_sub.name)
    assert row[2] == report.marker  # sessions held
