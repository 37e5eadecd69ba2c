"""The provider's inbox (DOMAIN §4): only the booking's provider's staff see it; the whole journey
through the pages (intake, scheduling, recording, coding, closing); refusals shown on the page;
requests entered off the portal by employee number; every reading of a booking logged."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.actors import acting_as
from core.models.audit import AccessLog, PurposeKind
from counseling import services
from counseling.models import Booking, BookingState, Channel, QuotaAccount, Session, SessionState
from counseling.tests.conftest import at
from plans.models import ProblemCategory

# The page's language is English in these tests, so the messages can be read.


def client_of(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offer_for(world, service="individual", side="a"):
    employee = getattr(world.cast, f"{side}_employee")
    return next(o for o in services.offers_for(employee, 114) if o.service == service
                and o.contract == getattr(world.cast, f"{side}_contract"))


def book(world, side="a", **kwargs):
    employee = getattr(world.cast, f"{side}_employee")
    with acting_as("test"):
        return services.request_booking(employee, offer_for(world, side=side), by=employee.user,
                                        description=kwargs.pop("description", "睡不好，工作壓力大"),
                                        rights_acknowledged=True, **kwargs)


def schedule_data(day="114/03/10", time="10:00", **extra):
    return {"starts_at_date": day, "starts_at_time": time, "hours": "1", "mode": "in_person", **extra}


def held_hours(world):
    account = QuotaAccount.objects.get(pool=world.a_pool, employee=world.cast.a_employee)
    return account.held, account.consumed


@pytest.fixture
def provider(counsel):
    return client_of(counsel.provider)


@pytest.fixture
def other_provider(counsel):
    """Staff of agency B's provider only."""
    from agencies.tests.factories import UserFactory

    user = UserFactory(username="b_provider_staff")
    counsel.cast.b_provider.staff.add(user)
    return client_of(user)


def test_staff_of_another_provider_see_none_of_its_bookings(counsel, provider, other_provider):
    booking = book(counsel)
    with acting_as("test"):
        session = services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 10))
    name = counsel.cast.a_employee.full_name

    inbox = other_provider.get(reverse("provider_inbox"))
    assert inbox.status_code == 200
    assert name not in inbox.content.decode()
    assert name in provider.get(reverse("provider_inbox")).content.decode()

    assert other_provider.get(reverse("provider_booking", args=[booking.pk])).status_code == 404
    for route in ("provider_intake", "provider_schedule", "provider_code", "provider_close", "provider_report"):
        assert other_provider.post(reverse(route, args=[booking.pk]), schedule_data()).status_code == 404, route
    for route in ("provider_record_session", "provider_cancel_session"):
        assert other_provider.post(reverse(route, args=[session.pk]), {"outcome": "held"}).status_code == 404, route
    session.refresh_from_db()
    booking.refresh_from_db()
    assert (session.state, booking.state) == (SessionState.SCHEDULED, BookingState.ACTIVE)
    assert Session.objects.filter(booking=booking).count() == 1


def test_the_employee_has_no_provider_page_for_their_own_booking(counsel):
    booking = book(counsel)
    employee = client_of(counsel.cast.a_employee.user)
    assert employee.get(reverse("provider_inbox")).status_code == 403
    assert employee.get(reverse("provider_booking", args=[booking.pk])).status_code == 404
    assert employee.post(reverse("provider_schedule", args=[booking.pk]), schedule_data()).status_code == 404
    assert not booking.sessions.exists()


def test_the_whole_journey_through_the_pages(counsel, provider):
    plan = counsel.cast.a_plan
    stress = ProblemCategory.objects.create(plan=plan, code="stress", name="工作壓力", order=1)
    ProblemCategory.objects.create(plan=plan, code="family", name="家庭關係", order=2)
    booking = book(counsel)
    page = reverse("provider_booking", args=[booking.pk])

    # The intake call, with the counselor.
    response = provider.post(reverse("provider_intake", args=[booking.pk]),
                             {"outcome": "初談：睡眠困擾", "counselor": counsel.a_counselor.pk})
    assert response.status_code == 302 and response["Location"] == page
    booking.refresh_from_db()
    assert (booking.state, booking.counselor, booking.intake_outcome) == (
        BookingState.INTAKE_DONE, counsel.a_counselor, "初談：睡眠困擾")

    # Scheduling holds an hour: this morning (it is 09:00), so that it may be recorded.
    response = provider.post(reverse("provider_schedule", args=[booking.pk]), schedule_data("114/3/3", "09:30"))
    assert response.status_code == 302 and response["Location"] == page
    session = booking.sessions.get()
    assert session.starts_at == at(3, 3, 9).replace(minute=30) and session.counselor == counsel.a_counselor
    assert held_hours(counsel) == (1, 0)
    booking.refresh_from_db()
    assert booking.state == BookingState.ACTIVE

    # Recorded as held, with consent and a note: the hour is used.
    response = provider.post(reverse("provider_record_session", args=[session.pk]),
                             {"outcome": "held", "note": "個案談到失眠與主管衝突", "consent": "on"})
    assert response.status_code == 302 and response["Location"] == page
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.state == SessionState.HELD and session.note == "個案談到失眠與主管衝突"
    assert booking.consent_at is not None
    assert held_hours(counsel) == (0, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {Session._meta.db_table} WHERE id = %s", [session.pk])
        stored = cursor.fetchone()[0]
    assert "失眠" not in str(stored) and stored

    # The page shows the note to the provider.
    assert "個案談到失眠與主管衝突" in provider.get(page).content.decode()

    # Coded, then closed.
    response = provider.post(reverse("provider_code", args=[booking.pk]), {"categories": [stress.pk]})
    assert response.status_code == 302
    assert list(booking.problem_categories.all()) == [stress]
    response = provider.post(reverse("provider_close", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CLOSED and booking.closed_at is not None
    assert held_hours(counsel) == (0, 1)


def test_a_category_of_another_plan_is_refused(counsel, provider):
    other = ProblemCategory.objects.create(plan=counsel.cast.b_plan, code="other", name="他案類別")
    booking = book(counsel)
    response = provider.post(reverse("provider_code", args=[booking.pk]), {"categories": [other.pk]}, follow=True)
    assert response.status_code == 200
    assert not booking.problem_categories.exists()


def test_a_refused_scheduling_is_shown_on_the_page_and_changes_nothing(counsel, provider):
    booking = book(counsel)
    with acting_as("test"):
        for day in range(10, 16):
            services.schedule_session(booking, by=counsel.provider, starts_at=at(3, day))
    assert held_hours(counsel) == (6, 0)
    response = provider.post(reverse("provider_schedule", args=[booking.pk]), schedule_data("114/03/20"))
    assert response.status_code == 200
    assert "Not enough hours" in response.content.decode()
    assert booking.sessions.count() == 6
    assert held_hours(counsel) == (6, 0)


def test_an_invalid_schedule_form_is_shown_on_the_page(counsel, provider):
    booking = book(counsel)
    response = provider.post(reverse("provider_schedule", args=[booking.pk]), schedule_data("114/02/30"))
    assert response.status_code == 200
    assert "There is no such date" in response.content.decode()
    assert not booking.sessions.exists()


def test_a_family_session_is_scheduled_at_the_family_charge(counsel, provider):
    booking = book(counsel, wants_family=True)
    response = provider.post(reverse("provider_schedule", args=[booking.pk]),
                             schedule_data(is_family="on", relatives="2"))
    assert response.status_code == 302
    session = booking.sessions.get()
    assert (session.is_family, session.relatives, session.charge) == (True, 2, Decimal(2))


def test_cancelling_a_session_releases_its_hours(counsel, provider):
    booking = book(counsel)
    with acting_as("test"):
        session = services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 10))
    response = provider.post(reverse("provider_cancel_session", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    assert held_hours(counsel) == (0, 0)


def test_recording_a_session_before_it_starts_is_refused_with_a_message(counsel, provider):
    booking = book(counsel)
    with acting_as("test"):
        session = services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 10))
    response = provider.post(reverse("provider_record_session", args=[session.pk]), {"outcome": "held"},
                             follow=True)
    assert response.status_code == 200
    assert "cannot be recorded as held before it starts" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.SCHEDULED


def test_a_request_received_by_phone_is_entered_by_employee_number(counsel, provider):
    employee = counsel.cast.a_employee
    url = reverse("provider_new_booking")
    first = provider.get(url)
    assert first.status_code == 200 and employee.full_name not in first.content.decode()

    found = provider.post(url, {"employee_number": employee.employee_number})
    assert found.status_code == 200
    assert employee.full_name in found.content.decode()
    assert not Booking.objects.exists()

    offer = offer_for(counsel)
    response = provider.post(url, {
        "step": "book", "employee_number": employee.employee_number, "offer": offer.key, "channel": Channel.PHONE,
        "description": "電話來電：家中長輩照顧壓力", "intake_times": "平日晚上", "mode": "in_person"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("provider_booking", args=[booking.pk])
    assert (booking.employee, booking.channel, booking.created_by, booking.provider) == (
        employee, Channel.PHONE, counsel.provider, counsel.cast.a_provider)
    assert booking.description == "電話來電：家中長輩照顧壓力"
    assert booking.rights_acknowledged_at is None
    assert booking.applicant["name"] == employee.full_name


def test_only_the_providers_own_services_are_offered(counsel, provider):
    employee = counsel.cast.a_employee
    b_offer = offer_for(counsel, side="b")  # B's employee's offer: not A's provider's contract
    response = provider.post(reverse("provider_new_booking"), {
        "step": "book", "employee_number": employee.employee_number, "offer": b_offer.key, "channel": "phone",
        "description": "x", "mode": "in_person"})
    assert response.status_code == 200
    assert not Booking.objects.exists()


@pytest.mark.parametrize("number", ["NO-SUCH-NUMBER", "", "left"])
def test_a_wrong_employee_number_is_refused(counsel, provider, number):
    if number == "left":
        employee = counsel.cast.a_sub_employee
        employee.leave_date = datetime.date(2025, 1, 31)
        employee.save()
        number = employee.employee_number
    response = provider.post(reverse("provider_new_booking"), {"employee_number": number})
    assert response.status_code == 200
    body = response.content.decode()
    if number:
        assert "No current employee has this number" in body
    assert counsel.cast.a_sub_employee.full_name not in body
    assert not Booking.objects.exists()


def test_the_entry_form_is_not_for_others(counsel):
    hr = client_of(counsel.cast.a_eap_officer.user)
    number = counsel.cast.a_employee.employee_number
    assert hr.get(reverse("provider_new_booking")).status_code == 403
    assert hr.post(reverse("provider_new_booking"), {"employee_number": number}).status_code == 403


def test_reading_a_booking_is_logged_with_the_providers_purpose(counsel, provider):
    booking = book(counsel)
    assert not AccessLog.objects.exists()
    response = provider.get(reverse("provider_booking", args=[booking.pk]))
    assert response.status_code == 200
    assert "睡不好，工作壓力大" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.actor, log.person, log.record_ids) == (counsel.provider, counsel.cast.a_employee, [str(booking.pk)])
    assert (log.purpose_kind, log.purpose_role, log.purpose_ref) == (
        PurposeKind.ROLE, "provider_staff", f"provider:{counsel.cast.a_provider.pk}")


def test_the_inbox_lists_no_description_and_logs_nothing(counsel, provider):
    book(counsel)
    body = provider.get(reverse("provider_inbox")).content.decode()
    assert counsel.cast.a_employee.full_name in body
    assert "睡不好" not in body
    assert not AccessLog.objects.exists()


def test_change_and_end_requests_appear_on_the_inbox(counsel, provider):
    changing = book(counsel)
    ending = book(counsel)
    with acting_as("test"):
        for booking in (changing, ending):
            services.schedule_session(booking, by=counsel.provider, starts_at=at(3, 20))
        services.ask_for_another_counselor(changing, by=counsel.cast.a_employee.user)
        services.end_counseling(ending, by=counsel.cast.a_employee.user)
    response = provider.get(reverse("provider_inbox"))
    asked = next(section for section in response.context["sections"] if section["key"] == "asked")
    assert {booking.pk for booking in asked["bookings"]} == {changing.pk, ending.pk}
    body = response.content.decode()
    assert "Another counselor asked for" in body and "End of counseling asked for" in body


def test_the_inbox_sections(counsel, provider):
    new = book(counsel)
    active = book(counsel)
    closed = book(counsel)
    with acting_as("test"):
        services.schedule_session(active, by=counsel.provider, starts_at=at(3, 20))
        services.close_booking(closed, by=counsel.provider)
    sections = {section["key"]: [b.pk for b in section["bookings"]]
                for section in provider.get(reverse("provider_inbox")).context["sections"]}
    assert sections == {"new": [new.pk], "intake": [], "active": [active.pk], "asked": [], "closed": [closed.pk]}
    with time_machine.travel(at(4, 10), tick=False):  # a month later (signed in again)
        sections = {section["key"]: [b.pk for b in section["bookings"]]
                    for section in client_of(counsel.provider).get(reverse("provider_inbox")).context["sections"]}
    assert sections["closed"] == []


def group_booking(counsel):
    cast = counsel.cast
    offer = services.Offer(cast.a_contract, "group", services.pool_for(cast.a_contract, "group"))
    with acting_as("test"):
        return services.request_group_counseling(cast.a, offer, by=cast.a_eap_officer.user, topics=["morale"],
                                                 description="單位士氣低落")


def test_an_analysis_report_is_uploaded_for_a_group(counsel, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    booking = group_booking(counsel)
    page = provider.get(reverse("provider_booking", args=[booking.pk]))
    assert page.status_code == 200 and "單位士氣低落" in page.content.decode()
    assert AccessLog.objects.get().person is None
    report = SimpleUploadedFile("士氣分析.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    response = provider.post(reverse("provider_report", args=[booking.pk]), {"report": report})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.analysis_report.name.endswith(f"analysis-{booking.pk}.pdf")
    assert booking.analysis_report.read() == b"%PDF-1.4 report"


@pytest.mark.parametrize("name, size, error", [("report.exe", 10, "Upload a PDF, DOCX or XLSX file."),
                                               ("report.pdf", 10 * 1024 * 1024 + 1, "larger than 10 MB")])
def test_a_wrong_report_is_refused(counsel, provider, settings, tmp_path, name, size, error):
    settings.MEDIA_ROOT = tmp_path
    booking = group_booking(counsel)
    report = SimpleUploadedFile(name, b"x" * size)
    response = provider.post(reverse("provider_report", args=[booking.pk]), {"report": report}, follow=True)
    assert error in response.content.decode()
    booking.refresh_from_db()
    assert not booking.analysis_report


def test_an_individual_booking_has_no_report(counsel, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    booking = book(counsel)
    report = SimpleUploadedFile("report.pdf", b"%PDF")
    assert provider.post(reverse("provider_report", args=[booking.pk]), {"report": report}).status_code == 404


def test_post_pages_refuse_get(counsel, provider):
    booking = book(counsel)
    assert provider.get(reverse("provider_schedule", args=[booking.pk])).status_code == 405
    assert provider.post(reverse("provider_inbox")).status_code == 405
