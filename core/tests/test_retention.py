"""The retention purge (DOMAIN §8): each record type at 10 years minus one day (kept), exactly 10
years and one day more (destroyed), 29 February, runs twice, dry runs, legal holds, write history,
files, and the destruction register."""
import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from agencies.tests.factories import AgencyFactory, EmployeeFactory, UserFactory
from cases.models.contacts import Contact
from core import retention
from core.actors import acting_as
from core.models import AccessLog, DestructionEntry, Duty, LegalHold, MaintenanceRun, PurposeKind, RecordHistory
from core.tests.factories import DutyFactory
from surveys.models import Answer, Participation, Question, Response, Screening, Setting, Survey

pytestmark = pytest.mark.django_db

KINDS = ["access_log", "self_check_screening", "single_window_contact", "identified_survey_answers"]


def _when(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def make_access_log(day, person):
    # The clock is the day written: the row is written on that day.
    with time_machine.travel(_when(day), tick=False):
        return AccessLog.objects.create(actor=UserFactory(), person=person, action="read",
                                        record_type=ContentType.objects.get_for_model(Screening),
                                        record_ids=[1], rows=1, purpose_kind=PurposeKind.ROLE)


def make_self_check(day, person, **fields):
    with acting_as("test:setup"):
        return Screening.objects.create(employee=person, taken_on=day, setting=Setting.SELF_CHECK,
                                        answers={"ratings": [1, 1, 1, 1, 1], "star": 0},
                                        result={"total": 5}, created_by=person.user, **fields)


def make_contact(day, person, **fields):
    with acting_as("test:setup"):
        return Contact.objects.create(agency=person.agency, received_on=day, channel="hotline", person=person,
                                      summary="同仁來電詢問諮商", logged_by=UserFactory(), **fields)


def make_identified_answer(day, person):
    survey = Survey.objects.create(title="需求調查", owner=person.agency, anonymous=False,
                                   opens_on=day - datetime.timedelta(days=14), closes_on=day)
    question = Question.objects.create(survey=survey, text="您的需求？", kind="text")
    response = Response.objects.create(survey=survey, respondent=person.user, submitted_on=survey.opens_on)
    Answer.objects.create(response=response, question=question, text="希望有夜間諮商")
    Participation.objects.create(survey=survey, user=person.user, answered=True)
    return response


MAKERS = {
    "access_log": make_access_log,
    "self_check_screening": make_self_check,
    "single_window_contact": make_contact,
    "identified_survey_answers": make_identified_answer,
}
MODELS = {"access_log": AccessLog, "self_check_screening": Screening, "single_window_contact": Contact,
          "identified_survey_answers": Response}


def _exists(kind, row):
    return MODELS[kind]._base_manager.filter(pk=row.pk).exists()


def _report(reports, kind):
    return next(report for report in reports if report.kind == kind)


@pytest.fixture
def person(db):
    return EmployeeFactory(agency=AgencyFactory())


def test_every_kind_of_this_part_is_registered():
    assert {record_type.kind for record_type in retention.record_types()} >= set(KINDS)


def test_due_on_moves_29_february_to_28_february(settings):
    assert retention.due_on(datetime.date(2016, 2, 29)) == datetime.date(2026, 2, 28)
    assert retention.due_on(datetime.date(2015, 6, 15)) == datetime.date(2025, 6, 15)
    settings.EAP_RETENTION_YEARS = 8
    assert retention.due_on(datetime.date(2016, 2, 29)) == datetime.date(2024, 2, 29)


@pytest.mark.parametrize("years", [10, 8, 1])
def test_the_last_due_start_agrees_with_due_on_every_day(settings, years):
    # due_on never goes back as the start moves on, so "the cutoff is due, the day after it is not"
    # means: a start is due exactly when it is on or before the cutoff.
    settings.EAP_RETENTION_YEARS = years
    for n in range(5 * 366):
        today = datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
        cutoff = retention.last_due_start(today)
        assert retention.due_on(cutoff) <= today < retention.due_on(cutoff + datetime.timedelta(days=1)), today


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("shift, destroyed", [(-1, False), (0, True), (1, True)])
def test_a_record_is_destroyed_from_exactly_ten_years_after_its_clock_starts(person, kind, shift, destroyed):
    start = datetime.date(2015, 6, 15)
    row = MAKERS[kind](start, person)
    today = datetime.date(2025, 6, 15) + datetime.timedelta(days=shift)

    reports = retention.purge_expired(today=today)

    assert _exists(kind, row) is not destroyed
    assert _report(reports, kind).destroyed == int(destroyed)


@pytest.mark.parametrize("kind", KINDS)
def test_a_clock_started_on_29_february_runs_out_on_28_february(person, kind):
    row = MAKERS[kind](datetime.date(2016, 2, 29), person)

    retention.purge_expired(today=datetime.date(2026, 2, 27))
    assert _exists(kind, row)
    retention.purge_expired(today=datetime.date(2026, 2, 28))
    assert not _exists(kind, row)


def test_an_access_log_row_counts_from_its_local_day(person):
    # 00:30 in Taipei on 15 June is still 14 June in UTC: the local day is the one that counts.
    with time_machine.travel(timezone.make_aware(datetime.datetime(2015, 6, 15, 0, 30)), tick=False):
        row = AccessLog.objects.create(actor=UserFactory(), person=person, action="read", rows=1,
                                       record_type=ContentType.objects.get_for_model(Screening),
                                       purpose_kind=PurposeKind.ROLE)

    retention.purge_expired(today=datetime.date(2025, 6, 14))
    assert AccessLog.objects.filter(pk=row.pk).exists()
    retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert not AccessLog.objects.filter(pk=row.pk).exists()


def test_the_setting_changes_the_period(person, settings):
    settings.EAP_RETENTION_YEARS = 5
    rows = {kind: MAKERS[kind](datetime.date(2020, 6, 15), person) for kind in KINDS}

    retention.purge_expired(today=datetime.date(2025, 6, 14))
    assert all(_exists(kind, row) for kind, row in rows.items())
    retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert not any(_exists(kind, row) for kind, row in rows.items())


def test_records_outside_these_kinds_are_kept(person):
    old = datetime.date(2010, 1, 4)
    tour_screening = make_self_check(old, person)
    with acting_as("test:setup"):
        tour_screening.setting = Setting.OFFICE_TOUR
        tour_screening.save()
    case_screening = make_self_check(old, person, case_type=ContentType.objects.get_for_model(Contact), case_id="1")
    anonymous = Survey.objects.create(title="滿意度", owner=person.agency, anonymous=True, opens_on=old, closes_on=old)
    anonymous_response = Response.objects.create(survey=anonymous, submitted_on=old, agency=person.agency)

    retention.purge_expired(today=datetime.date(2026, 1, 5))

    assert Screening.objects.filter(pk__in=[tour_screening.pk, case_screening.pk]).count() == 2
    assert Response.objects.filter(pk=anonymous_response.pk).exists()


def test_a_contact_that_became_a_case_waits_for_the_case(cast):
    from cases.tests.factories import open_general_case

    case = open_general_case(cast)
    contact = make_contact(datetime.date(2010, 1, 4), cast.a_employee, case=case, outcome="case")

    retention.purge_expired(today=datetime.date(2026, 1, 5))

    assert Contact.objects.filter(pk=contact.pk).exists()


def test_an_identified_answer_goes_with_its_answers_and_participation(person):
    response = make_identified_answer(datetime.date(2015, 6, 15), person)
    invited = UserFactory()
    Participation.objects.create(survey=response.survey, user=invited, reminded=True)

    retention.purge_expired(today=datetime.date(2025, 6, 15))

    assert not Answer.objects.filter(response_id=response.pk).exists()
    assert list(Participation.objects.filter(survey=response.survey).values_list("user", flat=True)) == [invited.pk]
    assert Survey.objects.filter(pk=response.survey_id).exists()


def test_the_write_history_of_destroyed_records_goes_with_them(person):
    screening = make_self_check(datetime.date(2015, 6, 15), person)
    duty = DutyFactory(subject=screening, person=person, agency=person.agency, assignee=UserFactory())
    with acting_as("test:setup"):
        screening.duty = duty
        screening.save()
    contact = make_contact(datetime.date(2015, 6, 15), person)
    kept = make_contact(datetime.date(2015, 6, 16), person)

    def history(model, pk):
        return RecordHistory.objects.filter(record_type=ContentType.objects.get_for_model(model), record_id=str(pk))

    assert history(Screening, screening.pk).count() == 2 and history(Duty, duty.pk).exists()

    retention.purge_expired(today=datetime.date(2025, 6, 15))

    assert not Duty.objects.filter(pk=duty.pk).exists()
    for model, pk in ((Screening, screening.pk), (Duty, duty.pk), (Contact, contact.pk)):
        assert not history(model, pk).exists()
    assert history(Contact, kept.pk).exists()


def test_the_files_of_destroyed_records_are_deleted_once_committed(person, settings, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    screening = make_self_check(datetime.date(2015, 6, 15), person)
    with acting_as("test:setup"):
        screening.scanned_form.save("checklist.pdf", ContentFile(b"%PDF-1.4"))
    path = screening.scanned_form.path
    assert tmp_path in list(type(tmp_path)(path).parents)

    with django_capture_on_commit_callbacks() as callbacks:
        retention.purge_expired(today=datetime.date(2025, 6, 15))
    assert not Screening.objects.filter(pk=screening.pk).exists()
    assert type(tmp_path)(path).exists()

    for callback in callbacks:
        callback()
    assert not type(tmp_path)(path).exists()


def _everything(person, day):
    return {kind: MAKERS[kind](day, person) for kind in KINDS}


def test_a_second_run_destroys_nothing_and_writes_no_register_line(person):
    _everything(person, datetime.date(2015, 6, 15))
    _everything(person, datetime.date(2015, 6, 15))
    today = datetime.date(2025, 6, 15)

    first = retention.purge_expired(today=today, batch_size=1)
    lines = list(DestructionEntry.objects.values_list("kind", "count", "job", "destroyed_on"))
    runs = MaintenanceRun.objects.count()
    second = retention.purge_expired(today=today)

    assert {report.kind: report.destroyed for report in first if report.kind in KINDS} == dict.fromkeys(KINDS, 2)
    assert sorted(lines) == sorted((kind, 2, "purge_expired", today) for kind in KINDS)
    assert all(report.due == report.destroyed == 0 for report in second)
    assert list(DestructionEntry.objects.values_list("kind", "count", "job", "destroyed_on")) == lines
    assert MaintenanceRun.objects.count() == runs


def test_each_batch_is_a_maintenance_run_of_the_purge(person):
    for day in range(1, 6):
        make_contact(datetime.date(2015, 6, day), person)

    retention.purge_expired(today=datetime.date(2025, 6, 15), batch_size=2)

    runs = MaintenanceRun.objects.filter(job="purge_expired")
    assert runs.count() == 3
    assert sum(run.tables.get("cases_contact", 0) for run in runs) == 5
    assert DestructionEntry.objects.get(kind="single_window_contact").count == 5


def test_a_dry_run_lists_exactly_what_the_real_run_removes_and_writes_nothing(person):
    due = _everything(person, datetime.date(2015, 6, 15))
    not_due = _everything(person, datetime.date(2015, 6, 16))
    today = datetime.date(2025, 6, 15)
    counts = {kind: MODELS[kind]._base_manager.count() for kind in KINDS}
    histories = RecordHistory.objects.count()

    dry = retention.purge_expired(today=today, dry_run=True)

    assert {kind: MODELS[kind]._base_manager.count() for kind in KINDS} == counts
    assert RecordHistory.objects.count() == histories
    assert not DestructionEntry.objects.exists() and not MaintenanceRun.objects.exists()
    assert all(report.destroyed == 0 for report in dry)

    real = retention.purge_expired(today=today)

    assert [(r.kind, r.due) for r in dry] == [(r.kind, r.destroyed) for r in real]
    for kind in KINDS:
        assert _report(dry, kind).due == 1
        assert not _exists(kind, due[kind]) and _exists(kind, not_due[kind])


def test_a_legal_hold_keeps_the_record_and_is_reported(person):
    held = make_contact(datetime.date(2015, 6, 15), person)
    gone = make_contact(datetime.date(2015, 6, 15), person)
    LegalHold.objects.create(kind="single_window_contact", record_id=str(held.pk), reason="訴訟中")

    dry = _report(retention.purge_expired(today=datetime.date(2025, 6, 15), dry_run=True), "single_window_contact")
    real = _report(retention.purge_expired(today=datetime.date(2025, 6, 15)), "single_window_contact")

    assert (dry.due, dry.held, dry.held_ids) == (1, 1, [str(held.pk)])
    assert (real.destroyed, real.held, real.held_ids) == (1, 1, [str(held.pk)])
    assert Contact.objects.filter(pk=held.pk).exists() and not Contact.objects.filter(pk=gone.pk).exists()


def test_a_hold_on_a_person_keeps_every_record_about_them(person):
    other = EmployeeFactory(agency=person.agency)
    theirs = _everything(person, datetime.date(2015, 6, 15))
    others = _everything(other, datetime.date(2015, 6, 15))
    LegalHold.objects.create(person=person, reason="申訴審議中")

    reports = retention.purge_expired(today=datetime.date(2025, 6, 15))

    for kind in KINDS:
        assert _exists(kind, theirs[kind]) and not _exists(kind, others[kind])
        assert _report(reports, kind).held == 1


def test_a_released_hold_keeps_nothing(person):
    contact = make_contact(datetime.date(2015, 6, 15), person)
    LegalHold.objects.create(person=person, reason="已結案", released_at=timezone.now())

    retention.purge_expired(today=datetime.date(2025, 6, 15))

    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_the_register_holds_no_personal_data(person):
    rows = _everything(person, datetime.date(2015, 6, 15))

    retention.purge_expired(today=datetime.date(2025, 6, 15))

    personal = {person.full_name, person.employee_number, person.user.username}
    for line in DestructionEntry.objects.values():
        # Nothing but what kind, how many, when and which job: no person, no record id.
        assert set(line) == {"id", "kind", "count", "destroyed_on", "destroyed_at", "job", "recorded_by_id", "note"}
        assert line["kind"] in KINDS and line["count"] == 1 and line["job"] == "purge_expired"
        assert line["recorded_by_id"] is None and line["note"] == ""
        assert not any(value in line["kind"] for value in personal | {str(row.pk) for row in rows.values()})


def test_the_command_reports_per_kind(person):
    held = make_contact(datetime.date(2000, 6, 15), person)
    make_contact(datetime.date(2000, 6, 16), person)
    LegalHold.objects.create(kind="single_window_contact", record_id=str(held.pk), reason="訴訟中")
    from io import StringIO

    dry, real = StringIO(), StringIO()
    call_command("purge_expired", "--dry-run", stdout=dry)
    call_command("purge_expired", stdout=real)

    assert f"single_window_contact: due 1, held back 1 ({held.pk})" in dry.getvalue()
    assert "dry run: 1 records due" in dry.getvalue()
    assert f"single_window_contact: due 1, destroyed 1, held back 1 ({held.pk})" in real.getvalue()
    assert "destroyed 1 records" in real.getvalue()
    assert Contact.objects.count() == 1
    runs = MaintenanceRun.objects.values_list("job", "actor_label")
    assert list(runs) == [("purge_expired", "command:purge_expired")]


def test_the_daily_task_purges_and_is_in_the_beat_schedule(person):
    from core.tasks import purge_expired
    from eap_portal.celery import app

    make_contact(datetime.date(2000, 6, 15), person)

    result = purge_expired.delay().get()

    assert ["single_window_contact", 1, 1, 0] in [list(line) for line in result]
    assert not Contact.objects.exists()
    assert any(entry["task"] == "core.purge_expired" for entry in app.conf.beat_schedule.values())


def test_hr_records_paper_files_and_providers_confirmations_in_the_same_register(person):
    entry = retention.record_destruction(job="paper_file", kind="paper_file", count=3, by=person.user,
                                         note="第二檔案櫃")

    assert DestructionEntry.objects.get() == entry
    assert (entry.job, entry.count, entry.recorded_by, entry.destroyed_on) == (
        "paper_file", 3, person.user, timezone.localdate())
    with pytest.raises(ValueError):
        retention.record_destruction(job="purge_expired", kind="access_log", count=1, by=person.user)
    with pytest.raises(ValueError):
        retention.record_destruction(job="provider_confirmation", kind="session_notes", count=0, by=person.user)


def test_a_hold_must_name_a_kind_the_purge_knows(person):
    from django.core.exceptions import ValidationError

    LegalHold(kind="single_window_contact", record_id="7", reason="訴訟中").full_clean()
    with pytest.raises(ValidationError):
        LegalHold(kind="contact", record_id="7", reason="訴訟中").full_clean()
    with pytest.raises(ValidationError):  # a record and a person at once
        LegalHold(kind="single_window_contact", record_id="7", person=person, reason="訴訟中").full_clean()
