"""Answering surveys (DOMAIN §7): who a survey is for (plan, subtree, segments, one named person),
answering once, closed surveys, the validation of every kind of question, the follow-up opt-in of
identified surveys, reminders (once, to those who have not answered an identified survey), the
invitation of a named respondent, the suggestion box, and the survey builder in the admin. Pages
are read in English (the language cookie), so the assertions hold whatever the translations say."""
import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Employee, Segment
from agencies.roles import Role
from agencies.tests.factories import (
    AgencyFactory,
    EmployeeFactory,
    RoleFactory,
    UserFactory,
)
from core.models import Notification
from eap_portal.rocdates import format_roc_date
from plans.tests.factories import PlanFactory
from surveys import answering
from surveys.models import (
    Answer,
    Participation,
    Question,
    QuestionKind,
    Response,
    Suggestion,
    Survey,
    SurveyKind,
)
from surveys.tasks import remind_unanswered as remind_task

pytestmark = pytest.mark.django_db

def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def roc(day):
    return format_roc_date(day, "short")


def make_survey(owner, *, questions=("scale",), opens=-1, closes=30, **fields):
    survey = Survey.objects.create(title=fields.pop("title", "員工協助方案需求調查"), owner=owner,
                                   opens_on=days(opens), closes_on=days(closes), **fields)
    for order, kind in enumerate(questions, start=1):
        choices = ["是", "否", "不確定"] if kind in ("single", "multiple") else []
        Question.objects.create(survey=survey, order=order, text=f"第{order}題", kind=kind, choices=choices)
    return survey


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def answer_url(survey):
    return reverse("answer_survey", args=[survey.pk])


def scale_answers(survey, value=4):
    return {question.pk: value for question in survey.questions.all()}


def post_data(survey, value="4", **extra):
    return {f"q{question.pk}": value for question in survey.questions.all()} | extra


def audience(survey):
    return set(answering.audience_employees(survey).values_list("pk", flat=True))


def includes(survey, *people):
    return [answering.audience_includes(survey, person) for person in people]


# --- Answering once ------------------------------------------------------------------------------

def test_an_employee_answers_once_and_a_second_post_is_refused(cast):
    survey = make_survey(cast.a, anonymous=False)
    client = client_of(cast.a_employee)
    page = client.get(answer_url(survey))
    assert page.status_code == 200 and "This survey is not anonymous." in page.content.decode()
    response = client.post(answer_url(survey), post_data(survey, "5"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_surveys")
    assert "your answers have been received" in response.content.decode()
    again = client.post(answer_url(survey), post_data(survey, "1"))
    assert again.status_code == 200 and "You have answered this survey" in again.content.decode()
    assert 'name="q' not in again.content.decode()  # a thank-you page, no form
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.get(response__survey=survey).number == 5
    assert Participation.objects.get(survey=survey, user=cast.a_employee.user).answered
    # The service refuses it too, with its own clear error.
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    assert error.value.code == "already_answered"
    assert "already answered" in error.value.messages[0]


def test_two_answers_at_the_same_time_leave_one_response(cast):
    """The race: both passed the "answered?" check; the unique participation lets one through."""
    survey = make_survey(cast.a)
    user = cast.a_employee.user
    Participation.objects.create(survey=survey, user=user, answered=True)  # the other request won
    with pytest.raises(ValidationError) as error, transaction.atomic():
        answering._mark_answered(survey, user)
    assert error.value.code == "already_answered"
    assert Participation.objects.filter(survey=survey, user=user).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(survey=survey, user=user)


def test_an_invitation_or_a_reminder_becomes_the_answer(cast):
    survey = make_survey(cast.a, anonymous=False)
    Participation.objects.create(survey=survey, user=cast.a_employee.user, reminded=True)
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    participation = Participation.objects.get(survey=survey, user=cast.a_employee.user)
    assert participation.answered and participation.reminded
    assert answering.open_surveys_for(cast.a_employee) == []


def test_my_surveys_lists_the_open_ones_and_forgets_those_answered(cast):
    survey = make_survey(cast.a, title="甲局滿意度調查")
    make_survey(cast.b, title="乙區滿意度調查")
    make_survey(cast.a, title="已結束的調查", opens=-30, closes=-1)
    make_survey(cast.a, title="尚未開始的調查", opens=1, closes=30)
    client = client_of(cast.a_employee)
    html = client.get(reverse("my_surveys")).content.decode()
    assert "甲局滿意度調查" in html and answer_url(survey) in html
    assert "乙區滿意度調查" not in html and "已結束的調查" not in html and "尚未開始的調查" not in html
    assert reverse("suggestion_box") in html
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    assert "甲局滿意度調查" not in client.get(reverse("my_surveys")).content.decode()


def test_the_home_page_partial_lists_the_open_surveys(cast):
    survey = make_survey(cast.a, title="甲局滿意度調查")
    surveys = answering.open_surveys_for_user(cast.a_employee.user)
    assert surveys == [survey]
    html = render_to_string("surveys/_open_surveys.html", {"open_surveys": surveys})
    assert "甲局滿意度調查" in html and answer_url(survey) in html
    assert render_to_string("surveys/_open_surveys.html", {"open_surveys": []}).strip() == ""
    assert answering.open_surveys_for_user(cast.provider) == []  # no staff profile


def test_the_page_says_whether_answers_can_be_traced(cast):
    anonymous = make_survey(cast.a, anonymous=True)
    identified = make_survey(cast.a, anonymous=False)
    client = client_of(cast.a_employee)
    assert "your answers cannot be traced" in client.get(reverse("my_surveys")).content.decode().lower()
    assert "cannot be traced to you" in client.get(answer_url(anonymous)).content.decode()
    page = client.get(answer_url(identified)).content.decode()
    assert "This survey is not anonymous." in page and "cannot be traced" not in page


# --- Closed surveys, and surveys for someone else ---------------------------------------------------

@pytest.mark.parametrize("opens,closes", [(-30, -1), (1, 30)], ids=["closed", "not_yet_open"])
def test_a_survey_that_is_not_open_is_refused(cast, opens, closes):
    survey = make_survey(cast.a, opens=opens, closes=closes)
    client = client_of(cast.a_employee)
    assert client.get(answer_url(survey)).status_code == 404
    assert client.post(answer_url(survey), post_data(survey)).status_code == 404
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    assert error.value.code == "closed"
    assert not Response.objects.exists() and not Participation.objects.exists()


def test_the_last_day_is_still_open(cast):
    survey = make_survey(cast.a, opens=-5, closes=0)
    assert client_of(cast.a_employee).get(answer_url(survey)).status_code == 200


def test_a_survey_for_another_agency_does_not_exist_for_the_employee(cast):
    survey = make_survey(cast.b)
    client = client_of(cast.a_employee)
    assert client.get(answer_url(survey)).status_code == 404
    assert client.post(answer_url(survey), post_data(survey)).status_code == 404
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    assert error.value.code == "not_in_audience"
    assert not Response.objects.exists()


# --- Audience targeting -------------------------------------------------------------------------------

def test_with_no_audience_a_survey_is_for_the_owner_agency_subtree(cast):
    survey = make_survey(cast.a)
    assert includes(survey, cast.a_employee, cast.a_sub_employee, cast.b_employee, cast.city_hr) == [
        True, True, False, False]
    assert {cast.a_employee.pk, cast.a_sub_employee.pk} <= audience(survey)
    assert not audience(survey) & {cast.b_employee.pk, cast.city_hr.pk}


def test_audience_agency_narrows_to_its_subtree(cast):
    survey = make_survey(cast.a, audience_agency=cast.a_sub)
    assert includes(survey, cast.a_sub_employee, cast.a_employee) == [True, False]
    assert audience(survey) == {cast.a_sub_employee.pk}


def test_the_city_plan_covers_everyone_and_an_agency_plan_its_own_subtree(cast):
    city = make_survey(cast.city, audience_plan=cast.city_plan)
    assert all(includes(city, cast.a_employee, cast.a_sub_employee, cast.b_employee, cast.city_hr))
    assert audience(city) == set(Employee.objects.current().values_list("pk", flat=True))
    of_a = make_survey(cast.a, audience_plan=cast.a_plan)
    assert includes(of_a, cast.a_employee, cast.a_sub_employee, cast.b_employee, cast.city_hr) == [
        True, True, False, False]
    # A1 starts running its own plan: A's plan no longer covers A1's staff (plans_covering).
    PlanFactory(owner=cast.a_sub, year=cast.a_plan.year)
    assert includes(of_a, cast.a_employee, cast.a_sub_employee) == [True, False]
    assert cast.a_sub_employee.pk not in audience(of_a) and cast.a_employee.pk in audience(of_a)


def test_plan_and_agency_together_mean_both(cast):
    survey = make_survey(cast.city, audience_plan=cast.city_plan, audience_agency=cast.b)
    assert includes(survey, cast.b_employee, cast.a_employee) == [True, False]
    assert cast.b_employee.pk in audience(survey) and cast.a_employee.pk not in audience(survey)


def test_segments_narrow_the_audience_to_who_is_in_one_of_them(cast):
    survey = make_survey(cast.a, audience_segments=[Segment.SUPERVISOR])
    assert includes(survey, cast.a_supervisor, cast.a_employee) == [True, False]
    assert audience(survey) == {cast.a_supervisor.pk}
    high_stress = AgencyFactory(code="A-POLICE", name="甲局警察隊", parent=cast.a, is_high_stress=True)
    officer = EmployeeFactory(agency=high_stress)
    survey.audience_segments = [Segment.SUPERVISOR, Segment.HIGH_STRESS]
    survey.save()
    assert includes(survey, cast.a_supervisor, officer, cast.a_employee) == [True, True, False]
    assert audience(survey) == {cast.a_supervisor.pk, officer.pk}
    # The page follows the same rule.
    assert client_of(cast.a_employee).get(answer_url(survey)).status_code == 404
    assert client_of(cast.a_supervisor).get(answer_url(survey)).status_code == 200


def test_a_survey_sent_to_one_person_is_for_them_alone(cast):
    survey = make_survey(cast.a, kind=SurveyKind.SUPERVISOR_SATISFACTION, anonymous=False,
                         named_respondent=cast.a_supervisor.user)
    assert includes(survey, cast.a_supervisor, cast.a_employee, cast.a_eap_officer) == [True, False, False]
    assert audience(survey) == {cast.a_supervisor.pk}
    assert client_of(cast.a_employee).get(answer_url(survey)).status_code == 404
    assert client_of(cast.a_supervisor).get(answer_url(survey)).status_code == 200
    assert answering.open_surveys_for(cast.a_supervisor) == [survey]
    assert answering.open_surveys_for(cast.a_employee) == []


def test_leavers_are_not_in_the_audience(cast):
    survey = make_survey(cast.a)
    cast.a_employee.leave_date = days(-1)
    cast.a_employee.save()
    assert includes(survey, cast.a_employee) == [False]
    assert cast.a_employee.pk not in audience(survey)


# --- Validation of each kind of question ---------------------------------------------------------------

def _one(cast, kind, required=True):
    survey = make_survey(cast.a, questions=())
    return Question.objects.create(survey=survey, text="題目", kind=kind, required=required,
                                   choices=["甲", "乙", "丙"] if kind in ("single", "multiple") else [])


@pytest.mark.parametrize("kind,good,bad", [
    ("scale", [1, 5, "3"], [0, 6, "x", "2.5", True, [3]]),
    ("single", [0, 2, "1"], [3, -1, "甲", [0]]),
    ("multiple", [[0], [0, 2], ["1", "2"]], [[3], [0, 5], ["甲"], [-1]]),
    ("text", ["還不錯", "字" * answering.MAX_TEXT], ["字" * (answering.MAX_TEXT + 1)]),
])
def test_each_kind_of_answer_is_checked_against_its_question(cast, kind, good, bad):
    question = _one(cast, kind)
    for value in good:
        assert answering.clean_answer(question, value) is not None, value
    for value in bad:
        with pytest.raises(ValidationError):
            answering.clean_answer(question, value)
    for empty in (None, "", [], "   " if kind == "text" else None):
        with pytest.raises(ValidationError):
            answering.clean_answer(question, empty)
    optional = _one(cast, kind, required=False)
    assert answering.clean_answer(optional, None) is None


def test_multiple_choice_is_stored_as_sorted_indexes_and_scale_as_a_number(cast):
    survey = make_survey(cast.a, questions=("scale", "single", "multiple", "text"))
    scale, single, multiple, text = survey.questions.all()
    answering.submit_response(survey, cast.a_employee.user, {
        scale.pk: 2, single.pk: 1, multiple.pk: ["2", "0"], text.pk: " 希望增加課程 "})
    stored = {answer.question_id: answer for answer in Answer.objects.all()}
    assert stored[scale.pk].number == 2 and stored[single.pk].number == 1
    assert stored[multiple.pk].choices == [0, 2]
    assert stored[text.pk].text == "希望增加課程"


def test_answers_to_another_survey_or_missing_answers_are_refused_and_nothing_is_stored(cast):
    survey = make_survey(cast.a, questions=("scale", "scale"))
    other = make_survey(cast.a)
    first, second = survey.questions.all()
    with pytest.raises(ValidationError) as error:
        answering.submit_response(survey, cast.a_employee.user, {first.pk: 3})
    assert str(second.pk) in error.value.message_dict
    with pytest.raises(ValidationError):
        answering.submit_response(survey, cast.a_employee.user, {first.pk: 3, second.pk: 3,
                                                                 other.questions.get().pk: 3})
    assert not Response.objects.exists() and not Participation.objects.exists()


def test_the_page_shows_what_is_wrong_and_keeps_nothing(cast):
    survey = make_survey(cast.a, questions=("scale", "single", "text"))
    scale, single, text = survey.questions.all()
    client = client_of(cast.a_employee)
    page = client.post(answer_url(survey), {f"q{scale.pk}": "9", f"q{single.pk}": "7",
                                            f"q{text.pk}": "字" * (answering.MAX_TEXT + 1)})
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {f"q{scale.pk}", f"q{single.pk}", f"q{text.pk}"}
    assert not Response.objects.exists() and not Participation.objects.exists()


# --- Identified surveys: the follow-up opt-in ------------------------------------------------------------

def test_the_follow_up_opt_in_of_an_identified_survey_is_stored_with_the_respondent(cast):
    survey = make_survey(cast.a, anonymous=False, invite_follow_up=True, kind=SurveyKind.SERVICE_SATISFACTION)
    client = client_of(cast.a_employee)
    assert 'name="follow_up"' in client.get(answer_url(survey)).content.decode()
    client.post(answer_url(survey), post_data(survey, "1", follow_up="on"))
    client_of(cast.a_supervisor).post(answer_url(survey), post_data(survey, "2"))
    wanted = dict(Response.objects.values_list("respondent", "follow_up_wanted"))
    assert wanted == {cast.a_employee.user.pk: True, cast.a_supervisor.user.pk: False}


def test_without_the_invitation_no_follow_up_is_offered_or_stored(cast):
    survey = make_survey(cast.a, anonymous=False)
    client = client_of(cast.a_employee)
    assert 'name="follow_up"' not in client.get(answer_url(survey)).content.decode()
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey), follow_up=True)
    assert not Response.objects.get().follow_up_wanted


# --- Reminders --------------------------------------------------------------------------------------------

def reminders():
    return set(Notification.objects.filter(kind="survey_reminder").values_list("recipient", flat=True))


def test_reminders_go_once_to_those_who_have_not_answered_an_identified_survey(cast):
    survey = make_survey(cast.a, anonymous=False, opens=-10, closes=2)
    make_survey(cast.a, anonymous=True, opens=-10, closes=2, title="匿名調查")
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    sent = answering.remind_unanswered()
    due = {e.user_id for e in Employee.objects.current().filter(agency__path__startswith=cast.a.path)}
    assert reminders() == due - {cast.a_employee.user_id}
    assert sent == len(due) - 1
    assert cast.b_employee.user_id not in reminders() and cast.city_hr.user_id not in reminders()
    assert Participation.objects.filter(survey=survey, reminded=True).count() == len(due) - 1
    # Once: a second run (the next day, or the same) reminds nobody again.
    count = Notification.objects.count()
    assert answering.remind_unanswered() == 0
    assert answering.remind_unanswered(days(1)) == 0
    assert Notification.objects.count() == count
    # Whoever answers after the reminder is not reminded again either; the answer is kept.
    answering.submit_response(survey, cast.a_supervisor.user, scale_answers(survey))
    assert answering.remind_unanswered(days(2)) == 0
    link = Notification.objects.filter(kind="survey_reminder").first().link
    assert link == answer_url(survey)


def test_reminders_wait_for_the_last_days_of_a_survey(cast):
    survey = make_survey(cast.a, anonymous=False, opens=0, closes=20)
    assert answering.remind_unanswered() == 0
    assert answering.remind_unanswered(survey.closes_on + datetime.timedelta(days=1)) == 0  # closed
    assert answering.remind_unanswered(survey.closes_on - datetime.timedelta(days=answering.REMIND_DAYS_BEFORE_CLOSING)) > 0


def test_anonymous_surveys_are_never_reminded(cast):
    make_survey(cast.a, anonymous=True, opens=-10, closes=1)
    assert answering.remind_unanswered() == 0
    assert not Notification.objects.exists() and not Participation.objects.exists()


def test_the_reminder_task_runs_the_service(cast):
    make_survey(cast.a, anonymous=False, opens=-10, closes=1)
    assert remind_task.delay().get() > 0
    assert remind_task.delay().get() == 0


def test_reminders_never_reach_someone_who_has_answered(cast):
    survey = make_survey(cast.a, anonymous=False, opens=-10, closes=1, audience_agency=cast.a_sub)
    answering.submit_response(survey, cast.a_sub_employee.user, scale_answers(survey))
    assert answering.remind_unanswered() == 0
    assert not Notification.objects.filter(kind="survey_reminder").exists()


# --- A survey sent to one named person -----------------------------------------------------------------

def test_send_survey_to_invites_the_named_respondent_once(cast):
    supervisor = cast.a_supervisor.user
    survey = make_survey(cast.a, kind=SurveyKind.SUPERVISOR_SATISFACTION, anonymous=False, opens=0, closes=14,
                         named_respondent=supervisor)
    answering.send_survey_to(survey, supervisor)
    answering.send_survey_to(survey, supervisor)
    participation = Participation.objects.get(survey=survey)
    assert participation.user == supervisor and not participation.answered
    invitation = Notification.objects.get(kind="survey_invitation")
    assert invitation.recipient == supervisor and invitation.link == answer_url(survey)
    assert Notification.objects.count() == 1
    with pytest.raises(ValueError):
        answering.send_survey_to(survey, cast.a_employee.user)
    anonymous = make_survey(cast.a, anonymous=True, named_respondent=cast.a_employee.user)
    with pytest.raises(ValueError):
        answering.send_survey_to(anonymous, cast.a_employee.user)
    # Answered: a later reminder passes them by.
    answering.submit_response(survey, supervisor, scale_answers(survey))
    assert Participation.objects.get(survey=survey).answered
    assert answering.remind_unanswered(survey.closes_on) == 0


def test_an_invited_respondent_who_does_not_answer_is_reminded_once(cast):
    supervisor = cast.a_supervisor.user
    survey = make_survey(cast.a, kind=SurveyKind.SUPERVISOR_SATISFACTION, anonymous=False, opens=-10, closes=1,
                         named_respondent=supervisor)
    answering.send_survey_to(survey, supervisor)
    assert answering.remind_unanswered() == 1
    assert reminders() == {supervisor.pk}
    assert answering.remind_unanswered() == 0


# --- The suggestion box ---------------------------------------------------------------------------------

def test_a_suggestion_is_anonymous_by_default_and_goes_to_the_employees_agency(cast):
    client = client_of(cast.a_sub_employee)
    assert client.get(reverse("suggestion_box")).status_code == 200
    response = client.post(reverse("suggestion_box"), {"text": "希望增加紓壓課程"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_surveys")
    suggestion = Suggestion.objects.get()
    assert suggestion.author is None and suggestion.agency == cast.a_sub
    assert suggestion.submitted_on == today() and suggestion.text == "希望增加紓壓課程"


def test_a_named_suggestion_keeps_its_author(cast):
    client_of(cast.a_employee).post(reverse("suggestion_box"), {"text": "請開設親職講座", "named": "on"})
    assert Suggestion.objects.get().author == cast.a_employee.user


def test_an_empty_suggestion_is_refused(cast):
    page = client_of(cast.a_employee).post(reverse("suggestion_box"), {"text": "  "})
    assert page.status_code == 200 and "text" in page.context["form"].errors
    assert not Suggestion.objects.exists()


# --- The survey builder in the admin ----------------------------------------------------------------------

def admin_add(client, **overrides):
    data = {"title": "115年度員工需求調查", "kind": SurveyKind.NEEDS, "introduction": "請撥冗填答",
            "anonymous": "on", "owner": None, "opens_on": roc(days(1)), "closes_on": roc(days(31)),
            "questions-TOTAL_FORMS": "3", "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1", "questions-0-text": "您對本方案的整體滿意度", "questions-0-kind": "scale",
            "questions-0-required": "on",
            "questions-1-order": "2", "questions-1-text": "您最需要的服務", "questions-1-kind": "multiple",
            "questions-1-choices": "心理諮商\n法律諮詢\n財務諮詢", "questions-1-required": "on",
            "questions-2-order": "3", "questions-2-text": "我是新進同仁", "questions-2-kind": "single",
            "questions-2-choices": "是\n否", "questions-2-is_segment": "on"}
    data.update(overrides)
    return client.post(reverse("admin:surveys_survey_add"), {k: v for k, v in data.items() if v is not None})


def form_errors(response):
    errors = dict(response.context["adminform"].form.errors) if response.status_code == 200 else {}
    for formset in response.context["inline_admin_formsets"] if response.status_code == 200 else []:
        for number, form_errors_ in enumerate(formset.formset.errors):
            errors.update({f"questions-{number}-{name}": value for name, value in form_errors_.items()})
    return errors


def test_city_hr_builds_a_survey_with_questions_in_the_admin(cast):
    response = admin_add(client_of(cast.city_hr), owner=cast.city.pk, audience_plan=cast.city_plan.pk,
                         audience_segments=[Segment.NEW_STAFF, Segment.MIDDLE_AGED])
    assert response.status_code == 302, form_errors(response)
    survey = Survey.objects.get()
    assert survey.owner == cast.city and survey.created_by == cast.city_hr.user and survey.anonymous
    assert survey.audience_segments == ["new_staff", "middle_aged"]
    assert survey.opens_on == days(1) and survey.closes_on == days(31)
    questions = list(survey.questions.values_list("kind", "choices", "is_segment"))
    assert questions == [("scale", [], False), ("multiple", ["心理諮商", "法律諮詢", "財務諮詢"], False),
                         ("single", ["是", "否"], True)]
    # The change page shows the options one a line, as they were typed.
    page = client_of(cast.city_hr).get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert "心理諮商\n法律諮詢\n財務諮詢" in page.content.decode()


@pytest.mark.parametrize("overrides,field", [
    ({"closes_on": roc(days(-5))}, "closes_on"),
    ({"kind": SurveyKind.COUNSELING_SATISFACTION, "anonymous": None}, "anonymous"),
    ({"invite_follow_up": "on"}, "invite_follow_up"),
    ({"questions-1-choices": "只有一個"}, "questions-1-choices"),
    ({"questions-0-choices": "非常同意\n同意"}, "questions-0-choices"),
    ({"respondent": "a_supervisor", "audience_agency": "A", "anonymous": None}, "respondent"),
    ({"respondent": "a_supervisor"}, "respondent"),  # anonymous answers of one named person are not anonymous
])
def test_the_admin_refuses_a_survey_that_cannot_work(cast, overrides, field):
    if overrides.get("audience_agency") == "A":
        overrides["audience_agency"] = cast.a.pk
    response = admin_add(client_of(cast.city_hr), owner=cast.city.pk, **overrides)
    assert response.status_code == 200
    assert field in form_errors(response)
    assert not Survey.objects.exists()


def test_an_identified_survey_may_offer_a_follow_up_and_go_to_one_named_person(cast):
    response = admin_add(client_of(cast.a_eap_officer), owner=cast.a.pk, anonymous=None, invite_follow_up="on",
                         kind=SurveyKind.SUPERVISOR_SATISFACTION, respondent=cast.a_supervisor.employee_number)
    assert response.status_code == 302, form_errors(response)
    survey = Survey.objects.get()
    assert not survey.anonymous and survey.invite_follow_up and survey.named_respondent == cast.a_supervisor.user


def test_an_eap_officer_builds_surveys_for_their_own_subtree_only(cast):
    officer = client_of(cast.a_eap_officer)
    for overrides in ({"owner": cast.b.pk}, {"owner": cast.a.pk, "audience_agency": cast.b.pk},
                      {"owner": cast.a.pk, "audience_plan": cast.b_plan.pk},
                      {"owner": cast.a.pk, "anonymous": None, "respondent": cast.b_supervisor.employee_number}):
        response = admin_add(officer, **overrides)
        assert response.status_code == 200 and set(overrides) - {"anonymous"} & set(form_errors(response)), overrides
    assert not Survey.objects.exists()
    # Control: the same form for A's subtree, and the city's plan that covers A, is accepted.
    response = admin_add(officer, owner=cast.a.pk, audience_agency=cast.a_sub.pk, audience_plan=cast.city_plan.pk)
    assert response.status_code == 302, form_errors(response)
    assert Survey.objects.get().owner == cast.a
    # Agency HR look, but do not build.
    assert client_of(cast.a_agency_hr).get(reverse("admin:surveys_survey_add")).status_code == 403
    assert client_of(cast.a_agency_hr).get(reverse("admin:surveys_survey_changelist")).status_code == 200


def test_once_answered_the_questions_cannot_be_changed(cast):
    survey = make_survey(cast.a, questions=("scale",))
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    question = survey.questions.get()
    client = client_of(cast.city_hr)
    change = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = client.get(change)
    html = page.content.decode()
    assert "can no longer be changed" in html
    assert 'name="questions-0-text"' not in html and 'name="anonymous"' not in html and 'name="kind"' not in html
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"opens_on": roc(survey.opens_on), "closes_on": roc(days(40)), "questions-TOTAL_FORMS": "2",
                 "questions-INITIAL_FORMS": "1", "questions-0-id": question.pk, "questions-0-survey": survey.pk,
                 "questions-0-text": "改過的題目", "questions-0-kind": "text",
                 "questions-1-text": "新增的題目", "questions-1-kind": "scale", "questions-1-order": "2"})
    data.pop("audience_segments", None)
    response = client.post(change, data)
    assert response.status_code == 302, form_errors(response)
    question.refresh_from_db()
    assert question.text == "第1題" and question.kind == QuestionKind.SCALE
    assert survey.questions.count() == 1
    survey.refresh_from_db()
    assert survey.closes_on == days(40)  # the dates may still move


def test_no_hr_role_lists_who_answered_in_the_admin(cast):
    survey = make_survey(cast.a, anonymous=False)
    answering.submit_response(survey, cast.a_employee.user, scale_answers(survey))
    html = client_of(cast.city_hr).get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert cast.a_employee.full_name not in html and cast.a_employee.user.username not in html


def test_a_named_respondent_is_shown_by_user_name_to_the_builder(cast):
    survey = make_survey(cast.a, anonymous=False, named_respondent=cast.a_supervisor.user)
    page = client_of(cast.a_eap_officer).get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert page.context["adminform"].form["respondent"].value() == cast.a_supervisor.user.username


def test_the_hr_staff_segment_counts_each_person_once(cast):
    """HR staff form a segment through their role (Employee.in_segment): one query, no duplicates."""
    survey = make_survey(cast.a, audience_segments=[Segment.HR_STAFF])
    RoleFactory(user=cast.a_eap_officer.user, role=Role.AGENCY_HR, agency=cast.a)  # a second HR role
    found = list(answering.audience_employees(survey).values_list("pk", flat=True))
    assert sorted(found) == sorted({cast.a_eap_officer.pk, cast.a_agency_hr.pk})
    assert includes(survey, cast.a_eap_officer, cast.a_employee) == [True, False]
    UserFactory(username="outsider")  # an account without a profile is never in an audience
    assert len(found) == len(set(found))


def test_agency_hr_look_at_a_survey_of_their_subtree_without_a_form(cast):
    survey = make_survey(cast.a, anonymous=False, named_respondent=cast.a_supervisor.user)
    answering.submit_response(survey, cast.a_supervisor.user, scale_answers(survey))
    client = client_of(cast.a_agency_hr)
    listed = client.get(reverse("admin:surveys_survey_changelist"))
    assert [row.answers for row in listed.context["cl"].result_list] == [1]
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and survey.title in html and str(cast.a_supervisor) in html
    assert 'name="title"' not in html
    assert client.post(reverse("admin:surveys_survey_change", args=[survey.pk]), {"title": "改"}).status_code == 403
