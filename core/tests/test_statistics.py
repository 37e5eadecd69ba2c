"""Duty timeliness: suppressed counts, identical on the page and in its exports, naming nobody."""
import csv
import datetime
import html as html_module
import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import AgencyFactory
from core.tests.factories import DutyFactory


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


@pytest.fixture
def duties(cast, time_machine):
    time_machine.move_to(at(2026, 6, 1))
    a2 = AgencyFactory(code="A2", name="甲局第二附屬機關", parent=cast.a)
    for n in range(7):   # A's sub-agency: 7 done on time
        DutyFactory(agency=cast.a_sub, assignee=cast.a_care_member.user, due_at=at(2026, 3, 1 + n),
                    state="done", done_at=at(2026, 2, 1))
    for n in range(2):   # A's second sub-agency: 2 overdue (a small cell)
        DutyFactory(agency=a2, assignee=cast.a_care_member.user, due_at=at(2026, 5, 1 + n))
    for n in range(6):   # A itself: 6 overdue
        DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, due_at=at(2026, 4, 1 + n))
    DutyFactory(agency=cast.b, assignee=cast.b_care_member.user, due_at=at(2026, 4, 1))
    return a2


def page_cells(html):
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    return [[html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_a_small_cell_is_hidden_and_cannot_be_recovered_from_the_totals(cast, duties):
    client = Client()
    client.force_login(cast.a_eap_officer.user)
    rows = page_cells(client.get(reverse("duty_statistics"), {"year": 115}).content.decode())
    by_label = {row[0]: row[1:] for row in rows}
    overdue = 1  # the column's position after the label
    assert by_label["甲局第二附屬機關"][overdue] == "<5"
    assert by_label["甲局附屬機關"][2] == "7"  # 7 done on time: published
    # Parent minus children and row/column totals never pin the hidden 2.
    for row in rows:
        assert [cell == "<5" for cell in row[1:]].count(True) != 1 or all(cell == "" for cell in row[1:])
    assert "乙區公所" not in by_label  # B is outside A's officer's scope


def test_the_page_and_both_exports_show_the_same_cells(cast, duties):
    client = Client()
    client.force_login(cast.city_hr.user)
    page = page_cells(client.get(reverse("duty_statistics"), {"year": 115}).content.decode())
    csv_response = client.get(reverse("duty_statistics"), {"year": 115, "format": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))[1:]
    xlsx_response = client.get(reverse("duty_statistics"), {"year": 115, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    xlsx_rows = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(min_row=2,
                                                                                                   values_only=True)]
    assert page == csv_rows == xlsx_rows
    assert any("<5" in row for row in page)


def test_no_name_of_anyone_appears(cast, duties):
    client = Client()
    client.force_login(cast.reviewer)
    html = client.get(reverse("duty_statistics"), {"year": 115}).content.decode()
    assert cast.a_care_member.full_name not in html and "甲局" in html
