"""The retention purge of cases (DOMAIN §8): ten years after the case closed its content and identity
go — notes, people, attached screenings, duties, notifications, write history — and a person-free
skeleton stays for statistics (kind, origin, agency, years opened and closed, problem categories)."""
import datetime
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cases import models as m
from cases.models.contacts import Contact
from cases.tests.factories import assigned_case
from core import retention
from core.actors import acting_as
from core.models import DestructionEntry, Duty, LegalHold, MaintenanceRun, Notification, RecordHistory
from plans.models import ProblemCategory
from surveys.models import Screening, Setting

pytestmark = pytest.mark.django_db

CLOSED_ON = datetime.date(2015, 6, 15)
CHILDREN = [m.TimelineEntry, m.FollowUp, m.CaseService, m.CaseAction, m.AffectedPerson, m.CrisisLevelEntry,
            m.SuicideReport, m.ExpertInterview, m.Expert, m.CaseAssignment, m.PaperFile]
ENCRYPTED = ["summary", "management_advice", "assessment", "escalation_reason", "early_close_reason"]


def _noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _close(case, day):
    # The state's writer checks the flowchart and the roles of today; the purge reads only the times.
    m.Case._base_manager.filter(pk=case.pk).update(state=m.CaseState.CLOSED, closed_at=_noon(day),
                                                   opened_at=_noon(day - datetime.timedelta(days=200)))
    case.refresh_from_db()
    return case


def make_case(cast, closed_on=CLOSED_ON, *, rich=False):
    case = assigned_case(cast)
    if rich:
        _fill(cast, case)
    return _close(case, closed_on)


def _fill(cast, case):
    """One row of every kind a case holds, with personal content in each."""
    staff = cast.a_eap_officer.user
    category = ProblemCategory.objects.create(plan=cast.a_plan, code="sleep", name="睡眠")
    case.problem_categories.add(category)
    case.respondents.add(cast.a_supervisor)
    with acting_as(staff):
        case.assessment = "評估：壓力大"
        case.management_advice = "建議主管調整工作"
        case.referring_supervisor = cast.a_supervisor
        case.save()
        m.FollowUp.objects.create(case=case, on=timezone.localdate(), contact_type="phone",
                                  what_happened="電話關懷", person_state="情緒穩定", by=staff)
        affected = m.AffectedPerson.objects.create(case=case, employee=cast.a_employee, relation="self",
                                                   note="本人", added_by=staff)
        m.CaseAction.objects.create(case=case, kind="family_contacted", affected=affected, note="聯絡家屬", by=staff)
        m.CaseService.objects.create(case=case, kind="internal", affected=affected, details="人事室協助", by=staff)
        m.CrisisLevelEntry.objects.create(case=case, level=2, reason="失眠", by=staff)
        duty = Duty.objects.create(kind="suicide_report", title="通報", assignee=staff, agency=case.agency,
                                   subject=case, person=cast.a_employee, due_at=timezone.now(), note="24 小時內")
        report = m.SuicideReport.objects.create(case=case, known_at=timezone.now(), note="自述", recorded_by=staff,
                                                duty=duty)
        interview = m.ExpertInterview.objects.create(case=case, starts_at=timezone.now(), purpose="諮詢",
                                                     record="會談紀錄", planned_by=staff)
        m.Expert.objects.create(interview=interview, name="王醫師", profession="精神科", licence_number="X1",
                                practice_registration="台北")
        m.PaperFile.objects.create(case=case, description="晤談紀錄紙本", location="三樓鐵櫃", listed_by=staff)
        Screening.objects.create(employee=cast.a_employee, taken_on=timezone.localdate(),
                                 setting=Setting.PROFESSIONAL, answers={"ratings": [3, 3, 3, 3, 3], "star": 2},
                                 result={"total": 15}, created_by=staff, case=case)
        Contact.objects.create(agency=case.agency, channel="hotline", person=cast.a_employee, summary="來電",
                               outcome="case", case=case, logged_by=staff)
    from core.notifications import notify

    notify(staff, kind="crisis_reported", key=f"case:{case.pk}:crisis:{staff.pk}")
    notify(staff, kind="duty_assigned", key=f"duty:{duty.pk}:assigned:{staff.pk}")
    notify(staff, kind="duty_escalated", key=f"suicide_report:{report.pk}:24h:{staff.pk}")


def _purged(case):
    return m.Case._base_manager.get(pk=case.pk).purged_on is not None


def _report(reports):
    return next(report for report in reports if report.kind == "case")


def _skeleton(case):
    case = m.Case._base_manager.get(pk=case.pk)
    return (case.kind, case.origin, case.agency_id, timezone.localtime(case.opened_at).year,
            timezone.localtime(case.closed_at).year, tuple(case.problem_categories.values_list("code", flat=True)))


def test_cases_are_registered():
    assert "case" in {record_type.kind for record_type in retention.record_types()}


@pytest.mark.parametrize("shift, purged", [(-1, False), (0, True), (1, True)])
def test_a_case_is_purged_from_exactly_ten_years_after_it_closed(cast, shift, purged):
    case = make_case(cast)

    reports = retention.purge_expired(today=datetime.date(2025, 6, 15) + datetime.timedelta(days=shift))

    assert _purged(case) is purged
    assert _report(reports).destroyed == int(purged)


def test_a_case_closed_on_29_february_is_purged_on_28_february(cast):
    case = make_case(cast, datetime.date(2016, 2, 29))

    retention.purge_expired(today=datetime.date(2026, 2, 27))
    assert not _purged(case)
    retention.purge_expired(today=datetime.date(2026, 2, 28))
    assert _purged(case)


def test_an_open_case_is_never_due(cast):
    case = assigned_case(cast)
    m.Case._base_manager.filter(pk=case.pk).update(opened_at=_noon(datetime.date(2010, 1, 4)))

    assert _report(retention.purge_expired(today=datetime.date(2030, 1, 1))).due == 0
    assert not _purged(case)


def test_the_purge_keeps_the_skeleton_and_nothing_about_the_person(cast):
    case = make_case(cast, rich=True)
    skeleton = _skeleton(case)
    child_pks = {model: list(model._base_manager.filter(
        **({"interview__case": case} if model is m.Expert else {"case": case})).values_list("pk", flat=True))
        for model in CHILDREN}
    assert all(child_pks.values())
    screening = Screening.objects.get(case_id=str(case.pk))
    duty_pks = list(Duty._base_manager.filter(subject_id=str(case.pk)).values_list("pk", flat=True))
    assert Notification.objects.filter(key__startswith=f"case:{case.pk}:").exists()

    retention.purge_expired(today=datetime.date(2025, 6, 15))

    row = m.Case._base_manager.get(pk=case.pk)
    assert _skeleton(case) == skeleton
    assert row.purged_on is not None and row.state == m.CaseState.CLOSED
    assert [getattr(row, name) for name in ENCRYPTED] == [""] * len(ENCRYPTED)
    assert (row.subject_id, row.referring_supervisor_id, row.early_close_requested_by_id) == (None, None, None)
    assert not row.respondents.exists()
    for model, pks in child_pks.items():
        assert not model._base_manager.filter(pk__in=pks).exists(), model
    assert not Screening._base_manager.filter(pk=screening.pk).exists()
    assert not Contact._base_manager.filter(case_id=case.pk).exists()
    assert not Duty._base_manager.filter(pk__in=duty_pks).exists()
    assert not Notification.objects.filter(key__startswith=f"case:{case.pk}:").exists()
    assert not Notification.objects.filter(key__startswith="suicide_report:").exists()
    assert not Notification.objects.filter(key__startswith="duty:").exists()
    types = {model: ContentType.objects.get_for_model(model) for model in [m.Case, *CHILDREN, Screening, Duty]}
    for model, pks in [(m.Case, [case.pk]), (Screening, [screening.pk]), (Duty, duty_pks), *child_pks.items()]:
        assert not RecordHistory.objects.filter(record_type=types[model], record_id__in=[str(pk) for pk in pks]
                                                ).exists(), model


def test_statistics_of_past_years_are_unchanged(cast):
    cases = [make_case(cast, rich=True), make_case(cast, datetime.date(2016, 3, 1))]
    before = Counter(_skeleton(case) for case in cases)
    per_year = Counter((c.kind, c.agency_id, timezone.localtime(c.opened_at).year) for c in m.Case.objects.all())

    retention.purge_expired(today=datetime.date(2026, 6, 15))

    assert all(_purged(case) for case in cases)
    assert Counter(_skeleton(case) for case in cases) == before
    assert Counter((c.kind, c.agency_id, timezone.localtime(c.opened_at).year)
                   for c in m.Case.objects.all()) == per_year
    assert list(m.Case.objects.get(pk=cases[0].pk).problem_categories.values_list("code", flat=True)) == ["sleep"]


def test_a_second_run_finds_nothing_and_writes_nothing(cast):
    make_case(cast, rich=True)
    make_case(cast)
    today = datetime.date(2025, 6, 15)

    first = _report(retention.purge_expired(today=today))
    runs, lines = MaintenanceRun.objects.count(), list(DestructionEntry.objects.values_list("kind", "count"))
    second = _report(retention.purge_expired(today=today))

    assert (first.destroyed, second.due, second.destroyed) == (2, 0, 0)
    assert ("case", 2) in lines
    assert MaintenanceRun.objects.count() == runs
    assert list(DestructionEntry.objects.values_list("kind", "count")) == lines


def test_small_batches_purge_every_case_once(cast):
    cases = [make_case(cast) for _ in range(5)]

    report = _report(retention.purge_expired(today=datetime.date(2025, 6, 15), batch_size=2))

    assert report.destroyed == 5 and all(_purged(case) for case in cases)
    assert DestructionEntry.objects.get(kind="case").count == 5


def test_a_dry_run_lists_what_the_real_run_purges_and_changes_nothing(cast):
    make_case(cast, rich=True)
    make_case(cast, datetime.date(2015, 6, 16))
    today = datetime.date(2025, 6, 15)
    history = RecordHistory.objects.count()

    dry = _report(retention.purge_expired(today=today, dry_run=True))
    assert RecordHistory.objects.count() == history
    assert not m.Case._base_manager.filter(purged_on__isnull=False).exists()
    assert not DestructionEntry.objects.exists()
    real = _report(retention.purge_expired(today=today))

    assert dry.due == real.destroyed == 1


def test_a_legal_hold_keeps_the_case_whole(cast):
    held, person_held = make_case(cast, rich=True), make_case(cast)
    LegalHold.objects.create(kind="case", record_id=str(held.pk), reason="訴訟", placed_by=cast.a_eap_officer.user)
    m.Case._base_manager.filter(pk=person_held.pk).update(subject=cast.b_employee)
    LegalHold.objects.create(person=cast.b_employee, reason="訴訟", placed_by=cast.a_eap_officer.user)

    report = _report(retention.purge_expired(today=datetime.date(2025, 6, 15)))

    assert (report.held, report.destroyed) == (2, 0)
    assert not _purged(held) and not _purged(person_held)
    assert m.FollowUp.objects.filter(case=held).exists()
    assert m.Case.objects.get(pk=held.pk).summary


def test_the_scanned_form_of_an_attached_screening_is_deleted_once_committed(cast, settings, tmp_path,
                                                                            django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    case = make_case(cast, rich=True)
    screening = Screening.objects.get(case_id=str(case.pk))
    with acting_as("test:setup"):
        screening.scanned_form.save("checklist.pdf", ContentFile(b"%PDF-1.4"))
    path = screening.scanned_form.path

    with django_capture_on_commit_callbacks() as callbacks:
        retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert _purged(case)
    assert tmp_path.joinpath(path).exists()

    for callback in callbacks:
        callback()
    assert not tmp_path.joinpath(path).exists()
