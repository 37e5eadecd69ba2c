"""The roster over time (issue 10, Import and Changes over time): national IDs kept only as their
hash, idempotent re-imports, changed fields, leavers of a full import, returns, transfers with their
case handovers, the importer's scope, and a commit that writes everything or nothing."""
import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from agencies.models import ChangeKind, Employee, EmployeeChange, ImportState, RosterImport
from agencies.models.employee import national_id_hash
from agencies.roster import changes, jobs
from agencies.roster.transfers import HANDOVER_KIND
from agencies.tests.factories import UserFactory
from agencies.tests.roster_files import (
    FULL_HEADER,
    commit,
    import_and_commit,
    national_id,
    people_csv,
    person,
    run_import,
)
from core.crypto import decrypt

TODAY = datetime.date(2026, 5, 4)
CLEAR_ID = national_id("F", "22345678")


def row_of(employee, **overrides):
    """The file's row for someone already on the roster, as their record stands."""
    row = person(employee.employee_number, agency=employee.agency.code, name=employee.full_name,
                 人員類別=employee.category, 性別=employee.gender, 出生日期=employee.birth_date.isoformat(),
                 到職日期=employee.hire_date.isoformat())
    row.update(overrides)
    return row


def subtree(agency):
    return list(Employee.objects.filter(agency__path__startswith=agency.path).select_related("agency"))


def history(employee):
    return list(EmployeeChange.objects.filter(employee=employee).values_list("kind", "fields"))


def counts(roster_import):
    return (roster_import.created, roster_import.updated, roster_import.transferred, roster_import.deactivated,
            roster_import.unchanged)


def writes(queries, *tables):
    """The INSERT, UPDATE and DELETE statements that touched these tables."""
    return [query["sql"] for query in queries
            if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and any(f'"{table}"' in query["sql"] for table in tables)]


ROSTER_TABLES = ("agencies_employee", "auth_user", "agencies_employeechange")


# --- National ID numbers ---------------------------------------------------------------------

def test_a_national_id_is_kept_only_as_its_hash(cast):
    by = cast.a_eap_officer.user
    data = people_csv(person("N1", 身分證統一編號=CLEAR_ID.lower(), 電子郵件="n1@example.gov.tw"))
    roster_import = run_import(data, agency=cast.a, by=by, today=TODAY)
    assert roster_import.state == ImportState.PREVIEW, roster_import.errors
    assert roster_import.upload == ""  # the file, with the number in clear, is gone once read
    staged = decrypt(roster_import.staged)
    assert CLEAR_ID not in staged.upper()
    assert json.loads(staged)["rows"][0]["national_id"] == national_id_hash(CLEAR_ID)
    commit(roster_import, by=by, today=TODAY)

    assert Employee.objects.get(employee_number="N1").national_id_hash == national_id_hash(CLEAR_ID)
    assert Employee.objects.with_national_id(CLEAR_ID).get().employee_number == "N1"
    for model in (RosterImport, EmployeeChange, Employee):
        for record in model.objects.values():
            assert CLEAR_ID not in str(record).upper()
    with connection.cursor() as cursor:  # every column of every table, as stored
        for table_name in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table_name}"')
            assert CLEAR_ID not in str(cursor.fetchall()).upper(), table_name


# --- Idempotence and changed fields ------------------------------------------------------------

def _full_rows(cast):
    return [person("N1", name="林堃喆", 身分證統一編號=CLEAR_ID, 單位="人事室", 職稱="科員", 官等="薦任", 職等="7",
                   主管="否", 直屬主管員工編號="N2", 到機關日期="1100301", 電子郵件="N1@Example.gov.tw",
                   電話="07-1234567"),
            person("N2", agency="A1", 主管="是", 直屬主管員工編號=cast.a_supervisor.employee_number, 官等="簡任",
                   職等="第十職等"),
            row_of(cast.a_employee, 單位="綜合科", 職稱="科員", 直屬主管員工編號=cast.a_supervisor.employee_number),
            person("N3", 人員類別="技工", 離職日期="1150101")]


def test_the_same_file_twice_changes_nothing_and_writes_no_history(cast):
    by = cast.a_eap_officer.user
    data = people_csv(*_full_rows(cast), header=FULL_HEADER)
    first = import_and_commit(data, agency=cast.a, by=by, today=TODAY)
    assert first.state == ImportState.DONE, first.errors or first.failure
    assert counts(first) == (3, 0, 0, 0, 1)
    history_before = EmployeeChange.objects.count()

    second = run_import(data, agency=cast.a, by=by, today=TODAY)
    assert counts(second) == (0, 0, 0, 0, 4)
    assert second.preview == {"new": [], "updated": [], "transferred": [], "leavers": []}
    jobs.commit_import(second, by=by)
    with CaptureQueriesContext(connection) as queries:
        jobs.apply_import(second.pk, today=TODAY)
    second.refresh_from_db()
    assert second.state == ImportState.DONE
    assert counts(second) == (0, 0, 0, 0, 4)
    assert writes(queries.captured_queries, *ROSTER_TABLES) == []
    assert EmployeeChange.objects.count() == history_before


def test_a_full_import_twice_changes_nothing_the_second_time(cast):
    by = cast.a_eap_officer.user
    data = people_csv(person("N1", agency="A1"), person("N2", agency="A1"))
    first = import_and_commit(data, agency=cast.a_sub, by=by, today=TODAY, is_full=True)
    assert counts(first) == (2, 0, 0, 1, 0)  # cast.a_sub_employee is not in the file
    second = run_import(data, agency=cast.a_sub, by=by, today=TODAY, is_full=True)
    assert counts(second) == (0, 0, 0, 0, 2)
    history_before = EmployeeChange.objects.count()
    jobs.commit_import(second, by=by)
    with CaptureQueriesContext(connection) as queries:
        jobs.apply_import(second.pk, today=TODAY)
    assert writes(queries.captured_queries, *ROSTER_TABLES) == []
    assert EmployeeChange.objects.count() == history_before


def test_imported_values_land_on_the_person_and_their_account(cast):
    by = cast.a_eap_officer.user
    import_and_commit(people_csv(*_full_rows(cast), header=FULL_HEADER), agency=cast.a, by=by, today=TODAY)
    n1 = Employee.objects.select_related("user", "direct_supervisor").get(employee_number="N1")
    assert (n1.unit, n1.job_title, n1.rank_series, n1.grade, n1.is_supervisor, n1.phone) == (
        "人事室", "科員", "junior", 7, False, "07-1234567")
    assert n1.agency_since == datetime.date(2021, 3, 1)
    assert n1.direct_supervisor.employee_number == "N2"
    assert (n1.user.username, n1.user.email, n1.user.has_usable_password(), n1.user.is_active) == (
        "N1", "n1@example.gov.tw", False, True)
    n2 = Employee.objects.get(employee_number="N2")
    assert (n2.agency, n2.grade, n2.is_supervisor, n2.direct_supervisor) == (cast.a_sub, 10, True, cast.a_supervisor)
    n3 = Employee.objects.select_related("user").get(employee_number="N3")
    assert (n3.leave_date, n3.user.is_active, n3.user.email) == (datetime.date(2026, 1, 1), False, "")
    assert history(n1) == [(ChangeKind.JOINED, [])]


def test_a_changed_field_is_an_update_with_the_field_names(cast):
    by = cast.a_eap_officer.user
    row = row_of(cast.a_employee, 職稱="專員", 單位="綜合科", 電子郵件="new@example.gov.tw")
    roster_import = run_import(people_csv(row), agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (0, 1, 0, 0, 0)
    number, name = cast.a_employee.employee_number, cast.a_employee.full_name
    assert roster_import.preview["updated"] == [[2, number, name, ["job_title", "email"]]]
    commit(roster_import, by=by, today=TODAY)
    cast.a_employee.refresh_from_db()
    cast.a_employee.user.refresh_from_db()
    assert (cast.a_employee.job_title, cast.a_employee.user.email) == ("專員", "new@example.gov.tw")
    change = EmployeeChange.objects.get(employee=cast.a_employee)
    assert (change.kind, change.fields, change.roster_import, change.recorded_by, change.effective_on) == (
        ChangeKind.UPDATED, ["job_title", "email"], roster_import, by, TODAY)


def test_a_blank_email_or_national_id_never_erases(cast):
    by = cast.a_eap_officer.user
    cast.a_employee.set_national_id(CLEAR_ID)
    cast.a_employee.save()
    email = cast.a_employee.user.email
    assert email
    row = row_of(cast.a_employee, 電子郵件="", 身分證統一編號="", 單位=cast.a_employee.unit)
    roster_import = import_and_commit(people_csv(row), agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (0, 0, 0, 0, 1)
    cast.a_employee.refresh_from_db()
    cast.a_employee.user.refresh_from_db()
    assert cast.a_employee.national_id_hash == national_id_hash(CLEAR_ID)
    assert cast.a_employee.user.email == email


def test_a_blank_optional_cell_clears_the_field(cast):
    by = cast.a_eap_officer.user
    roster_import = import_and_commit(people_csv(row_of(cast.a_employee, 單位="")), agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (0, 1, 0, 0, 0)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.unit == ""


# --- Leavers and returns -------------------------------------------------------------------------

def test_a_full_import_marks_the_missing_as_leavers(cast):
    by = cast.a_eap_officer.user
    staying = [employee for employee in subtree(cast.a) if employee != cast.a_employee]
    roster_import = import_and_commit(people_csv(*[row_of(employee) for employee in staying]), agency=cast.a,
                                      by=by, today=TODAY, is_full=True)
    assert counts(roster_import) == (0, 0, 0, 1, len(staying))
    cast.a_employee.refresh_from_db()
    cast.a_employee.user.refresh_from_db()
    assert cast.a_employee.leave_date == TODAY
    assert cast.a_employee.user.is_active is False
    change = EmployeeChange.objects.get(employee=cast.a_employee)
    assert (change.kind, change.from_agency, change.effective_on) == (ChangeKind.LEFT, cast.a, TODAY)
    assert Employee.objects.filter(pk=cast.a_employee.pk).exists()  # never deleted
    assert all(employee.user.is_active for employee in subtree(cast.a) if employee != cast.a_employee)
    cast.b_employee.user.refresh_from_db()
    assert cast.b_employee.user.is_active  # outside the import's scope


def test_a_partial_import_has_no_leavers(cast):
    by = cast.a_eap_officer.user
    roster_import = import_and_commit(people_csv(row_of(cast.a_supervisor)), agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (0, 0, 0, 0, 1)
    assert Employee.objects.filter(leave_date__isnull=False).count() == 0
    assert not EmployeeChange.objects.exists()


def test_a_full_import_missing_most_people_warns_and_so_does_leaving_out_the_importer(cast):
    by = cast.a_eap_officer.user
    with translation.override("en"):
        roster_import = run_import(people_csv(row_of(cast.a_supervisor)), agency=cast.a, by=by, today=TODAY,
                                   is_full=True)
    messages = [message for _line, _column, message in roster_import.warnings]
    assert roster_import.deactivated == len(subtree(cast.a)) - 1
    assert messages[0].startswith(f"{roster_import.deactivated} of the {len(subtree(cast.a))} people on the roster")
    assert any(message.startswith("You are not in this file") for message in messages)


def test_a_leaver_in_a_later_file_is_back_and_active(cast):
    by = cast.a_eap_officer.user
    staying = [employee for employee in subtree(cast.a) if employee != cast.a_employee]
    import_and_commit(people_csv(*[row_of(employee) for employee in staying]), agency=cast.a, by=by, today=TODAY,
                      is_full=True)
    later = TODAY + datetime.timedelta(days=30)
    roster_import = run_import(people_csv(row_of(cast.a_employee)), agency=cast.a, by=by, today=later)
    assert counts(roster_import) == (0, 1, 0, 0, 0)
    commit(roster_import, by=by, today=later)
    cast.a_employee.refresh_from_db()
    cast.a_employee.user.refresh_from_db()
    assert cast.a_employee.leave_date is None
    assert cast.a_employee.user.is_active is True
    assert history(cast.a_employee) == [(ChangeKind.RETURNED, ["leave_date"]), (ChangeKind.LEFT, [])]


def test_a_leave_date_in_the_file_closes_the_account(cast):
    by = cast.a_eap_officer.user
    import_and_commit(people_csv(row_of(cast.a_employee, 離職日期="1150430")), agency=cast.a, by=by, today=TODAY)
    cast.a_employee.refresh_from_db()
    cast.a_employee.user.refresh_from_db()
    assert (cast.a_employee.leave_date, cast.a_employee.user.is_active) == (datetime.date(2026, 4, 30), False)


# --- Transfers ---------------------------------------------------------------------------------

def test_a_transfer_moves_the_person_and_their_own_records_follow(cast):
    from counseling.models import QuotaAccount
    from plans.tests.factories import PoolFactory

    account = QuotaAccount.objects.create(pool=PoolFactory(plan=cast.a_plan, hours=Decimal(6)), year=115,
                                          employee=cast.a_employee, held=Decimal(1))
    by = cast.city_hr.user
    roster_import = run_import(people_csv(row_of(cast.a_employee, 機關代碼="B")), agency=cast.city, by=by, today=TODAY)
    assert counts(roster_import) == (0, 0, 1, 0, 0)
    number, name = cast.a_employee.employee_number, cast.a_employee.full_name
    assert roster_import.preview["transferred"] == [[2, number, name, "甲局", "乙區公所"]]
    commit(roster_import, by=by, today=TODAY)
    cast.a_employee.refresh_from_db()
    assert (cast.a_employee.agency, cast.a_employee.agency_since) == (cast.b, TODAY)
    account.refresh_from_db()
    assert (account.employee, account.held) == (cast.a_employee, Decimal(1))
    change = EmployeeChange.objects.get(employee=cast.a_employee)
    assert (change.kind, change.from_agency, change.to_agency, change.effective_on) == (
        ChangeKind.TRANSFERRED, cast.a, cast.b, TODAY)
    assert change.fields == ["agency_id", "agency_since"]


def test_a_transfer_keeps_the_date_the_file_gives(cast):
    by = cast.city_hr.user
    import_and_commit(people_csv(row_of(cast.a_employee, 機關代碼="B", 到機關日期="1150401")), agency=cast.city, by=by,
                      today=TODAY)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.agency_since == datetime.date(2026, 4, 1)
    assert EmployeeChange.objects.get(employee=cast.a_employee).effective_on == datetime.date(2026, 4, 1)


def test_a_transfer_with_a_blank_agency_since_column_is_still_idempotent(cast):
    by = cast.city_hr.user
    data = people_csv(row_of(cast.a_employee, 機關代碼="B", 到機關日期=""))
    import_and_commit(data, agency=cast.city, by=by, today=TODAY)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.agency_since == TODAY
    again = import_and_commit(data, agency=cast.city, by=by, today=TODAY + datetime.timedelta(days=1))
    assert counts(again) == (0, 0, 0, 0, 1)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.agency_since == TODAY


def test_a_transfer_keeps_bookings_and_hands_open_cases_over(cast, time_machine):
    from cases.models import CaseState
    from cases.tests.factories import open_general_case
    from core.actors import acting_as
    from core.models import Duty
    from counseling import services as counseling
    from plans.tests.factories import PoolFactory

    time_machine.move_to(timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0)), tick=False)
    PoolFactory(plan=cast.a_plan, hours=Decimal(6))
    cast.a_contract.services = ["individual"]
    cast.a_contract.save()
    employee = cast.a_employee
    offer = next(o for o in counseling.offers_for(employee, 114) if o.contract == cast.a_contract)
    with acting_as(employee.user):
        booking = counseling.request_booking(employee, offer, by=employee.user, description="睡不好",
                                             rights_acknowledged=True)
    open_case = open_general_case(cast, "a")
    closed_case = open_general_case(cast, "a")
    closed_case.state, closed_case.closed_at = CaseState.CLOSED, timezone.now()
    with acting_as(cast.a_eap_officer.user):
        closed_case.save()
    duties_before = set(Duty.objects.values_list("pk", flat=True))

    by = cast.city_hr.user
    roster_import = import_and_commit(people_csv(row_of(employee, 機關代碼="B")), agency=cast.city, by=by)
    assert roster_import.state == ImportState.DONE, roster_import.failure
    booking.refresh_from_db()
    assert booking.employee == employee
    handovers = Duty.objects.exclude(pk__in=duties_before)
    assert {(duty.kind, duty.assignee, duty.agency, duty.subject, duty.person) for duty in handovers} == {
        (HANDOVER_KIND, cast.a_eap_officer.user, cast.a, open_case, employee),
        (HANDOVER_KIND, cast.b_eap_officer.user, cast.b, open_case, employee)}


def test_a_transfer_without_cases_creates_no_duties(cast):
    from core.models import Duty

    before = Duty.objects.count()
    import_and_commit(people_csv(row_of(cast.a_employee, 機關代碼="B")), agency=cast.city, by=cast.city_hr.user,
                      today=TODAY)
    assert Duty.objects.count() == before


def test_a_move_within_the_subtree_is_a_transfer(cast):
    by = cast.a_eap_officer.user
    roster_import = import_and_commit(people_csv(row_of(cast.a_employee, 機關代碼="A1")), agency=cast.a, by=by,
                                      today=TODAY)
    assert counts(roster_import) == (0, 0, 1, 0, 0)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.agency == cast.a_sub


# --- Scope -------------------------------------------------------------------------------------

def test_an_eap_officer_imports_only_into_their_subtree(cast):
    by = cast.a_eap_officer.user
    with pytest.raises(PermissionDenied):
        jobs.start_import(agency=cast.b, data=people_csv(person("N1", agency="B")), file_name="x.csv", by=by)
    with pytest.raises(PermissionDenied):
        jobs.start_import(agency=cast.city, data=people_csv(person("N1")), file_name="x.csv", by=by)
    assert not RosterImport.objects.exists()
    roster_import = run_import(people_csv(person("N1", agency="A1")), agency=cast.a_sub, by=by, today=TODAY)
    assert roster_import.state == ImportState.PREVIEW


@pytest.mark.parametrize("who", ["a_agency_hr", "a_employee", "a_convener", "b_eap_officer"])
def test_others_cannot_import_into_a(cast, who):
    with pytest.raises(PermissionDenied):
        jobs.start_import(agency=cast.a, data=people_csv(person("N1")), file_name="x.csv",
                          by=getattr(cast, who).user)


def test_rows_of_another_subtree_are_errors(cast):
    with translation.override("en"):
        roster_import = run_import(people_csv(person("N1"), person("N2", agency="B")), agency=cast.a,
                                   by=cast.a_eap_officer.user, today=TODAY)
    assert roster_import.state == ImportState.REFUSED
    assert roster_import.errors == [[3, "機關代碼", "乙區公所 is not within 甲局, the agency this import is for."]]


OUTSIDE = ("This employee number belongs to someone outside 甲局: a transfer from another part of the city is "
           "imported by someone responsible for both agencies, such as city HR.")


@pytest.mark.parametrize("who, code", [("b_employee", "B"), ("city_hr", "CITY")])
def test_an_eap_officer_cannot_pull_someone_in_from_outside_their_subtree(cast, who, code):
    outsider = getattr(cast, who)
    email = outsider.user.email
    row = row_of(outsider, 機關代碼="A", 姓名="改過的名字", 電子郵件="taken-over@example.com")
    with translation.override("en"):
        roster_import = run_import(people_csv(person("N1"), row), agency=cast.a, by=cast.a_eap_officer.user,
                                   today=TODAY)
    assert roster_import.state == ImportState.REFUSED
    assert roster_import.errors == [[3, "", OUTSIDE]]
    outsider.refresh_from_db()
    outsider.user.refresh_from_db()
    assert (outsider.agency.code, outsider.full_name, outsider.user.email) == (code, getattr(cast, who).full_name,
                                                                               email)


def test_someone_moved_out_of_the_subtree_after_the_preview_is_refused_at_the_commit(cast):
    by = cast.a_eap_officer.user
    roster_import = run_import(people_csv(row_of(cast.a_employee, 職稱="專員")), agency=cast.a, by=by, today=TODAY)
    assert roster_import.state == ImportState.PREVIEW
    import_and_commit(people_csv(row_of(cast.a_employee, 機關代碼="B")), agency=cast.city, by=cast.city_hr.user,
                      today=TODAY)
    with translation.override("en"):
        roster_import = commit(roster_import, by=by, today=TODAY)
    assert (roster_import.state, roster_import.errors) == (ImportState.REFUSED, [[2, "", OUTSIDE]])
    cast.a_employee.refresh_from_db()
    assert (cast.a_employee.agency, cast.a_employee.job_title) == (cast.b, "科員")


def test_city_hr_imports_into_any_agency(cast):
    roster_import = import_and_commit(people_csv(person("N1"), person("N2", agency="B"), person("N3", agency="CITY")),
                                      agency=cast.city, by=cast.city_hr.user, today=TODAY)
    assert counts(roster_import) == (3, 0, 0, 0, 0)
    assert set(Employee.objects.filter(employee_number__in=["N1", "N2", "N3"]).values_list("agency__code", flat=True)) \
        == {"A", "B", "CITY"}


def test_another_subtree_cannot_commit_or_discard_the_import(cast):
    roster_import = run_import(people_csv(person("N1")), agency=cast.a, by=cast.a_eap_officer.user, today=TODAY)
    with pytest.raises(PermissionDenied):
        jobs.commit_import(roster_import, by=cast.b_eap_officer.user)
    with pytest.raises(PermissionDenied):
        jobs.discard_import(roster_import, by=cast.b_eap_officer.user)
    roster_import.refresh_from_db()
    assert roster_import.state == ImportState.PREVIEW
    assert jobs.can_commit(cast.city_hr.user, roster_import)
    assert not jobs.can_commit(cast.b_eap_officer.user, roster_import)


# --- Committing --------------------------------------------------------------------------------

def test_the_commit_checks_again_against_the_roster(cast):
    by = cast.a_eap_officer.user
    roster_import = run_import(people_csv(person("N1"), row_of(cast.a_employee, 職稱="專員")), agency=cast.a, by=by,
                               today=TODAY)
    assert counts(roster_import) == (1, 1, 0, 0, 0)
    Employee.objects.filter(pk=cast.a_employee.pk).update(job_title="專員")  # someone got there first
    roster_import = commit(roster_import, by=by, today=TODAY)
    assert roster_import.state == ImportState.DONE
    assert counts(roster_import) == (1, 0, 0, 0, 1)
    assert not EmployeeChange.objects.filter(employee=cast.a_employee).exists()


def test_a_commit_refused_when_the_roster_changed_under_it(cast):
    by = cast.a_eap_officer.user
    roster_import = run_import(people_csv(person("N1"), person("N2")), agency=cast.a, by=by, today=TODAY)
    assert roster_import.state == ImportState.PREVIEW
    UserFactory(username="N2")  # an account made by hand after the preview
    with translation.override("en"):
        roster_import = commit(roster_import, by=by, today=TODAY)
    assert roster_import.state == ImportState.REFUSED
    assert roster_import.errors == [[3, "", "An account named N2 already exists and is not on the roster: rename "
                                            "that account first."]]
    assert roster_import.staged == ""
    assert not Employee.objects.filter(employee_number__in=["N1", "N2"]).exists()


def test_applying_twice_writes_once(cast):
    by = cast.a_eap_officer.user
    roster_import = commit(run_import(people_csv(person("N1")), agency=cast.a, by=by, today=TODAY), by=by, today=TODAY)
    assert roster_import.state == ImportState.DONE
    assert (roster_import.committed_by, roster_import.staged) == (by, "")
    assert roster_import.committed_at is not None
    before = (Employee.objects.count(), EmployeeChange.objects.count())
    jobs.apply_import(roster_import.pk, today=TODAY)
    assert (Employee.objects.count(), EmployeeChange.objects.count()) == before
    with pytest.raises(ValidationError):
        jobs.commit_import(roster_import, by=by)


def test_a_failure_half_way_leaves_the_roster_untouched(cast, monkeypatch):
    by = cast.a_eap_officer.user
    data = people_csv(person("N1", 直屬主管員工編號="N2"), person("N2"), row_of(cast.a_employee, 職稱="專員"))
    roster_import = run_import(data, agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (2, 1, 0, 0, 0)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(changes, "_link_supervisors", broken)
    users_before = get_user_model().objects.count()
    with translation.override("en"):
        roster_import = commit(roster_import, by=by, today=TODAY)
    assert roster_import.state == ImportState.PREVIEW
    assert roster_import.failure == "The import stopped before it finished, and nothing was changed. You can try again."
    assert not Employee.objects.filter(employee_number__in=["N1", "N2"]).exists()
    assert get_user_model().objects.count() == users_before
    assert not EmployeeChange.objects.exists()
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.job_title == "科員"

    monkeypatch.undo()  # HR tries again
    roster_import = commit(roster_import, by=by, today=TODAY)
    assert (roster_import.state, roster_import.failure) == (ImportState.DONE, "")
    assert Employee.objects.get(employee_number="N1").direct_supervisor.employee_number == "N2"


def test_direct_supervisors_are_linked_across_new_rows(cast):
    by = cast.a_eap_officer.user
    data = people_csv(person("N1", 直屬主管員工編號="N2"), person("N2", 直屬主管員工編號="N3"), person("N3"),
                      row_of(cast.a_employee, 直屬主管員工編號="N1"))
    roster_import = import_and_commit(data, agency=cast.a, by=by, today=TODAY)
    assert counts(roster_import) == (3, 1, 0, 0, 0)
    bosses = dict(Employee.objects.filter(employee_number__in=["N1", "N2", "N3"]).values_list(
        "employee_number", "direct_supervisor__employee_number"))
    assert bosses == {"N1": "N2", "N2": "N3", "N3": None}
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.direct_supervisor.employee_number == "N1"
    assert history(cast.a_employee) == [(ChangeKind.UPDATED, ["direct_supervisor"])]


def test_a_blank_direct_supervisor_clears_the_link(cast):
    assert cast.a_employee.direct_supervisor == cast.a_supervisor
    import_and_commit(people_csv(row_of(cast.a_employee, 直屬主管員工編號="")), agency=cast.a,
                      by=cast.a_eap_officer.user, today=TODAY)
    cast.a_employee.refresh_from_db()
    assert cast.a_employee.direct_supervisor is None


def test_stale_previews_are_discarded(cast):
    by = cast.a_eap_officer.user
    stale = run_import(people_csv(person("N1")), agency=cast.a, by=by, today=TODAY)
    fresh = run_import(people_csv(person("N2")), agency=cast.a, by=by, today=TODAY)
    done = import_and_commit(people_csv(person("N3")), agency=cast.a, by=by, today=TODAY)
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    RosterImport.objects.filter(pk__in=[stale.pk, done.pk]).update(uploaded_at=three_days_ago)
    assert jobs.discard_stale_imports() == 1
    states = dict(RosterImport.objects.values_list("pk", "state"))
    assert states == {stale.pk: ImportState.DISCARDED, fresh.pk: ImportState.PREVIEW, done.pk: ImportState.DONE}
    stale.refresh_from_db()
    assert stale.staged == ""
    with pytest.raises(ValidationError):
        jobs.commit_import(stale, by=by)


def test_discarding_a_preview_drops_its_rows(cast):
    by = cast.a_eap_officer.user
    roster_import = run_import(people_csv(person("N1")), agency=cast.a, by=by, today=TODAY)
    jobs.discard_import(roster_import, by=by)
    roster_import.refresh_from_db()
    assert (roster_import.state, roster_import.staged) == (ImportState.DISCARDED, "")
