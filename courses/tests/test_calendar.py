"""My sessions as an .ics file, read back with icalendar as a calendar application would: one event per
seat, the right times, a UID that stays the same from one download to the next, the sessions I left
or HR cancelled marked CANCELLED, and nothing of anybody else's."""
import datetime

import icalendar
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.calendar import uid_domain
from courses.enrolment import cancel_enrolment, enrol
from courses.models import SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

NOW = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0))
URL = reverse("my_courses_ics")


def session_on(course, month, day, **fields):
    starts = timezone.make_aware(datetime.datetime(2025, month, day, 14, 0))
    return CourseSessionFactory(course=course, starts_at=starts,
                                ends_at=starts + datetime.timedelta(hours=2, minutes=30),
                                registration_deadline=starts - datetime.timedelta(days=1), **fields)


@pytest.fixture
def course(cast, time_machine):
    time_machine.move_to(NOW, tick=False)
    return CourseFactory(plan=cast.a_plan, agency=cast.a, topic="情緒管理與紓壓")


def download(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)
    response = client.get(URL)
    assert response.status_code == 200
    return response, icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def uid(session):
    return f"course-session-{session.pk}@{uid_domain()}"


def test_the_file_is_a_calendar_download(cast, course):
    enrol(cast.a_employee, session_on(course, 3, 20))
    response, calendar = download(cast.a_employee)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-courses.ics"')
    assert response["Cache-Control"] == "private, no-store"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]


def test_each_seat_is_an_event_at_its_time_and_place(cast, course):
    in_room = session_on(course, 3, 20)
    online = session_on(course, 4, 2, venue="", online_link="https://meet.example.tw/abc", number=2)
    enrol(cast.a_employee, in_room)
    enrol(cast.a_employee, online)
    found = events(download(cast.a_employee)[1])
    assert set(found) == {uid(in_room), uid(online)}
    event = found[uid(in_room)]
    assert event.start == in_room.starts_at and event.end == in_room.ends_at
    assert event.start.astimezone(datetime.timezone(datetime.timedelta(hours=8))).hour == 14  # 14:00 in Taipei
    assert str(event["SUMMARY"]) == "情緒管理與紓壓"
    assert str(event["LOCATION"]) == in_room.venue
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Session 1 · 3 learning hours" in str(event["DESCRIPTION"])
    assert str(found[uid(online)]["LOCATION"]) == "https://meet.example.tw/abc"


def test_the_uid_is_the_same_in_every_download_and_a_later_file_wins(cast, course, time_machine):
    session = session_on(course, 3, 20)
    enrol(cast.a_employee, session)
    first = events(download(cast.a_employee)[1])[uid(session)]
    time_machine.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    second = events(download(cast.a_employee)[1])[uid(session)]
    assert first["UID"] == second["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]


def test_a_seat_i_gave_up_or_hr_cancelled_comes_as_cancelled(cast, course):
    left = session_on(course, 3, 20)
    called_off = session_on(course, 3, 27)
    cancel_enrolment(enrol(cast.a_employee, left))
    enrol(cast.a_employee, called_off)
    type(called_off).objects.filter(pk=called_off.pk).update(state=SessionState.CANCELLED)
    found = events(download(cast.a_employee)[1])
    assert str(found[uid(left)]["STATUS"]) == "CANCELLED"
    assert str(found[uid(called_off)]["STATUS"]) == "CANCELLED"


def test_enrolling_again_after_leaving_confirms_the_same_event(cast, course):
    session = session_on(course, 3, 20)
    cancel_enrolment(enrol(cast.a_employee, session))
    enrol(cast.a_employee, session)
    found = events(download(cast.a_employee)[1])
    assert list(found) == [uid(session)] and str(found[uid(session)]["STATUS"]) == "CONFIRMED"


def test_waiting_places_and_old_sessions_stay_out(cast, course):
    full = session_on(course, 3, 20, capacity=1)
    enrol(cast.a_supervisor, full)
    enrol(cast.a_employee, full)  # waiting
    recent = CourseSessionFactory(course=course, starts_at=NOW - datetime.timedelta(days=10),
                                  ends_at=NOW - datetime.timedelta(days=10) + datetime.timedelta(hours=3),
                                  registration_deadline=NOW - datetime.timedelta(days=12))
    old = CourseSessionFactory(course=course, starts_at=NOW - datetime.timedelta(days=60),
                               ends_at=NOW - datetime.timedelta(days=60) + datetime.timedelta(hours=3),
                               registration_deadline=NOW - datetime.timedelta(days=62))
    EnrolmentFactory(session=recent, employee=cast.a_employee, attended=True)
    EnrolmentFactory(session=old, employee=cast.a_employee, attended=True)
    assert set(events(download(cast.a_employee)[1])) == {uid(recent)}


def test_only_my_own_seats_and_nothing_about_me(cast, course):
    mine, theirs = session_on(course, 3, 20), session_on(course, 3, 27)
    enrol(cast.a_employee, mine)
    enrol(cast.a_supervisor, theirs)
    response, calendar = download(cast.a_employee)
    assert set(events(calendar)) == {uid(mine)}
    text = response.content.decode()
    for private in (cast.a_employee.full_name, cast.a_employee.employee_number, cast.a_employee.user.email,
                    cast.a_supervisor.full_name):
        assert private not in text
    assert not events(download(cast.b_employee)[1])
