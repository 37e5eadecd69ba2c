"""HR's session pages: the list of the sessions one keeps, the roll on a tablet, closing. Course
keepers only (403 for other roles); another agency's session does not exist (404). Pages are read
in English (the language cookie), so the assertions hold whatever the translations say."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from courses.models import Enrolment, EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory
from plans.tests.factories import PlanFactory
from surveys.models import Survey

pytestmark = pytest.mark.django_db


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if person is not None:
        client.force_login(getattr(person, "user", person))
    return client


def session_of(cast, side="a", *, starts_in_hours=-1, topic=None, plan=None, **fields):
    course = CourseFactory(plan=plan or getattr(cast, f"{side}_plan"), agency=getattr(cast, side),
                           topic=topic or f"{side.upper()} 紓壓研習班")
    return CourseSessionFactory(course=course, starts_at=timezone.now() + datetime.timedelta(hours=starts_in_hours),
                                **fields)


def roll_url(session):
    return reverse("course_roll", args=[session.pk])


def close_url(session):
    return reverse("course_close_session", args=[session.pk])


def roll_post(form_people, rows):
    """The roll as the page posts it: the people it listed and, per person, present and hours."""
    data = {"people": ",".join(str(enrolment.pk) for enrolment in sorted(form_people, key=lambda e: e.pk))}
    for enrolment, (present, hours) in rows.items():
        if present:
            data[f"present_{enrolment.pk}"] = "on"
        data[f"hours_{enrolment.pk}"] = hours
    return data


@pytest.fixture
def held(cast):
    """A's session that started an hour ago: a_employee and a_sub_employee seated, a_supervisor
    waiting (on no roll)."""
    session = session_of(cast)
    seated = [EnrolmentFactory(session=session, employee=cast.a_employee),
              EnrolmentFactory(session=session, employee=cast.a_sub_employee)]
    EnrolmentFactory(session=session, employee=cast.a_supervisor, state=EnrolmentState.WAITLISTED, seated_at=None)
    return session, seated


# --- The list --------------------------------------------------------------------------------------

def test_the_list_shows_the_sessions_one_keeps_with_their_counts(cast, held):
    session, _seated = held
    session_of(cast, "b", topic="乙區研習")
    page = client_of(cast.a_eap_officer).get(reverse("course_sessions_hr"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "A 紓壓研習班" in html and "乙區研習" not in html
    assert "Enrolled 2 of 40" in html and "waiting list 1" in html
    assert "Held, to be closed" in html and "2 not marked" in html
    assert roll_url(session) in html
    assert "乙區研習" in client_of(cast.city_hr).get(reverse("course_sessions_hr")).content.decode()


@pytest.mark.parametrize("who", ["a_employee", "a_supervisor", "a_care_member", "reviewer", "provider", "nobody"])
def test_the_list_is_for_course_keepers_only(cast, who):
    assert client_of(getattr(cast, who)).get(reverse("course_sessions_hr")).status_code == 403


def test_the_list_requires_login(cast):
    response = client_of(None).get(reverse("course_sessions_hr"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_list_filters_by_plan_year_and_state(cast):
    upcoming = session_of(cast, starts_in_hours=48, topic="下週課程")
    old_closed = session_of(cast, starts_in_hours=-24 * 60, topic="兩個月前的課程", state=SessionState.CLOSED)
    old_open = session_of(cast, starts_in_hours=-24 * 60, topic="兩個月前未結訓")
    last_year = session_of(cast, starts_in_hours=24, topic="去年計畫的課程", plan=PlanFactory(owner=cast.a, year=113))
    client = client_of(cast.a_eap_officer)

    def listed(**query):
        html = client.get(reverse("course_sessions_hr"), query).content.decode()
        return {s.course.topic for s in (upcoming, old_closed, old_open, last_year) if s.course.topic in html}

    # Upcoming and recent by default, and every held session still to close however old.
    assert listed() == {"下週課程", "兩個月前未結訓", "去年計畫的課程"}
    assert listed(state="closed") == {"兩個月前的課程"}
    assert listed(state="to_close") == {"兩個月前未結訓"}
    assert listed(year="113") == {"去年計畫的課程"}
    assert listed(year="114", state="open") == {"下週課程", "兩個月前未結訓"}


# --- The roll --------------------------------------------------------------------------------------

def test_the_roll_lists_the_seated_people_for_marking(cast, held):
    session, _seated = held
    page = client_of(cast.a_eap_officer).get(roll_url(session))
    html = page.content.decode()
    assert page.status_code == 200
    assert cast.a_employee.full_name in html and cast.a_sub_employee.full_name in html
    assert cast.a_supervisor.full_name not in html  # waiting: not on the roll
    assert page.context["form"] is not None and 'name="present_' in html and 'value="3.0"' in html


def test_marks_and_hours_are_saved_in_one_post(cast, held):
    session, (came, missed) = held
    response = client_of(cast.a_agency_hr).post(roll_url(session), roll_post(
        [came, missed], {came: (True, "2.5"), missed: (False, "3")}), follow=True)
    assert response.redirect_chain[-1][0] == roll_url(session)
    assert "The roll is saved: 1 present, 1 absent." in response.content.decode()
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, came.learning_hours, came.marked_by) == (True, Decimal("2.5"), cast.a_agency_hr.user)
    assert (missed.attended, missed.learning_hours) == (False, Decimal("0"))


def test_bad_hours_come_back_with_a_message_and_nothing_is_saved(cast, held):
    session, (came, other) = held
    page = client_of(cast.a_eap_officer).post(roll_url(session), roll_post(
        [came, other], {came: (True, "3"), other: (True, "4")}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was saved" in html and "Learning hours are between 0 and 3" in html
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_an_empty_post_is_an_error_not_everyone_absent(cast, held):
    session, _seated = held
    page = client_of(cast.a_eap_officer).post(roll_url(session), {})
    assert page.status_code == 200 and "The roll was not sent whole" in page.content.decode()
    assert not Enrolment.objects.filter(attended__isnull=False).exists()


def test_the_roll_of_a_session_not_started_is_shown_but_cannot_be_marked(cast):
    session = session_of(cast, starts_in_hours=24)
    enrolment = EnrolmentFactory(session=session, employee=cast.a_employee)
    client = client_of(cast.a_eap_officer)
    page = client.get(roll_url(session))
    assert page.status_code == 200 and page.context["form"] is None
    assert cast.a_employee.full_name in page.content.decode()
    response = client.post(roll_url(session), roll_post([enrolment], {enrolment: (True, "3")}), follow=True)
    assert response.redirect_chain[-1][0] == roll_url(session)
    assert "from the start of the session" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_another_agencys_roll_does_not_exist_for_an_eap_officer(cast):
    theirs = session_of(cast, "b")
    EnrolmentFactory(session=theirs, employee=cast.b_employee)
    client = client_of(cast.a_eap_officer)
    assert client.get(roll_url(theirs)).status_code == 404
    assert client.post(roll_url(theirs), {}).status_code == 404
    assert client.post(close_url(theirs)).status_code == 404
    assert client_of(cast.city_hr).get(roll_url(theirs)).status_code == 200


@pytest.mark.parametrize("who", ["a_employee", "a_supervisor", "reviewer"])
def test_the_roll_refuses_other_roles(cast, held, who):
    session, _seated = held
    client = client_of(getattr(cast, who))
    assert client.get(roll_url(session)).status_code == 403
    assert client.post(close_url(session)).status_code == 403


# --- Closing --------------------------------------------------------------------------------------

def test_closing_from_the_roll_invites_the_attendees(cast, held):
    session, (came, missed) = held
    client = client_of(cast.a_eap_officer)
    client.post(roll_url(session), roll_post([came, missed], {came: (True, "3"), missed: (False, "")}))
    page = client.get(roll_url(session))
    assert 'action="%s"' % close_url(session) in page.content.decode()
    response = client.post(close_url(session), follow=True)
    assert response.redirect_chain[-1][0] == roll_url(session)
    html = response.content.decode()
    assert "The session is closed. 1 person who attended is invited" in html
    assert "the roll is final" in html and 'name="present_' not in html
    session.refresh_from_db()
    assert session.state == SessionState.CLOSED and session.satisfaction_survey is not None
    assert list(Notification.objects.filter(kind="survey_invitation").values_list("recipient", flat=True)) == [
        cast.a_employee.user_id]
    # Closed is final: the roll is no longer marked, and closing again is refused.
    again = client.post(close_url(session), follow=True)
    assert "already closed" in again.content.decode()
    refused = client.post(roll_url(session), roll_post([came, missed], {came: (False, ""), missed: (True, "3")}))
    assert refused.status_code == 302
    came.refresh_from_db()
    assert came.attended is True and Survey.objects.count() == 1


def test_closing_with_people_unmarked_is_refused_with_their_number(cast, held):
    session, _seated = held
    response = client_of(cast.a_eap_officer).post(close_url(session), follow=True)
    assert response.redirect_chain[-1][0] == roll_url(session)
    assert "2 people on the roll are not marked yet" in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.OPEN and not Survey.objects.exists()


def test_closing_before_the_start_is_refused(cast):
    session = session_of(cast, starts_in_hours=24)
    response = client_of(cast.a_eap_officer).post(close_url(session), follow=True)
    assert "A session can be closed once it has started." in response.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.OPEN


def test_closing_is_a_post_only(cast, held):
    session, _seated = held
    assert client_of(cast.a_eap_officer).get(close_url(session)).status_code == 405
