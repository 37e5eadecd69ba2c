"""The employee's self-check as they use it (DOMAIN §7 Decision (a)): the answers encrypted, the
band and advice shown, contact offered at or above the plan's threshold or with ★ ≥ 2, declining
sends nothing, accepting creates one duty with the band only, the care team reads the answers only
when the employee shares them, and ★ ≥ 2 shows the urgent screen with "contact me now". Pages are
read in English (the language cookie), so the assertions hold whatever the translations say."""
import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from agencies.models import AgencyKind
from agencies.tests.factories import AgencyFactory, EmployeeFactory, UserFactory
from core import duties as duty_service
from core.actors import acting_as
from core.models import AccessLog, Duty, DutyState, Notification
from core.models.audit import PurposeKind
from core.working_days import add_working_days
from eap_portal.rocdates import TAIPEI, roc_year
from plans.models import UnlimitedLine
from plans.tests.factories import PlanFactory
from surveys import bsrs5, selfcheck
from surveys.forms_selfcheck import ITEM_FIELDS, STAR_FIELD
from surveys.models import Screening, Setting

OFFER = "May the care team contact you?"
URGENT = "Please talk to someone now"


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def answers(ratings, star=0):
    data = {name: str(value) for name, value in zip(ITEM_FIELDS, ratings)}
    data[STAR_FIELD] = str(star)
    return data


def take(client, ratings, star=0):
    """Take the self-check through the page; returns the stored screening."""
    response = client.post(reverse("self_check"), answers(ratings, star))
    assert response.status_code == 302
    screening = Screening.objects.latest("pk")
    assert response["Location"] == reverse("self_check_result", args=[screening.pk])
    return screening


def taken(employee, ratings, star=0):
    with acting_as("test"):
        return selfcheck.take_self_check(employee, ratings=ratings, star=star, by=employee.user)


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def raw(screening, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {Screening._meta.db_table} WHERE id = %s", [screening.pk])
        return cursor.fetchone()[0]


def band_label(value):
    with translation.override("en"):
        return str(bsrs5.Band(value).label)


@pytest.fixture
def me(cast):
    return client_of(cast.a_employee)


# --- Taking it ---------------------------------------------------------------------------

def test_the_form_shows_the_period_the_items_then_the_star_item_with_the_labels(cast, me):
    html = page(me, "self_check")
    assert bsrs5.PERIOD in html
    positions = [html.index(text) for _key, text in bsrs5.ITEMS] + [html.index(bsrs5.STAR_ITEM[1])]
    assert positions == sorted(positions)  # sleep first, ★ last
    for _value, label in bsrs5.RATINGS:
        assert html.count(label) >= 6
    assert "not added to the total" in html
    assert html.count('type="radio"') == 30


def test_taking_it_stores_encrypted_answers_and_shows_the_band_and_advice(cast, me):
    screening = take(me, [3, 2, 2, 1, 0], star=1)
    assert screening.employee == cast.a_employee and screening.setting == Setting.SELF_CHECK
    assert screening.taken_on == timezone.localdate()
    assert screening.answers == {"ratings": [3, 2, 2, 1, 0], "star": 1}
    assert screening.result == {"total": 8, "band": "mild", "star": 1}
    for column in ("answers", "result"):
        stored = raw(screening, column)
        assert "ratings" not in stored and "[3, 2, 2, 1, 0]" not in stored and "mild" not in stored
        assert stored.startswith("eap1:")
    html = page(me, "self_check_result", screening.pk)
    assert "8 of 20" in html
    assert band_label("mild") in html
    with translation.override("en"):
        assert str(bsrs5.ADVICE[bsrs5.Band.MILD]) in html
    assert 'href="tel:1925"' in html and 'href="tel:1995"' in html and 'href="tel:1980"' in html


def test_an_unanswered_item_is_refused_and_nothing_is_stored(cast, me):
    data = answers([1, 1, 1, 1, 1])
    del data[ITEM_FIELDS[0]]
    response = me.post(reverse("self_check"), data)
    assert response.status_code == 200
    assert "Please answer every question." in response.content.decode()
    assert not Screening.objects.exists()


def test_reading_ones_result_is_logged_as_ones_own_records(cast, me):
    screening = taken(cast.a_employee, [1, 1, 1, 1, 1])
    page(me, "self_check_result", screening.pk)
    log = AccessLog.objects.get(record_ids=[str(screening.pk)])
    assert log.actor == cast.a_employee.user and log.person == cast.a_employee
    assert log.purpose_kind == PurposeKind.OWN_RECORDS


# --- The offer --------------------------------------------------------------------------------

def test_below_the_threshold_no_contact_is_offered(cast, me):
    screening = take(me, [2, 2, 2, 2, 1])  # 9
    assert not screening.contact_offered
    assert OFFER not in page(me, "self_check_result", screening.pk)


def test_at_the_threshold_contact_is_offered(cast, me):
    screening = take(me, [2, 2, 2, 2, 2])  # 10
    assert screening.contact_offered
    html = page(me, "self_check_result", screening.pk)
    assert OFFER in html and reverse("self_check_contact", args=[screening.pk]) in html
    assert URGENT not in html


def test_the_threshold_is_the_nearest_covering_plans(cast, me):
    PlanFactory(owner=cast.a, year=roc_year(timezone.localdate()), screening_threshold=8)
    assert selfcheck.threshold_for(cast.a_employee) == 8
    assert take(me, [2, 2, 2, 1, 1]).contact_offered  # 8
    assert not take(me, [2, 2, 1, 1, 1]).contact_offered  # 7
    assert selfcheck.threshold_for(cast.b_employee) == selfcheck.DEFAULT_THRESHOLD


def test_declining_creates_no_duty_and_no_notification_anywhere(cast, me):
    screening = take(me, [3, 3, 3, 3, 3])
    html = page(me, "self_check_result", screening.pk)
    assert "No, thank you" in html and f'href="{reverse("home")}"' in html
    assert me.get(reverse("home")).status_code == 200  # declining is simply leaving
    assert not Duty.objects.exists()
    assert not Notification.objects.exists()
    screening.refresh_from_db()
    assert screening.duty is None and screening.contact_accepted_at is None and screening.answers_shared_at is None


# --- Accepting ----------------------------------------------------------------------------------

def test_accepting_creates_one_duty_for_the_convener_with_the_band_only(cast, me):
    screening = take(me, [3, 3, 3, 2, 2])  # 13, moderate
    response = me.post(reverse("self_check_contact", args=[screening.pk]))
    assert response.status_code == 302
    me.post(reverse("self_check_contact", args=[screening.pk]))  # twice: still one duty
    duty = Duty.objects.get()
    assert duty.assignee == cast.a_convener.user and duty.team == cast.a_team
    assert duty.kind == selfcheck.FOLLOW_UP_KIND and duty.person == cast.a_employee and duty.subject == screening
    assert not duty.urgent
    with translation.override(settings.LANGUAGE_CODE):
        assert str(bsrs5.Band.MODERATE.label) in duty.note
        assert translation.gettext("Begin by asking how they are sleeping.") in duty.note
        assert duty.title == translation.gettext("Follow-up after a self-check")
    assert "13" not in duty.note and "3, 3" not in duty.note
    today = timezone.localdate()
    assert duty.due_at.astimezone(TAIPEI).date() == add_working_days(today, 3, cast.a)
    assert duty.remind_before == datetime.timedelta(days=1)
    assert duty.escalate_after == datetime.timedelta(days=1)
    screening.refresh_from_db()
    assert screening.duty == duty and screening.contact_accepted_at and screening.answers_shared_at is None
    # The one notification is the convener's, and neutral.
    notification = Notification.objects.get()
    assert notification.recipient == cast.a_convener.user and notification.kind == "duty_assigned"


def test_the_care_team_cannot_read_a_self_check_whose_answers_were_not_shared(cast, me):
    screening = take(me, [3, 3, 3, 2, 2])
    me.post(reverse("self_check_contact", args=[screening.pk]))
    duty = Duty.objects.get()
    with acting_as(cast.a_convener.user):
        duty_service.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    for person in (cast.a_convener, cast.a_care_member, cast.a_eap_officer, cast.a_supervisor):
        assert not Screening.objects.visible_to(person.user).exists()
        assert client_of(person).get(reverse("self_check_result", args=[screening.pk])).status_code == 404
    # The duty holder reads the duty: the band and the hint about sleep, not the answers.
    html = page(client_of(cast.a_care_member), "duty_detail", duty.pk)
    for line in duty.note.splitlines():
        assert escape(line) in html
    assert "13 of 20" not in html


def test_sharing_the_answers_lets_the_duty_holder_and_the_convener_read_them(cast, me):
    screening = take(me, [3, 3, 3, 2, 2])
    me.post(reverse("self_check_contact", args=[screening.pk]), {"share_answers": "on"})
    screening.refresh_from_db()
    assert screening.answers_shared_at is not None
    duty = Duty.objects.get()
    assert "13" not in duty.note  # the note stays band-only
    assert list(Screening.objects.visible_to(cast.a_convener.user)) == [screening]
    assert not Screening.objects.visible_to(cast.a_care_member.user).exists()
    with acting_as(cast.a_convener.user):
        duty_service.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    assert list(Screening.objects.visible_to(cast.a_care_member.user)) == [screening]
    assert not Screening.objects.visible_to(cast.b_convener.user).exists()
    assert not Screening.objects.visible_to(cast.a_eap_officer.user).exists()


def test_answers_may_be_shared_after_accepting_without_a_second_duty(cast, me):
    screening = take(me, [3, 3, 3, 2, 2])
    me.post(reverse("self_check_contact", args=[screening.pk]))
    assert not Screening.objects.visible_to(cast.a_convener.user).exists()
    html = page(me, "self_check_result", screening.pk)
    assert "Also share my answers with the care team" in html
    me.post(reverse("self_check_contact", args=[screening.pk]), {"share_answers": "on"})
    assert Duty.objects.count() == 1
    assert list(Screening.objects.visible_to(cast.a_convener.user)) == [screening]


def test_accepting_what_was_not_offered_creates_nothing(cast, me):
    screening = take(me, [1, 1, 1, 1, 1])
    response = me.post(reverse("self_check_contact", args=[screening.pk]), follow=True)
    assert response.status_code == 200
    assert not Duty.objects.exists()


def test_with_no_care_team_serving_the_agency_the_lines_are_offered_instead(cast):
    lonely = AgencyFactory(code="C", name="丙局", parent=cast.city, kind=AgencyKind.FIRST_LEVEL)
    employee = EmployeeFactory(agency=lonely, user=UserFactory(username="c_employee"))
    client = client_of(employee)
    screening = take(client, [3, 3, 3, 3, 3])
    html = page(client, "self_check_result", screening.pk)
    assert "No care team serves your agency yet" in html
    response = client.post(reverse("self_check_contact", args=[screening.pk]), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No care team serves your agency yet" in html and 'href="tel:1925"' in html
    assert not Duty.objects.exists()
    screening.refresh_from_db()
    assert screening.contact_accepted_at is None


def test_the_plans_single_window_and_unlimited_lines_are_listed(cast, me):
    plan = PlanFactory(owner=cast.a, year=roc_year(timezone.localdate()), hotline="07-3306034")
    UnlimitedLine.objects.create(plan=plan, name="張老師專線", phone="1980")
    UnlimitedLine.objects.create(plan=plan, name="線上諮詢", phone="07-1234567")
    screening = take(me, [1, 1, 1, 1, 1])
    html = page(me, "self_check_result", screening.pk)
    assert 'href="tel:073306034"' in html and 'href="tel:071234567"' in html
    assert html.count('href="tel:1980"') == 1


# --- ★ ≥ 2: the urgent screen -----------------------------------------------------------------------

def test_a_star_of_two_shows_the_urgent_screen(cast, me):
    PlanFactory(owner=cast.a, year=roc_year(timezone.localdate()), hotline="07-3306034")
    screening = take(me, [0, 0, 0, 0, 0], star=2)
    assert screening.contact_offered
    html = page(me, "self_check_result", screening.pk)
    assert URGENT in html
    for number in ("1925", "1995", "119", "073306034"):
        assert f'href="tel:{number}"' in html
    assert reverse("self_check_urgent", args=[screening.pk]) in html and "Contact me now" in html
    with translation.override("en"):
        assert str(bsrs5.STAR_ADVICE) in html


def test_contact_me_now_creates_one_urgent_duty(cast, me):
    screening = take(me, [1, 1, 1, 1, 1], star=2)
    before = timezone.now()
    response = me.post(reverse("self_check_urgent", args=[screening.pk]), follow=True)
    assert "will call you as soon as possible" in response.content.decode()
    me.post(reverse("self_check_urgent", args=[screening.pk]))
    duty = Duty.objects.get()
    assert duty.urgent and duty.kind == selfcheck.URGENT_KIND
    assert duty.assignee == cast.a_convener.user and duty.person == cast.a_employee and duty.team == cast.a_team
    assert before + datetime.timedelta(hours=2) <= duty.due_at <= timezone.now() + datetime.timedelta(hours=2)
    assert duty.escalate_after == datetime.timedelta(0)
    assert "5" not in duty.note  # the total (5) never goes to the team
    screening.refresh_from_db()
    assert screening.duty == duty and screening.contact_accepted_at is not None
    assert not Screening.objects.visible_to(cast.a_convener.user).exists()


def test_contact_me_now_after_accepting_leaves_one_open_duty(cast, me):
    screening = take(me, [1, 1, 1, 1, 1], star=3)
    with acting_as("test"):
        selfcheck.accept_contact(screening, by=cast.a_employee.user)
    me.post(reverse("self_check_urgent", args=[screening.pk]))
    assert Duty.objects.filter(state=DutyState.OPEN).count() == 1
    assert Duty.objects.get(state=DutyState.OPEN).urgent
    assert Duty.objects.get(urgent=False).state == DutyState.CANCELLED


def test_contact_me_now_is_only_for_a_star_of_two_or_more(cast, me):
    screening = take(me, [4, 4, 4, 4, 4], star=1)
    me.post(reverse("self_check_urgent", args=[screening.pk]))
    assert not Duty.objects.exists()


# --- Only one's own -----------------------------------------------------------------------------------

def test_another_employee_gets_404_on_someones_result(cast, me):
    screening = take(me, [3, 3, 3, 3, 3], star=2)
    for person in (cast.a_sub_employee, cast.b_employee, cast.a_supervisor):
        client = client_of(person)
        assert client.get(reverse("self_check_result", args=[screening.pk])).status_code == 404
        assert client.post(reverse("self_check_contact", args=[screening.pk])).status_code == 404
        assert client.post(reverse("self_check_urgent", args=[screening.pk])).status_code == 404
    assert not Duty.objects.exists()


def test_accounts_without_an_employee_profile_cannot_take_it(cast):
    for user in (cast.provider, cast.reviewer, cast.nobody):
        assert client_of(user).get(reverse("self_check")).status_code == 404


def test_history_shows_only_ones_own_with_a_chart(cast, me):
    mine = [taken(cast.a_employee, [1, 1, 1, 1, 1]), taken(cast.a_employee, [3, 3, 3, 3, 3])]
    theirs = taken(cast.a_sub_employee, [2, 2, 2, 2, 2])
    html = page(me, "self_check_history")
    for screening in mine:
        assert reverse("self_check_result", args=[screening.pk]) in html
    assert reverse("self_check_result", args=[theirs.pk]) not in html
    assert "<svg" in html and "<polyline" in html and "<script" not in html.split("<svg")[1].split("</svg>")[0]
    assert html.count("<circle") == 2
    assert "5 of 20" in html and "15 of 20" in html and "10 of 20" not in html
    log = AccessLog.objects.get(action="list")
    assert log.person == cast.a_employee and log.purpose_kind == PurposeKind.OWN_RECORDS


def test_the_chart_draws_the_band_limits():
    chart = selfcheck.history_chart([(datetime.date(2026, 1, 5), 4), (datetime.date(2026, 2, 5), 16)])
    assert [line["at"] for line in chart["bands"]] == [6, 10, 15]
    ys = {line["at"]: line["y"] for line in chart["bands"]}
    assert chart["bottom"] > ys[6] > ys[10] > ys[15] > chart["top"]
    first, last = chart["points"]
    assert first["y"] > ys[6] and last["y"] < ys[15] and first["x"] < last["x"]
    assert selfcheck.history_chart([]) is None


def test_an_empty_history_says_so(cast, me):
    assert "You have not taken the self-check yet." in page(me, "self_check_history")

