"""Counseling use and reconciliation: suppressed aggregates, identical on the page and in both
exports, naming nobody, refused to agency HR; amounts are hours × the contract's price."""
import csv
import html as html_module
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from agencies.tests.factories import AgencyFactory, EmployeeFactory, UserFactory
from core.actors import acting_as
from core.suppression import TOTAL_LABEL
from counseling import services
from counseling.models import SessionState
from counseling.statistics import reconciliation, usage
from counseling.tests.conftest import at
from plans.models import ProblemCategory, Service

USAGE, RECONCILIATION = reverse("counseling_usage"), reverse("counseling_reconciliation")
SECRET_NAME = "王小明"


def offer_of(employee, contract):
    return next(o for o in services.offers_for(employee, 114) if o.service == "individual" and o.contract == contract)


def held_sessions(world, employee, contract, staff, days, hours=1):
    """One booking of `employee` with `contract`'s provider and a held session on each (month, day)."""
    booking = services.request_booking(employee, offer_of(employee, contract), by=employee.user,
                                       description=f"{employee.full_name}的困擾", rights_acknowledged=True)
    for month, day in days:
        session = services.schedule_session(booking, by=staff, starts_at=at(month, day), hours=hours)
        services.record_session(session, by=staff, outcome=SessionState.HELD, note=f"{employee.full_name}的紀錄")
    return booking


@pytest.fixture
def usage_data(counsel):
    """A: its own 6 people with a session in February (a_employee also one in January and one
    scheduled), a2 (a second sub-agency) 5 people, a_sub 2 people (a small cell). A's provider costs
    2000 an hour. B: 6 people with B's provider (1800 an hour), one session lasting 1.5 hours."""
    cast = counsel.cast
    with acting_as("test"):
        cast.a_employee.full_name = SECRET_NAME
        cast.a_employee.save()
        b_staff = UserFactory(username="b_staff")
        cast.b_provider.staff.add(b_staff)
        cast.b_contract.price_per_hour = Decimal(1800)
        cast.b_contract.save()
        a2 = AgencyFactory(code="A2", name="甲局第二附屬機關", parent=cast.a)
        a_people = [cast.a_employee] + [EmployeeFactory(agency=cast.a) for _ in range(5)]
        a2_people = [EmployeeFactory(agency=a2) for _ in range(5)]
        sub_people = [cast.a_sub_employee, EmployeeFactory(agency=cast.a_sub)]
        b_people = [cast.b_employee] + [EmployeeFactory(agency=cast.b) for _ in range(5)]
    with acting_as(counsel.provider):
        first = held_sessions(counsel, cast.a_employee, cast.a_contract, counsel.provider, [(1, 20), (2, 3)])
        services.schedule_session(first, by=counsel.provider, starts_at=at(3, 20))  # 1 h on hold
        for n, person in enumerate(a_people[1:] + a2_people + sub_people):
            held_sessions(counsel, person, cast.a_contract, counsel.provider, [(2, 4 + n)])
        # One more January session in a_sub: January holds 2 (a small cell).
        held_sessions(counsel, sub_people[0], cast.a_contract, counsel.provider, [(1, 21)])
    with acting_as(b_staff):
        for n, person in enumerate(b_people):
            held_sessions(counsel, person, cast.b_contract, b_staff, [(2, 10 + n)], hours=Decimal("1.5") if n == 0 else 1)
    return SimpleNamespace(a2=a2, b_staff=b_staff)


def own_label(agency):
    return gettext("%(agency)s (its own)") % {"agency": agency.name}


def client_of(person):
    client = Client()
    client.force_login(getattr(person, "user", person))
    return client


def page_tables(html):
    """Every table's body as lists of cell texts."""
    return [[[html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
              for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
             for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]
            for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.DOTALL)]


def exports(client, url, params):
    csv_response = client.get(url, {**params, "format": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    xlsx_response = client.get(url, {**params, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    xlsx_rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    return text, csv_rows, xlsx_rows


def by_label(rows):
    return {row[0]: row[1:] for row in rows}


# --- Usage -----------------------------------------------------------------------------------

def test_a_small_agency_is_hidden_and_cannot_be_recovered_from_the_totals(counsel, usage_data):
    cast = counsel.cast
    [rows] = page_tables(client_of(cast.a_eap_officer).get(USAGE, {"year": 114}).content.decode())
    cells = by_label(rows)
    requests, held = 0, 1
    assert cells[cast.a_sub.name][requests] == "<5"   # 3 requests
    assert cells[cast.a_sub.name][held] == "<5"       # 3 sessions held
    assert cells[own_label(cast.a)][held] == "7"  # 6 people, a_employee twice
    assert cells[usage_data.a2.name][held] == "<5" or cells[own_label(cast.a)][held] == "<5"
    # Parent minus its children never pins one hidden cell: every relation hides none or two+.
    children = [cast.a_sub.name, usage_data.a2.name, own_label(cast.a)]
    for column in range(4):
        family = [cells[cast.a.name][column]] + [cells[name][column] for name in children]
        assert family.count("<5") != 1, (column, family)
        total = [cells[cast.a.name][column], cells[str(TOTAL_LABEL)][column]]
        assert total.count("<5") in (0, 2)
    assert cast.b.name not in cells  # outside A's officer's scope


def test_the_hours_columns_hide_with_their_sessions(counsel, usage_data):
    cast = counsel.cast
    [rows] = page_tables(client_of(cast.a_eap_officer).get(USAGE, {"year": 114}).content.decode())
    cells = by_label(rows)
    for name in (cast.a.name, cast.a_sub.name, usage_data.a2.name, own_label(cast.a)):
        assert (cells[name][1] == "<5") == (cells[name][2] == "<5"), name
    own = cells[own_label(cast.a)]
    assert own[2] == "7"  # 7 sessions held, an hour each
    # a_employee's scheduled hour is the only one on hold: a small cell, and its complement is hidden too.
    assert own[3] == "<5"


def test_usage_is_the_same_on_the_page_and_in_both_exports(counsel, usage_data):
    client = client_of(counsel.cast.city_hr)
    for by in ("agency", "provider", "service", "category", "month"):
        html = client.get(USAGE, {"year": 114, "by": by}).content.decode()
        [page] = page_tables(html)
        text, csv_rows, xlsx_rows = exports(client, USAGE, {"year": 114, "by": by})
        assert page == csv_rows[1:] == xlsx_rows[1:], by
        assert csv_rows[0] == xlsx_rows[0]
        for content in (html, text):
            assert SECRET_NAME not in content and "困擾" not in content and "紀錄" not in content
        assert SECRET_NAME not in str(xlsx_rows)


def test_usage_by_provider_and_service_counts_the_whole_city_for_city_hr(counsel, usage_data):
    cast = counsel.cast
    table = usage(cast.city_hr.user, 114, "provider")
    assert table.raw[(cast.a_provider.name, "held")] == 1 + 1 + 5 + 5 + 2 + 1
    assert table.raw[(cast.b_provider.name, "requests")] == 6
    cells = by_label(table.body)
    assert cells[cast.b_provider.name][2] == Decimal("6.5")  # hours used: the 1.5-hour session counts as such
    assert usage(cast.reviewer, 114, "service").raw[(str(Service.INDIVIDUAL.label), "requests")] == 6 + 6 + 5 + 3


def test_usage_by_category_has_no_total_and_hides_small_categories(counsel, usage_data):
    cast = counsel.cast
    category = ProblemCategory.objects.create(plan=cast.a_plan, code="work", name="工作適應")
    booking = cast.a_employee.bookings.get()
    with acting_as(counsel.provider):
        services.code_booking(booking, by=counsel.provider, categories=[category])
    report = usage(cast.a_eap_officer.user, 114, "category")
    cells = by_label(report.body)
    assert cells["工作適應"][0] == "<5" and cells["工作適應"][1] == "<5"
    assert all(row[0] != str(TOTAL_LABEL) for row in report.body)


def test_usage_of_another_year_is_empty_but_lists_the_agencies(counsel, usage_data):
    rows = usage(counsel.cast.a_eap_officer.user, 113, "agency").body
    assert rows and all(cell == 0 for row in rows for cell in row[1:])


# --- Reconciliation ------------------------------------------------------------------------

def test_amounts_are_hours_times_the_contracts_price(counsel, usage_data):
    cast = counsel.cast
    february = {row[0]: row for row in reconciliation(cast.city_hr.user, 114, month=2).providers.body}
    assert february[cast.b_provider.name][2:] == [6, Decimal("6.5"), 1800, 11700]  # 5 × 1 h + 1.5 h
    year = [row for row in reconciliation(cast.city_hr.user, 114).providers.body if row[0] == cast.a_provider.name]
    assert year[-1][2:] == [15, 15, 2000, 30000]


def test_a_small_month_is_hidden_with_its_hours_and_amount(counsel, usage_data):
    cast = counsel.cast
    html = client_of(cast.a_eap_officer).get(RECONCILIATION, {"year": 114}).content.decode()
    [rows] = page_tables(html)  # an EAP officer has no per-agency breakdown
    a_rows = [row for row in rows if row[0] == cast.a_provider.name]
    january = next(row for row in a_rows if row[1].endswith("1月"))
    february = next(row for row in a_rows if row[1].endswith("2月"))
    assert january[2:] == ["<5", "<5", "2000", "<5"]  # 2 sessions
    # The year's total is published, so February (13) is hidden too: total minus February would
    # otherwise give January back.
    assert february[2] == "<5" and february[5] == "<5"
    total = a_rows[-1]
    assert total[2:] == ["15", "15", "2000", "30000"]
    assert cast.b_provider.name not in html
    assert SECRET_NAME not in html


def test_one_month_shows_what_the_year_shows(counsel, usage_data):
    """February alone would be 13, published; with the year's total 15 that gives January's 2 back."""
    cast = counsel.cast
    client = client_of(cast.a_eap_officer)
    [year] = page_tables(client.get(RECONCILIATION, {"year": 114}).content.decode())
    [february] = page_tables(client.get(RECONCILIATION, {"year": 114, "month": 2}).content.decode())
    assert february == [row for row in year if row[1].endswith("2月")]
    assert february[0][2] == "<5"


def test_city_hr_gets_the_per_agency_breakdown_suppressed_with_the_provider_totals(counsel, usage_data):
    cast = counsel.cast
    client = client_of(cast.city_hr)
    html = client.get(RECONCILIATION, {"year": 114, "month": 2}).content.decode()
    providers, agencies = page_tables(html)
    cells = by_label(agencies)
    # Per agency, for the whole year: sessions and hours of A's provider, then B's, then all providers.
    assert cells[cast.a.name][:2] == ["15", "15"]
    assert cells[cast.b.name][2:4] == ["6", "6.5"]
    assert SECRET_NAME not in html
    text, csv_rows, xlsx_rows = exports(client, RECONCILIATION, {"year": 114, "month": 2, "part": "agencies"})
    assert agencies == csv_rows[1:] == xlsx_rows[1:]
    text, csv_rows, xlsx_rows = exports(client, RECONCILIATION, {"year": 114, "month": 2})
    assert providers == csv_rows[1:] == xlsx_rows[1:]
    assert SECRET_NAME not in text


def test_the_breakdown_never_gives_back_what_the_provider_table_hides(counsel, usage_data):
    """The provider's total for the period is both tables' figure: suppressed once, together."""
    cast = counsel.cast
    result = reconciliation(cast.city_hr.user, 114)
    providers = [row for row in result.providers.body if row[0] == cast.a_provider.name]
    assert providers[0][2] == "<5"  # January: 2
    breakdown = by_label(result.agencies.body)
    a_total = providers[-1][2]
    column_total = next(row for label, row in breakdown.items() if str(label) == str(TOTAL_LABEL))[0]
    assert a_total == column_total  # the same cell, shown the same in both tables


def test_the_reconciliation_page_and_exports_match_for_an_officer(counsel, usage_data):
    client = client_of(counsel.cast.a_eap_officer)
    [page] = page_tables(client.get(RECONCILIATION, {"year": 114}).content.decode())
    text, csv_rows, xlsx_rows = exports(client, RECONCILIATION, {"year": 114})
    assert page == csv_rows[1:] == xlsx_rows[1:]
    assert any("<5" in row for row in page)
    assert SECRET_NAME not in text
    assert client.get(RECONCILIATION, {"year": 114, "part": "agencies", "format": "csv"}).status_code == 404


# --- Who may read them -------------------------------------------------------------------------

@pytest.mark.parametrize("url", [USAGE, RECONCILIATION])
def test_agency_hr_is_refused_both(counsel, url):
    client = client_of(counsel.cast.a_agency_hr)
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "csv"}).status_code == 403


def test_reviewers_read_use_but_do_not_reconcile(counsel):
    client = client_of(counsel.cast.reviewer)
    assert client.get(USAGE).status_code == 200
    assert client.get(RECONCILIATION).status_code == 403


def test_an_unknown_export_format_is_not_found(counsel):
    assert client_of(counsel.cast.city_hr).get(USAGE, {"format": "pdf"}).status_code == 404
