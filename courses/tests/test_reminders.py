"""Two days before a session, everyone holding a seat is reminded, once; a moved session is reminded
afresh; the waiting list and cancelled or closed sessions are not; a missed run still reminds
before the start, never after."""
import datetime

import pytest
import time_machine

from core.models import Notification
from courses.models import CourseSession, EnrolmentState, SessionState
from courses.reminders import remind_sessions_in_two_days
from courses.tasks import remind_sessions
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory
from eap_portal.rocdates import TAIPEI

pytestmark = pytest.mark.django_db

STARTS = datetime.datetime(2030, 3, 10, 9, 0, tzinfo=TAIPEI)  # a Sunday morning, Taipei time


def taipei(day, hour, minute=0):
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def session(cast):
    """A's session on 10 March 09:00: a_employee and a_supervisor seated, a_sub_employee waiting."""
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), starts_at=STARTS,
                                   ends_at=STARTS + datetime.timedelta(hours=3), capacity=2,
                                   registration_deadline=STARTS - datetime.timedelta(days=3))
    EnrolmentFactory(session=session, employee=cast.a_employee)
    EnrolmentFactory(session=session, employee=cast.a_supervisor)
    EnrolmentFactory(session=session, employee=cast.a_sub_employee, state=EnrolmentState.WAITLISTED, seated_at=None)
    return session


def reminded():
    return sorted(Notification.objects.filter(kind="course_reminder").values_list("recipient__username", flat=True))


def test_nobody_is_reminded_three_days_ahead(session):
    assert remind_sessions_in_two_days(now=taipei(7, 23, 59)) == 0
    assert reminded() == []


def test_the_seated_are_reminded_once_from_the_first_hour_two_days_ahead(session):
    assert remind_sessions_in_two_days(now=taipei(8, 0, 5)) == 2
    assert remind_sessions_in_two_days(now=taipei(8, 0, 5)) == 0
    assert remind_sessions_in_two_days(now=taipei(9, 12)) == 0
    assert reminded() == ["a_employee", "a_supervisor"]  # not the waiting list: they have no seat to come to


def test_the_day_is_taipei_s_whatever_the_server_clock_says(session):
    # 7 March 16:30 UTC is 8 March 00:30 in Taipei: two days ahead of the session there.
    assert remind_sessions_in_two_days(now=datetime.datetime(2030, 3, 7, 16, 30, tzinfo=datetime.UTC)) == 2


def test_a_missed_day_still_reminds_before_the_start_but_never_after(session, cast):
    assert remind_sessions_in_two_days(now=taipei(9, 20)) == 2  # the job was down on the 8th
    later = CourseSessionFactory(course=session.course, starts_at=taipei(10, 14), ends_at=taipei(10, 17),
                                 registration_deadline=taipei(9, 0))
    EnrolmentFactory(session=later, employee=cast.a_sub_employee)
    assert remind_sessions_in_two_days(now=taipei(10, 14, 30)) == 0  # it has started
    assert reminded() == ["a_employee", "a_supervisor"]


def test_someone_seated_late_is_reminded_on_the_next_run(session, cast):
    remind_sessions_in_two_days(now=taipei(8, 1))
    session.enrolments.filter(employee=cast.a_sub_employee).update(state=EnrolmentState.ENROLLED)
    assert remind_sessions_in_two_days(now=taipei(8, 2)) == 1
    assert reminded() == ["a_employee", "a_sub_employee", "a_supervisor"]


def test_a_moved_session_is_reminded_afresh(session):
    remind_sessions_in_two_days(now=taipei(8, 1))
    CourseSession.objects.filter(pk=session.pk).update(starts_at=taipei(11, 9), ends_at=taipei(11, 12))
    assert remind_sessions_in_two_days(now=taipei(8, 2)) == 0  # now three days ahead
    assert remind_sessions_in_two_days(now=taipei(9, 1)) == 2
    assert reminded() == ["a_employee", "a_employee", "a_supervisor", "a_supervisor"]


@pytest.mark.parametrize("state", [SessionState.CANCELLED, SessionState.CLOSED])
def test_cancelled_and_closed_sessions_are_not_reminded(session, state):
    CourseSession.objects.filter(pk=session.pk).update(state=state)
    assert remind_sessions_in_two_days(now=taipei(8, 1)) == 0
    assert reminded() == []


def test_people_who_cancelled_are_not_reminded(session, cast):
    session.enrolments.filter(employee=cast.a_supervisor).update(state=EnrolmentState.CANCELLED)
    remind_sessions_in_two_days(now=taipei(8, 1))
    assert reminded() == ["a_employee"]


def test_the_hourly_task_reminds_once_and_is_on_the_beat_schedule(session):
    from eap_portal.celery import app

    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == "courses.remind_sessions")
    assert entry["schedule"] <= datetime.timedelta(hours=1)
    with time_machine.travel(taipei(8, 0, 30), tick=False):
        assert remind_sessions.apply().get() == 2
        assert remind_sessions.apply().get() == 0
    assert reminded() == ["a_employee", "a_supervisor"]
