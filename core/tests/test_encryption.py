"""Encrypted fields: round trip, missing keys raise, no plaintext in the database, misuse refused,
blind index for exact matches, and key rotation."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from agencies.models import Employee
from core import crypto
from core.actors import acting_as
from core.fields import EncryptedFieldMisuse, EncryptedTextField
from core.models import Duty, MaintenanceRun, RecordHistory
from core.tests.factories import DutyFactory

SECRET = "同仁表示最近失眠，想談談家庭壓力"
NEW_KEY = "T0hOb1RoaXNJc0FUZXN0S2V5Rm9yRmllbGRzMDAwMDM"


@pytest.fixture
def duty(cast):
    return DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, person=cast.a_employee, note=SECRET)


def raw_column(model, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_value_round_trips_and_the_database_holds_no_plaintext(duty):
    assert Duty.objects.get(pk=duty.pk).note == SECRET
    stored = raw_column(Duty, "note", duty.pk)
    assert SECRET not in stored and "失眠" not in stored
    assert stored.startswith("eap1:test2:")


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt(SECRET) != crypto.encrypt(SECRET)


def test_a_value_no_configured_key_can_read_raises(duty, settings):
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(f"other={NEW_KEY}")
    with pytest.raises(crypto.UndecryptableValue) as raised:
        Duty.objects.get(pk=duty.pk)
    assert SECRET not in str(raised.value)


def test_a_tampered_value_raises_instead_of_returning_text(duty):
    stored = raw_column(Duty, "note", duty.pk)
    tampered = stored[:-4] + ("AAAA" if not stored.endswith("AAAA") else "BBBB")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_duty SET note = %s WHERE id = %s", [tampered, duty.pk])
    with pytest.raises(crypto.UndecryptableValue):
        Duty.objects.get(pk=duty.pk)


def test_plaintext_in_an_encrypted_column_raises(duty):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_duty SET note = %s WHERE id = %s", ["plain words", duty.pk])
    with pytest.raises(crypto.UndecryptableValue):
        Duty.objects.get(pk=duty.pk)


@pytest.mark.parametrize("lookup", ["note", "note__icontains", "note__startswith", "note__in"])
def test_filtering_on_an_encrypted_field_is_an_error_not_an_empty_result(duty, lookup):
    value = [SECRET] if lookup.endswith("__in") else SECRET
    with pytest.raises(EncryptedFieldMisuse, match="encrypted"):
        list(Duty.objects.filter(**{lookup: value}))


def test_isnull_still_works(duty):
    assert Duty.objects.filter(note__isnull=False).count() == 1


@pytest.mark.parametrize("ordering", ["note", "-note", F("note").asc()])
def test_ordering_by_an_encrypted_field_is_an_error(duty, ordering):
    with pytest.raises(EncryptedFieldMisuse, match="ordered"):
        list(Duty.objects.order_by(ordering))


def test_an_encrypted_field_cannot_be_unique_or_indexed():
    with pytest.raises(ImproperlyConfigured):
        EncryptedTextField(unique=True)
    with pytest.raises(ImproperlyConfigured):
        EncryptedTextField(db_index=True)


def test_the_national_id_is_matched_by_its_keyed_hash_and_never_stored(cast):
    employee = cast.a_employee
    employee.set_national_id("A123456789")
    employee.save()
    assert Employee.objects.with_national_id("ａ１２３ ４５６７８９").get() == employee  # full-width, spaced
    assert not Employee.objects.with_national_id("A123456788").exists()
    assert "A123456789" not in raw_column(Employee, "national_id_hash", employee.pk)
    assert employee.national_id_hash != crypto.blind_index("A123456789", "another_purpose")


def test_keys_are_parsed_strictly():
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_field_keys("")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_field_keys("k1=notbase64!!")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_field_keys(f"k1={NEW_KEY},k1={NEW_KEY}")
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_field_keys("k1=c2hvcnQ")  # not 32 bytes


def test_rotation_moves_every_value_to_the_newest_key_and_a_second_run_changes_nothing(cast, settings, capsys):
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(
        "test1=VGhpc0lzQW5PbGRUZXN0S2V5Rm9yRmllbGRzMDAwMDE")  # an old deployment's only key
    old = [DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, note=f"{SECRET} {n}") for n in range(7)]
    with acting_as("test:setup"):
        old[0].note = "changed"
        old[0].save()  # leaves previous values (encrypted) in the write history
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(
        f"test3={NEW_KEY},test1=VGhpc0lzQW5PbGRUZXN0S2V5Rm9yRmllbGRzMDAwMDE")

    call_command("rotate_keys", batch_size=3)
    first = capsys.readouterr().out
    # 7 notes, 7 outcomes (empty strings are encrypted too) and the one previous value in the history
    assert "rotated 15 " in first
    assert all(raw_column(Duty, "note", d.pk).startswith("eap1:test3:") for d in old)
    history = RecordHistory.objects.filter(previous_values__isnull=False).values_list("pk", flat=True)
    assert history and all(raw_column(RecordHistory, "previous_values", pk).startswith("eap1:test3:") for pk in history)
    assert MaintenanceRun.objects.filter(job="rotate_keys").exists()

    # The old key can go: every value is readable with the new one alone.
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(f"test3={NEW_KEY}")
    assert [Duty.objects.get(pk=d.pk).note for d in old[1:]] == [f"{SECRET} {n}" for n in range(1, 7)]
    runs = MaintenanceRun.objects.count()
    call_command("rotate_keys", batch_size=3)
    assert "rotated 0 " in capsys.readouterr().out
    assert MaintenanceRun.objects.count() == runs


def test_rotation_leaves_no_history_of_its_own_and_keeps_the_records_unchanged(cast, settings):
    duty = DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, note=SECRET)
    before = RecordHistory.objects.count()
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(
        f"test3={NEW_KEY},test2=T0hOb1RoaXNJc0FUZXN0S2V5Rm9yRmllbGRzMDAwMDI")
    call_command("rotate_keys")
    assert RecordHistory.objects.count() == before
    assert Duty.objects.get(pk=duty.pk).note == SECRET


def test_rotation_stops_on_a_value_it_cannot_read(cast, settings):
    duty = DutyFactory(agency=cast.a, assignee=cast.a_care_member.user, note=SECRET)
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(f"test3={NEW_KEY}")  # test2 is gone
    with pytest.raises(crypto.UndecryptableValue):
        call_command("rotate_keys")
    settings.EAP_FIELD_KEYS = crypto.parse_field_keys(
        f"test3={NEW_KEY},test2=T0hOb1RoaXNJc0FUZXN0S2V5Rm9yRmllbGRzMDAwMDI")
    assert Duty.objects.get(pk=duty.pk).note == SECRET
