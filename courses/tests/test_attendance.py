"""The roll (courses.attendance.mark_attendance): the seated people only, present or absent with
their learning hours, saved whole or not at all, with who marked and when; marked from the
session's start until it is closed."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.tests.factories import EmployeeFactory
from courses import attendance
from courses.models import EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def held_session(cast, *, started_hours_ago=1, hours="3"):
    course = CourseFactory(plan=cast.a_plan, agency=cast.a, topic="紓壓研習班")
    return CourseSessionFactory(course=course, starts_at=NOW - datetime.timedelta(hours=started_hours_ago),
                                hours=Decimal(hours))


def seat(session, employee=None, **fields):
    return EnrolmentFactory(session=session, employee=employee or EmployeeFactory(agency=session.course.agency),
                            **fields)


def test_the_roll_holds_the_seated_people_and_no_one_else(cast):
    session = held_session(cast)
    seated = seat(session, cast.a_employee)
    seat(session, cast.a_supervisor, state=EnrolmentState.WAITLISTED, seated_at=None)
    seat(session, cast.a_sub_employee, state=EnrolmentState.CANCELLED, cancelled_at=NOW)
    assert list(attendance.roll_of(session)) == [seated]


def test_marks_and_hours_are_saved_with_who_marked_and_when(cast):
    session = held_session(cast)
    came, partly, missed = seat(session), seat(session), seat(session)
    marks = {came.pk: (True, Decimal("3")), partly.pk: (True, Decimal("1.5")), missed.pk: (False, None)}
    assert attendance.mark_attendance(session, marks, by=cast.a_eap_officer.user, now=NOW) == 3
    for enrolment in (came, partly, missed):
        enrolment.refresh_from_db()
        assert enrolment.marked_by == cast.a_eap_officer.user and enrolment.marked_at == NOW
    assert (came.attended, came.learning_hours) == (True, Decimal("3"))
    assert (partly.attended, partly.learning_hours) == (True, Decimal("1.5"))
    assert (missed.attended, missed.learning_hours) == (False, Decimal("0"))


def test_an_absent_person_learns_no_hours_whatever_was_typed(cast):
    session = held_session(cast)
    missed = seat(session)
    attendance.mark_attendance(session, {missed.pk: (False, Decimal("3"))}, by=cast.a_eap_officer.user)
    missed.refresh_from_db()
    assert missed.attended is False and missed.learning_hours == 0


@pytest.mark.parametrize("hours", [Decimal("3.5"), Decimal("-1"), None, Decimal("1.25")])
def test_wrong_hours_are_refused_and_nothing_is_saved(cast, hours):
    session = held_session(cast, hours="3")
    fine, wrong = seat(session), seat(session)
    with pytest.raises(ValidationError) as error:
        attendance.mark_attendance(session, {fine.pk: (True, Decimal("3")), wrong.pk: (True, hours)},
                                   by=cast.a_eap_officer.user)
    assert error.value.code.startswith("hours_")
    assert not session.enrolments.filter(attended__isnull=False).exists()
    assert not session.enrolments.filter(marked_by__isnull=False).exists()


def test_the_whole_session_and_no_hours_are_fine(cast):
    session = held_session(cast, hours="2.5")
    full, none = seat(session), seat(session)
    attendance.mark_attendance(session, {full.pk: (True, Decimal("2.5")), none.pk: (True, Decimal("0"))},
                               by=cast.a_eap_officer.user)
    assert sorted(session.enrolments.values_list("learning_hours", flat=True)) == [Decimal("0"), Decimal("2.5")]


@pytest.mark.parametrize("case", ["not started", "closed", "cancelled"])
def test_the_roll_is_marked_only_between_the_start_and_the_close(cast, case):
    session = held_session(cast, started_hours_ago=-2 if case == "not started" else 1)
    if case != "not started":
        session.state = SessionState.CLOSED if case == "closed" else SessionState.CANCELLED
        session.save()
    enrolment = seat(session)
    assert attendance.marking_refusal(session) is not None
    with pytest.raises(ValidationError) as error:
        attendance.mark_attendance(session, {enrolment.pk: (True, Decimal("3"))}, by=cast.a_eap_officer.user)
    assert error.value.code == "roll_closed"
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_marking_opens_at_the_start(cast):
    session = held_session(cast, started_hours_ago=0)
    assert attendance.marking_refusal(session, now=session.starts_at) is None
    assert attendance.marking_refusal(session, now=session.starts_at - datetime.timedelta(seconds=1))


def test_a_roll_that_changed_since_it_was_opened_is_refused(cast):
    session = held_session(cast)
    first, second = seat(session), seat(session)
    with pytest.raises(ValidationError) as error:
        attendance.mark_attendance(session, {first.pk: (True, Decimal("3"))}, by=cast.a_eap_officer.user)
    assert error.value.code == "roll_changed"
    waiting = seat(session, state=EnrolmentState.WAITLISTED, seated_at=None)
    with pytest.raises(ValidationError):
        attendance.mark_attendance(session, {first.pk: (True, 3), second.pk: (True, 3), waiting.pk: (True, 3)},
                                   by=cast.a_eap_officer.user)
    assert not session.enrolments.filter(attended__isnull=False).exists()


def test_saving_the_roll_again_keeps_who_marked_the_rows_that_did_not_change(cast):
    session = held_session(cast)
    same, changed = seat(session), seat(session)
    earlier = NOW - datetime.timedelta(minutes=30)
    attendance.mark_attendance(session, {same.pk: (True, 3), changed.pk: (True, 3)}, by=cast.a_eap_officer.user,
                               now=earlier)
    assert attendance.mark_attendance(session, {same.pk: (True, 3), changed.pk: (False, 3)},
                                      by=cast.a_agency_hr.user, now=NOW) == 1
    same.refresh_from_db()
    changed.refresh_from_db()
    assert (same.marked_by, same.marked_at) == (cast.a_eap_officer.user, earlier)
    assert (changed.marked_by, changed.marked_at, changed.attended) == (cast.a_agency_hr.user, NOW, False)
