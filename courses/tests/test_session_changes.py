"""HR's edits of a session in the admin go through the services: nobody loses a seat to a smaller
capacity, a larger one seats the waiting list, and everyone in a session hears once of each move
and of a cancellation."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from courses.changes import cancel_session, session_moved
from courses.models import CourseSession, Enrolment, EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory
from courses.tests.test_admin import change_url, client_for, errors_of, page_data, session_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cast):
    """A's course with one session of three seats: two taken, one person waiting."""
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a, topic="甲局壓力管理"),
                                   capacity=3)
    EnrolmentFactory(session=session, employee=cast.a_employee)
    EnrolmentFactory(session=session, employee=cast.a_supervisor)
    EnrolmentFactory(session=session, employee=cast.a_sub_employee, state=EnrolmentState.WAITLISTED, seated_at=None)
    return session


@pytest.fixture
def officer(cast):
    return client_for(cast.a_eap_officer)


def people_told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def save(client, session, **changes):
    return client.post(change_url(session.course), page_data(client, session.course, **changes))


def fill_the_session(session):
    EnrolmentFactory(session=session, employee=EmployeeFactory(agency=session.course.agency))


# --- Capacity -----------------------------------------------------------------------------------

def test_capacity_below_the_seats_taken_is_refused_and_nothing_is_saved(session, officer):
    fill_the_session(session)  # three seats taken
    response = save(officer, session, **{"sessions-0-capacity": "2", "sessions-0-venue": "另一間教室",
                                         "purpose": "改過的目的"})
    assert "已有 3 人取得名額" in str(errors_of(response)["capacity"])  # in the portal's language
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (3, "四維行政中心 10 樓第一會議室")
    assert session.course.purpose != "改過的目的"
    assert not Notification.objects.exists()


def test_capacity_down_to_the_seats_taken_is_accepted(session, officer):
    response = save(officer, session, **{"sessions-0-capacity": "2"})
    assert response.status_code == 302, errors_of(response)
    assert CourseSession.objects.get(pk=session.pk).capacity == 2


def test_a_raised_capacity_seats_the_waiting_list_and_tells_them(session, officer, cast):
    fill_the_session(session)
    response = save(officer, session, **{"sessions-0-capacity": "5"})
    assert response.status_code == 302, errors_of(response)
    assert Enrolment.objects.get(session=session, employee=cast.a_sub_employee).state == EnrolmentState.ENROLLED
    assert people_told("course_seat_offered") == ["a_sub_employee"]


# --- Moving -------------------------------------------------------------------------------------

def test_a_move_tells_everyone_in_the_session_once_and_a_second_move_again(session, officer):
    later = session.starts_at + datetime.timedelta(days=1)
    response = save(officer, session, **session_input(0, "starts_at", later),
                    **session_input(0, "ends_at", later + datetime.timedelta(hours=3)))
    assert response.status_code == 302, errors_of(response)
    assert CourseSession.objects.get(pk=session.pk).starts_at == later
    told = ["a_employee", "a_sub_employee", "a_supervisor"]  # the waiting list too: they still mean to come
    assert people_told("course_changed") == told
    # Saving the page again without a change tells nobody.
    assert save(officer, session).status_code == 302
    assert people_told("course_changed") == told
    # A new venue is a second move.
    assert save(officer, session, **{"sessions-0-venue": "鳳山行政中心"}).status_code == 302
    assert people_told("course_changed") == sorted(told * 2)


def test_an_edit_that_does_not_move_the_session_tells_nobody(session, officer):
    response = save(officer, session, **{"sessions-0-hours": "2.5", "purpose": "新的目的"})
    assert response.status_code == 302, errors_of(response)
    assert not Notification.objects.filter(kind="course_changed").exists()


def test_people_who_cancelled_are_not_told_of_a_move(session, officer, cast):
    Enrolment.objects.filter(employee=cast.a_supervisor).update(state=EnrolmentState.CANCELLED)
    assert save(officer, session, **{"sessions-0-venue": "鳳山行政中心"}).status_code == 302
    assert people_told("course_changed") == ["a_employee", "a_sub_employee"]


def test_announcing_the_same_move_twice_tells_people_once(session):
    before = CourseSession.objects.get(pk=session.pk)
    session.venue = "鳳山行政中心"
    session.save()
    session_moved(session, before)
    session_moved(session, before)
    assert len(people_told("course_changed")) == 3


# --- Cancelling ---------------------------------------------------------------------------------

def test_cancelling_needs_a_reason(session, officer):
    response = save(officer, session, **{"sessions-0-state": "cancelled"})
    assert "cancel_reason" in errors_of(response)
    assert CourseSession.objects.get(pk=session.pk).state == SessionState.OPEN
    assert not Notification.objects.exists()


def test_cancelling_tells_everyone_in_the_session_once(session, officer):
    response = save(officer, session, **{"sessions-0-state": "cancelled", "sessions-0-cancel_reason": "颱風停班"})
    assert response.status_code == 302, errors_of(response)
    session.refresh_from_db()
    assert (session.state, session.cancel_reason) == (SessionState.CANCELLED, "颱風停班")
    assert people_told("course_changed") == ["a_employee", "a_sub_employee", "a_supervisor"]
    # The enrolments stay as they were: the record keeps who had a seat.
    assert session.enrolments.filter(state=EnrolmentState.ENROLLED).count() == 2
    # Saving the page again changes and tells nothing more: the cancelled session is shown as it was.
    assert save(officer, session, **{"sessions-0-state": "open"}).status_code == 302
    assert CourseSession.objects.get(pk=session.pk).state == SessionState.CANCELLED
    assert len(people_told("course_changed")) == 3


def test_a_cancelled_session_cannot_be_cancelled_twice_by_the_service(session, cast):
    cancel_session(session, reason="講師生病", by=cast.a_eap_officer.user)
    with pytest.raises(ValidationError):
        cancel_session(session, reason="再取消一次", by=cast.a_eap_officer.user)
    assert len(people_told("course_changed")) == 3


@pytest.mark.parametrize("who", ["b_eap_officer", "a_employee"])
def test_only_a_keeper_of_the_session_cancels_it(session, cast, who):
    with pytest.raises(PermissionDenied):
        cancel_session(session, reason="不是我的", by=getattr(cast, who).user)
    assert CourseSession.objects.get(pk=session.pk).state == SessionState.OPEN
    assert not Notification.objects.exists()


def test_a_new_session_cannot_be_added_cancelled(session, officer):
    start = session.starts_at + datetime.timedelta(days=7)
    response = save(officer, session, **{
        "sessions-TOTAL_FORMS": "2", "sessions-1-number": "2", "sessions-1-capacity": "30", "sessions-1-hours": "3",
        "sessions-1-state": "cancelled", "sessions-1-cancel_reason": "x",
        **session_input(1, "starts_at", start), **session_input(1, "ends_at", start + datetime.timedelta(hours=2)),
        **session_input(1, "registration_deadline", start)})
    assert "state" in errors_of(response)
    assert CourseSession.objects.filter(course=session.course).count() == 1


# --- Closed sessions and deleting ---------------------------------------------------------------

def test_a_closed_session_cannot_be_reopened_or_changed_here(session, officer):
    CourseSession.objects.filter(pk=session.pk).update(state=SessionState.CLOSED)
    data = page_data(officer, session.course)
    assert "sessions-0-state" not in data  # shown, not offered for editing
    data.update({"sessions-0-state": "open", "sessions-0-capacity": "1", "sessions-0-venue": "別處"})
    assert officer.post(change_url(session.course), data).status_code == 302
    session.refresh_from_db()
    assert (session.state, session.capacity, session.venue) == (SessionState.CLOSED, 3, "四維行政中心 10 樓第一會議室")
    assert not Notification.objects.exists()


def test_an_open_session_cannot_be_closed_here(session, officer):
    response = save(officer, session, **{"sessions-0-state": "closed"})
    assert "state" in errors_of(response)
    assert CourseSession.objects.get(pk=session.pk).state == SessionState.OPEN


def test_sessions_are_never_deleted_in_the_admin(session, officer, cast):
    data = page_data(officer, session.course, **{"sessions-0-DELETE": "on"})
    assert officer.post(change_url(session.course), data).status_code == 302
    assert CourseSession.objects.filter(pk=session.pk).exists()
    page = client_for(cast.city_hr).get(change_url(session.course)).content.decode()
    assert 'name="sessions-0-DELETE"' not in page
    assert client_for(cast.city_hr).post(
        reverse("admin:courses_course_delete", args=[session.course.pk]), {"post": "yes"}).status_code == 403
