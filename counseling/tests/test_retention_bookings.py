"""The retention purge of bookings (DOMAIN §8): ten years after a booking closed, the person and the
content go — employee, applicant, description, intake, session notes, write history, notifications,
the ledger's actors — and a skeleton stays (provider, service, agency, month, hours, problem
categories), so past years' usage and reconciliation do not move."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from core import retention
from core.actors import acting_as
from core.models import DestructionEntry, LegalHold, MaintenanceRun, Notification, RecordHistory
from counseling.models import Booking, LedgerEntry, QuotaAccount, Session
from counseling.statistics import reconciliation, usage
from counseling.tests.test_statistics import held_sessions, usage_data  # noqa: F401 (a fixture)
from plans.models import ProblemCategory

pytestmark = pytest.mark.django_db

CLOSED_ON = datetime.date(2025, 3, 31)
ENCRYPTED = ["description", "intake_times", "intake_outcome"]


def _noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _close(bookings, day=CLOSED_ON):
    # The closing service runs on today's roles and clock; the purge only reads the closing time.
    Booking._base_manager.filter(pk__in=[b.pk for b in bookings]).update(state="closed", closed_at=_noon(day))


def make_booking(counsel, day=CLOSED_ON):
    cast = counsel.cast
    with acting_as(counsel.provider):
        booking = held_sessions(counsel, cast.a_employee, cast.a_contract, counsel.provider, [(2, 3)])
    _close([booking], day)
    booking.refresh_from_db()
    return booking


def _purged(booking):
    return Booking._base_manager.get(pk=booking.pk).purged_on is not None


def _report(reports):
    return next(report for report in reports if report.kind == "booking")


def _figures(cast):
    reader = cast.city_hr.user
    # The displayed bodies carry the suppression, which counts people: it must not move either.
    tables = [(report.body, report.raw) for report in
              [usage(reader, 114, by) for by in ("agency", "provider", "service", "category")]]
    result = reconciliation(reader, 114)
    assert result.agencies is not None
    return tables, result.providers.body, result.agencies.body


def test_bookings_are_registered():
    assert "booking" in {record_type.kind for record_type in retention.record_types()}


@pytest.mark.parametrize("shift, purged", [(-1, False), (0, True), (1, True)])
def test_a_booking_is_purged_from_exactly_ten_years_after_it_closed(counsel, shift, purged):
    booking = make_booking(counsel)

    reports = retention.purge_expired(today=datetime.date(2035, 3, 31) + datetime.timedelta(days=shift))

    assert _purged(booking) is purged
    assert _report(reports).destroyed == int(purged)


def test_a_booking_closed_on_29_february_is_purged_on_28_february(counsel):
    booking = make_booking(counsel, datetime.date(2028, 2, 29))

    retention.purge_expired(today=datetime.date(2038, 2, 27))
    assert not _purged(booking)
    retention.purge_expired(today=datetime.date(2038, 2, 28))
    assert _purged(booking)


def test_an_open_booking_is_never_due(counsel):
    cast = counsel.cast
    with acting_as(counsel.provider):
        booking = held_sessions(counsel, cast.a_employee, cast.a_contract, counsel.provider, [(2, 3)])

    assert _report(retention.purge_expired(today=datetime.date(2045, 1, 1))).due == 0
    assert not _purged(booking)


def test_the_skeleton_keeps_nothing_about_the_person(counsel, settings, tmp_path,
                                                     django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    booking = make_booking(counsel)
    category = ProblemCategory.objects.create(plan=counsel.cast.a_plan, code="sleep", name="睡眠")
    booking.problem_categories.add(category)
    with acting_as("test:setup"):
        booking.applicant = {"phone": "0912345678"}
        booking.intake_outcome = "需要夜間時段"
        booking.analysis_report.save("report.pdf", ContentFile(b"%PDF"), save=True)
    report_name = Booking._base_manager.get(pk=booking.pk).analysis_report.name
    storage = Booking._meta.get_field("analysis_report").storage
    sessions = list(Session._base_manager.filter(booking=booking))
    kept = {s.pk: (s.starts_at, s.hours, s.state, s.charge) for s in sessions}
    ledger = list(LedgerEntry._base_manager.filter(session__booking=booking).values_list("kind", "held", "consumed"))
    assert storage.exists(report_name)
    assert Notification.objects.filter(key__startswith=f"session:{sessions[0].pk}:").exists()

    with django_capture_on_commit_callbacks(execute=True):
        retention.purge_expired(today=datetime.date(2035, 3, 31))

    row = Booking._base_manager.get(pk=booking.pk)
    assert (row.provider_id, row.contract_id, row.service, row.agency_id) == (
        booking.provider_id, booking.contract_id, booking.service, booking.agency_id)
    assert list(row.problem_categories.values_list("code", flat=True)) == ["sleep"]
    assert (row.employee_id, row.created_by_id, row.applicant, row.analysis_report.name) == (None, None, {}, "")
    assert [getattr(row, name) for name in ENCRYPTED] == [""] * len(ENCRYPTED)
    assert not storage.exists(report_name)
    for session in Session._base_manager.filter(booking=booking):
        assert session.note == ""
        assert (session.starts_at, session.hours, session.state, session.charge) == kept[session.pk]
    entries = LedgerEntry._base_manager.filter(session__booking=booking)
    assert list(entries.values_list("kind", "held", "consumed")) == ledger
    assert not entries.filter(actor__isnull=False).exists()
    assert not entries.filter(account__isnull=False).exists()
    assert not QuotaAccount.objects.filter(employee=counsel.cast.a_employee).exists()
    assert not Notification.objects.filter(key__startswith=f"booking:{booking.pk}:").exists()
    assert not Notification.objects.filter(key__startswith=f"session:{sessions[0].pk}:").exists()
    for model, pks in [(Booking, [booking.pk]), (Session, list(kept))]:
        assert not RecordHistory.objects.filter(record_type=ContentType.objects.get_for_model(model),
                                                record_id__in=[str(pk) for pk in pks]).exists(), model


def test_usage_and_reconciliation_of_past_years_are_unchanged(counsel, usage_data):  # noqa: F811
    cast = counsel.cast
    _close(Booking.objects.all())
    before = _figures(cast)

    report = _report(retention.purge_expired(today=datetime.date(2035, 3, 31)))

    assert report.destroyed == Booking._base_manager.count() == Booking._base_manager.filter(
        purged_on__isnull=False).count()
    assert not Booking._base_manager.filter(employee__isnull=False).exists()
    assert not QuotaAccount.objects.filter(employee__isnull=False).exists()
    assert _figures(cast) == before


def test_an_account_another_booking_still_draws_on_stays(counsel):
    cast = counsel.cast
    old = make_booking(counsel)
    with acting_as(counsel.provider):
        held_sessions(counsel, cast.a_employee, cast.a_contract, counsel.provider, [(3, 3)])
    account = QuotaAccount.objects.get(employee=cast.a_employee)

    retention.purge_expired(today=datetime.date(2035, 3, 31))

    assert _purged(old)
    assert QuotaAccount.objects.filter(pk=account.pk).exists()
    assert LedgerEntry._base_manager.filter(session__booking=old, account=account).exists()


def test_a_second_run_finds_nothing_and_writes_nothing(counsel):
    make_booking(counsel)
    today = datetime.date(2035, 3, 31)

    first = _report(retention.purge_expired(today=today))
    runs, lines = MaintenanceRun.objects.count(), list(DestructionEntry.objects.values_list("kind", "count"))
    second = _report(retention.purge_expired(today=today))

    assert (first.destroyed, second.due, second.destroyed) == (1, 0, 0)
    assert ("booking", 1) in lines
    assert MaintenanceRun.objects.count() == runs
    assert list(DestructionEntry.objects.values_list("kind", "count")) == lines


def test_a_dry_run_lists_what_the_real_run_purges_and_changes_nothing(counsel):
    make_booking(counsel)
    make_booking(counsel, datetime.date(2025, 4, 1))
    today = datetime.date(2035, 3, 31)
    history = RecordHistory.objects.count()

    dry = _report(retention.purge_expired(today=today, dry_run=True))
    assert RecordHistory.objects.count() == history
    assert not Booking._base_manager.filter(purged_on__isnull=False).exists()
    real = _report(retention.purge_expired(today=today))

    assert dry.due == real.destroyed == 1


def test_a_legal_hold_keeps_the_booking_whole(counsel):
    held, person_held = make_booking(counsel), make_booking(counsel)
    placed_by = counsel.cast.a_eap_officer.user
    LegalHold.objects.create(kind="booking", record_id=str(held.pk), reason="訴訟", placed_by=placed_by)
    Booking._base_manager.filter(pk=person_held.pk).update(employee=counsel.cast.b_employee)
    LegalHold.objects.create(person=counsel.cast.b_employee, reason="訴訟", placed_by=placed_by)

    report = _report(retention.purge_expired(today=datetime.date(2035, 3, 31)))

    assert (report.held, report.destroyed) == (2, 0)
    assert not _purged(held) and not _purged(person_held)
    assert Booking.objects.get(pk=held.pk).description
