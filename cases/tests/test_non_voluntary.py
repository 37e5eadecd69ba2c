"""Non-voluntary cases (附件四) end to end: the supervisor's report, the risk assessment and its two
branches (emergency; encouragement → willing or unwilling), continuing care of at least 3 and up to
6 months (an early close needs a reason and the convener's approval; the 6-month review extends it
with a reason), the report to the safety-and-health team, and what the unit supervisor does and sees."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.models import CareTeamMember, Position
from agencies.roles import Role
from agencies.tests.factories import EmployeeFactory, RoleFactory, UserFactory
from cases import access
from cases.actions import allowed_actions, record_action
from cases.crisis import report_incident
from cases.models import (
    SUPERVISOR_ACTIONS,
    ActionKind,
    Case,
    CaseAction,
    CaseKind,
    CaseState,
    EntryKind,
    Origin,
)
from cases.non_voluntary import (
    REVIEW_KIND,
    approve_early_close,
    extend_care,
    minimum_care_ends,
    months_after,
    report_non_voluntary,
    report_to_safety_health,
    request_early_close,
)
from cases.opening import assign, open_duties_of
from cases.referrals import refer_employee
from cases.tests.factories import open_general_case
from cases.workflow import IllegalMove, check_move, move_case
from core.actors import acting_as
from core.models import Duty, DutyState, Notification
from core.notifications import headline_for

TAIPEI = ZoneInfo("Asia/Taipei")
D = datetime.date
S = CaseState


def at(year, month, day, hour=9, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def clock(time_machine):
    """Monday 3 March 2025, 09:00 in Taipei."""
    time_machine.move_to(at(2025, 3, 3), tick=False)
    return time_machine


def run(user, function, *args, **kwargs):
    with acting_as(user):
        return function(*args, by=user, **kwargs)


def reported(cast, observations="連續兩週情緒激動，談話中拒絕協助"):
    """The supervisor's report, then the convener assigns the care member."""
    supervisor = cast.a_supervisor
    case = run(supervisor.user, report_non_voluntary, supervisor, cast.a_employee, observations=observations)
    run(cast.a_convener.user, assign, case, cast.a_care_member.user)
    return Case.objects.get(pk=case.pk)


def move(cast, case, *states, who="a_care_member"):
    user = getattr(cast, who).user
    for state in states:
        run(user, move_case, case, state, reason="依附件四流程")
    return Case.objects.get(pk=case.pk)


def act(cast, case, kind, who="a_care_member", **kwargs):
    return run(getattr(cast, who).user, record_action, case, kind=kind, **kwargs)


def in_care(cast, branch="unwilling"):
    case = move(cast, reported(cast), S.RISK_ASSESSED)
    if branch == "emergency":
        return move(cast, case, S.EMERGENCY, S.CONTINUING_CARE)
    return move(cast, case, S.ENCOURAGED, S.CONTINUING_CARE)


def review_duties(case):
    return Duty.objects.filter(kind=REVIEW_KIND, subject_id=str(case.pk)).order_by("pk")


# --- The report ------------------------------------------------------------------------------

def test_the_supervisor_reports_and_the_talk_is_the_first_step(cast, clock):
    supervisor = cast.a_supervisor
    case = run(supervisor.user, report_non_voluntary, supervisor, cast.a_employee, observations="情緒激動，拒絕協助")
    assert (case.kind, case.origin, case.state) == (CaseKind.NON_VOLUNTARY, Origin.SUPERVISOR_REPORT, S.REPORTED)
    assert case.subject == cast.a_employee and case.referring_supervisor == supervisor
    assert case.team == cast.a_team and case.summary == "情緒激動，拒絕協助"
    talk = case.actions.get()
    assert talk.kind == ActionKind.SUPERVISOR_TALK and talk.by == supervisor.user and talk.stage == S.REPORTED
    assert talk.note == "情緒激動，拒絕協助"
    intake = open_duties_of(case).get()
    assert intake.kind == "case_intake" and intake.urgent and intake.assignee == cast.a_convener.user
    assert list(case.timeline.values_list("kind", flat=True)) == [EntryKind.OPENED, EntryKind.ACTION]


def test_only_the_employees_own_supervisor_reports_and_says_what_they_noticed(cast, clock):
    with pytest.raises(PermissionDenied):
        run(cast.b_supervisor.user, report_non_voluntary, cast.b_supervisor, cast.a_employee, observations="x")
    with pytest.raises(PermissionDenied):  # not a supervisor
        run(cast.a_care_member.user, report_non_voluntary, cast.a_care_member, cast.a_employee, observations="x")
    with pytest.raises(ValidationError):
        run(cast.a_supervisor.user, report_non_voluntary, cast.a_supervisor, cast.a_employee, observations="  ")
    assert not Case.objects.exists()


# --- The emergency branch --------------------------------------------------------------------

def test_the_emergency_branch_end_to_end(cast, clock):
    case = move(cast, reported(cast), S.RISK_ASSESSED, S.EMERGENCY)
    steps = [ActionKind.HOSPITAL_ESCORT, ActionKind.FAMILY_CONTACTED, ActionKind.SUPERIOR_NOTIFIED,
             ActionKind.COLLEAGUE_VISIT, ActionKind.COUNSELING_ARRANGED]
    for minutes, kind in enumerate(steps):
        act(cast, case, kind, at=at(2025, 3, 3, 8, minutes), note="已處理")
    recorded = case.actions.exclude(kind=ActionKind.SUPERVISOR_TALK)
    assert [a.kind for a in recorded] == steps
    assert {(a.stage, a.by) for a in recorded} == {(S.EMERGENCY, cast.a_care_member.user)}
    assert recorded.first().at == at(2025, 3, 3, 8, 0)

    case = move(cast, case, S.CONTINUING_CARE)
    assert case.care_started_on == D(2025, 3, 3) and minimum_care_ends(case) == D(2025, 6, 3)
    assert case.timeline.filter(kind=EntryKind.CARE).count() == 1
    act(cast, case, ActionKind.RETURN_ASSESSMENT, note="單位主管與人事評估復職")
    act(cast, case, ActionKind.WORK_ADJUSTMENT, note="調整為內勤")
    assert case.actions.get(kind=ActionKind.WORK_ADJUSTMENT).stage == S.CONTINUING_CARE

    clock.move_to(at(2025, 6, 3), tick=False)
    case = move(cast, case, S.CLOSED)
    assert case.state == S.CLOSED and case.closed_at == at(2025, 6, 3)
    assert not review_duties(case).filter(state=DutyState.OPEN).exists()  # closing ends the review duty


# --- The encouragement branch ----------------------------------------------------------------

def test_encouraged_willing_then_in_service_then_closed(cast, clock):
    case = move(cast, reported(cast), S.RISK_ASSESSED, S.ENCOURAGED)
    act(cast, case, ActionKind.ENCOURAGEMENT, note="說明 EAP 服務")
    case = move(cast, case, S.IN_SERVICE)
    act(cast, case, ActionKind.WORK_ADJUSTMENT, note="暫時減少外勤")
    assert case.care_started_on is None and not review_duties(case).exists()
    case = move(cast, case, S.CLOSED)  # no continuing care: no 3-month minimum
    assert case.state == S.CLOSED
    kinds = dict(case.actions.values_list("kind", "stage"))
    assert kinds[ActionKind.ENCOURAGEMENT] == S.ENCOURAGED and kinds[ActionKind.WORK_ADJUSTMENT] == S.IN_SERVICE


def test_encouraged_unwilling_then_continuing_care_by_supervisor_and_team(cast, clock):
    case = in_care(cast, "unwilling")
    assert case.state == S.CONTINUING_CARE and case.care_started_on == D(2025, 3, 3)
    act(cast, case, ActionKind.INTENSIFIED_CARE, who="a_supervisor", note="每日關心")
    act(cast, case, ActionKind.TEAM_ACCOMPANIMENT, note="傾聽陪伴")
    act(cast, case, ActionKind.FAMILY_INFORMED, who="a_supervisor", note="告知配偶")
    act(cast, case, ActionKind.WORK_ADJUSTMENT, who="a_supervisor", note="調整工作量")
    rows = list(case.actions.filter(stage=S.CONTINUING_CARE).values_list("kind", "by"))
    assert rows == [(ActionKind.INTENSIFIED_CARE, cast.a_supervisor.user.pk),
                    (ActionKind.TEAM_ACCOMPANIMENT, cast.a_care_member.user.pk),
                    (ActionKind.FAMILY_INFORMED, cast.a_supervisor.user.pk),
                    (ActionKind.WORK_ADJUSTMENT, cast.a_supervisor.user.pk)]
    case = move(cast, case, S.IN_SERVICE)  # they later accept help
    assert case.state == S.IN_SERVICE


@pytest.mark.parametrize("start, refused", [
    (S.REPORTED, [S.EMERGENCY, S.ENCOURAGED, S.CONTINUING_CARE, S.IN_SERVICE, S.CLOSED]),
    (S.RISK_ASSESSED, [S.CONTINUING_CARE, S.IN_SERVICE, S.CLOSED, S.REPORTED]),
    (S.EMERGENCY, [S.CLOSED, S.IN_SERVICE, S.ENCOURAGED]),
    (S.ENCOURAGED, [S.CLOSED, S.EMERGENCY]),
])
def test_moves_off_the_flowchart_are_refused_and_change_nothing(cast, clock, start, refused):
    case = reported(cast)
    path = {S.REPORTED: [], S.RISK_ASSESSED: [S.RISK_ASSESSED], S.EMERGENCY: [S.RISK_ASSESSED, S.EMERGENCY],
            S.ENCOURAGED: [S.RISK_ASSESSED, S.ENCOURAGED]}[start]
    case = move(cast, case, *path)
    entries = case.timeline.count()
    for to in refused:
        with pytest.raises(IllegalMove):
            move(cast, case, to)
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == start and stored.timeline.count() == entries and stored.care_started_on is None


def test_a_move_needs_a_reason_and_someone_working_on_the_case(cast, clock):
    case = reported(cast)
    with acting_as(cast.a_care_member.user), pytest.raises(IllegalMove):
        move_case(case, S.RISK_ASSESSED, by=cast.a_care_member.user, reason=" ")
    for outsider in (cast.a_supervisor.user, cast.a_safety_health.user, cast.b_eap_officer.user):
        with acting_as(outsider), pytest.raises(PermissionDenied):
            move_case(case, S.RISK_ASSESSED, by=outsider, reason="x")
    assert Case.objects.get(pk=case.pk).state == S.REPORTED


# --- The 3-month minimum -----------------------------------------------------------------------

def test_closing_before_three_months_is_refused(cast, clock):
    case = in_care(cast)
    assert check_move(case, S.CLOSED)
    clock.move_to(at(2025, 6, 2, 17, 0), tick=False)  # the day before 3 months
    with pytest.raises(IllegalMove):
        move(cast, case, S.CLOSED)
    assert Case.objects.get(pk=case.pk).state == S.CONTINUING_CARE


def test_after_three_months_closing_needs_no_approval(cast, clock):
    case = in_care(cast)
    clock.move_to(at(2025, 6, 3, 8, 0), tick=False)
    assert check_move(case, S.CLOSED) is None
    case = move(cast, case, S.CLOSED)
    assert case.state == S.CLOSED and case.early_close_approved_at is None


def test_an_early_close_needs_a_reason_and_the_conveners_approval(cast, clock):
    case = in_care(cast)
    member, convener = cast.a_care_member.user, cast.a_convener.user
    with pytest.raises(ValidationError):
        run(convener, approve_early_close, case)  # nobody asked
    with pytest.raises(ValidationError):
        run(member, request_early_close, case, reason="   ")
    with pytest.raises(PermissionDenied):
        run(cast.b_eap_officer.user, request_early_close, case, reason="x")

    clock.move_to(at(2025, 4, 1), tick=False)
    run(member, request_early_close, case, reason="已轉由醫院長期治療")
    case = Case.objects.get(pk=case.pk)
    assert case.early_close_reason == "已轉由醫院長期治療" and case.early_close_requested_by == member
    with pytest.raises(IllegalMove):  # asked, not approved
        move(cast, case, S.CLOSED)
    for not_convener in (member, cast.a_eap_officer.user, cast.b_convener.user, cast.a_supervisor.user):
        with pytest.raises(PermissionDenied):
            run(not_convener, approve_early_close, case)
    assert Case.objects.get(pk=case.pk).early_close_approved_at is None

    run(convener, approve_early_close, case)
    case = Case.objects.get(pk=case.pk)
    assert case.early_close_approved_by == convener and case.early_close_approved_at == at(2025, 4, 1)
    reasons = list(case.timeline.filter(kind=EntryKind.CARE).values_list("by", flat=True))
    assert reasons == [member.pk, member.pk, convener.pk]  # started, asked, approved
    case = move(cast, case, S.CLOSED)
    assert case.state == S.CLOSED


def test_a_new_request_withdraws_an_earlier_approval(cast, clock):
    case = in_care(cast)
    run(cast.a_care_member.user, request_early_close, case, reason="轉介醫療")
    run(cast.a_convener.user, approve_early_close, case)
    run(cast.a_care_member.user, request_early_close, case, reason="另一個理由")
    with pytest.raises(IllegalMove):
        move(cast, Case.objects.get(pk=case.pk), S.CLOSED)


def test_a_case_reopened_into_continuing_care_starts_a_new_episode(cast, clock):
    """Reopened after closing, care is a new episode: its own 3-month minimum and 6-month review,
    and an earlier approval to close early no longer holds."""
    case = in_care(cast)
    clock.move_to(at(2025, 4, 1), tick=False)
    case = move(cast, case, S.IN_SERVICE, S.CLOSED)
    assert not review_duties(case).filter(state="open").exists()
    clock.move_to(at(2025, 5, 1), tick=False)
    case = move(cast, case, S.CONTINUING_CARE)  # reopened into continuing care
    stored = Case.objects.get(pk=case.pk)
    assert stored.care_started_on == D(2025, 5, 1) and minimum_care_ends(stored) == D(2025, 8, 1)
    assert stored.early_close_approved_at is None and stored.early_close_reason == ""
    assert case.timeline.filter(kind=EntryKind.CARE).count() == 2
    assert review_duties(case).filter(state="open").count() == 1
    with pytest.raises(IllegalMove):  # before 3 months from the new start
        move(cast, case, S.CLOSED)


@pytest.mark.parametrize("day, months, expected", [
    (D(2025, 3, 3), 3, D(2025, 6, 3)),
    (D(2025, 3, 3), 6, D(2025, 9, 3)),
    (D(2025, 11, 30), 3, D(2026, 2, 28)),
    (D(2023, 11, 30), 3, D(2024, 2, 29)),
    (D(2025, 8, 31), 6, D(2026, 2, 28)),
    (D(2025, 1, 31), 3, D(2025, 4, 30)),
    (D(2025, 10, 15), 3, D(2026, 1, 15)),
])
def test_months_after(day, months, expected):
    assert months_after(day, months) == expected


# --- The 6-month review ----------------------------------------------------------------------

def test_the_team_has_a_review_duty_due_at_six_months(cast, clock):
    case = in_care(cast, "emergency")
    duty = review_duties(case).get()
    assert duty.state == DutyState.OPEN and duty.team == cast.a_team and duty.person == cast.a_employee
    assert duty.assignee == cast.a_convener.user  # the team's intake
    assert duty.due_at == at(2025, 9, 3, 17, 30)
    assert duty.agency == cast.a


def test_extending_care_settles_the_review_and_sets_the_next(cast, clock):
    case = in_care(cast)
    first = review_duties(case).get()
    clock.move_to(at(2025, 9, 3), tick=False)
    with pytest.raises(ValidationError):
        run(cast.a_care_member.user, extend_care, case, reason="  ")
    with pytest.raises(PermissionDenied):
        run(cast.a_supervisor.user, extend_care, case, reason="x")
    assert Duty.objects.get(pk=first.pk).state == DutyState.OPEN
    nxt = run(cast.a_care_member.user, extend_care, case, reason="仍需陪伴，延長三個月")
    first = Duty.objects.get(pk=first.pk)
    assert first.state == DutyState.DONE and first.outcome == "仍需陪伴，延長三個月"
    assert first.done_by == cast.a_care_member.user
    assert nxt.kind == REVIEW_KIND and nxt.state == DutyState.OPEN and nxt.due_at == at(2025, 12, 3, 17, 30)
    assert list(review_duties(case).filter(state=DutyState.OPEN)) == [nxt]
    extended = case.actions.get(kind=ActionKind.CARE_EXTENDED)
    assert extended.note == "仍需陪伴，延長三個月" and extended.by == cast.a_care_member.user


def test_care_is_extended_only_while_in_care(cast, clock):
    case = move(cast, reported(cast), S.RISK_ASSESSED)
    with pytest.raises(ValidationError):
        run(cast.a_care_member.user, extend_care, case, reason="x")
    closed = in_care(cast)
    clock.move_to(at(2025, 6, 3), tick=False)
    closed = move(cast, closed, S.CLOSED)
    with pytest.raises(ValidationError):
        run(cast.a_care_member.user, extend_care, closed, reason="x")


# --- The safety-and-health team --------------------------------------------------------------

def safety_member(agency, username):
    employee = EmployeeFactory(agency=agency, user=UserFactory(username=username))
    RoleFactory(user=employee.user, role=Role.SAFETY_HEALTH, agency=agency)
    return employee.user


def test_each_safety_health_member_is_told_once_without_content(cast, clock):
    second = safety_member(cast.a, "a_safety_health_2")
    above = safety_member(cast.city, "city_safety_health")
    case = reported(cast)
    run(cast.a_supervisor.user, report_to_safety_health, case)
    stored = Case.objects.get(pk=case.pk)
    assert stored.safety_health_reported_at == at(2025, 3, 3)
    assert stored.timeline.filter(kind=EntryKind.SAFETY_HEALTH, by=cast.a_supervisor.user).count() == 1
    told = Notification.objects.filter(kind="safety_health_report")
    assert sorted(n.recipient.username for n in told) == sorted(
        [cast.a_safety_health.user.username, second.username, above.username])
    for notification in told:
        assert notification.link == reverse("safety_case", args=[case.pk])
        assert "情緒" not in str(headline_for(notification.kind))
    assert not told.filter(recipient=cast.b_safety_health.user).exists()

    with pytest.raises(ValidationError):  # once
        run(cast.a_care_member.user, report_to_safety_health, case)
    assert Notification.objects.filter(kind="safety_health_report").count() == 3


def test_only_serious_cases_by_those_working_on_them_are_reported(cast, clock):
    general = open_general_case(cast)
    with pytest.raises(ValidationError):
        run(cast.a_eap_officer.user, report_to_safety_health, general)
    case = reported(cast)
    for outsider in (cast.b_supervisor.user, cast.a_safety_health.user, cast.a_agency_hr.user, cast.a_employee.user):
        with pytest.raises(PermissionDenied):
            run(outsider, report_to_safety_health, case)
    assert Case.objects.get(pk=case.pk).safety_health_reported_at is None
    assert not Notification.objects.filter(kind="safety_health_report").exists()


def test_a_safety_health_member_who_is_the_subject_is_not_told(cast, clock):
    subject_member = safety_member(cast.a, "a_safety_subject")
    employee = subject_member.employee
    employee.direct_supervisor = cast.a_supervisor
    employee.save()
    case = run(cast.a_supervisor.user, report_non_voluntary, cast.a_supervisor, employee, observations="情緒激動")
    run(cast.a_supervisor.user, report_to_safety_health, case)
    assert not Notification.objects.filter(kind="safety_health_report", recipient=subject_member).exists()
    assert Notification.objects.filter(kind="safety_health_report", recipient=cast.a_safety_health.user).exists()
    assert not access.cases_for_safety_health(subject_member, Case.objects.all()).exists()


def test_safety_health_sees_only_reported_cases_of_its_agency(cast, clock):
    reported_case = reported(cast)
    run(cast.a_supervisor.user, report_to_safety_health, reported_case)
    other_employee = EmployeeFactory(agency=cast.a, direct_supervisor=cast.a_supervisor)
    unreported = run(cast.a_supervisor.user, report_non_voluntary, cast.a_supervisor, other_employee,
                     observations="情緒激動")
    b_case = run(cast.b_supervisor.user, report_non_voluntary, cast.b_supervisor, cast.b_employee,
                 observations="情緒激動")
    run(cast.b_supervisor.user, report_to_safety_health, b_case)
    seen = set(access.cases_for_safety_health(cast.a_safety_health.user, Case.objects.all()))
    assert seen == {reported_case}
    assert unreported not in seen
    assert set(access.cases_for_safety_health(cast.b_safety_health.user, Case.objects.all())) == {b_case}
    for nobody in (cast.a_eap_officer.user, cast.a_supervisor.user, cast.city_hr.user, cast.nobody):
        assert not access.cases_for_safety_health(nobody, Case.objects.all()).exists()
    # Being told is not working on the case.
    assert not access.can_work_on(cast.a_safety_health.user, reported_case)


# --- The unit supervisor ---------------------------------------------------------------------

def test_the_supervisor_records_only_supervisor_steps(cast, clock):
    case = in_care(cast)
    supervisor = cast.a_supervisor.user
    # Their own steps that belong to a non-voluntary case ("agency head informed" is a crisis step).
    own_steps = [kind for kind in SUPERVISOR_ACTIONS if kind != ActionKind.AGENCY_HEAD_INFORMED]
    assert allowed_actions(case, supervisor) == own_steps
    assert not access.can_work_on(supervisor, case) and access.supervises(supervisor, case)
    for kind in own_steps:
        action = act(cast, case, kind, who="a_supervisor")
        assert action.by == supervisor
    for team_only in (ActionKind.HOSPITAL_ESCORT, ActionKind.TEAM_ACCOMPANIMENT, ActionKind.COUNSELING_ARRANGED,
                      ActionKind.CARE_EXTENDED, ActionKind.AGENCY_HEAD_INFORMED):
        with pytest.raises(ValidationError):
            act(cast, case, team_only, who="a_supervisor")
    for outsider in ("b_supervisor", "a_safety_health", "a_agency_head"):
        assert allowed_actions(case, getattr(cast, outsider).user) == []
        with pytest.raises(PermissionDenied):
            act(cast, case, ActionKind.INTENSIFIED_CARE, who=outsider)
    assert CaseAction.objects.filter(case=case, by=supervisor).count() == len(own_steps) + 1  # + the talk


def test_the_team_records_any_step_of_the_kind_and_not_in_the_future(cast, clock):
    case = in_care(cast)
    with pytest.raises(ValidationError):
        act(cast, case, ActionKind.POLICE_FIRE)  # a crisis step
    with pytest.raises(ValidationError):
        act(cast, case, ActionKind.INTENSIFIED_CARE, at=at(2025, 3, 3, 9, 1))
    assert not case.actions.filter(kind=ActionKind.INTENSIFIED_CARE).exists()


def test_a_closed_case_takes_no_steps(cast, clock):
    case = in_care(cast)
    clock.move_to(at(2025, 6, 3), tick=False)
    case = move(cast, case, S.CLOSED)
    with pytest.raises(ValidationError):
        act(cast, case, ActionKind.INTENSIFIED_CARE, who="a_supervisor")


def test_the_supervisor_lists_only_their_serious_cases(cast, clock):
    mine = reported(cast)
    supervisor = cast.a_supervisor
    with acting_as(supervisor.user):
        referral = refer_employee(supervisor, cast.a_employee, by=supervisor.user, observations="常請假")
    with acting_as(supervisor.user):
        crisis = report_incident(agency=cast.a, by=supervisor.user, summary="工地墜落", supervisor=supervisor)
    other_supervisor = EmployeeFactory(agency=cast.a, is_supervisor=True, user=UserFactory(username="a_sup2"))
    someone = EmployeeFactory(agency=cast.a, direct_supervisor=other_supervisor)
    theirs = run(other_supervisor.user, report_non_voluntary, other_supervisor, someone, observations="情緒激動")
    b_case = run(cast.b_supervisor.user, report_non_voluntary, cast.b_supervisor, cast.b_employee, observations="x")
    general = open_general_case(cast)
    listed = set(access.cases_supervised_by(supervisor.user, Case.objects.all()))
    assert listed == {mine, crisis}
    assert not listed & {referral, theirs, b_case, general}
    assert set(access.cases_supervised_by(other_supervisor.user, Case.objects.all())) == {theirs}
    for nobody in (cast.a_eap_officer.user, cast.nobody, cast.provider):
        assert not access.cases_supervised_by(nobody, Case.objects.all()).exists()
    # Supervising is not reading: the case page stays closed to them.
    assert not Case.objects.visible_to(supervisor.user).filter(pk=mine.pk).exists()


def test_a_supervisor_who_is_affected_no_longer_supervises_the_crisis(cast, clock):
    supervisor = cast.a_supervisor
    with acting_as(supervisor.user):
        crisis = report_incident(agency=cast.a, by=supervisor.user, summary="辦公室衝突", supervisor=supervisor,
                                 people=[cast.a_employee, supervisor])
    assert not access.supervises(supervisor.user, crisis)
    assert allowed_actions(crisis, supervisor.user) == []


def test_a_team_member_who_is_not_the_convener_cannot_approve(cast, clock):
    """A member of the team who is not its convener cannot approve, even when they are assigned."""
    deputy = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_member_2")).user
    CareTeamMember.objects.create(team=cast.a_team, user=deputy, position=Position.MEMBER, since=D(2020, 1, 1))
    case = in_care(cast)
    run(cast.a_convener.user, assign, case, deputy)
    run(deputy, request_early_close, case, reason="轉介醫療")
    with pytest.raises(PermissionDenied):
        run(deputy, approve_early_close, case)


def test_an_early_close_is_asked_only_in_continuing_care(cast, clock):
    """An approval given before care starts would let the case skip its 3 months later."""
    case = move(cast, reported(cast), S.RISK_ASSESSED, S.EMERGENCY)
    with pytest.raises(ValidationError):
        run(cast.a_care_member.user, request_early_close, case, reason="提早結案")
    case = move(cast, case, S.CONTINUING_CARE)
    assert Case.objects.get(pk=case.pk).early_close_reason == ""
    with pytest.raises(IllegalMove):
        move(cast, case, S.CLOSED)
