"""Follow-ups (DOMAIN §6): a next date on a day off moves to the next working day and says so; it
becomes a duty of the person who follows up, overseen by the convener, reminded on the day and
escalated once when overdue; the next follow-up settles it. Paper files, and an absent member's
acting deputy."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.models import CareTeamMember, Position
from agencies.tests.factories import EmployeeFactory, UserFactory
from cases.follow_ups import list_paper_file, log_follow_up
from cases.models import AssignmentRole, Case, CaseAssignment, CaseState, EntryKind, FollowUp, PaperFile
from cases.opening import assign, hand_cases_to_deputy, open_case, open_duties_of
from cases.referrals import record_assessment
from cases.tests.factories import assigned_case
from cases.workflow import move_case
from core.actors import acting_as
from core.duties import escalate_overdue_duties, record_absence, send_duty_reminders
from core.models import DayException, DayKind, Duty, DutyState, EscalationTarget, Notification

TAIPEI = ZoneInfo("Asia/Taipei")
D = datetime.date


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def clock(time_machine):
    """Monday 3 March 2025, 09:00 in Taipei."""
    time_machine.move_to(at(3, 3), tick=False)
    return time_machine


@pytest.fixture
def case(cast, clock):
    return assigned_case(cast)


def follow_up(cast, case, who="a_care_member", on=D(2025, 3, 3), next_on=None, **kwargs):
    user = getattr(cast, who).user
    fields = dict(on=on, contact_type="phone", what_happened="電話關懷，睡眠改善", person_state="穩定", next_on=next_on)
    fields.update(kwargs)
    with acting_as(user):
        return log_follow_up(case, by=user, **fields)


def follow_up_duties(case):
    return Duty.objects.filter(kind="case_follow_up", subject_id=str(case.pk))


# --- The next date ---------------------------------------------------------------------------

@pytest.mark.parametrize("asked, moved_to", [
    (D(2025, 3, 8), D(2025, 3, 10)),   # Saturday → Monday
    (D(2025, 3, 9), D(2025, 3, 10)),   # Sunday → Monday
    (D(2025, 4, 3), D(2025, 4, 7)),    # Children's Day (observed), then 4/4 and the weekend
    (D(2025, 2, 28), D(2025, 3, 3)),   # Peace Memorial Day, Friday → Monday (asked in February)
])
def test_a_next_date_on_a_day_off_moves_to_the_next_working_day(cast, time_machine, asked, moved_to):
    time_machine.move_to(at(2, 20), tick=False)
    case = assigned_case(cast)
    entry = follow_up(cast, case, on=D(2025, 2, 20), next_on=asked)
    assert entry.next_on == moved_to and entry.next_asked_for == asked
    assert entry.duty.due_at == datetime.datetime.combine(moved_to, datetime.time(17, 30), tzinfo=TAIPEI)


def test_a_working_day_stays_and_records_nothing_asked_for(cast, case):
    entry = follow_up(cast, case, next_on=D(2025, 3, 5))
    assert entry.next_on == D(2025, 3, 5) and entry.next_asked_for is None


def test_a_declared_typhoon_day_moves_the_date(cast, case):
    DayException.objects.create(day=D(2025, 3, 12), kind=DayKind.DAY_OFF, reason="颱風停班")
    entry = follow_up(cast, case, next_on=D(2025, 3, 12))
    assert entry.next_on == D(2025, 3, 13) and entry.next_asked_for == D(2025, 3, 12)


def test_a_typhoon_day_of_another_agency_does_not(cast, case):
    DayException.objects.create(day=D(2025, 3, 12), kind=DayKind.DAY_OFF, agency=cast.b, reason="乙區停班")
    entry = follow_up(cast, case, next_on=D(2025, 3, 12))
    assert entry.next_on == D(2025, 3, 12) and entry.next_asked_for is None


def test_a_typhoon_day_of_the_agency_and_a_make_up_working_saturday(cast, case):
    DayException.objects.create(day=D(2025, 3, 14), kind=DayKind.DAY_OFF, agency=cast.a, reason="颱風停班")
    DayException.objects.create(day=D(2025, 3, 15), kind=DayKind.WORKING_DAY, reason="補班")
    entry = follow_up(cast, case, next_on=D(2025, 3, 14))
    assert entry.next_on == D(2025, 3, 15) and entry.next_asked_for == D(2025, 3, 14)
    entry = follow_up(cast, case, next_on=D(2025, 3, 15))
    assert entry.next_on == D(2025, 3, 15) and entry.next_asked_for is None


# --- The duty --------------------------------------------------------------------------------

def test_the_next_date_is_a_duty_of_the_assigned_member_overseen_by_the_convener(cast, case):
    entry = follow_up(cast, case, next_on=D(2025, 3, 8))
    duty = entry.duty
    assert duty.kind == "case_follow_up" and duty.is_open
    assert duty.assignee == cast.a_care_member.user and duty.team == cast.a_team
    assert duty.person == cast.a_employee and duty.agency == cast.a
    assert duty.subject_id == str(case.pk) and duty.escalate_to == EscalationTarget.CONVENER
    assert duty.due_at == at(3, 10, 17, 30)
    assert Duty.objects.visible_to(cast.a_convener.user).filter(pk=duty.pk).exists()
    assert Duty.objects.visible_to(cast.a_care_member.user).filter(pk=duty.pk).exists()
    assert not Duty.objects.visible_to(cast.a_employee.user).filter(pk=duty.pk).exists()
    assert not Duty.objects.visible_to(cast.b_convener.user).filter(pk=duty.pk).exists()
    stored = FollowUp.objects.get(pk=entry.pk)
    assert stored.what_happened == "電話關懷，睡眠改善" and stored.by == cast.a_care_member.user
    assert case.timeline.filter(kind=EntryKind.FOLLOW_UP).count() == 1


def test_a_follow_up_logged_by_the_convener_is_due_from_the_assigned_member(cast, case):
    entry = follow_up(cast, case, who="a_convener", next_on=D(2025, 3, 5))
    assert entry.duty.assignee == cast.a_care_member.user and entry.by == cast.a_convener.user


def test_with_no_one_assigned_the_duty_goes_to_the_team_intake(cast, clock):
    by = cast.a_eap_officer.user
    with acting_as(by):
        case = open_case(kind="general", origin="self_applied", subject=cast.a_employee, by=by)
    entry = follow_up(cast, case, who="a_eap_officer", next_on=D(2025, 3, 5))
    assert entry.duty.assignee == cast.a_convener.user and entry.duty.team == cast.a_team


def test_the_reminder_goes_once_on_the_morning_it_is_due(cast, case):
    duty = follow_up(cast, case, next_on=D(2025, 3, 8)).duty  # due Monday 10 March 17:30
    reminders = Notification.objects.filter(kind="duty_reminder")
    with acting_as("task:send_duty_reminders"):
        assert send_duty_reminders(now=at(3, 7, 17, 0)) == 0
        assert send_duty_reminders(now=at(3, 10, 8, 29)) == 0
        assert not reminders.exists()
        assert send_duty_reminders(now=at(3, 10, 8, 30)) == 1
        assert send_duty_reminders(now=at(3, 10, 12, 0)) == 0
    assert list(reminders.values_list("recipient", flat=True)) == [cast.a_care_member.user.pk]
    duty.refresh_from_db()
    assert duty.reminded_at == at(3, 10, 8, 30)


def test_an_overdue_follow_up_is_escalated_to_the_convener_once(cast, case):
    duty = follow_up(cast, case, next_on=D(2025, 3, 8)).duty
    escalations = Notification.objects.filter(kind="duty_escalated")
    with acting_as("task:escalate_overdue_duties"):
        assert escalate_overdue_duties(now=at(3, 10, 17, 31)) == 0  # overdue, not yet escalated
        assert escalate_overdue_duties(now=at(3, 11, 8, 59)) == 0
        assert escalate_overdue_duties(now=at(3, 11, 9, 0)) == 1
        assert escalate_overdue_duties(now=at(3, 11, 9, 5)) == 0
        assert escalate_overdue_duties(now=at(3, 12, 9, 0)) == 0
    assert list(escalations.values_list("recipient", flat=True)) == [cast.a_convener.user.pk]
    duty.refresh_from_db()
    assert duty.escalated_at == at(3, 11, 9, 0) and duty.is_open


def test_a_follow_up_logged_in_time_is_neither_reminded_nor_escalated(cast, case, clock):
    follow_up(cast, case, next_on=D(2025, 3, 10))
    clock.move_to(at(3, 10, 8, 0), tick=False)
    follow_up(cast, case, on=D(2025, 3, 10))  # logged on the morning it was due, no next date
    with acting_as("task:duties"):
        assert send_duty_reminders(now=at(3, 10, 8, 30)) == 0
        assert escalate_overdue_duties(now=at(3, 11, 9, 0)) == 0
    assert not Notification.objects.filter(kind__in=["duty_reminder", "duty_escalated"]).exists()


def test_the_next_follow_up_settles_the_previous_duty(cast, case, clock):
    first = follow_up(cast, case, next_on=D(2025, 3, 5))
    clock.move_to(at(3, 5, 10), tick=False)
    second = follow_up(cast, case, who="a_convener", on=D(2025, 3, 5), next_on=D(2025, 3, 12))
    first.duty.refresh_from_db()
    assert first.duty.state == DutyState.DONE and first.duty.done_by == cast.a_convener.user
    assert list(open_duties_of(case).filter(kind="case_follow_up")) == [second.duty]
    assert follow_up_duties(case).count() == 2


def test_closing_the_case_cancels_the_follow_up_duty(cast, case):
    duty = follow_up(cast, case, next_on=D(2025, 3, 5)).duty
    member = cast.a_care_member.user
    with acting_as(member):
        record_assessment(case, by=member, assessment="不需要服務")
        move_case(case, CaseState.CLOSED, by=member, reason="同仁婉拒")
    duty.refresh_from_db()
    assert duty.state == DutyState.CANCELLED
    with acting_as("task:duties"):
        assert send_duty_reminders(now=at(3, 5, 8, 30)) == 0
        assert escalate_overdue_duties(now=at(3, 6, 9, 0)) == 0


# --- Refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    dict(on=D(2025, 3, 4)),                      # in the future
    dict(next_on=D(2025, 3, 3)),                  # the next one today
    dict(next_on=D(2025, 3, 1)),                  # the next one in the past
    dict(what_happened="   "),
])
def test_bad_follow_ups_are_refused(cast, case, fields):
    with pytest.raises(ValidationError):
        follow_up(cast, case, **fields)
    assert not FollowUp.objects.exists() and not follow_up_duties(case).exists()


def test_no_follow_up_on_a_closed_case(cast, case):
    member = cast.a_care_member.user
    with acting_as(member):
        record_assessment(case, by=member, assessment="不需要服務")
        move_case(case, CaseState.CLOSED, by=member, reason="同仁婉拒")
    with pytest.raises(ValidationError):
        follow_up(cast, case, next_on=D(2025, 3, 5))
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("who", ["b_convener", "b_care_member", "a_employee", "a_supervisor", "city_hr"])
def test_only_those_who_work_on_the_case_log_follow_ups(cast, case, who):
    with pytest.raises(PermissionDenied):
        follow_up(cast, case, who=who)
    assert not FollowUp.objects.exists()


def test_an_unassigned_member_cannot_log_a_follow_up(cast, case):
    other = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_member2"))
    CareTeamMember.objects.create(team=cast.a_team, user=other.user, position=Position.MEMBER,
                                  since=D(2020, 1, 1))
    with acting_as(other.user), pytest.raises(PermissionDenied):
        log_follow_up(case, by=other.user, on=D(2025, 3, 3), contact_type="phone", what_happened="x")


# --- Paper files -------------------------------------------------------------------------------

def test_paper_files_are_listed_on_the_timeline(cast, case):
    member = cast.a_care_member.user
    with acting_as(member):
        paper = list_paper_file(case, by=member, description="初談紀錄表", location="人事室 3 號鐵櫃")
    assert PaperFile.objects.get() == paper and paper.listed_by == member and paper.destroyed_on is None
    entry = case.timeline.get(kind=EntryKind.PAPER_FILE)
    # The timeline (read by the safety-and-health team in serious cases) says a file was listed, not which.
    assert entry.by == member and "初談紀錄表" not in entry.reason and "3 號鐵櫃" not in entry.reason
    for description, location in (("  ", "鐵櫃"), ("紀錄表", " ")):
        with acting_as(member), pytest.raises(ValidationError):
            list_paper_file(case, by=member, description=description, location=location)
    with acting_as(cast.b_eap_officer.user), pytest.raises(PermissionDenied):
        list_paper_file(case, by=cast.b_eap_officer.user, description="x", location="y")
    assert PaperFile.objects.count() == 1


# --- A recused convener ----------------------------------------------------------------------

def test_a_follow_up_duty_of_a_complaint_is_not_overseen_by_a_recused_convener(cast, clock):
    respondent = EmployeeFactory(agency=cast.a, user=UserFactory(username="respondent"),
                                 direct_supervisor=cast.a_convener)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        case = open_case(kind="general", origin="misconduct", subject=cast.a_employee, by=officer,
                         respondents=[respondent])
        assign(case, cast.a_care_member.user, by=officer)
    duty = follow_up(cast, case, next_on=D(2025, 3, 5)).duty
    assert duty.assignee == cast.a_care_member.user
    assert not Duty.objects.visible_to(cast.a_convener.user).filter(subject_id=str(case.pk)).exists()
    with acting_as("task:duties"):
        escalate_overdue_duties(now=at(3, 6, 9, 0))
    assert not Notification.objects.filter(recipient=cast.a_convener.user, kind="duty_escalated").exists()


# --- The acting deputy -------------------------------------------------------------------------

@pytest.fixture
def deputy(cast):
    employee = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_deputy"))
    CareTeamMember.objects.create(team=cast.a_team, user=employee.user, position=Position.MEMBER,
                                  since=D(2020, 1, 1))
    return employee.user


def sees(user, case):
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def absence(cast, deputy, starts_on, ends_on):
    convener = cast.a_convener.user
    with acting_as(convener):
        return record_absence(cast.a_team, member=cast.a_care_member.user, deputy=deputy, starts_on=starts_on,
                              ends_on=ends_on, by=convener)


def hand_over(cast, away):
    convener = cast.a_convener.user
    with acting_as(convener):
        return hand_cases_to_deputy(away, by=convener)


def test_the_deputy_acts_on_the_case_until_the_absence_ends(cast, case, deputy, clock):
    duty = follow_up(cast, case, next_on=D(2025, 3, 6)).duty
    assert not sees(deputy, case)
    away = absence(cast, deputy, D(2025, 3, 3), D(2025, 3, 7))
    duty.refresh_from_db()
    assert duty.assignee == deputy and duty.deputy_for == cast.a_care_member.user
    assert hand_over(cast, away) == 1
    acting = CaseAssignment.objects.get(case=case, user=deputy)
    assert acting.acting_for == cast.a_care_member.user and acting.role == AssignmentRole.MEMBER
    assert (acting.since, acting.until) == (D(2025, 3, 3), D(2025, 3, 7))
    assert sees(deputy, case)
    assert Notification.objects.filter(recipient=deputy, kind="case_assigned").exists()
    assert hand_over(cast, away) == 0  # twice hands nothing more
    clock.move_to(at(3, 7, 17), tick=False)
    assert sees(deputy, case)
    clock.move_to(at(3, 8, 9), tick=False)
    assert not sees(deputy, case)
    assert sees(cast.a_care_member.user, case)


def test_ending_an_absence_early_takes_the_case_back_from_the_deputy(cast, case, deputy, clock):
    from core.duties import end_absence

    away = absence(cast, deputy, D(2025, 3, 1), D(2025, 3, 14))
    hand_over(cast, away)
    assert sees(deputy, case)
    clock.move_to(at(3, 5, 9), tick=False)
    convener = cast.a_convener.user
    with acting_as(convener):
        end_absence(away, by=convener)
    assert CaseAssignment.objects.get(case=case, user=deputy).until == D(2025, 3, 4)
    assert not sees(deputy, case)
    assert case.timeline.filter(kind=EntryKind.UNASSIGNED).exists()


def test_a_future_absence_gives_the_deputy_the_case_only_when_it_starts(cast, case, deputy, clock):
    away = absence(cast, deputy, D(2025, 3, 10), D(2025, 3, 14))
    assert hand_over(cast, away) == 1
    assert not sees(deputy, case)
    clock.move_to(at(3, 10, 9), tick=False)
    assert sees(deputy, case)
    clock.move_to(at(3, 15, 9), tick=False)
    assert not sees(deputy, case)


def test_closed_cases_and_other_members_cases_are_not_handed_over(cast, case, deputy):
    by = cast.a_eap_officer.user
    with acting_as(by):
        closed = open_case(kind="general", origin="self_applied", subject=cast.a_supervisor, by=by)
        assign(closed, cast.a_care_member.user, by=by)
        record_assessment(closed, by=by, assessment="不需要")
        move_case(closed, CaseState.CLOSED, by=by, reason="婉拒")
        not_theirs = open_case(kind="general", origin="self_applied", subject=cast.a_sub_employee, by=by)
    away = absence(cast, deputy, D(2025, 3, 3), D(2025, 3, 7))
    assert hand_over(cast, away) == 1
    assert set(CaseAssignment.objects.filter(user=deputy).values_list("case", flat=True)) == {case.pk}
    assert not sees(deputy, closed) and not sees(deputy, not_theirs)


def test_a_deputy_who_is_the_subject_is_not_given_the_case(cast, clock, deputy):
    by = cast.a_eap_officer.user
    deputy_employee = deputy.employee
    with acting_as(by):
        case = open_case(kind="general", origin="self_applied", subject=deputy_employee, by=by)
        assign(case, cast.a_care_member.user, by=by)
    away = absence(cast, deputy, D(2025, 3, 3), D(2025, 3, 7))
    assert hand_over(cast, away) == 0
    assert not sees(deputy, case)


def test_only_the_convener_hands_cases_over(cast, case, deputy):
    away = absence(cast, deputy, D(2025, 3, 3), D(2025, 3, 7))
    for user in (cast.a_eap_officer.user, cast.a_care_member.user, cast.b_convener.user):
        with acting_as(user), pytest.raises(PermissionDenied):
            hand_cases_to_deputy(away, by=user)
    assert not sees(deputy, case)


def test_a_new_case_left_unassigned_by_the_convener_is_escalated_to_the_eap_officer(cast, clock):
    from cases.tests.factories import open_general_case

    case = open_general_case(cast)
    intake = Duty.objects.get(kind="case_intake", subject_id=str(case.pk))
    assert intake.assignee == cast.a_convener.user
    with acting_as("task:escalate_overdue_duties"):
        assert escalate_overdue_duties(now=intake.escalate_at + datetime.timedelta(minutes=1)) == 1
        assert escalate_overdue_duties(now=intake.escalate_at + datetime.timedelta(hours=2)) == 0
    escalated_to = set(Notification.objects.filter(kind="duty_escalated").values_list("recipient", flat=True))
    assert escalated_to == {cast.a_eap_officer.user.pk}
