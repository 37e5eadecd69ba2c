"""Survey results: counts behind suppression, means only where they give nothing away, free text
only for groups with enough responses, the same cells on the page and in both exports, and the
follow-up list only for identified surveys and their keepers."""
import codecs
import csv
import datetime
import io
from html.parser import HTMLParser
from itertools import count

import openpyxl
import pytest
from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from agencies.tests.factories import AgencyFactory, EmployeeFactory
from core.exports import safe_cell
from core.models import AccessAction, AccessLog
from core.suppression import _linearly_determined  # the suppressor's own exact check
from surveys import results
from surveys.models import Answer, Question, QuestionKind, Response, Survey, SurveyKind

DAY = datetime.date(2025, 3, 10)
_titles = count(1)


# --- Helpers ----------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def english():
    """Labels are compared in English, before and after the lead's translation."""
    with translation.override("en"):
        yield


def make_survey(owner, *, anonymous=True, invite_follow_up=False, kind=SurveyKind.NEEDS, questions=()):
    survey = Survey.objects.create(title=f"調查{next(_titles)}", owner=owner, anonymous=anonymous, kind=kind,
                                   invite_follow_up=invite_follow_up, opens_on=datetime.date(2025, 3, 1),
                                   closes_on=datetime.date(2025, 3, 31))
    made = {}
    for order, (name, kind_, extra) in enumerate(questions, start=1):
        made[name] = Question.objects.create(survey=survey, order=order, text=f"問題{name}", kind=kind_, **extra)
    return survey, made


def respond(survey, agency, answers, *, respondent=None, follow_up=False):
    """One response with `answers`: {question: number | [indexes] | "text"}."""
    response = Response.objects.create(survey=survey, agency=agency, submitted_on=DAY, respondent=respondent,
                                       follow_up_wanted=follow_up)
    for question, value in answers.items():
        if isinstance(value, str):
            Answer.objects.create(response=response, question=question, text=value)
        elif isinstance(value, list):
            Answer.objects.create(response=response, question=question, choices=value)
        else:
            Answer.objects.create(response=response, question=question, number=value)
    return response


def client_for(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
    client.force_login(getattr(person, "user", person))
    return client


def url(survey, **query):
    address = reverse("survey_results", args=[survey.pk])
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def close(response):
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def download(client, address, fmt):
    response = client.get(address + ("&" if "?" in address else "?") + f"format={fmt}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    close(response)
    if fmt == "csv":
        assert data.startswith(codecs.BOM_UTF8)
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def normal(lines):
    """Rows without blank lines or trailing empty cells; numbers compared as numbers."""
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(value)
        except ValueError:
            return str(value).strip()

    found = []
    for line in lines:
        cells = [cell(value) for value in line]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            found.append(cells)
    return found


class PageCells(HTMLParser):
    """The results page as the export lays it out: table rows, question titles, and written
    answers as [group, text]."""

    def __init__(self):
        super().__init__()
        self.lines, self.row, self.cell, self.kind, self.group = [], None, None, None, ""
        self.in_results_table = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "results-table" in classes:
            self.in_results_table = True
        elif tag == "tr" and self.in_results_table:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "h2" and "question-title" in classes:
            self.kind, self.cell = "title", []
        elif tag == "h3" and "free-text-group" in classes:
            self.kind, self.cell = "group", []
        elif tag == "li" and "free-text" in classes:
            self.kind, self.cell = "text", []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        text = "".join(self.cell or []).strip()
        if tag == "table":
            self.in_results_table = False
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(text)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append(self.row)
            self.row = None
        elif tag == "h2" and self.kind == "title":
            self.lines.append([text])
            self.kind = self.cell = None
        elif tag == "h3" and self.kind == "group":
            self.group, self.kind, self.cell = text, None, None
        elif tag == "li" and self.kind == "text":
            self.lines.append([self.group, text])
            self.kind = self.cell = None


def page_cells(response):
    parser = PageCells()
    parser.feed(response.content.decode())
    return [[safe_cell(cell) for cell in line] for line in parser.lines]  # as the exporter neutralises them


def other_agency(cast, name):
    return AgencyFactory(parent=cast.city, name=name)


# --- Suppression ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_group_of_three_shows_the_marker_and_no_mean(cast):
    survey, q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    for rating in (4, 5, 4):
        respond(survey, cast.a, {q["s"]: rating})
    figures = results.compute(survey)
    view = results.results_view(figures, results.OVERALL, with_texts=True)
    (row,) = view.blocks[0].rows
    assert row == ["All respondents", 0, 0, 0, "<5", "<5", "<5", results.NO_MEAN]
    assert view.responses_rows == [["All respondents", "<5"]]

    page = client_for(cast.city_hr).get(url(survey))
    assert page.status_code == 200
    text = page.content.decode()
    assert "&lt;5" in text and "4.33" not in text and "4.3" not in text


@pytest.mark.django_db
def test_a_small_agency_is_hidden_with_a_complement_and_shows_no_mean(cast):
    survey, q = make_survey(cast.city, questions=[("s", QuestionKind.SCALE, {})])
    for rating in [5] * 6 + [4] * 6:
        respond(survey, cast.a, {q["s"]: rating})
    for rating in (1, 1, 2):
        respond(survey, cast.b, {q["s"]: rating})
    view = results.results_view(results.compute(survey), results.BY_AGENCY, with_texts=True)
    rows = {row[0]: row for row in view.blocks[0].rows}
    a_row, b_row, total_row = rows["甲局"], rows["乙區公所"], rows["Total"]
    assert b_row[1:] == ["<5", "<5", 0, 0, 0, "<5", results.NO_MEAN]
    # Neither the totals nor the other agency give B back: 15 - 12 would be 3.
    assert a_row[6] == "<5" or total_row[6] == "<5"
    # Responses: the same rule.
    counts = dict(view.responses_rows)
    assert counts["乙區公所"] == "<5"
    assert counts["甲局"] == "<5" or counts["Total"] == "<5"


def assert_no_lone_hidden_cell(rows):
    """Each row (cells and total) and each column (groups and the total row) hides 0 or >= 2 cells."""
    total = rows[-1]
    for row in rows:
        hidden = sum(1 for cell in row[1:] if cell == "<5")
        assert hidden != 1, row
    for column in range(1, len(total)):
        hidden = sum(1 for row in rows if row[column] == "<5")
        assert hidden != 1, (column, rows)


@pytest.mark.django_db
def test_complementary_suppression_across_agencies_and_across_breakdowns(cast):
    c = other_agency(cast, "丙局")
    survey, q = make_survey(cast.city, questions=[
        ("s", QuestionKind.SCALE, {}),
        ("seg", QuestionKind.SINGLE, {"choices": ["新進同仁", "其他"], "is_segment": True}),
    ])
    plan = [(cast.a, 5, 1)] * 7 + [(cast.a, 4, 1)] * 5 + [(cast.b, 1, 0)] * 2 + [(cast.b, 3, 1)] * 6 \
        + [(c, 2, 0)] * 3 + [(c, 5, 1)] * 4
    for agency, rating, segment in plan:
        respond(survey, agency, {q["s"]: rating, q["seg"]: segment})
    figures = results.compute(survey)
    overall = results.results_view(figures, results.OVERALL, with_texts=True)
    for key in (results.BY_AGENCY, f"{results.SEGMENT_PREFIX}{q['seg'].pk}"):
        view = results.results_view(figures, key, with_texts=True)
        scale_rows = [row[:-1] for row in view.blocks[0].rows]  # without the mean
        assert_no_lone_hidden_cell(scale_rows)
        # The total row of a breakdown is the overall row, cell for cell: one figure, one value.
        assert view.blocks[0].rows[-1][1:] == overall.blocks[0].rows[0][1:]
        assert view.responses_rows[-1][1:] == overall.responses_rows[0][1:]
    # No hidden cell can be worked out from everything published, in any breakdown.
    result = figures.result
    hidden = [key for key in result if result.is_suppressed(key)]
    assert hidden
    relations = _relations_of(figures)
    order = {key: i for i, key in enumerate(result)}
    assert _linearly_determined(relations, set(hidden), order) == []


def _relations_of(figures):
    """The published relations, rebuilt from the figures as a reader would know them."""
    relations = []
    groups = [gid for breakdown in figures.breakdowns for gid, _label in breakdown.groups]
    for question in figures.questions:
        if question.kind == QuestionKind.TEXT:
            continue
        options = results._options(question)
        for gid in groups:
            relations.append((("t", question.pk, gid), [("c", question.pk, gid, o) for o in options]))
            relations.append((("n", gid), [("t", question.pk, gid)]))  # every question here is answered
        for breakdown in figures.breakdowns[1:]:
            members = [gid for gid, _label in breakdown.groups]
            for option in options:
                relations.append((("c", question.pk, results.ALL, option),
                                  [("c", question.pk, gid, option) for gid in members]))
            relations.append((("t", question.pk, results.ALL), [("t", question.pk, gid) for gid in members]))
    for breakdown in figures.breakdowns[1:]:
        relations.append((("n", results.ALL), [("n", gid) for gid, _label in breakdown.groups]))
    return [(total, *parts) for total, parts in relations]


@pytest.mark.django_db
def test_a_mean_is_shown_only_when_its_whole_row_is_published(cast):
    survey, q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    for rating in [1] * 5 + [3] * 5 + [5] * 5:
        respond(survey, cast.a, {q["s"]: rating})
    view = results.results_view(results.compute(survey), results.OVERALL, with_texts=True)
    assert view.blocks[0].rows[0] == ["All respondents", 5, 0, 5, 0, 5, 15, 3.0]
    respond(survey, cast.a, {q["s"]: 2})  # one "2": hidden, so the mean would give it back
    view = results.results_view(results.compute(survey), results.OVERALL, with_texts=True)
    row = view.blocks[0].rows[0]
    assert row[2] == "<5" and row[-1] == results.NO_MEAN


# --- Free text --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_free_text_of_a_group_under_the_threshold_is_never_shown_or_exported(cast):
    c = other_agency(cast, "丙局")
    survey, q = make_survey(cast.city, questions=[("s", QuestionKind.SCALE, {}), ("t", QuestionKind.TEXT, {})])
    for i in range(6):
        respond(survey, cast.a, {q["s"]: 4, q["t"]: f"甲局意見{i}"})
    for i in range(3):
        respond(survey, cast.b, {q["s"]: 3, q["t"]: f"乙所祕密{i}"})
    for i in range(3):
        respond(survey, c, {q["s"]: 3, q["t"]: f"丙局祕密{i}"})
    client = client_for(cast.city_hr)
    address = url(survey, by=results.BY_AGENCY)
    page = client.get(address).content.decode()
    exported = [download(client, address, fmt) for fmt in ("csv", "xlsx")]
    for i in range(3):
        assert f"乙所祕密{i}" not in page and f"丙局祕密{i}" not in page
        for lines in exported:
            assert not any(f"乙所祕密{i}" in str(cell) or f"丙局祕密{i}" in str(cell) for line in lines for cell in line)
    # Free text is listed in the overall view only, pooled and unlabelled (breakdown lists intersected
    # would place a text in a smaller cell than either group).
    assert "甲局意見0" not in page
    overall = client.get(url(survey)).content.decode()
    assert "甲局意見0" in overall and "乙所祕密0" in overall


@pytest.mark.django_db
def test_free_text_of_a_group_hidden_as_a_complement_is_not_listed_either(cast):
    """C has 6 responses, but its count is hidden so that B's 3 cannot be worked out: six listed
    answers would count them all the same."""
    c = other_agency(cast, "丙局")
    survey, q = make_survey(cast.city, questions=[("t", QuestionKind.TEXT, {})])
    for agency, n, word in ((cast.a, 12, "甲局意見"), (cast.b, 3, "乙所祕密"), (c, 6, "丙局補位")):
        for i in range(n):
            respond(survey, agency, {q["t"]: f"{word}{i}"})
    figures = results.compute(survey)
    c_group = (results.BY_AGENCY, c.pk)
    assert figures.result.is_suppressed(("n", c_group)) and figures.result.raw_value(("n", c_group)) == 6
    page = client_for(cast.city_hr).get(url(survey, by=results.BY_AGENCY)).content.decode()
    assert "丙局補位" not in page and "乙所祕密" not in page and "甲局意見0" not in page


@pytest.mark.django_db
def test_free_text_is_withheld_when_the_overall_list_minus_the_listed_groups_would_be_a_small_group(cast):
    survey, q = make_survey(cast.city, questions=[("t", QuestionKind.TEXT, {})])
    for i in range(6):
        respond(survey, cast.a, {q["t"]: f"甲局意見{i}"})
    for i in range(3):
        respond(survey, cast.b, {q["t"]: f"乙所祕密{i}"})
    client = client_for(cast.city_hr)
    by_agency = client.get(url(survey, by=results.BY_AGENCY)).content.decode()
    assert "甲局意見0" not in by_agency and "乙所祕密0" not in by_agency
    overall = client.get(url(survey)).content.decode()  # 9 together: listed, without any group
    assert "甲局意見0" in overall and "乙所祕密0" in overall


@pytest.mark.django_db
def test_no_free_text_when_the_whole_survey_has_too_few_responses(cast):
    survey, q = make_survey(cast.a, questions=[("t", QuestionKind.TEXT, {})])
    for i in range(4):
        respond(survey, cast.a, {q["t"]: f"少數意見{i}"})
    client = client_for(cast.city_hr)
    assert "少數意見" not in client.get(url(survey)).content.decode()
    assert not any("少數意見" in str(cell) for line in download(client, url(survey), "csv") for cell in line)


@pytest.mark.django_db
def test_reviewers_read_counts_but_no_free_text(cast):
    survey, q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {}), ("t", QuestionKind.TEXT, {})])
    for i in range(6):
        respond(survey, cast.a, {q["s"]: 5, q["t"]: f"意見{i}"})
    client = client_for(cast.reviewer)
    page = client.get(url(survey))
    assert page.status_code == 200
    assert "意見0" not in page.content.decode()
    assert not any("意見0" in str(cell) for line in download(client, url(survey), "csv") for cell in line)


# --- Page and exports -------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("by", [results.OVERALL, results.BY_AGENCY, "segment"])
def test_page_csv_and_xlsx_show_the_same_cells(cast, by):
    c = other_agency(cast, "丙局")
    survey, q = make_survey(cast.city, questions=[
        ("s", QuestionKind.SCALE, {}),
        ("one", QuestionKind.SINGLE, {"choices": ["=危險", "是", "否"]}),
        ("many", QuestionKind.MULTIPLE, {"choices": ["講座", "諮商", "團體"]}),
        ("seg", QuestionKind.SINGLE, {"choices": ["新進同仁", "其他"], "is_segment": True}),
        ("t", QuestionKind.TEXT, {}),
    ])
    plan = [(cast.a, 5)] * 8 + [(cast.a, 4)] * 4 + [(cast.b, 2)] * 3 + [(c, 3)] * 6
    for i, (agency, rating) in enumerate(plan):
        respond(survey, agency, {q["s"]: rating, q["one"]: i % 3, q["many"]: [0, 2] if i % 2 else [1],
                                 q["seg"]: 0 if i % 4 == 0 else 1, q["t"]: f"意見{i:02d}"})
    key = f"{results.SEGMENT_PREFIX}{q['seg'].pk}" if by == "segment" else by
    client = client_for(cast.city_hr)
    address = url(survey, by=key)
    page = page_cells(client.get(address))
    csv_lines, xlsx_lines = (normal(download(client, address, fmt)) for fmt in ("csv", "xlsx"))
    assert csv_lines == xlsx_lines
    # The file: its title line, then exactly what the page shows, in the same order.
    assert csv_lines[1:] == normal(page)
    assert any("<5" in line for line in csv_lines)
    assert ["'=危險"] in [line[1:2] for line in csv_lines if line and line[0] == "Group"]  # neutralised header


# --- Access -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_an_eap_officer_of_b_sees_none_of_as_surveys(cast):
    survey, _q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    for role in ("b_eap_officer", "b_agency_hr"):
        client = client_for(getattr(cast, role))
        assert survey.title not in client.get(reverse("survey_results_list")).content.decode()
        assert client.get(url(survey)).status_code == 404
        assert client.get(url(survey, format="csv")).status_code == 404
    for role in ("a_eap_officer", "a_agency_hr", "city_hr", "reviewer"):
        client = client_for(getattr(cast, role))
        assert survey.title in client.get(reverse("survey_results_list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["a_employee", "a_care_member", "a_convener", "a_supervisor", "provider", "nobody"])
def test_people_without_an_hr_or_reviewer_role_are_refused(cast, role):
    survey, _q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    client = client_for(getattr(cast, role))
    assert client.get(reverse("survey_results_list")).status_code == 403
    assert client.get(url(survey)).status_code == 403


@pytest.mark.django_db
def test_the_list_shows_response_counts_through_suppression(cast):
    few, q_few = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    many, q_many = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    for _ in range(3):
        respond(few, cast.a, {q_few["s"]: 3})
    for _ in range(7):
        respond(many, cast.a, {q_many["s"]: 3})
    counts = results.response_counts([few, many])
    assert counts == {few.pk: "<5", many.pk: 7}
    page = client_for(cast.a_eap_officer).get(reverse("survey_results_list")).content.decode()
    assert "&lt;5" in page and "<strong>7</strong>" in page


@pytest.mark.django_db
def test_the_list_shows_a_total_the_results_page_hides_as_hidden_too(cast):
    """8 = 4 + 4 with both parts under 5 pins both: the results page hides the 8, and so does the list."""
    survey, q = make_survey(cast.city, questions=[("s", QuestionKind.SCALE, {})])
    for _ in range(4):
        respond(survey, cast.a, {q["s"]: 3})
    for _ in range(4):
        respond(survey, cast.b, {q["s"]: 3})
    from django.core.cache import cache

    cache.clear()
    assert results.response_counts([survey]) == {survey.pk: "<5"}
    assert results.compute(survey).responses_display() == "<5"


# --- Follow-up list ---------------------------------------------------------------------------

def _respondent(agency, name):
    return EmployeeFactory(agency=agency, full_name=name).user


@pytest.mark.django_db
def test_the_follow_up_list_names_only_opted_in_low_satisfaction_respondents(cast):
    survey, q = make_survey(cast.a, anonymous=False, invite_follow_up=True, kind=SurveyKind.SERVICE_SATISFACTION,
                            questions=[("s1", QuestionKind.SCALE, {}), ("s2", QuestionKind.SCALE, {}),
                                       ("t", QuestionKind.TEXT, {})])
    low_in = respond(survey, cast.a, {q["s1"]: 1, q["s2"]: 2}, respondent=_respondent(cast.a, "王低分"),
                     follow_up=True)
    respond(survey, cast.a, {q["s1"]: 1, q["s2"]: 1}, respondent=_respondent(cast.a, "李未同意"), follow_up=False)
    respond(survey, cast.a, {q["s1"]: 4, q["s2"]: 5}, respondent=_respondent(cast.a, "陳滿意"), follow_up=True)
    respond(survey, cast.a, {q["s1"]: 3, q["s2"]: 2}, respondent=_respondent(cast.a, "林中等"), follow_up=True)

    before = AccessLog.objects.count()
    page = client_for(cast.a_eap_officer).get(url(survey)).content.decode()
    assert "王低分" in page
    for name in ("李未同意", "陳滿意", "林中等"):
        assert name not in page
    logged = AccessLog.objects.filter(actor=cast.a_eap_officer.user).order_by("-pk")
    assert AccessLog.objects.count() == before + 1
    entry = logged.first()
    assert entry.action == AccessAction.READ and entry.person_id == low_in.respondent.employee.pk
    assert entry.record_ids == [str(low_in.pk)] and entry.purpose_role == "eap_officer"
    # Never in the export, and not for readers who do not keep the survey.
    assert not any("王低分" in str(cell) for line in download(client_for(cast.a_eap_officer), url(survey), "csv")
                   for cell in line)
    for role in ("a_agency_hr", "reviewer"):
        assert "王低分" not in client_for(getattr(cast, role)).get(url(survey)).content.decode()


@pytest.mark.django_db
def test_no_follow_up_list_for_an_anonymous_survey(cast):
    survey, q = make_survey(cast.a, anonymous=True, kind=SurveyKind.COUNSELING_SATISFACTION,
                            questions=[("s", QuestionKind.SCALE, {})])
    for _ in range(6):
        respond(survey, cast.a, {q["s"]: 1}, follow_up=True)
    before = AccessLog.objects.count()
    page = client_for(cast.city_hr).get(url(survey)).content.decode()
    assert "follow-up-list" not in page and "Low satisfaction" not in page
    assert results.low_satisfaction_responses(survey) == []
    assert AccessLog.objects.count() == before


@pytest.mark.django_db
def test_no_follow_up_list_for_an_identified_survey_that_does_not_invite_it(cast):
    survey, q = make_survey(cast.a, anonymous=False, questions=[("s", QuestionKind.SCALE, {})])
    respond(survey, cast.a, {q["s"]: 1}, respondent=_respondent(cast.a, "王低分"), follow_up=True)
    assert "王低分" not in client_for(cast.city_hr).get(url(survey)).content.decode()


@pytest.mark.django_db
def test_an_unknown_export_format_is_not_found(cast):
    survey, _q = make_survey(cast.a, questions=[("s", QuestionKind.SCALE, {})])
    assert client_for(cast.city_hr).get(url(survey, format="pdf")).status_code == 404
