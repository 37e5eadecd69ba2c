"""The retention purge of leavers' profiles and of the rights records (DOMAIN §8): a correction request
ten years after its answer, an access request ten years after it ended, a legal-exception use ten
years after its day; a leaver's profile ten years after the later of leaving and their last record."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from agencies.models import (
    ActivationCode,
    CorrectionRequest,
    EmergencyContact,
    Employee,
    EmployeeChange,
    RecordCategory,
)
from agencies.tests.factories import AgencyFactory, EmployeeFactory, RoleFactory, UserFactory
from core import retention
from core.actors import acting_as
from core.models import AccessRequest, DestructionEntry, LegalExceptionUse, LegalHold, Notification, RecordHistory

pytestmark = pytest.mark.django_db

LEFT_ON = datetime.date(2020, 6, 15)
User = get_user_model()


def _when(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _report(reports, kind):
    return next(report for report in reports if report.kind == kind)


def _exists(row):
    return type(row)._base_manager.filter(pk=row.pk).exists()


def make_leaver(day=LEFT_ON):
    return EmployeeFactory(agency=AgencyFactory(), leave_date=day)


def make_correction(person, answered_on, by=None):
    with acting_as("test:setup"):
        row = CorrectionRequest.objects.create(employee=person, category=RecordCategory.PROFILE,
                                               what_is_wrong="職稱有誤")
    CorrectionRequest._base_manager.filter(pk=row.pk).update(
        state="corrected", answered_at=_when(answered_on), answered_by=by or UserFactory())
    return row


def make_access_request(person, ended_on, state="withdrawn"):
    with acting_as("test:setup"):
        row = AccessRequest.objects.create(requester=UserFactory(), person=person, reason="申訴審議",
                                           purpose="調閱紀錄", period_from=datetime.date(2019, 1, 1),
                                           period_until=datetime.date(2019, 12, 31), state=state)
    AccessRequest._base_manager.filter(pk=row.pk).update(ended_at=_when(ended_on) if ended_on else None)
    return row


def make_exception_use(person, used_on):
    with acting_as("test:setup"):
        row = LegalExceptionUse.objects.create(used_by=UserFactory(), exception="harm_to_others", person=person)
    LegalExceptionUse._base_manager.filter(pk=row.pk).update(used_at=_when(used_on))
    return row


RIGHTS = {"correction_request": make_correction, "access_request": make_access_request,
          "legal_exception_use": make_exception_use}


def test_the_kinds_are_registered_and_the_leavers_run_last():
    kinds = [record_type.kind for record_type in retention.record_types()]
    assert set(RIGHTS) <= set(kinds)
    assert kinds[-1] == "leaver_profile"


@pytest.mark.parametrize("kind", sorted(RIGHTS))
@pytest.mark.parametrize("shift, destroyed", [(-1, False), (0, True), (1, True)])
def test_a_rights_record_goes_from_exactly_ten_years_after_its_clock(kind, shift, destroyed):
    person = EmployeeFactory(agency=AgencyFactory())
    row = RIGHTS[kind](person, datetime.date(2021, 3, 1))
    kind_type = ContentType.objects.get_for_model(type(row), for_concrete_model=False)
    assert RecordHistory.objects.filter(record_type=kind_type, record_id=str(row.pk)).exists()

    reports = retention.purge_expired(today=datetime.date(2031, 3, 1) + datetime.timedelta(days=shift))

    assert _exists(row) is not destroyed
    assert _report(reports, kind).destroyed == int(destroyed)
    assert RecordHistory.objects.filter(record_type=kind_type, record_id=str(row.pk)).exists() is not destroyed


@pytest.mark.parametrize("kind", sorted(RIGHTS))
def test_a_rights_record_of_29_february_goes_on_28_february(kind):
    row = RIGHTS[kind](EmployeeFactory(agency=AgencyFactory()), datetime.date(2024, 2, 29))

    retention.purge_expired(today=datetime.date(2034, 2, 27))
    assert _exists(row)
    retention.purge_expired(today=datetime.date(2034, 2, 28))
    assert not _exists(row)


def test_an_open_correction_and_a_granted_access_request_are_never_due():
    person = EmployeeFactory(agency=AgencyFactory())
    with acting_as("test:setup"):
        correction = CorrectionRequest.objects.create(employee=person, category=RecordCategory.PROFILE,
                                                      what_is_wrong="職稱有誤")
    CorrectionRequest._base_manager.filter(pk=correction.pk).update(created_at=_when(datetime.date(2001, 1, 1)))
    granted = make_access_request(person, None, state="granted")

    retention.purge_expired(today=datetime.date(2060, 1, 1))

    assert _exists(correction) and _exists(granted)


@pytest.mark.parametrize("shift, destroyed", [(-1, False), (0, True), (1, True)])
def test_a_leaver_goes_from_exactly_ten_years_after_leaving(shift, destroyed):
    leaver = make_leaver()
    user = leaver.user

    reports = retention.purge_expired(today=datetime.date(2030, 6, 15) + datetime.timedelta(days=shift))

    assert _exists(leaver) is not destroyed
    assert _exists(user) is not destroyed
    assert _report(reports, "leaver_profile").destroyed == int(destroyed)


def test_someone_still_employed_is_never_due():
    person = EmployeeFactory(agency=AgencyFactory())

    retention.purge_expired(today=datetime.date(2080, 1, 1))

    assert _exists(person)


def test_a_leaver_of_29_february_goes_on_28_february():
    leaver = make_leaver(datetime.date(2024, 2, 29))

    retention.purge_expired(today=datetime.date(2034, 2, 27))
    assert _exists(leaver)
    retention.purge_expired(today=datetime.date(2034, 2, 28))
    assert not _exists(leaver)


def test_a_kept_record_keeps_the_leaver_and_one_run_clears_both_once_both_are_due():
    leaver = make_leaver()
    correction = make_correction(leaver, datetime.date(2022, 9, 1))

    retention.purge_expired(today=datetime.date(2031, 1, 1))
    assert _exists(leaver) and _exists(correction)

    reports = retention.purge_expired(today=datetime.date(2032, 9, 1))

    assert not _exists(correction) and not _exists(leaver)
    assert _report(reports, "correction_request").destroyed == 1
    assert _report(reports, "leaver_profile").destroyed == 1


def test_the_profile_goes_with_its_history_contact_roles_codes_and_notifications():
    leaver = make_leaver()
    user = leaver.user
    RoleFactory(user=user, agency=leaver.agency)
    with acting_as("test:setup"):
        contact = EmergencyContact.objects.create(employee=leaver, name="王小明", relation="配偶",
                                                  phone="0912345678")
    change = EmployeeChange.objects.create(employee=leaver, kind="left", effective_on=LEFT_ON)
    note = Notification.objects.create(recipient=user, key="x:1:", kind="reminder")
    code = ActivationCode.objects.create(user=user, code_hash="x" * 64,
                                         expires_at=_when(datetime.date(2020, 7, 1)))

    retention.purge_expired(today=datetime.date(2030, 6, 15))

    assert not any(_exists(row) for row in (leaver, user, contact, change, note, code))
    kind = ContentType.objects.get_for_model(EmergencyContact, for_concrete_model=False)
    assert not RecordHistory.objects.filter(record_type=kind, record_id=str(contact.pk)).exists()


def test_a_login_named_in_others_records_is_kept_nameless_and_inactive():
    leaver = make_leaver()
    user = leaver.user
    RoleFactory(user=user, agency=leaver.agency)
    make_correction(EmployeeFactory(agency=AgencyFactory()), datetime.date(2025, 1, 1), by=user)

    retention.purge_expired(today=datetime.date(2030, 6, 15))

    assert not _exists(leaver)
    user = User.objects.get(pk=user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.username == f"purged-{user.pk}" and user.email == ""
    assert not user.role_assignments.exists()


def test_a_second_run_destroys_nothing_and_a_dry_run_matches_the_real_run():
    make_leaver()
    make_leaver(datetime.date(2025, 1, 1))
    today = datetime.date(2030, 6, 15)

    dry = _report(retention.purge_expired(today=today, dry_run=True), "leaver_profile")
    assert Employee.objects.count() == 2
    real = _report(retention.purge_expired(today=today), "leaver_profile")
    again = _report(retention.purge_expired(today=today), "leaver_profile")

    assert dry.due == real.destroyed == 1 and dry.destroyed == 0
    assert again.due == again.destroyed == 0
    assert DestructionEntry.objects.filter(kind="leaver_profile").get().count == 1


def test_a_hold_on_the_person_keeps_the_profile_and_is_reported():
    leaver = make_leaver()
    LegalHold.objects.create(person=leaver, reason="訴訟中")

    report = _report(retention.purge_expired(today=datetime.date(2035, 1, 1)), "leaver_profile")

    assert _exists(leaver)
    assert report.held == 1 and report.held_ids == [str(leaver.pk)]
