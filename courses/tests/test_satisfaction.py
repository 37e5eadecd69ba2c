"""Closing a session (courses.attendance.close_session) and the satisfaction invitation: refused
before the start and while anyone is unmarked; final; those who attended — no one else — are
invited once to an anonymous survey for invited people only, which they answer once and see among
their open surveys, and which nobody else can answer."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from courses import attendance
from courses.models import EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory
from eap_portal.rocdates import format_roc_date
from surveys import answering
from surveys.models import Participation, Response, Survey, SurveyKind

pytestmark = pytest.mark.django_db


def held_session(cast, *, started_hours_ago=3):
    course = CourseFactory(plan=cast.a_plan, agency=cast.a, topic="情緒管理與紓壓")
    return CourseSessionFactory(course=course, starts_at=timezone.now() - datetime.timedelta(hours=started_hours_ago))


@pytest.fixture
def session(cast):
    """A held session: a_employee and a_sub_employee came, a_supervisor did not; a colleague waited
    in vain and another cancelled. Everyone seated is marked."""
    session = held_session(cast)
    came = [EnrolmentFactory(session=session, employee=cast.a_employee),
            EnrolmentFactory(session=session, employee=cast.a_sub_employee)]
    missed = EnrolmentFactory(session=session, employee=cast.a_supervisor)
    EnrolmentFactory(session=session, employee=cast.b_employee, state=EnrolmentState.WAITLISTED, seated_at=None)
    EnrolmentFactory(session=session, employee=EmployeeFactory(agency=cast.a), state=EnrolmentState.CANCELLED,
                     cancelled_at=timezone.now())
    marks = {enrolment.pk: (True, Decimal("3")) for enrolment in came} | {missed.pk: (False, None)}
    attendance.mark_attendance(session, marks, by=cast.a_eap_officer.user)
    return session


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)
    return client


def invited_users(survey):
    return set(Participation.objects.filter(survey=survey).values_list("user", flat=True))


def test_closing_invites_exactly_those_who_attended(cast, session):
    attendance.close_session(session, by=cast.a_eap_officer.user)
    session.refresh_from_db()
    assert session.state == SessionState.CLOSED and session.closed_by == cast.a_eap_officer.user
    assert session.closed_at is not None
    survey = session.satisfaction_survey
    assert invited_users(survey) == {cast.a_employee.user_id, cast.a_sub_employee.user_id}
    invitations = Notification.objects.filter(kind="survey_invitation")
    assert sorted(invitations.values_list("recipient", flat=True)) == sorted(invited_users(survey))
    assert set(invitations.values_list("link", flat=True)) == {reverse("answer_survey", args=[survey.pk])}


def test_the_survey_is_the_courses_anonymous_satisfaction_survey_for_two_weeks(cast, session):
    attendance.close_session(session, by=cast.a_eap_officer.user)
    survey = Survey.objects.get()
    today = timezone.localdate()
    assert survey.kind == SurveyKind.COURSE_SATISFACTION and survey.anonymous and survey.invited_only
    assert survey.owner == cast.a and survey.plan == cast.a_plan and survey.created_by == cast.a_eap_officer.user
    assert (survey.opens_on, survey.closes_on) == (today, today + datetime.timedelta(days=14))
    assert "情緒管理與紓壓" in survey.title
    assert format_roc_date(timezone.localdate(session.starts_at), "long") in survey.title
    questions = list(survey.questions.all())
    assert [question.kind for question in questions] == ["scale"] * 5 + ["text"]
    assert [question.required for question in questions] == [True] * 5 + [False]


def test_closing_before_the_start_is_refused_and_changes_nothing(cast):
    session = held_session(cast, started_hours_ago=-1)
    EnrolmentFactory(session=session, employee=cast.a_employee)
    with pytest.raises(ValidationError) as error:
        attendance.close_session(session, by=cast.a_eap_officer.user)
    assert error.value.code == "not_started"
    session.refresh_from_db()
    assert session.state == SessionState.OPEN and session.closed_at is None
    assert not Survey.objects.exists()


def test_closing_with_people_unmarked_says_how_many_and_changes_nothing(cast):
    session = held_session(cast)
    for employee in (cast.a_employee, cast.a_supervisor, cast.a_sub_employee):
        EnrolmentFactory(session=session, employee=employee)
    first = session.enrolments.first()
    first.attended, first.learning_hours = True, Decimal("3")
    first.save()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        attendance.close_session(session, by=cast.a_eap_officer.user)
    assert error.value.code == "unmarked" and error.value.messages[0].startswith("2 people on the roll")
    session.refresh_from_db()
    assert session.state == SessionState.OPEN and not Survey.objects.exists()
    assert not Notification.objects.filter(kind="survey_invitation").exists()


def test_a_cancelled_session_cannot_be_closed(cast):
    session = held_session(cast)
    session.state = SessionState.CANCELLED
    session.save()
    with pytest.raises(ValidationError) as error:
        attendance.close_session(session, by=cast.a_eap_officer.user)
    assert error.value.code == "cancelled"


def test_closing_twice_is_refused_and_nobody_is_invited_twice(cast, session):
    attendance.close_session(session, by=cast.a_eap_officer.user)
    with pytest.raises(ValidationError) as error:
        attendance.close_session(session, by=cast.city_hr.user)
    assert error.value.code == "closed"
    session.refresh_from_db()
    assert session.closed_by == cast.a_eap_officer.user
    # The invitation itself is idempotent too, should it run again.
    attendance.invite_to_satisfaction(session, by=cast.a_eap_officer.user)
    assert Survey.objects.count() == 1
    assert Participation.objects.count() == 2
    assert Notification.objects.filter(kind="survey_invitation").count() == 2


def test_a_session_nobody_attended_gets_no_survey(cast):
    session = held_session(cast)
    absent = EnrolmentFactory(session=session, employee=cast.a_employee)
    attendance.mark_attendance(session, {absent.pk: (False, None)}, by=cast.a_eap_officer.user)
    attendance.close_session(session, by=cast.a_eap_officer.user)
    session.refresh_from_db()
    assert session.state == SessionState.CLOSED and session.satisfaction_survey is None
    assert not Survey.objects.exists() and not Notification.objects.filter(kind="survey_invitation").exists()


def test_each_attendee_answers_once_and_the_answer_is_anonymous(cast, session):
    attendance.close_session(session, by=cast.a_eap_officer.user)
    survey = Survey.objects.get()
    answers = {question.pk: 4 for question in survey.questions.filter(kind="scale")}
    for person in (cast.a_employee, cast.a_sub_employee):
        answering.submit_response(survey, person.user, answers)
        with pytest.raises(ValidationError) as error:
            answering.submit_response(survey, person.user, answers)
        assert error.value.code == "already_answered"
    answering.flush_pending(survey, final=True)
    assert Response.objects.filter(survey=survey).count() == 2
    assert not Response.objects.filter(survey=survey, respondent__isnull=False).exists()


@pytest.mark.parametrize("who", ["a_supervisor", "b_employee", "a_agency_hr"])
def test_someone_who_did_not_attend_cannot_answer(cast, session, who):
    """The absentee, the one left on the waiting list, and a colleague of the same agency."""
    attendance.close_session(session, by=cast.a_eap_officer.user)
    survey = Survey.objects.get()
    person = getattr(cast, who)
    answers = {question.pk: 4 for question in survey.questions.filter(kind="scale")}
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, person.user, answers)
    assert error.value.code == "not_in_audience"
    assert client_of(person).get(reverse("answer_survey", args=[survey.pk])).status_code == 404
    assert answering.open_surveys_for(person) == []


def test_the_survey_waits_among_the_attendees_open_surveys(cast, session):
    attendance.close_session(session, by=cast.a_eap_officer.user)
    survey = Survey.objects.get()
    assert answering.open_surveys_for(cast.a_employee) == [survey]
    client = client_of(cast.a_employee)
    assert survey.title in client.get(reverse("my_surveys")).content.decode()
    assert reverse("answer_survey", args=[survey.pk]) in client.get(reverse("home")).content.decode()
    page = client.get(reverse("answer_survey", args=[survey.pk]))
    assert page.status_code == 200
    post = {f"q{question.pk}": "5" for question in survey.questions.filter(kind="scale")}
    assert client.post(reverse("answer_survey", args=[survey.pk]), post).status_code == 302
    assert answering.open_surveys_for(cast.a_employee) == []
