"""The course reports: planned against held per facet, series and month, and a plan's targets against
its catalogue against what was held. People counts are suppressed (on the page and in both files
alike), the reader's scope is their subtree, and nobody is ever named."""
import csv
import datetime
import html as html_module
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agencies.tests.factories import EmployeeFactory
from courses import statistics
from courses.models import CourseFormat, EnrolmentState, Facet, SessionState
from courses.tests.factories import (
    CourseFactory,
    CourseSeriesFactory,
    CourseSessionFactory,
    CourseTargetFactory,
    EnrolmentFactory,
    TopicCategoryFactory,
)

ACTIVITY, TARGETS = reverse("course_report"), reverse("course_targets_report")
NOW = timezone.make_aware(datetime.datetime(2025, 5, 1, 9, 0))  # ROC 114
SECRET_NAME = "王小明"
# Activity columns after the label.
PLANNED, SCHEDULED, HELD, CANCELLED, EXPECTED, ENROLLED, ATTENDED, HOURS = range(8)


def at(month, day):
    return timezone.make_aware(datetime.datetime(2025, month, day, 9, 0))


def session(course, month, day, state=SessionState.OPEN):
    return CourseSessionFactory(course=course, starts_at=at(month, day), state=state)


def seat(session, agency, count, attended=0, **fields):
    """`count` new people with a seat, the first `attended` of them marked present."""
    for n in range(count):
        EnrolmentFactory(session=session, employee=EmployeeFactory(agency=agency),
                         attended=True if n < attended else None, **fields)


@pytest.fixture
def world(cast, time_machine):
    """A's plan of 114: a health course of A (2 sessions planned, 40 each; a March session held
    with 8 seats and 6 present, one of them recording 1.5 hours; an April session with 7 seats; one
    cancelled enrolment) and two life courses: A1's (held in March, 5 seats, 3 present) and A's
    (its April session cancelled with 4 seats still on it). B's plan: a health course held in March,
    6 seats, 6 present."""
    time_machine.move_to(NOW, tick=False)
    plan = cast.a_plan
    health_series = CourseSeriesFactory(plan=plan, name="慢活人生", facet=Facet.HEALTH, order=4)
    life_series = CourseSeriesFactory(plan=plan, name="快活人生", facet=Facet.LIFE, order=3)
    mental = TopicCategoryFactory(plan=plan, facet=Facet.HEALTH, name="心理健康", order=1)
    medical = TopicCategoryFactory(plan=plan, facet=Facet.HEALTH, name="醫療保健", order=2)
    legal = TopicCategoryFactory(plan=plan, facet=Facet.LIFE, name="法律諮詢", order=3)
    health = CourseFactory(plan=plan, agency=cast.a, facet=Facet.HEALTH, series=health_series, category=mental,
                           planned_sessions=2, expected_per_session=40, first_date=datetime.date(2025, 3, 5))
    march = session(health, 3, 10, SessionState.CLOSED)
    EnrolmentFactory(session=march, employee=cast.a_employee, attended=True, learning_hours=Decimal("1.5"))
    seat(march, cast.a, 7, attended=5)
    EnrolmentFactory(session=march, employee=EmployeeFactory(agency=cast.a), state=EnrolmentState.CANCELLED,
                     seated_at=None, cancelled_at=NOW)
    seat(session(health, 4, 14), cast.a, 7)
    life = CourseFactory(plan=plan, agency=cast.a_sub, facet=Facet.LIFE, series=life_series, planned_sessions=1,
                         expected_per_session=30, first_date=datetime.date(2025, 3, 20))
    seat(session(life, 3, 24, SessionState.CLOSED), cast.a_sub, 5, attended=3)
    law = CourseFactory(plan=plan, agency=cast.a, facet=Facet.LIFE, series=life_series, category=legal,
                        planned_sessions=1, expected_per_session=None, first_date=datetime.date(2025, 4, 18))
    seat(session(law, 4, 20, SessionState.CANCELLED), cast.a, 4)
    b_course = CourseFactory(plan=cast.b_plan, agency=cast.b, facet=Facet.HEALTH, planned_sessions=1,
                             expected_per_session=50, first_date=datetime.date(2025, 3, 1))
    seat(session(b_course, 3, 12, SessionState.CLOSED), cast.b, 6, attended=6)
    cast.a_employee.full_name = SECRET_NAME
    cast.a_employee.save()
    return SimpleNamespace(cast=cast, plan=plan, mental=mental, medical=medical, legal=legal, health=health,
                           life=life, law=law)


def client_of(person):
    client = Client()
    client.force_login(getattr(person, "user", person))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_table(html):
    """The body of the page's one table, as lists of cell texts."""
    [body] = re.findall(r"<tbody>(.*?)</tbody>", html, re.DOTALL)
    return [[html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def exports(client, url, params):
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    response = client.get(url, {**params, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xlsx_rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    return text, csv_rows, xlsx_rows


def by_label(rows):
    return {row[0]: row[1:] for row in rows}


def activity(person, by):
    with translation.override("en"):
        return statistics.activity(getattr(person, "user", person), 114, by)


# --- Activity: the figures ----------------------------------------------------------------------

def test_facet_rows_count_planned_scheduled_held_and_people(world):
    report = activity(world.cast.a_eap_officer, "facet")
    rows = by_label(report.body)
    assert rows["Health"] == [2, 2, 1, 0, 80, 15, "<5", "<5"]  # attended 6: the complement of life's 3
    assert rows["Life"][:ENROLLED] == [2, 1, 1, 1, 30]  # no number expected for the law course
    assert rows["Life"][ENROLLED:] == [5, "<5", "<5"]
    assert rows["Work"] == rows["Organisation and management"] == [0] * 6 + [0, 0]
    assert rows["Total"] == [4, 3, 2, 1, 110, 20, 9, Decimal("25.5")]  # 5 × 3 h + 1.5 h + 3 × 3 h
    assert report.raw[("Health", "attended")] == 6 and report.raw[("Life", "attended")] == 3


def test_cancelled_sessions_and_enrolments_are_not_enrolled(world):
    raw = activity(world.cast.a_eap_officer, "facet").raw
    # Life: 5 seats held in March; the 4 seats of the cancelled April session do not count.
    assert raw[("Life", "enrolled")] == 5
    # Health: 8 + 7 seats; the cancelled enrolment does not count.
    assert raw[("Health", "enrolled")] == 15


def test_series_rows_follow_the_series_order(world):
    report = activity(world.cast.a_eap_officer, "series")
    assert [row[0] for row in report.body] == ["快活人生", "慢活人生", "Total"]
    rows = by_label(report.body)
    assert rows["快活人生"][:ENROLLED] == [2, 1, 1, 1, 30]
    assert rows["慢活人生"][:ENROLLED] == [2, 2, 1, 0, 80]
    # The series lie inside one facet each: what the facet table hides, the series table hides too.
    assert rows["快活人生"][ATTENDED] == rows["慢活人生"][ATTENDED] == "<5"


def test_month_rows_count_sessions_by_their_date_and_plans_by_the_first_date(world):
    report = activity(world.cast.a_eap_officer, "month")
    assert [row[0] for row in report.body][:12] == [f"114年{month}月" for month in range(1, 13)]
    rows = by_label(report.body)
    # March: health and life start (2 + 1 planned); held: health's and life's sessions.
    assert rows["114年3月"] == [3, 2, 2, 0, 110, 13, 9, Decimal("16.5") + 9]
    # April: the law course starts; health's second session is scheduled, the law one cancelled.
    assert rows["114年4月"] == [1, 1, 0, 1, 0, 7, 0, 0]
    assert rows["114年5月"] == [0] * 8
    assert rows["Total"][:EXPECTED + 1] == [4, 3, 2, 1, 110]
    assert report.export_rows()[0][-1] == "Month (ISO 8601)"
    assert [row[-1] for row in report.export_rows()[3:5]] == ["2025-03", "2025-04"]


def test_a_month_outside_the_year_and_a_course_without_dates_get_their_own_rows(world):
    CourseFactory(plan=world.plan, agency=world.cast.a, facet=Facet.WORK, first_date=datetime.date(2021, 2, 3))
    CourseFactory(plan=world.plan, agency=world.cast.a, facet=Facet.WORK, first_date=None)
    labels = [row[0] for row in activity(world.cast.a_eap_officer, "month").body]
    assert labels[0] == "110年2月" and labels[-2:] == ["No planned date", "Total"]


def test_b_courses_are_not_in_a_officers_report_but_in_city_hrs(world):
    cast = world.cast
    for reader in (cast.a_eap_officer, cast.a_agency_hr):
        assert by_label(activity(reader, "facet").body)["Total"][PLANNED] == 4
    for reader in (cast.city_hr, cast.reviewer):
        report = activity(reader, "facet")
        assert by_label(report.body)["Total"][:EXPECTED + 1] == [5, 4, 3, 1, 160]
        assert report.raw[("Health", "attended")] == 12
    assert by_label(activity(cast.b_eap_officer, "facet").body)["Health"][:ENROLLED] == [1, 1, 1, 0, 50]


def test_the_report_counts_the_plans_of_the_chosen_year(world):
    with translation.override("en"):
        assert statistics.activity(world.cast.city_hr.user, 113, "facet").body[-1] == ["Total"] + [0] * 8


def test_a_cell_about_fewer_than_five_people_is_hidden_even_with_many_enrolments(world):
    """One person in five sessions of a work course: five enrolments, one person."""
    cast = world.cast
    course = CourseFactory(plan=world.plan, agency=cast.a, facet=Facet.WORK, first_date=datetime.date(2025, 6, 1))
    for day in range(1, 6):
        EnrolmentFactory(session=session(course, 6, day), employee=cast.a_employee)
    rows = by_label(activity(cast.a_eap_officer, "facet").body)
    assert rows["Work"][ENROLLED] == "<5"


def test_the_reports_aggregate_in_the_database(world, django_assert_max_num_queries):
    reader = world.cast.city_hr.user
    with CaptureQueriesContext(connection) as few:
        statistics.activity(reader, 114, "facet")
    for n in range(6):  # more courses, sessions and people: not one query more
        course = CourseFactory(plan=world.cast.b_plan, agency=world.cast.b, facet=Facet.WORK)
        seat(session(course, 6, n + 1, SessionState.CLOSED), world.cast.b, 2, attended=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        statistics.activity(reader, 114, "facet")
    plan = world.plan
    with CaptureQueriesContext(connection) as few:
        statistics.targets(reader, plan)
    for _ in range(4):
        TopicCategoryFactory(plan=plan, facet=Facet.WORK)
    with django_assert_max_num_queries(len(few.captured_queries)):
        statistics.targets(reader, plan)


# --- Activity: the page and the files ---------------------------------------------------------

def test_three_attendees_show_as_hidden_on_the_page_and_in_the_csv_with_their_complement(world):
    client = client_of(world.cast.a_eap_officer)
    rows = by_label(page_table(client.get(ACTIVITY, {"year": 114, "by": "facet"}).content.decode()))
    _, csv_rows, _ = exports(client, ACTIVITY, {"year": 114, "by": "facet"})
    for cells in (rows, by_label(csv_rows[1:])):
        assert cells["Life"][ATTENDED] == "<5"    # 3 people
        assert cells["Health"][ATTENDED] == "<5"  # 6, hidden so that the total cannot give life back
        assert cells["Life"][HOURS] == cells["Health"][HOURS] == "<5"
        assert cells["Total"][ATTENDED] == "9"
        assert cells["Life"][ENROLLED] == "5"


@pytest.mark.parametrize("by", ["facet", "series", "month"])
def test_the_activity_files_show_the_page(world, by):
    client = client_of(world.cast.city_hr)
    html = client.get(ACTIVITY, {"year": 114, "by": by}).content.decode()
    page = page_table(html)
    text, csv_rows, xlsx_rows = exports(client, ACTIVITY, {"year": 114, "by": by})
    assert csv_rows == xlsx_rows
    files = [row[:-1] for row in csv_rows] if by == "month" else csv_rows  # the ISO month is for machines
    assert files[1:] == page
    assert re.findall(r"<th scope=\"col\">(.*?)</th>", html) == files[0]
    for content in (html, text, str(xlsx_rows)):
        assert SECRET_NAME not in content and "a_employee" not in content


def test_the_activity_page_defaults_to_this_year_by_facet(world):
    response = client_of(world.cast.city_hr).get(ACTIVITY)
    assert response.context["year"] == 114 and response.context["by"] == "facet"
    assert 'class="table-responsive"' in response.content.decode()


def test_an_unknown_grouping_or_year_falls_back_and_an_unknown_format_is_not_found(world):
    client = client_of(world.cast.city_hr)
    response = client.get(ACTIVITY, {"by": "agency", "year": "x"})
    assert response.context["by"] == "facet" and response.context["year"] == 114
    assert client.get(ACTIVITY, {"format": "pdf"}).status_code == 404


def test_roles_without_reports_are_refused(world):
    cast = world.cast
    for person in (cast.a_employee, cast.a_supervisor, cast.a_care_member, cast.provider, cast.access_approver):
        assert client_of(person).get(ACTIVITY).status_code == 403
        assert client_of(person).get(TARGETS, {"format": "csv"}).status_code == 403
    assert Client().get(ACTIVITY, {"format": "csv"}).status_code == 302


# --- Targets -------------------------------------------------------------------------------------

@pytest.fixture
def targets(world):
    CourseTargetFactory(category=world.mental, sessions=3, participants=120)
    CourseTargetFactory(category=world.mental, format=CourseFormat.DIGITAL, sessions=1, participants=500)
    CourseTargetFactory(category=world.medical, sessions=2, participants=80)
    CourseTargetFactory(category=world.legal, sessions=1, participants=50)
    return world


def target_rows(person, plan):
    with translation.override("en"):
        report = statistics.targets(getattr(person, "user", person), plan)
    return report, {tuple(row[:3]): row[3:] for row in report.body}


def test_targets_catalogue_and_held_side_by_side(targets):
    report, rows = target_rows(targets.cast.a_eap_officer, targets.plan)
    # target sessions, participants; courses, sessions, expected; differences; held; attended
    assert rows[("Health", "心理健康", "In person")] == [3, 120, 1, 2, 80, -1, -40, 1, "<5"]
    assert rows[("Health", "心理健康", "Digital (self-paced online)")] == [1, 500, 0, 0, 0, -1, -500, 0, 0]
    assert rows[("Health", "醫療保健", "In person")] == [2, 80, 0, 0, 0, -2, -80, 0, 0]
    assert rows[("Health", "Uncategorised", "")] == ["", "", 0, 0, 0, "", "", 0, 0]
    assert rows[("Health", "Subtotal", "")] == [6, 700, 1, 2, 80, -4, -620, 1, "<5"]
    assert rows[("Life", "法律諮詢", "In person")] == [1, 50, 1, 1, 0, 0, -50, 0, 0]
    # A1's life course has no category: it counts on the uncategorised line, and in the subtotal.
    assert rows[("Life", "Uncategorised", "In person")] == ["", "", 1, 1, 30, "", "", 1, "<5"]
    assert rows[("Life", "Subtotal", "")] == [1, 50, 2, 2, 30, 1, -20, 1, "<5"]
    assert rows[("Work", "Subtotal", "")] == [0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert rows[("Total", "", "")] == [7, 750, 3, 4, 110, -3, -640, 2, 9]
    assert report.kinds.count("subtotal") == 4 and report.kinds[-1] == "total"
    assert report.raw[("life", "Uncategorised", "In person")] == 3


def test_the_targets_are_not_recomputed_from_the_courses(targets):
    """DOMAIN §5: life's target of 36 sessions against 33 catalogued rows stays as entered."""
    for _ in range(33):
        CourseFactory(plan=targets.plan, agency=targets.cast.a, facet=Facet.LIFE, category=targets.legal)
    targets.legal.targets.update(sessions=36)
    _, rows = target_rows(targets.cast.a_eap_officer, targets.plan)
    assert rows[("Life", "法律諮詢", "In person")][:6] == [36, 50, 34, 34, 33 * 40, -2]


def test_the_targets_page_and_its_files_show_the_same_cells(targets):
    client = client_of(targets.cast.city_hr)
    html = client.get(TARGETS, {"plan": targets.plan.pk}).content.decode()
    page = page_table(html)
    text, csv_rows, xlsx_rows = exports(client, TARGETS, {"plan": targets.plan.pk})
    assert csv_rows[1:] == xlsx_rows[1:] == page
    uncategorised = next(row for row in page if row[:2] == ["Life", "Uncategorised"])
    assert uncategorised[-1] == "<5"
    assert 'class="table-responsive"' in html
    for content in (html, text, str(xlsx_rows)):
        assert SECRET_NAME not in content


def test_the_targets_report_offers_the_plans_of_the_readers_subtree(targets):
    cast = targets.cast
    CourseTargetFactory(category=TopicCategoryFactory(plan=cast.city_plan, facet=Facet.WORK))
    CourseTargetFactory(category=TopicCategoryFactory(plan=cast.b_plan, facet=Facet.WORK))
    response = client_of(cast.a_eap_officer).get(TARGETS)
    assert response.context["plans"] == [targets.plan] and response.context["plan"] == targets.plan
    assert client_of(cast.a_eap_officer).get(TARGETS, {"plan": cast.b_plan.pk}).status_code == 404
    assert client_of(cast.a_eap_officer).get(TARGETS, {"plan": cast.city_plan.pk}).status_code == 404
    assert client_of(cast.a_eap_officer).get(TARGETS, {"plan": "x"}).status_code == 404
    # City HR: the city plan first, and by default; B's plan too.
    response = client_of(cast.city_hr).get(TARGETS)
    assert response.context["plan"] == cast.city_plan
    assert set(response.context["plans"]) == {cast.city_plan, targets.plan, cast.b_plan}
    assert client_of(cast.reviewer).get(TARGETS, {"plan": cast.b_plan.pk}).status_code == 200


def test_a_reader_with_no_plan_in_scope_is_told_so(cast):
    response = client_of(cast.b_agency_hr).get(TARGETS)
    assert response.status_code == 200 and response.context["report"] is None
    assert client_of(cast.b_agency_hr).get(TARGETS, {"format": "csv"}).status_code == 404
