"""The access log and the write history: one call records an access; every write of a sensitive
record leaves a history row with its actor; neither table can be rewritten."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import (
    IntegrityError,
    InternalError,
    ProgrammingError,
    connection,
    transaction,
)

from core.access_log import Purpose, record_access
from core.actors import MissingActor, acting_as
from core.maintenance import maintenance_writes
from core.models import (
    AccessAction,
    AccessLog,
    AppendOnlyError,
    Duty,
    HistoryAction,
    MaintenanceRun,
    RecordHistory,
    SensitiveWriteRefused,
)
from core.tests.factories import DutyFactory

DB_REFUSALS = (InternalError, ProgrammingError, IntegrityError)


@pytest.fixture
def duty(cast):
    return DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, person=cast.a_employee, note="第一次")


def history_of(duty):
    return RecordHistory.objects.filter(record_type=ContentType.objects.get_for_model(Duty), record_id=str(duty.pk))


def test_creating_and_changing_a_sensitive_record_leaves_history_with_its_actor(duty, cast):
    created = history_of(duty).get()
    assert created.action == HistoryAction.CREATED and created.actor_label == "test:setup"
    with acting_as(cast.a_care_member.user):
        duty.note = "第二次"
        duty.save()
    changed = history_of(duty).get(action=HistoryAction.CHANGED)
    assert changed.actor == cast.a_care_member.user
    assert changed.changed_fields == ["note"]
    assert changed.previous_values == {"note": "第一次"}
    with connection.cursor() as cursor:  # the previous value is encrypted in the history too
        cursor.execute("SELECT previous_values FROM core_recordhistory WHERE id = %s", [changed.pk])
        assert "第一次" not in cursor.fetchone()[0]


def test_saving_without_a_change_writes_no_history(duty):
    with acting_as("test"):
        Duty.objects.get(pk=duty.pk).save()
    assert history_of(duty).count() == 1


def test_deleting_leaves_history(duty):
    pk = duty.pk
    with acting_as("test:cleanup"):
        duty.delete()
    deleted = RecordHistory.objects.get(record_id=str(pk), action=HistoryAction.DELETED)
    assert deleted.previous_values["note"] == "第一次"


def test_a_sensitive_write_without_an_actor_is_refused(cast):
    duty = Duty(kind="t", title="t", due_at="2026-12-01T09:00+08:00", agency=cast.a, assignee=cast.a_convener.user)
    with pytest.raises(MissingActor):
        duty.save()
    assert not Duty.objects.exists()


@pytest.mark.parametrize("bulk", [
    lambda: Duty.objects.update(note="x"),
    lambda: Duty.objects.all().delete(),
    lambda: Duty.objects.bulk_update(list(Duty.objects.all()), ["title"]),
])
def test_queryset_wide_writes_that_would_skip_the_history_are_refused(duty, bulk):
    with pytest.raises(SensitiveWriteRefused):
        bulk()
    assert Duty.objects.get(pk=duty.pk).note == "第一次"


def test_one_call_records_an_access(rf, cast, duty):
    request = rf.get("/duties/1/", REMOTE_ADDR="10.1.2.3")
    request.user = cast.a_care_member.user
    entry = record_access(request, AccessAction.READ, duty, person=duty.person, purpose=Purpose.duty(duty))
    entry.refresh_from_db()
    assert (entry.actor, entry.person, entry.record_ids, entry.rows) == (
        cast.a_care_member.user, cast.a_employee, [str(duty.pk)], 1)
    assert (entry.purpose_kind, entry.purpose_ref, entry.ip_address) == ("duty", f"duty:{duty.pk}", "10.1.2.3")
    assert entry.path == "/duties/1/" and entry.at is not None


def test_a_list_access_records_every_id(rf, cast, duty):
    other = DutyFactory(agency=cast.a, assignee=cast.a_care_member.user)
    request = rf.get("/duties/")
    request.user = cast.a_convener.user
    entry = record_access(request, AccessAction.LIST, Duty.objects.order_by("pk"), purpose=Purpose.by_role("convener"))
    assert entry.record_ids == [str(duty.pk), str(other.pk)] and entry.rows == 2


def test_access_by_nobody_is_refused(rf, duty):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with pytest.raises(ValueError):
        record_access(request, AccessAction.READ, duty, purpose=Purpose.own_records())


def _log(cast, duty):
    with acting_as(cast.a_convener.user):
        return record_access(acting_as_actor(cast), AccessAction.READ, duty, purpose=Purpose.duty(duty))


def acting_as_actor(cast):
    from core.actors import Actor

    return Actor(user=cast.a_convener.user, ip_address="10.0.0.1")


def test_the_application_refuses_to_change_or_delete_log_and_history_rows(cast, duty):
    entry = _log(cast, duty)
    entry.rows = 99
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.update(rows=0)
    with pytest.raises(AppendOnlyError):
        RecordHistory.objects.all().delete()
    assert AccessLog.objects.get(pk=entry.pk).rows == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the database guard is PostgreSQL's")
@pytest.mark.parametrize("statement", [
    "UPDATE core_accesslog SET rows = 0",
    "DELETE FROM core_accesslog",
    "UPDATE core_recordhistory SET actor_label = 'someone else'",
    "DELETE FROM core_recordhistory",
])
def test_postgresql_refuses_raw_updates_and_deletes_of_the_audit_tables(cast, duty, statement):
    _log(cast, duty)
    with pytest.raises(DB_REFUSALS, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessLog.objects.get().rows == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the database guard is PostgreSQL's")
def test_a_maintenance_job_passes_the_guard_and_records_that_it_did(cast, duty):
    _log(cast, duty)
    with acting_as("command:purge_expired"), maintenance_writes("purge_expired") as batch:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_accesslog")
            batch.wrote(AccessLog, cursor.rowcount)
    assert not AccessLog.objects.exists()
    run = MaintenanceRun.objects.get()
    assert (run.job, run.tables, run.actor_label) == ("purge_expired", {"core_accesslog": 1}, "command:purge_expired")
    # The pass ends with its transaction: the next statement is refused again.
    with pytest.raises(DB_REFUSALS, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_maintenancerun")


def test_only_named_maintenance_jobs_pass():
    with pytest.raises(ValueError):
        with maintenance_writes("tidy_up"):
            pass


def test_inside_a_maintenance_job_the_orm_deletes_log_rows_too(cast, duty):
    """Django's fast delete path (_raw_delete) is guarded like delete(), and passes inside a job."""
    entry = _log(cast, duty)
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk)._raw_delete(using="default")
    with acting_as("command:purge_expired"), maintenance_writes("purge_expired") as batch:
        deleted, _per_model = AccessLog.objects.filter(pk=entry.pk).delete()
        batch.wrote(AccessLog, deleted)
    assert deleted == 1 and not AccessLog.objects.filter(pk=entry.pk).exists()
