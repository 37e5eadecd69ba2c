"""An employee's emergency contact (DOMAIN §8): kept encrypted, every write in the record history,
and read by staff only inside a non-voluntary or crisis case about that employee, by someone working
on that case — each read in the access log; never through a general case, never by anyone else."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory

from agencies.emergency import keep_emergency_contact
from agencies.models import EmergencyContact
from agencies.tests.factories import EmployeeFactory
from cases.crisis import report_incident
from cases.emergency import emergency_contacts_for, people_of
from cases.non_voluntary import report_non_voluntary
from cases.opening import assign
from cases.tests.factories import assigned_case
from core.access_log import PurposeKind
from core.actors import acting_as
from core.models import AccessLog
from core.models.audit import HistoryAction, RecordHistory

PHONE = "0912-345-678"
NAME = "林美玲"


def keep(employee, name=NAME, relation="配偶", phone=PHONE):
    with acting_as(employee.user):
        return keep_emergency_contact(employee, name=name, relation=relation, phone=phone)


def raw(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {EmergencyContact._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def history(record):
    return list(RecordHistory.objects.filter(
        record_type=ContentType.objects.get_for_model(EmergencyContact), record_id=str(record.pk)).order_by("pk"))


def read(user, case):
    request = RequestFactory().get(f"/cases/{case.pk}/", REMOTE_ADDR="10.0.0.7")
    request.user = user
    with acting_as(user):
        return emergency_contacts_for(request, case)


def logs(contact):
    rows = AccessLog.objects.filter(record_type=ContentType.objects.get_for_model(EmergencyContact))
    return rows.filter(pk__in=[row.pk for row in rows if {contact.pk, str(contact.pk)} & set(row.record_ids)])


def non_voluntary(cast):
    supervisor = cast.a_supervisor
    with acting_as(supervisor.user):
        case = report_non_voluntary(supervisor, cast.a_employee, by=supervisor.user, observations="情緒激動")
    with acting_as(cast.a_convener.user):
        assign(case, cast.a_care_member.user, by=cast.a_convener.user)
    return case


def crisis(cast, people):
    with acting_as(cast.a_supervisor.user):
        return report_incident(agency=cast.a, by=cast.a_supervisor.user, summary="工安意外", people=people,
                               supervisor=cast.a_supervisor)


# --- Stored ---------------------------------------------------------------------------------------

def test_stored_encrypted_with_each_write_in_the_history(cast, in_2025):
    contact = keep(cast.a_employee)
    for column in ("name", "relation", "phone"):
        stored = raw(column, contact.pk)
        assert stored and NAME not in stored and PHONE not in stored and "配偶" not in stored
    assert EmergencyContact.objects.get(pk=contact.pk).phone == PHONE
    keep(cast.a_employee, phone="07-1234567")
    assert EmergencyContact.objects.filter(employee=cast.a_employee).count() == 1
    rows = history(contact)
    assert [row.action for row in rows] == [HistoryAction.CREATED, HistoryAction.CHANGED]
    assert {row.actor for row in rows} == {cast.a_employee.user}
    assert "phone" in rows[1].changed_fields
    assert "07-1234567" not in raw("phone", contact.pk)


# --- Read inside a serious case -------------------------------------------------------------------

@pytest.mark.parametrize("who, purpose", [
    ("a_care_member", PurposeKind.CASE_ASSIGNMENT),
    ("a_convener", PurposeKind.ROLE),
    ("a_eap_officer", PurposeKind.ROLE),
])
def test_read_in_a_non_voluntary_case_by_those_working_on_it_and_logged(cast, in_2025, who, purpose):
    contact = keep(cast.a_employee)
    other = keep(EmployeeFactory(agency=cast.a), name="路人", phone="0900-000-000")
    case = non_voluntary(cast)
    user = getattr(cast, who).user
    assert read(user, case) == [contact]
    assert read(user, case)[0].phone == PHONE
    entry = logs(contact).filter(actor=user).first()
    assert logs(contact).filter(actor=user).count() == 2
    assert entry.person == cast.a_employee and entry.action == "read" and entry.purpose_kind == purpose
    assert entry.ip_address == "10.0.0.7" and entry.path == f"/cases/{case.pk}/"
    assert not logs(other).exists()


def test_read_in_a_crisis_for_each_affected_employee(cast, in_2025):
    colleague = EmployeeFactory(agency=cast.a)
    mine, theirs = keep(cast.a_employee), keep(colleague, name="張先生", phone="0988-111-222")
    outsider = keep(cast.a_supervisor, name="主管家屬", phone="0977-000-111")
    case = crisis(cast, [cast.a_employee, colleague])
    assert set(people_of(case)) == {cast.a_employee, colleague}
    officer = cast.a_eap_officer.user
    assert set(read(officer, case)) == {mine, theirs}
    assert logs(mine).get().person == cast.a_employee and logs(theirs).get().person == colleague
    assert not logs(outsider).exists()


def test_never_in_a_general_case(cast, in_2025):
    contact = keep(cast.a_employee)
    case = assigned_case(cast)
    for who in ("a_care_member", "a_convener", "a_eap_officer"):
        assert read(getattr(cast, who).user, case) == []
    assert not logs(contact).exists()


@pytest.mark.parametrize("who", ["a_supervisor", "a_safety_health", "a_agency_head", "a_agency_hr", "city_hr",
                                 "b_eap_officer", "b_convener", "a_employee"])
def test_never_to_someone_not_working_on_the_case(cast, in_2025, who):
    contact = keep(cast.a_employee)
    case = non_voluntary(cast)
    with acting_as(cast.a_supervisor.user):
        from cases.non_voluntary import report_to_safety_health

        report_to_safety_health(case, by=cast.a_supervisor.user)
    assert read(getattr(cast, who).user, case) == []
    assert not logs(contact).exists()


def test_never_to_the_provider_or_an_account_without_a_profile(cast, in_2025):
    contact = keep(cast.a_employee)
    case = non_voluntary(cast)
    for user in (cast.provider, cast.nobody, cast.reviewer):
        assert read(user, case) == []
    assert not logs(contact).exists()


def test_an_affected_officer_does_not_read_the_crisis(cast, in_2025):
    keep(cast.a_employee)
    case = crisis(cast, [cast.a_employee, cast.a_eap_officer])
    assert read(cast.a_eap_officer.user, case) == []
    assert not AccessLog.objects.exists()


def test_no_contact_kept_reads_nothing_and_logs_nothing(cast, in_2025):
    case = non_voluntary(cast)
    assert read(cast.a_care_member.user, case) == []
    assert not AccessLog.objects.exists()
