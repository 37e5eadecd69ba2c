"""The single window (單一服務窗口): the agency's EAP officer logs each contact and settles it once —
as a general self-applied case, as a counseling booking for the person, or as information given.
Every write leaves its history row, and what was said is encrypted at rest."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases.models import Case, CaseKind, CaseState, Contact, ContactChannel, ContactOutcome, Origin
from cases.single_window import close_as_information, contact_to_booking, contact_to_case, log_contact
from core.actors import acting_as
from core.models.audit import HistoryAction, RecordHistory
from counseling.models import Booking, Channel
from plans.models import ProblemCategory

SUMMARY = "同仁來電：與主管衝突、失眠兩週"


@pytest.fixture
def categories(cast):
    return [ProblemCategory.objects.create(plan=cast.a_plan, code="work", name="工作適應"),
            ProblemCategory.objects.create(plan=cast.a_plan, code="sleep", name="身心健康")]


def log(cast, *, who="a_eap_officer", agency=None, person="a_employee", channel=ContactChannel.HOTLINE,
        received_on=None, summary=SUMMARY, categories=()):
    user = getattr(cast, who).user
    with acting_as(user):
        return log_contact(agency=agency or cast.a, by=user, received_on=received_on or timezone.localdate(),
                           channel=channel, summary=summary, person=getattr(cast, person) if person else None,
                           categories=categories)


def settle(cast, function, contact, *args, who="a_eap_officer", **kwargs):
    user = getattr(cast, who).user
    with acting_as(user):
        return function(contact, *args, by=user, **kwargs)


def raw(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def history(record):
    return list(RecordHistory.objects.filter(
        record_type=ContentType.objects.get_for_model(type(record)), record_id=str(record.pk)).order_by("pk"))


# --- Logging ---------------------------------------------------------------------------------

def test_the_eap_officer_logs_a_contact(cast, categories):
    contact = log(cast, categories=categories)
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.agency == cast.a and stored.person == cast.a_employee and stored.summary == SUMMARY
    assert stored.outcome == ContactOutcome.OPEN and stored.is_open and stored.settled_at is None
    assert stored.logged_by == cast.a_eap_officer.user
    assert set(stored.problem_categories.all()) == set(categories)


def test_a_contact_for_a_subordinate_agency_and_its_staff(cast):
    contact = log(cast, agency=cast.a_sub, person="a_sub_employee")
    assert contact.agency == cast.a_sub
    # The parent's window may name a person of its subtree on a contact of the parent.
    assert log(cast, person="a_sub_employee").person == cast.a_sub_employee


@pytest.mark.parametrize("who", ["a_convener", "a_care_member", "a_agency_hr", "a_agency_head", "city_hr",
                                 "b_eap_officer", "a_employee", "access_approver"])
def test_only_the_eap_officer_of_the_subtree_logs_contacts(cast, who):
    with pytest.raises(PermissionDenied):
        log(cast, who=who)
    assert not Contact.objects.exists()


def test_the_b_officer_cannot_log_for_a_and_a_cannot_log_for_the_city(cast):
    with pytest.raises(PermissionDenied):
        log(cast, agency=cast.city, person=None)
    assert log(cast, who="b_eap_officer", agency=cast.b, person="b_employee").agency == cast.b


@pytest.mark.parametrize("person", ["b_employee", "b_eap_officer"])
def test_the_person_must_be_on_the_agency_roster(cast, person):
    with pytest.raises(ValidationError):
        log(cast, person=person)
    with pytest.raises(ValidationError):
        log(cast, agency=cast.a_sub, person="a_employee")  # the parent's staff on a subordinate's contact
    assert not Contact.objects.exists()


def test_a_future_date_or_an_empty_summary_is_refused(cast):
    with pytest.raises(ValidationError):
        log(cast, received_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        log(cast, summary="   ")
    assert not Contact.objects.exists()
    assert log(cast, received_on=timezone.localdate() - datetime.timedelta(days=3)).is_open


# --- Settling --------------------------------------------------------------------------------

def test_a_contact_becomes_a_general_self_applied_case(cast, categories):
    contact = log(cast, categories=categories)
    case = settle(cast, contact_to_case, contact)
    assert (case.kind, case.origin, case.state) == (CaseKind.GENERAL, Origin.SELF_APPLIED, CaseState.RECEIVED)
    assert case.subject == cast.a_employee and case.team == cast.a_team and case.summary == SUMMARY
    assert set(case.problem_categories.all()) == set(categories)
    assert case.opened_by == cast.a_eap_officer.user
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.outcome == ContactOutcome.CASE and stored.case == case and stored.settled_at is not None
    assert case.timeline.get().kind == "opened"
    assert Case.objects.visible_to(cast.a_eap_officer.user).filter(pk=case.pk).exists()


@pytest.mark.parametrize("channel, booked_as", [(ContactChannel.HOTLINE, Channel.PHONE),
                                                (ContactChannel.EMAIL, Channel.EMAIL),
                                                (ContactChannel.WALK_IN, Channel.IN_PERSON),
                                                (ContactChannel.OTHER, Channel.PHONE)])
def test_a_contact_becomes_a_booking_for_the_person(cast, offer, channel, booked_as):
    contact = log(cast, channel=channel)
    booking = settle(cast, contact_to_booking, contact, offer)
    assert isinstance(booking, Booking)
    assert booking.employee == cast.a_employee and booking.channel == booked_as
    assert booking.provider == cast.a_provider and booking.description == SUMMARY
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.outcome == ContactOutcome.BOOKING and stored.booking == booking and stored.settled_at
    assert not Case.objects.exists()


def test_a_contact_closed_as_information(cast):
    contact = log(cast, person=None)
    with pytest.raises(ValidationError):
        settle(cast, close_as_information, contact, note="  ")
    settle(cast, close_as_information, contact, note="提供1925安心專線")
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.outcome == ContactOutcome.INFORMATION and stored.outcome_note == "提供1925安心專線"
    assert stored.settled_at is not None and not stored.is_open


def test_a_contact_is_settled_only_once(cast, offer):
    contact = log(cast)
    case = settle(cast, contact_to_case, contact)
    with pytest.raises(ValidationError):
        settle(cast, contact_to_case, contact)
    with pytest.raises(ValidationError):
        settle(cast, contact_to_booking, contact, offer)
    with pytest.raises(ValidationError):
        settle(cast, close_as_information, contact, note="x")
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.outcome == ContactOutcome.CASE and stored.case == case
    assert Case.objects.count() == 1 and not Booking.objects.exists()


def test_without_a_person_there_is_no_case_and_no_booking(cast, offer):
    contact = log(cast, person=None)
    with pytest.raises(ValidationError):
        settle(cast, contact_to_case, contact)
    with pytest.raises(ValidationError):
        settle(cast, contact_to_booking, contact, offer)
    assert Contact.objects.get(pk=contact.pk).is_open
    assert not Case.objects.exists() and not Booking.objects.exists()


@pytest.mark.parametrize("who", ["b_eap_officer", "a_convener", "city_hr", "a_agency_hr"])
def test_only_the_window_settles_a_contact(cast, who):
    contact = log(cast)
    for function, kwargs in ((contact_to_case, {}), (close_as_information, {"note": "x"})):
        with pytest.raises(PermissionDenied):
            settle(cast, function, contact, who=who, **kwargs)
    assert Contact.objects.get(pk=contact.pk).is_open and not Case.objects.exists()


# --- History and encryption ---------------------------------------------------------------------

def test_every_write_leaves_a_history_row(cast):
    contact = log(cast)
    case = settle(cast, contact_to_case, contact)
    officer = cast.a_eap_officer.user
    contact_rows = history(contact)
    assert [row.action for row in contact_rows] == [HistoryAction.CREATED, HistoryAction.CHANGED]
    assert all(row.actor == officer for row in contact_rows)
    assert set(contact_rows[1].changed_fields) == {"case", "outcome", "settled_at"}
    case_rows = history(case)
    assert case_rows[0].action == HistoryAction.CREATED and case_rows[0].actor == officer
    timeline_rows = history(case.timeline.get())
    assert [row.action for row in timeline_rows] == [HistoryAction.CREATED]


def test_an_information_contact_leaves_history_too(cast):
    contact = log(cast, person=None)
    settle(cast, close_as_information, contact, note="提供資訊")
    assert [row.action for row in history(contact)] == [HistoryAction.CREATED, HistoryAction.CHANGED]


def test_summaries_and_notes_are_encrypted_at_rest(cast):
    contact = log(cast)
    case = settle(cast, contact_to_case, contact)
    informed = log(cast, person=None, summary="匿名來電詢問")
    settle(cast, close_as_information, informed, note="提供1925安心專線")
    stored = raw(Contact, "summary", contact.pk)
    assert stored and SUMMARY not in stored and "失眠" not in stored
    assert "1925" not in raw(Contact, "outcome_note", informed.pk)
    assert "匿名" not in raw(Contact, "summary", informed.pk)
    case_summary = raw(Case, "summary", case.pk)
    assert case_summary and "失眠" not in case_summary
    # …and read back whole through the model.
    assert Contact.objects.get(pk=contact.pk).summary == SUMMARY


def test_an_officer_cannot_log_a_contact_about_themselves(cast, in_2025):
    officer = cast.a_eap_officer
    with acting_as(officer.user), pytest.raises(ValidationError):
        log_contact(agency=cast.a, by=officer.user, received_on=timezone.localdate(), channel=ContactChannel.HOTLINE,
                    summary=SUMMARY, person=officer)
    assert not Contact.objects.exists()
