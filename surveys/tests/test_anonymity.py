"""Anonymous means unlinkable (DOMAIN §7, §8): the issue's own test.

Several colleagues answer an anonymous survey. Then both tables are ordered by every stored column,
each way, and no ordering of the responses lines up with any ordering of the participations: the
responses carry no user, no sequential id (a random UUID) and no time finer than the day, and share
no column with the participations but the survey. The answers carry no user; a participation
carries no answer. Counseling satisfaction cannot be made identified, neither in the database nor
in the admin, and no page an HR role can open lists who answered one."""
import datetime
import uuid
from itertools import product

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from agencies.tests.factories import EmployeeFactory, UserFactory
from eap_portal.rocdates import format_roc_date
from surveys import answering
from surveys.models import Answer, Participation, PendingResponse, Question, Response, Survey, SurveyKind
from surveys.urls import urlpatterns as SURVEY_URLS

pytestmark = pytest.mark.django_db

RESPONDENTS = 10  # 10! orderings: a chance line-up of two tables is one in 3.6 million


def open_survey(owner, **fields):
    today = timezone.localdate()
    survey = Survey.objects.create(title=fields.pop("title", "諮商服務滿意度調查"), owner=owner,
                                   opens_on=today - datetime.timedelta(days=3),
                                   closes_on=today + datetime.timedelta(days=30), **fields)
    Question.objects.create(survey=survey, order=1, text="您對這次諮商的滿意程度", kind="scale")
    Question.objects.create(survey=survey, order=2, text="其他建議", kind="text", required=False)
    return survey


@pytest.fixture
def answered(cast):
    """An anonymous survey of agency A answered by ten colleagues, each with answers of their own;
    returns the survey and who said what (the truth no table may reveal)."""
    survey = open_survey(cast.a, kind=SurveyKind.COUNSELING_SATISFACTION)
    scale, text = survey.questions.all()
    agencies = [cast.a, cast.a_sub]
    truth = {}
    for number in range(RESPONDENTS):
        person = EmployeeFactory(agency=agencies[number % 2], full_name=f"「填答者{number}」",
                                 user=UserFactory(username=f"respondent{number}"))
        said = f"建議第{number}號"
        answering.submit_response(survey, person.user, {scale.pk: number % 5 + 1, text.pk: said})
        truth[person.user_id] = said
    return survey, truth


def stored_columns(model):
    return [field.attname for field in model._meta.concrete_fields]


def orderings(model):
    """Every stored column, each way; ties broken by the other columns (the primary key last)."""
    columns = stored_columns(model)
    for column, sign in product(columns, ("", "-")):
        rest = [c for c in columns if c != column and c != model._meta.pk.attname] + [model._meta.pk.attname]
        yield f"{sign}{column}", [f"{sign}{column}", *rest]


def said_in(response_ids):
    texts = dict(Answer.objects.filter(response_id__in=response_ids, question__kind="text")
                 .values_list("response_id", "text"))
    return [texts[pk] for pk in response_ids]


def test_no_ordering_of_the_two_tables_pairs_a_person_with_their_answers(answered):
    survey, truth = answered
    responses = Response.objects.filter(survey=survey)
    participations = Participation.objects.filter(survey=survey)
    assert responses.count() == participations.count() == RESPONDENTS
    paired = []
    for (r_name, r_order), (p_name, p_order) in product(orderings(Response), orderings(Participation)):
        said = said_in(list(responses.order_by(*r_order).values_list("pk", flat=True)))
        users = list(participations.order_by(*p_order).values_list("user_id", flat=True))
        hits = sum(truth[user] == text for user, text in zip(users, said))
        if hits == RESPONDENTS:
            paired.append(f"responses by {r_name} with participations by {p_name}")
    assert not paired, paired


def test_control_the_same_orderings_do_pair_an_identified_survey(cast):
    """The test above would see a pairing: with names kept, ordering both tables by user pairs them."""
    survey = open_survey(cast.a, kind=SurveyKind.SERVICE_SATISFACTION, anonymous=False)
    scale, text = survey.questions.all()
    truth = {}
    for number in range(RESPONDENTS):
        person = EmployeeFactory(agency=cast.a)
        answering.submit_response(survey, person.user, {scale.pk: 3, text.pk: f"建議第{number}號"})
        truth[person.user_id] = f"建議第{number}號"
    orders = dict(orderings(Response))
    said = said_in(list(Response.objects.filter(survey=survey).order_by(*orders["respondent_id"])
                        .values_list("pk", flat=True)))
    users = list(Participation.objects.filter(survey=survey).order_by(*dict(orderings(Participation))["user_id"])
                 .values_list("user_id", flat=True))
    assert [truth[user] for user in users] == said


@pytest.mark.mixing
def test_the_physical_order_of_the_rows_does_not_pair_them_either(answered):
    """Rows are kept in the order they are written: anonymous answers are held back and written in
    shuffled batches of 5, so the order of the responses never follows the participations'."""
    survey, truth = answered
    said = said_in(list(Response.objects.filter(survey=survey).order_by().values_list("pk", flat=True)))
    users = list(Participation.objects.filter(survey=survey).order_by().values_list("user_id", flat=True))
    assert len(said) == RESPONDENTS
    assert sum(truth[user] == text for user, text in zip(users, said)) < RESPONDENTS


@pytest.mark.mixing
def test_answers_wait_for_a_batch_and_the_rest_is_written_at_close(cast):
    survey = open_survey(cast.a, kind=SurveyKind.COUNSELING_SATISFACTION)
    scale, text = survey.questions.all()
    people = [EmployeeFactory(agency=cast.a) for _ in range(7)]
    for number, person in enumerate(people[:4]):
        answering.submit_response(survey, person.user, {scale.pk: 4, text.pk: f"意見{number}"})
    assert not Response.objects.filter(survey=survey).exists()  # four wait: nobody could be singled out
    answering.submit_response(survey, people[4].user, {scale.pk: 4})
    assert Response.objects.filter(survey=survey).count() == 5
    for person in people[5:]:
        answering.submit_response(survey, person.user, {scale.pk: 2})
    assert Response.objects.filter(survey=survey).count() == 5
    assert answering.flush_closed_surveys(day=survey.closes_on) == 0  # not closed yet
    written_before = set(Response.objects.filter(survey=survey).values_list("pk", flat=True))
    assert answering.flush_closed_surveys(day=survey.closes_on + datetime.timedelta(days=1)) == 2
    assert Response.objects.filter(survey=survey).count() == 7
    assert Answer.objects.filter(response__survey=survey, question=scale).count() == 7
    # The last two were written with three older ones, so the final batch is five as well.
    assert len(written_before & set(Response.objects.filter(survey=survey).values_list("pk", flat=True))) == 5
    assert sorted(Answer.objects.filter(question=text).values_list("text", flat=True)) == [
        "意見0", "意見1", "意見2", "意見3"]
    assert not PendingResponse.objects.exists()


def test_a_response_carries_no_user_no_sequential_id_and_the_day_only(answered):
    survey, _truth = answered
    fields = {field.attname: field for field in Response._meta.concrete_fields}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(isinstance(field, (models.DateTimeField, models.TimeField))
                   for field in fields.values())
    assert isinstance(fields["submitted_on"], models.DateField)
    rows = list(Response.objects.filter(survey=survey).values())
    assert all(row["respondent_id"] is None for row in rows)
    assert all(isinstance(row["id"], uuid.UUID) and row["id"].version == 4 for row in rows)
    assert all(type(row["submitted_on"]) is datetime.date for row in rows)
    assert len({row["id"] for row in rows}) == RESPONDENTS
    # Only the first-level agency: A, never A's sub-agency where half of them work.
    assert {row["agency_id"] for row in rows} == {survey.owner_id}


def test_the_two_tables_share_no_column_but_the_survey(answered):
    response_columns = {c: f for c, f in ((f.attname, f) for f in Response._meta.concrete_fields)}
    participation_columns = {f.attname: f for f in Participation._meta.concrete_fields}
    shared = set(response_columns) & set(participation_columns)
    assert shared <= {"id", "survey_id"}
    # Both call their key "id", but one is a random UUID and the other a counter: nothing in common.
    assert isinstance(response_columns["id"], models.UUIDField)
    assert not isinstance(participation_columns["id"], models.UUIDField)
    response_ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    participation_ids = {str(pk) for pk in Participation.objects.values_list("pk", flat=True)}
    assert not response_ids & participation_ids


def test_answers_carry_no_user_and_participations_carry_no_answer(answered):
    user_model = get_user_model()
    for model in (Answer, Response):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name != "respondent":
                assert field.related_model is not user_model, f"{model.__name__}.{field.name} points to a user"
    assert {f.attname for f in Answer._meta.concrete_fields} == {"id", "response_id", "question_id", "number",
                                                                 "choices", "text"}
    assert {f.attname for f in Participation._meta.concrete_fields} == {"id", "survey_id", "user_id", "reminded",
                                                                        "answered"}
    for field in Participation._meta.concrete_fields:
        assert field.related_model not in (Response, Answer, Question)
    assert not Participation.objects.filter(answered=False).exists()


def test_the_writes_do_not_pair_the_rows_either(cast):
    """Whatever the answers, the participation is written first (an update of an invitation, or an
    insert), then the held-back response, then (here, with a batch of one) the response and its
    answers; no write leaves a time."""
    survey = open_survey(cast.a)
    scale, _text = survey.questions.all()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        answering.submit_response(survey, cast.a_employee.user, {scale.pk: 3})
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    tables = ["participation" if "surveys_participation" in sql else "pending" if "surveys_pendingresponse" in sql
              else "response" if "surveys_response" in sql else "answer" if "surveys_answer" in sql else sql
              for sql in writes]
    assert tables[:2] == ["participation", "participation"]  # mark an invitation answered, or write one
    assert tables[2:] == ["pending", "response", "answer"]
    assert not any("now()" in sql.lower() or "current_timestamp" in sql.lower() for sql in writes)


# --- Counseling satisfaction is always anonymous --------------------------------------------------------

def test_the_database_refuses_an_identified_counseling_satisfaction_survey(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        open_survey(cast.a, kind=SurveyKind.COUNSELING_SATISFACTION, anonymous=False)
    survey = open_survey(cast.a, kind=SurveyKind.COUNSELING_SATISFACTION)
    survey.anonymous = False
    with pytest.raises(IntegrityError), transaction.atomic():
        survey.save()


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def roc(day):
    return format_roc_date(day, "short")


def test_the_admin_refuses_an_identified_counseling_satisfaction_survey(cast):
    client = client_of(cast.city_hr)
    today = timezone.localdate()
    data = {"title": "諮商滿意度", "kind": SurveyKind.COUNSELING_SATISFACTION, "owner": cast.city.pk,
            "opens_on": roc(today), "closes_on": roc(today + datetime.timedelta(days=10)),
            "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:surveys_survey_add"), data)  # "anonymous" unticked
    assert response.status_code == 200
    assert "anonymous" in response.context["adminform"].form.errors
    assert not Survey.objects.exists()
    # Nor can an existing one be turned identified.
    survey = open_survey(cast.city, kind=SurveyKind.COUNSELING_SATISFACTION)
    change = reverse("admin:surveys_survey_change", args=[survey.pk])
    response = client.post(change, {**data, "title": "改名"})
    assert response.status_code == 200 and "anonymous" in response.context["adminform"].form.errors
    survey.refresh_from_db()
    assert survey.anonymous and survey.title == "諮商服務滿意度調查"
    # Control: ticked, it is saved.
    assert client.post(change, {**data, "title": "改名", "anonymous": "on"}).status_code == 302


def _survey_pages(survey):
    """Every page of the surveys app (each pk filled with the survey's) and the admin's pages of
    the survey: wherever an HR role could look for who answered."""
    pages = []
    for pattern in SURVEY_URLS:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: survey.pk for name in pattern.pattern.converters}
        pages.append(reverse(pattern.name, kwargs=kwargs))
    pages += [reverse("admin:index"), reverse("admin:app_list", args=["surveys"]),
              reverse("admin:surveys_survey_changelist"), reverse("admin:surveys_survey_change", args=[survey.pk]),
              reverse("admin:surveys_survey_history", args=[survey.pk]),
              reverse("admin:surveys_survey_changelist") + "?q=" + "填答者"]
    return pages


@pytest.mark.parametrize("role", ["city_hr", "a_eap_officer", "a_agency_hr"])
def test_no_page_an_hr_role_opens_names_who_answered_counseling_satisfaction(answered, cast, role):
    survey, truth = answered
    people = get_user_model().objects.filter(pk__in=truth).select_related("employee")
    marks = [mark for user in people for mark in (user.username, user.employee.full_name,
                                                  user.employee.employee_number)]
    client = client_of(getattr(cast, role))
    opened = 0
    for page in _survey_pages(survey):
        response = client.get(page)
        if response.status_code != 200:
            continue
        opened += 1
        html = response.content.decode()
        leaked = [mark for mark in marks if mark in html]
        assert not leaked, f"{page} names {leaked} to {role}"
    assert opened >= 3, "control: the role does open the survey's pages"
    # Control: the names are there to be found — HR reads them on the roster.
    assert people[0].employee.full_name in client_of(cast.city_hr).get(
        reverse("admin:agencies_employee_changelist")).content.decode()
