"""The 24-hour suicide report (「如知悉自殺行為情事」, DOMAIN §6): on any case, the time of knowledge
starts a duty due exactly 24 hours later — never moved to a working day; the assignee is reminded at
once and at +12 h, the convener and the agency's EAP officers are told at +24 h, each once however
often or late the job runs; recording the report settles it."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import suicide
from cases.crisis import report_incident
from cases.models import CaseState, EntryKind, SuicideReport
from cases.referrals import record_assessment
from cases.suicide import chase_suicide_reports, file_report, record_suicidal_act
from cases.tests.factories import assigned_case
from cases.workflow import move_case
from core.actors import acting_as
from core.duties import escalate_overdue_duties, send_duty_reminders
from core.models import DayException, DayKind, Duty, DutyState, Notification
from core.working_days import is_working_day

TAIPEI = ZoneInfo("Asia/Taipei")
H = datetime.timedelta(hours=1)
# Friday 28 February 2025, Peace Memorial Day, 20:00: due Saturday 1 March at 20:00.
KNOWN = datetime.datetime(2025, 2, 28, 20, 0, tzinfo=TAIPEI)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(KNOWN + datetime.timedelta(minutes=30), tick=False)
    return time_machine


def run(user, function, *args, **kwargs):
    with acting_as(user):
        return function(*args, by=user, **kwargs)


def general(cast):
    """A general case of A's employee, assigned to A's care member."""
    return assigned_case(cast)


def crisis(cast):
    with acting_as(cast.a_supervisor.user):
        return report_incident(agency=cast.a, by=cast.a_supervisor.user, summary="同仁於辦公室割腕",
                               people=[cast.a_employee], supervisor=cast.a_supervisor)


def record(cast, case, who="a_care_member", known_at=KNOWN):
    return run(getattr(cast, who).user, record_suicidal_act, case, known_at=known_at, note="同事發現")


def chase(clock, when):
    clock.move_to(when, tick=False)
    with acting_as("task:chase_suicide_reports"):
        return chase_suicide_reports()


def stage(report, name):
    return Notification.objects.filter(key__startswith=f"suicide_report:{report.pk}:{name}:")


# --- Recording ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, who, holder", [
    (general, "a_care_member", "a_care_member"),
    (general, "a_eap_officer", "a_care_member"),  # the member assigned to the case holds it
    (crisis, "a_eap_officer", "a_eap_officer"),  # nobody assigned yet: whoever recorded it
])
def test_recording_creates_a_duty_due_exactly_24_hours_later(cast, clock, make, who, holder):
    case = make(cast)
    report = record(cast, case, who=who)
    assert not is_working_day(KNOWN.date(), cast.a) and not is_working_day((KNOWN + 24 * H).date(), cast.a)
    duty = report.duty
    assert duty.kind == suicide.DUTY_KIND and duty.state == DutyState.OPEN and duty.urgent
    assert duty.due_at == KNOWN + 24 * H == report.due_at  # a holiday, then a Saturday: never moved
    assert duty.assignee == getattr(cast, holder).user
    assert duty.team == cast.a_team and duty.agency == cast.a and duty.person == case.subject
    assert report.known_at == KNOWN and report.recorded_by == getattr(cast, who).user and report.note == "同事發現"
    assert not report.is_filed
    # Reminded at once.
    now = stage(report, "now").get()
    assert now.recipient == duty.assignee and now.kind == "duty_reminder"
    assert case.timeline.filter(kind=EntryKind.SUICIDE_REPORT).count() == 1


def test_a_declared_day_off_does_not_move_it_either(cast, clock):
    DayException.objects.create(day=datetime.date(2025, 3, 1), kind=DayKind.DAY_OFF, reason="颱風停班")
    report = record(cast, general(cast))
    assert report.duty.due_at == KNOWN + 24 * H


def test_a_time_of_knowledge_in_the_future_is_refused(cast, clock):
    case = general(cast)
    with pytest.raises(ValidationError):
        record(cast, case, known_at=KNOWN + H)
    assert not SuicideReport.objects.exists() and not Duty.objects.filter(kind=suicide.DUTY_KIND).exists()


def test_only_those_working_on_the_case_record_it(cast, clock):
    case = general(cast)
    for outsider in ("b_eap_officer", "a_supervisor", "a_agency_hr", "a_employee"):
        with pytest.raises(PermissionDenied):
            record(cast, case, who=outsider)
    assert not SuicideReport.objects.exists()


# --- Chasing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [general, crisis])
def test_the_reminder_at_12_hours_and_the_escalation_at_24_each_once(cast, clock, make):
    case = make(cast)
    report = record(cast, case, who="a_eap_officer" if make is crisis else "a_care_member")
    assignee = report.duty.assignee
    before = Notification.objects.count()
    assert chase(clock, KNOWN + 11 * H + 59 * datetime.timedelta(minutes=1)) == 0
    assert Notification.objects.count() == before
    assert chase(clock, KNOWN + 12 * H) == 1
    twelve = stage(report, "12h").get()
    assert twelve.recipient == assignee and twelve.kind == "duty_reminder"
    assert chase(clock, KNOWN + 12 * H + datetime.timedelta(minutes=5)) == 0
    assert chase(clock, KNOWN + 23 * H) == 0
    assert chase(clock, KNOWN + 24 * H) == 2
    escalated = stage(report, "24h")
    assert sorted(n.recipient_id for n in escalated) == sorted([cast.a_convener.user.pk, cast.a_eap_officer.user.pk])
    assert {n.kind for n in escalated} == {"duty_escalated"}
    assert Duty.objects.get(pk=report.duty_id).escalated_at == KNOWN + 24 * H
    assert chase(clock, KNOWN + 24 * H + datetime.timedelta(minutes=5)) == 0
    assert chase(clock, KNOWN + 48 * H) == 0
    assert stage(report, "24h").count() == 2 and stage(report, "12h").count() == 1
    assert stage(report, "now").count() == 1


def test_a_run_missed_until_30_hours_sends_both_stages_once(cast, clock):
    report = record(cast, general(cast))
    assert chase(clock, KNOWN + 30 * H) == 3
    assert stage(report, "12h").count() == 1 and stage(report, "24h").count() == 2
    assert chase(clock, KNOWN + 30 * H) == 0


def test_each_report_is_chased_on_its_own(cast, clock):
    first = record(cast, general(cast))
    clock.move_to(KNOWN + 6 * H, tick=False)
    second = record(cast, crisis(cast), who="a_eap_officer", known_at=KNOWN + 5 * H)
    assert chase(clock, KNOWN + 12 * H) == 1  # the first's reminder only
    assert chase(clock, KNOWN + 17 * H) == 1  # the second's
    assert stage(first, "12h").count() == stage(second, "12h").count() == 1


def test_the_general_duty_jobs_do_not_send_it_again(cast, clock):
    record(cast, general(cast))
    clock.move_to(KNOWN + 30 * H, tick=False)
    with acting_as("task:duties"):
        assert send_duty_reminders() == 0 and escalate_overdue_duties() == 0


def test_an_affected_convener_is_not_told(cast, clock):
    with acting_as(cast.a_supervisor.user):
        case = report_incident(agency=cast.a, by=cast.a_supervisor.user, summary="同仁輕生",
                               supervisor=cast.a_supervisor, people=[cast.a_employee, cast.a_convener])
    report = record(cast, case, who="a_eap_officer")
    chase(clock, KNOWN + 24 * H)
    assert [n.recipient for n in stage(report, "24h")] == [cast.a_eap_officer.user]


def test_a_closed_case_still_owes_its_report(cast, clock):
    case = general(cast)
    report = record(cast, case)
    officer = cast.a_eap_officer.user
    run(officer, record_assessment, case, assessment="轉介醫療")
    run(officer, move_case, case, CaseState.CLOSED, reason="已轉介醫院")
    assert Duty.objects.get(pk=report.duty_id).state == DutyState.OPEN
    assert chase(clock, KNOWN + 24 * H) == 3
    run(cast.a_care_member.user, file_report, report, reported_at=KNOWN + 2 * H, reference_number="SP-1")
    assert Duty.objects.get(pk=report.duty_id).state == DutyState.DONE


# --- Filing ---------------------------------------------------------------------------------------

def test_filing_settles_the_duty_and_stops_escalation(cast, clock):
    report = record(cast, general(cast))
    assert chase(clock, KNOWN + 12 * H) == 1
    member = cast.a_care_member.user
    filed = run(member, file_report, report, reported_at=KNOWN + 3 * H, reference_number=" 114-000123 ")
    assert filed.is_filed and filed.reported_at == KNOWN + 3 * H and filed.reported_by == member
    assert filed.reference_number == "114-000123"
    duty = Duty.objects.get(pk=report.duty_id)
    assert duty.state == DutyState.DONE and duty.outcome == "114-000123" and duty.done_by == member
    assert chase(clock, KNOWN + 24 * H) == 0
    assert not stage(report, "24h").exists()
    assert report.case.timeline.filter(kind=EntryKind.SUICIDE_REPORT).count() == 2


def test_filing_needs_a_reference_and_a_time_between_knowledge_and_now(cast, clock):
    report = record(cast, general(cast))
    member = cast.a_care_member.user
    for reported_at, reference in ((KNOWN + H / 2, "  "), (KNOWN - datetime.timedelta(minutes=1), "SP-1"),
                                   (KNOWN + H, "SP-1")):  # now is KNOWN + 30 min
        with pytest.raises(ValidationError):
            run(member, file_report, report, reported_at=reported_at, reference_number=reference)
    with pytest.raises(PermissionDenied):
        run(cast.b_eap_officer.user, file_report, report, reported_at=KNOWN, reference_number="SP-1")
    stored = SuicideReport.objects.get(pk=report.pk)
    assert not stored.is_filed and stored.reference_number == ""
    assert Duty.objects.get(pk=report.duty_id).state == DutyState.OPEN
    run(member, file_report, report, reported_at=KNOWN, reference_number="SP-1")  # at the moment it became known
    assert SuicideReport.objects.get(pk=report.pk).is_filed


def test_filing_twice_is_refused(cast, clock):
    report = record(cast, general(cast))
    member = cast.a_care_member.user
    run(member, file_report, report, reported_at=KNOWN + H / 4, reference_number="SP-1")
    with pytest.raises(ValidationError):
        run(cast.a_eap_officer.user, file_report, report, reported_at=KNOWN + H / 2, reference_number="SP-2")
    stored = SuicideReport.objects.get(pk=report.pk)
    assert stored.reference_number == "SP-1" and stored.reported_by == member


# --- The schedule ---------------------------------------------------------------------------------

def test_the_beat_runs_the_chase_at_least_every_15_minutes():
    from eap_portal.celery import app

    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["chase-suicide-reports"]
    assert entry["task"] == "cases.chase_suicide_reports"
    assert entry["schedule"] <= datetime.timedelta(minutes=15)
    assert "cases.chase_suicide_reports" in app.tasks


def test_the_task_chases_as_a_named_job(cast, clock):
    from cases.tasks import chase_suicide_reports as task

    report = record(cast, general(cast))
    clock.move_to(KNOWN + 24 * H, tick=False)
    assert task() == 3
    assert task() == 0
    assert stage(report, "24h").count() == 2
