"""Enrolling, the waiting list and cancelling (courses.enrolment), and the audience rules that decide
who may enrol (courses.audience): what the person and the next in line notice — a seat, a place in
the queue, a clear refusal, a seat passed on with one notification."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agencies.models import Category
from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from courses.enrolment import cancel_enrolment, capacity_changed, check_new_capacity, enrol, fill_free_seats
from courses.models import Enrolment, EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory

SEATED, WAITING, CANCELLED = EnrolmentState.ENROLLED, EnrolmentState.WAITLISTED, EnrolmentState.CANCELLED


@pytest.fixture
def session(cast):
    """A session of agency A's own course with two seats."""
    return CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=2)


def staff_of_a(cast, count):
    return [EmployeeFactory(agency=cast.a) for _ in range(count)]


def refusal_text(employee, session):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        enrol(employee, session)
    return " ".join(refused.value.messages)


def offers(employee):
    return Notification.objects.filter(recipient=employee.user, kind="course_seat_offered").count()


def states(*enrolments):
    return [Enrolment.objects.get(pk=enrolment.pk).state for enrolment in enrolments]


# --- Seats and the waiting list -------------------------------------------------------------

def test_the_first_to_enrol_get_the_seats_and_the_rest_wait_in_order(cast, session):
    people = staff_of_a(cast, 4)
    enrolments = [enrol(person, session) for person in people]
    assert [e.state for e in enrolments] == [SEATED, SEATED, WAITING, WAITING]
    assert all(e.seated_at for e in enrolments[:2]) and not any(e.seated_at for e in enrolments[2:])
    assert list(session.enrolments.waiting_order()) == enrolments[2:]


def test_a_person_cannot_enrol_twice_in_a_session_seat_or_waiting_list(cast, session):
    first, second, third = staff_of_a(cast, 3)
    enrol(first, session)
    enrol(second, session)
    enrol(third, session)  # waits
    for person in (first, third):
        assert "already enrolled" in refusal_text(person, session)
    assert session.enrolments.count() == 3


def test_after_cancelling_a_person_may_enrol_again_at_the_back(cast, session):
    first, second, third = staff_of_a(cast, 3)
    mine = enrol(first, session)
    enrol(second, session)
    cancel_enrolment(mine)
    enrol(third, session)  # takes the freed seat
    again = enrol(first, session)
    assert again.state == WAITING and Enrolment.objects.get(pk=mine.pk).state == CANCELLED


def test_a_newcomer_queues_behind_those_already_waiting_even_if_a_seat_shows_free(cast, session):
    first, second, waiting, newcomer = staff_of_a(cast, 4)
    for person in (first, second, waiting):
        enrol(person, session)
    type(session).objects.filter(pk=session.pk).update(capacity=3)  # raised, but not yet given out
    assert enrol(newcomer, session).state == WAITING


# --- When enrolment is refused --------------------------------------------------------------

def test_registration_closes_at_the_deadline(cast, session):
    on_time, late = staff_of_a(cast, 2)
    assert enrol(on_time, session, now=session.registration_deadline).state == SEATED
    with translation.override("en"), pytest.raises(ValidationError, match="Registration for this session has closed"):
        enrol(late, session, now=session.registration_deadline + datetime.timedelta(minutes=1))
    assert not session.enrolments.filter(employee=late).exists()


@pytest.mark.parametrize("state, message", [(SessionState.CANCELLED, "has been cancelled"),
                                            (SessionState.CLOSED, "Registration for this session has closed")])
def test_a_cancelled_or_closed_session_takes_nobody(cast, session, state, message):
    session.state = state
    session.save()
    assert message in refusal_text(cast.a_employee, session)
    assert not session.enrolments.exists()


def test_someone_who_has_left_cannot_enrol(cast, session):
    leaver = EmployeeFactory(agency=cast.a, leave_date=datetime.date(2020, 1, 1))
    assert "Only current staff" in refusal_text(leaver, session)


# --- The audience rules ---------------------------------------------------------------------

def _course_for(cast, **rules):
    agencies = rules.pop("agencies", [])
    course = CourseFactory(plan=cast.city_plan, agency=cast.city, **rules)
    course.audience_agencies.set(agencies)
    return CourseSessionFactory(course=course)


def test_a_course_without_rules_is_open_to_everyone_its_plan_covers(cast):
    session = _course_for(cast)
    for person in (cast.a_employee, cast.b_employee, cast.a_sub_employee, cast.city_hr):
        assert enrol(person, session).state == SEATED


def test_categories_rule(cast):
    session = _course_for(cast, audience_categories=[Category.TEACHER, Category.CONTRACT])
    assert "This course is for: Teacher、Contract or appointed staff." == refusal_text(cast.a_employee, session)
    teacher = EmployeeFactory(agency=cast.a, category=Category.TEACHER)
    assert enrol(teacher, session).state == SEATED


@pytest.mark.parametrize("grade, allowed", [(None, False), (7, False), (8, True), (9, True), (10, False)])
def test_grade_range_rule(cast, grade, allowed):
    session = _course_for(cast, min_grade=8, max_grade=9)
    person = EmployeeFactory(agency=cast.a, grade=grade)
    if allowed:
        assert enrol(person, session).state == SEATED
    else:
        assert refusal_text(person, session) == "This course is for grades 8 to 9 (職等)."


def test_a_grade_rule_with_one_end_open(cast):
    session = _course_for(cast, min_grade=10)
    assert "grades 10 to 14" in refusal_text(EmployeeFactory(agency=cast.a, grade=9), session)
    assert enrol(EmployeeFactory(agency=cast.a, grade=14), session).state == SEATED


def test_supervisors_only_rule(cast):
    session = _course_for(cast, supervisors_only=True)
    assert refusal_text(cast.a_employee, session) == "This course is for supervisors."
    assert enrol(cast.a_supervisor, session).state == SEATED


def test_hired_after_rule_counts_the_day_itself(cast):
    session = _course_for(cast, hired_after=datetime.date(2024, 8, 1))
    assert refusal_text(EmployeeFactory(agency=cast.a, hire_date=datetime.date(2024, 7, 31)), session) == \
        "This course is for staff who joined recently."
    assert enrol(EmployeeFactory(agency=cast.a, hire_date=datetime.date(2024, 8, 1)), session).state == SEATED


def test_agencies_rule_takes_in_the_agencies_below(cast):
    session = _course_for(cast, agencies=[cast.a])
    assert refusal_text(cast.b_employee, session) == "This course is for the staff of 甲局."
    assert enrol(cast.a_employee, session).state == SEATED
    assert enrol(cast.a_sub_employee, session).state == SEATED  # A1 lies under A


def test_an_agencys_own_plan_course_is_not_open_to_staff_it_does_not_cover(cast):
    """City HR may read agency A's plan (their subtree) but A's plan does not cover them."""
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a))
    assert "plan" in refusal_text(cast.city_hr, session)
    assert "plan" in refusal_text(cast.access_approver, session)
    assert enrol(cast.a_sub_employee, session).state == SEATED
    assert session.enrolments.count() == 1


def test_every_rule_must_hold(cast):
    session = _course_for(cast, supervisors_only=True, agencies=[cast.b])
    assert refusal_text(cast.a_supervisor, session) == "This course is for the staff of 乙區公所."
    assert enrol(cast.b_supervisor, session).state == SEATED


# --- Cancelling and the freed seat ----------------------------------------------------------

def test_a_freed_seat_goes_to_the_first_on_the_waiting_list_with_one_notification(cast):
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=1)
    seated, first, second = staff_of_a(cast, 3)
    mine, first_wait, second_wait = (enrol(person, session) for person in (seated, first, second))
    cancel_enrolment(mine)
    assert states(mine, first_wait, second_wait) == [CANCELLED, SEATED, WAITING]
    assert Enrolment.objects.get(pk=first_wait.pk).seated_at is not None
    assert (offers(first), offers(second), offers(seated)) == (1, 0, 0)
    note = Notification.objects.get(kind="course_seat_offered")
    assert note.link == "/courses/mine/"
    # The promotion path run again (a retried task, HR saving the capacity) changes nothing more.
    assert fill_free_seats(session) == []
    assert capacity_changed(session) == []
    assert states(first_wait, second_wait) == [SEATED, WAITING]
    assert offers(first) == 1 and Notification.objects.filter(kind="course_seat_offered").count() == 1


def test_leaving_the_waiting_list_frees_no_seat(cast):
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=1)
    seated, first, second = staff_of_a(cast, 3)
    _, first_wait, second_wait = (enrol(person, session) for person in (seated, first, second))
    cancel_enrolment(first_wait)
    assert states(first_wait, second_wait) == [CANCELLED, WAITING]
    assert session.enrolments.filter(state=SEATED).count() == 1
    assert not Notification.objects.filter(kind="course_seat_offered").exists()


def test_cancelling_twice_is_refused(cast, session):
    mine = enrol(cast.a_employee, session)
    cancel_enrolment(mine)
    with pytest.raises(ValidationError):
        cancel_enrolment(mine)


def test_a_seat_in_a_session_hr_cancelled_is_kept_as_the_record_and_cannot_be_given_up(cast, session):
    mine = enrol(cast.a_employee, session)
    session.state = SessionState.CANCELLED
    session.save()
    with pytest.raises(ValidationError):
        cancel_enrolment(mine)
    assert states(mine) == [SEATED]


def test_cancelling_once_the_session_has_started_is_refused_and_nobody_is_promoted(cast):
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=1)
    seated, waiting = staff_of_a(cast, 2)
    mine, queued = enrol(seated, session), enrol(waiting, session)
    with translation.override("en"), pytest.raises(ValidationError, match="has started"):
        cancel_enrolment(mine, now=session.starts_at + datetime.timedelta(minutes=5))
    assert states(mine, queued) == [SEATED, WAITING]


def test_a_closed_session_cannot_be_left(cast, session):
    mine = enrol(cast.a_employee, session)
    type(session).objects.filter(pk=session.pk).update(state=SessionState.CLOSED)
    with pytest.raises(ValidationError):
        cancel_enrolment(mine, now=session.registration_deadline)
    assert states(mine) == [SEATED]


# --- Capacity changes -----------------------------------------------------------------------

def test_raising_the_capacity_seats_the_waiting_list_in_order(cast):
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=1)
    people = staff_of_a(cast, 4)
    enrolments = [enrol(person, session) for person in people]
    session.capacity = 3
    session.save()
    promoted = capacity_changed(session)
    assert promoted == enrolments[1:3]
    assert states(*enrolments) == [SEATED, SEATED, SEATED, WAITING]
    assert [offers(person) for person in people] == [0, 1, 1, 0]


def test_a_capacity_raise_after_the_start_seats_nobody(cast):
    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, agency=cast.a), capacity=1)
    _, waiting = (enrol(person, session) for person in staff_of_a(cast, 2))
    session.capacity = 2
    session.save()
    assert capacity_changed(session, now=session.starts_at) == []
    assert states(waiting) == [WAITING]


def test_the_capacity_cannot_shrink_below_the_seats_given(cast, session):
    for person in staff_of_a(cast, 2):
        enrol(person, session)
    with translation.override("en"), pytest.raises(ValidationError, match="2 people already hold a seat"):
        check_new_capacity(session, 1)
    check_new_capacity(session, 2)  # no error: nobody loses a seat

