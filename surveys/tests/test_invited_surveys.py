"""Surveys for invited people only (a course session's satisfaction survey): invite_to_survey
invites each person once, the audience is exactly the invited people — neither the owner's other
staff nor anyone else may answer — an anonymous one stays unlinkable, and reminders follow the
existing rule (identified surveys only)."""
import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from surveys import answering
from surveys.models import Participation, Question, Response, Survey, SurveyKind

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def invited_survey(owner, *, anonymous=True, opens=-1, closes=14):
    survey = Survey.objects.create(title="紓壓研習班滿意度", kind=SurveyKind.COURSE_SATISFACTION, owner=owner,
                                   anonymous=anonymous, invited_only=True, opens_on=days(opens),
                                   closes_on=days(closes))
    Question.objects.create(survey=survey, order=1, text="整體滿意度", kind="scale")
    return survey


def answers(survey, value=4):
    return {question.pk: value for question in survey.questions.all()}


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(person.user)
    return client


def invitations():
    return list(Notification.objects.filter(kind="survey_invitation").values_list("recipient", "link"))


def test_each_invited_person_gets_one_participation_and_one_neutral_invitation(cast):
    survey = invited_survey(cast.a)
    people = [cast.a_employee.user, cast.b_employee.user]
    assert answering.invite_to_survey(survey, people) == people
    assert answering.invite_to_survey(survey, people) == []  # again: nothing new
    assert set(Participation.objects.filter(survey=survey, answered=False).values_list("user", flat=True)) == {
        user.pk for user in people}
    link = reverse("answer_survey", args=[survey.pk])
    assert sorted(invitations()) == sorted((user.pk, link) for user in people)


def test_only_a_survey_for_invited_people_takes_invitations(cast):
    survey = Survey.objects.create(title="需求調查", owner=cast.a, opens_on=days(0), closes_on=days(5))
    with pytest.raises(ValueError):
        answering.invite_to_survey(survey, [cast.a_employee.user])
    assert not Participation.objects.exists() and not invitations()


def test_a_survey_cannot_be_both_for_invited_people_and_sent_to_one_person(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(title="x", owner=cast.a, anonymous=False, invited_only=True,
                              named_respondent=cast.a_supervisor.user, opens_on=days(0), closes_on=days(1))


def test_the_audience_is_exactly_the_invited_people(cast):
    survey = invited_survey(cast.a)
    answering.invite_to_survey(survey, [cast.a_employee.user, cast.b_employee.user])
    invited, colleague, other = cast.a_employee, cast.a_supervisor, cast.b_employee
    assert set(answering.audience_employees(survey)) == {invited, other}
    assert answering.audience_includes(survey, invited) and answering.audience_includes(survey, other)
    # The owner's own staff, who an ordinary survey of A would reach, are not invited.
    assert not answering.audience_includes(survey, colleague)
    assert not answering.audience_includes(survey, cast.a_sub_employee)
    assert answering.open_surveys_for(invited) == [survey]
    assert answering.open_surveys_for(other) == [survey]  # invited from another agency: still theirs
    assert answering.open_surveys_for(colleague) == []
    assert survey in answering.open_surveys_for_user(invited.user)


def test_someone_not_invited_cannot_answer(cast):
    survey = invited_survey(cast.a)
    answering.invite_to_survey(survey, [cast.a_employee.user])
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, cast.a_supervisor.user, answers(survey))
    assert error.value.code == "not_in_audience"
    assert client_of(cast.a_supervisor).get(reverse("answer_survey", args=[survey.pk])).status_code == 404
    assert client_of(cast.a_supervisor).post(reverse("answer_survey", args=[survey.pk]),
                                             {f"q{q.pk}": "5" for q in survey.questions.all()}).status_code == 404
    assert not Response.objects.exists()
    assert not Participation.objects.filter(user=cast.a_supervisor.user).exists()


def test_an_invited_person_answers_once_and_anonymously(cast):
    survey = invited_survey(cast.a)
    user = cast.a_employee.user
    answering.invite_to_survey(survey, [user])
    page = client_of(cast.a_employee).post(reverse("answer_survey", args=[survey.pk]),
                                           {f"q{q.pk}": "5" for q in survey.questions.all()})
    assert page.status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.respondent is None and response.answers.get().number == 5
    participation = Participation.objects.get(survey=survey)
    assert participation.user == user and participation.answered
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, user, answers(survey, 1))
    assert error.value.code == "already_answered"
    assert Response.objects.filter(survey=survey).count() == 1
    assert answering.open_surveys_for(cast.a_employee) == []
    # Inviting again after the answer sends nothing and undoes nothing.
    answering.invite_to_survey(survey, [user])
    assert Participation.objects.get(survey=survey).answered and len(invitations()) == 1


def test_an_identified_invited_survey_reminds_the_invited_who_have_not_answered_once(cast):
    survey = invited_survey(cast.a, anonymous=False, opens=-10, closes=1)
    answering.invite_to_survey(survey, [cast.a_employee.user, cast.a_supervisor.user])
    answering.submit_response(survey, cast.a_supervisor.user, answers(survey))
    EmployeeFactory(agency=cast.a)  # a colleague nobody invited
    assert answering.remind_unanswered() == 1
    assert set(Notification.objects.filter(kind="survey_reminder").values_list("recipient", flat=True)) == {
        cast.a_employee.user.pk}
    assert answering.remind_unanswered() == 0


def test_an_anonymous_invited_survey_is_never_reminded(cast):
    survey = invited_survey(cast.a, anonymous=True, opens=-10, closes=1)
    answering.invite_to_survey(survey, [cast.a_employee.user])
    assert answering.remind_unanswered() == 0
    assert not Notification.objects.filter(kind="survey_reminder").exists()


@pytest.mark.mixing
def test_a_small_session_giving_the_same_answers_is_written_out_at_close(cast):
    """Two attendees of the same bureau give the same answers on the same day: their held-back
    responses are equal, and mixing them must still end (it used to wait for an order that differs)."""
    survey = invited_survey(cast.a, opens=-3, closes=-1)
    people = [cast.a_employee.user, cast.a_sub_employee.user]
    answering.invite_to_survey(survey, people)
    day = days(-2)
    for user in people:
        answering.submit_response(survey, user, answers(survey, 5), day=day)
    assert not Response.objects.exists()  # fewer than a batch: held back
    assert answering.flush_closed_surveys() == 2
    assert list(Response.objects.values_list("respondent", "submitted_on")) == [(None, day)] * 2
