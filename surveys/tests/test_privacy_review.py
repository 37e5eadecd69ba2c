"""A privacy review, attacking with legitimate accounts (DOMAIN §1, §7, §8): ids guessed on every
page of the app, self-checks reached through the care and duty pages, surveys built in the admin
for another agency, response counts the results pages hide published elsewhere, and the moment an
anonymous answer arrives told to HR."""
import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.actors import acting_as
from core.models import Duty, Notification
from eap_portal.rocdates import format_roc_date
from surveys import answering, selfcheck
from surveys.models import (
    Answer,
    OfficeTour,
    PendingResponse,
    Question,
    Response,
    Suggestion,
    Survey,
    SurveyKind,
)

pytestmark = pytest.mark.django_db


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def roc(day):
    return format_roc_date(day, "short")


def make_survey(owner, *, anonymous=True, kinds=("scale",), **fields):
    survey = Survey.objects.create(title=fields.pop("title", "需求調查"), owner=owner, anonymous=anonymous,
                                   opens_on=fields.pop("opens_on", days(-1)), closes_on=fields.pop("closes_on", days(30)),
                                   **fields)
    for order, kind in enumerate(kinds, start=1):
        Question.objects.create(survey=survey, order=order, text=f"第{order}題", kind=kind)
    return survey


def respond(survey, agency, value=3):
    response = Response.objects.create(survey=survey, agency=agency, submitted_on=days(-1))
    for question in survey.questions.all():
        Answer.objects.create(response=response, question=question, number=value)
    return response


def self_check(employee, ratings=(3, 3, 3, 3, 3), star=0):
    with acting_as("test"):
        return selfcheck.take_self_check(employee, ratings=list(ratings), star=star, by=employee.user)


# --- The survey builder: another agency's staff ---------------------------------------------------

def admin_add(client, **overrides):
    data = {"title": "115年度員工需求調查", "kind": SurveyKind.NEEDS, "anonymous": "on", "owner": None,
            "opens_on": roc(days(1)), "closes_on": roc(days(31)),
            "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
            "questions-0-order": "1", "questions-0-text": "整體滿意度", "questions-0-kind": "scale",
            "questions-0-required": "on"}
    data.update(overrides)
    return client.post(reverse("admin:surveys_survey_add"), {k: v for k, v in data.items() if v is not None})


def test_an_eap_officer_cannot_address_the_whole_city_through_the_citys_plan(cast):
    """The city's plan covers A, so A's officer may pick it; alone, it would send A's survey to B's
    staff and put their answers in A's results."""
    response = admin_add(client_of(cast.a_eap_officer), owner=cast.a.pk, audience_plan=cast.city_plan.pk)
    assert response.status_code == 200
    assert "audience_plan" in response.context["adminform"].form.errors
    assert not Survey.objects.exists()
    # Narrowed to A's own subtree it is fine, and so is A's own plan; city HR may address the city.
    ok = admin_add(client_of(cast.a_eap_officer), owner=cast.a.pk, audience_plan=cast.city_plan.pk,
                   audience_agency=cast.a.pk)
    assert ok.status_code == 302
    assert admin_add(client_of(cast.a_eap_officer), owner=cast.a.pk, audience_plan=cast.a_plan.pk).status_code == 302
    assert admin_add(client_of(cast.city_hr), owner=cast.city.pk, audience_plan=cast.city_plan.pk).status_code == 302


def test_b_staff_never_see_a_survey_of_a(cast):
    survey = make_survey(cast.a)
    for person in (cast.b_employee, cast.b_eap_officer):
        assert client_of(person).get(reverse("answer_survey", args=[survey.pk])).status_code == 404
        assert survey.title not in client_of(person).get(reverse("my_surveys")).content.decode()
    for person in (cast.b_eap_officer, cast.b_agency_hr):
        assert client_of(person).get(reverse("survey_results", args=[survey.pk])).status_code == 404
        assert client_of(person).get(reverse("admin:surveys_survey_change", args=[survey.pk])).status_code in (302, 404)


# --- Counts the results pages hide ---------------------------------------------------------------

def _admin_count_cells(html):
    return [cell.strip() for cell in re.findall(r'<td class="field-answer_count">(.*?)</td>', html, re.DOTALL)]


def test_the_admin_does_not_publish_a_response_count_the_results_pages_hide(cast):
    """8 = 4 + 4 (A and B, each under 5) pins both parts: the results pages hide the 8; the admin's
    list and change page must not give it back (nor a count under the threshold)."""
    survey = make_survey(cast.city)
    for _ in range(4):
        respond(survey, cast.a)
    for _ in range(4):
        respond(survey, cast.b)
    few = make_survey(cast.city, title="小調查")
    for _ in range(2):
        respond(few, cast.a)
    cache.clear()
    assert results_count(survey) == "<5"
    client = client_of(cast.city_hr)
    html = client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    cells = _admin_count_cells(html)
    assert len(cells) == 2
    assert "8" not in cells and "2" not in cells
    page = client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert "can no longer be changed" in page
    assert "8. The questions" not in page and "&lt;5. The questions" in page


def results_count(survey):
    from surveys import results

    return results.response_counts([survey])[survey.pk]


@pytest.mark.mixing
def test_results_do_not_tell_hr_when_the_first_anonymous_answer_came_in(cast):
    """Answers are held back in batches so that their time says nothing: a note that appears with the
    first held-back answer would tell HR just that."""
    survey = make_survey(cast.a, kind=SurveyKind.COUNSELING_SATISFACTION)
    client = client_of(cast.a_eap_officer)
    before = client.get(reverse("survey_results", args=[survey.pk]))
    answering.submit_response(survey, cast.a_employee.user, {q.pk: 2 for q in survey.questions.all()})
    assert PendingResponse.objects.filter(survey=survey).count() == 1
    after = client.get(reverse("survey_results", args=[survey.pk]))
    assert before.context["answers_held_back"] == after.context["answers_held_back"]
    assert before.context["view"].responses_rows == after.context["view"].responses_rows


@pytest.mark.mixing
def test_anonymity_and_questions_are_locked_once_someone_answered_even_held_back(cast):
    """A held-back anonymous answer is an answer: the builder may no longer make the survey
    identified or change what its questions mean."""
    survey = make_survey(cast.a)
    answering.submit_response(survey, cast.a_employee.user, {q.pk: 2 for q in survey.questions.all()})
    assert not survey.responses.exists() and survey.pending_responses.exists()
    page = client_of(cast.a_eap_officer).get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="anonymous"' not in html and 'name="kind"' not in html
    assert 'name="questions-0-text"' not in html


# --- Answering -------------------------------------------------------------------------------------

def test_answering_twice_or_a_survey_for_someone_else_is_refused(cast):
    survey = make_survey(cast.a)
    named = make_survey(cast.a, anonymous=False, named_respondent=cast.a_supervisor.user, title="主管滿意度")
    client = client_of(cast.a_employee)
    data = {f"q{q.pk}": "4" for q in survey.questions.all()}
    assert client.post(reverse("answer_survey", args=[survey.pk]), data).status_code == 302
    client.post(reverse("answer_survey", args=[survey.pk]), data)
    assert Response.objects.filter(survey=survey).count() == 1
    assert client.get(reverse("answer_survey", args=[named.pk])).status_code == 404
    assert client.post(reverse("answer_survey", args=[named.pk]),
                       {f"q{q.pk}": "1" for q in named.questions.all()}).status_code == 404
    assert not named.responses.exists()


def test_an_anonymous_response_carries_nothing_to_pair_it_with_its_participation(cast):
    survey = make_survey(cast.a_sub)
    answering.submit_response(survey, cast.a_sub_employee.user, {q.pk: 5 for q in survey.questions.all()})
    response = Response.objects.get(survey=survey)
    assert response.respondent_id is None and response.agency_id == cast.a.pk  # first-level, not A1
    assert not hasattr(response, "created_at")


# --- Suggestions -----------------------------------------------------------------------------------

def test_suggestions_stay_with_their_agencys_mailbox(cast):
    Suggestion.objects.create(agency=cast.a, text="甲局的建議", submitted_on=days(0))
    assert "甲局的建議" not in client_of(cast.b_eap_officer).get(reverse("suggestions")).content.decode()
    assert client_of(cast.a_agency_hr).get(reverse("suggestions")).status_code == 403
    assert "甲局的建議" in client_of(cast.a_eap_officer).get(reverse("suggestions")).content.decode()


# --- Self-checks through every door ------------------------------------------------------------------

def test_a_self_check_is_not_reached_through_another_persons_pages(cast):
    screening = self_check(cast.a_employee)
    with acting_as("test"):
        selfcheck.accept_contact(screening, by=cast.a_employee.user)
    screening.refresh_from_db()
    duty = screening.duty
    assert duty.assignee == cast.a_convener.user
    pages = [reverse(name, args=[screening.pk]) for name in ("self_check_result", "screening_detail")]
    for person in (cast.a_supervisor, cast.a_care_member, cast.a_convener, cast.b_convener, cast.a_eap_officer,
                   cast.a_agency_hr, cast.city_hr, cast.reviewer):
        client = client_of(person)
        for address in pages:
            assert client.get(address).status_code in (403, 404), (person, address)
        assert client.post(reverse("self_check_contact", args=[screening.pk]),
                           {"share_answers": "on"}).status_code == 404, person
    screening.refresh_from_db()
    assert screening.answers_shared_at is None
    # The duty holder reads the band in the duty, not the answers; its link leads nowhere yet.
    detail = client_of(cast.a_convener).get(reverse("duty_detail", args=[duty.pk])).content.decode()
    assert "厲害" not in detail and "of 20" not in detail and "Total 15" not in detail
    # Other members and other teams do not reach the duty at all.
    for person in (cast.a_care_member, cast.b_convener, cast.a_eap_officer):
        assert client_of(person).get(reverse("duty_detail", args=[duty.pk])).status_code == 404
    # The notification says nothing and links to the duty only.
    note = Notification.objects.get(recipient=cast.a_convener.user)
    assert note.link == reverse("duty_detail", args=[duty.pk])
    assert str(screening.pk) not in note.link.replace(str(duty.pk), "")


def test_shared_answers_reach_the_duty_holder_and_no_other_member(cast):
    screening = self_check(cast.a_employee)
    with acting_as("test"):
        selfcheck.accept_contact(screening, share_answers=True, by=cast.a_employee.user)
    address = reverse("screening_detail", args=[screening.pk])
    assert client_of(cast.a_convener).get(address).status_code == 200
    for person in (cast.a_care_member, cast.b_convener, cast.a_eap_officer, cast.a_agency_hr):
        assert client_of(person).get(address).status_code in (403, 404), person


# --- Tours --------------------------------------------------------------------------------------------

def test_another_teams_convener_cannot_open_or_add_to_a_tour(cast):
    tour = OfficeTour.objects.create(team=cast.a_team, agency=cast.a, unit="綜合科", held_on=days(-1),
                                     created_by=cast.a_care_member.user)
    tour.screened_by.set([cast.a_care_member.user])
    data = {"employee_number": cast.a_employee.employee_number, "suicidal_thoughts": 0,
            **dict.fromkeys(["sleep", "anxiety", "irritability", "depression", "inferiority"], 4)}
    for person in (cast.b_convener, cast.b_care_member):
        client = client_of(person)
        assert client.get(reverse("office_tour", args=[tour.pk])).status_code == 404
        assert client.post(reverse("tour_add_screening", args=[tour.pk]), data).status_code == 404
    for person in (cast.a_eap_officer, cast.a_employee):
        assert client_of(person).get(reverse("office_tour", args=[tour.pk])).status_code in (403, 404)
    # A's member cannot add B's employee by number.
    data["employee_number"] = cast.b_employee.employee_number
    client_of(cast.a_care_member).post(reverse("tour_add_screening", args=[tour.pk]), data)
    assert not tour.screenings.exists()
    assert not Duty.objects.exists()
