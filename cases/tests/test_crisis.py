"""Crisis cases (附件五) as incidents: several affected people (employees or not, one deceased), every
notification recorded with its time and who made it, the crisis level assessed and re-assessed (the
case closes only once it is at the lowest), the agency head — and city HR for a first-level agency —
told the fact only, the affected employees recused, and care arranged for an affected employee."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.models import AgencyKind
from agencies.tests.factories import EmployeeFactory
from cases import access
from cases.actions import allowed_actions, record_action
from cases.crisis import add_affected, assess_crisis_level, current_level, report_incident, tell_heads
from cases.models import (
    ActionKind,
    AffectedPerson,
    Case,
    CaseKind,
    CaseService,
    CaseState,
    CrisisLevel,
    CrisisLevelEntry,
    EntryKind,
    Origin,
    Relation,
    ServiceKind,
)
from cases.opening import open_duties_of
from cases.referrals import arrange_service
from cases.screenings import attach_screening, attachable, attached_to
from cases.tests.factories import assigned_case
from cases.workflow import IllegalMove, move_case
from core.actors import acting_as
from core.models import Notification
from counseling.models import Booking, Channel

TAIPEI = ZoneInfo("Asia/Taipei")
S = CaseState


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=TAIPEI)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(at(3, 3), tick=False)
    return time_machine


def run(user, function, *args, **kwargs):
    with acting_as(user):
        return function(*args, by=user, **kwargs)


def incident(cast, agency=None, people=None, who="a_supervisor", summary="工地鷹架倒塌，兩名同仁受傷"):
    user = getattr(cast, who).user
    people = [cast.a_employee] if people is None else people
    with acting_as(user):
        return report_incident(agency=agency or cast.a, by=user, summary=summary, people=people,
                               supervisor=cast.a_supervisor)


def officer(cast):
    return cast.a_eap_officer.user


def move(cast, case, *states):
    for state in states:
        run(officer(cast), move_case, case, state, reason="依附件五流程")
    return Case.objects.get(pk=case.pk)


def crisis_notifications():
    return Notification.objects.filter(kind="crisis_reported")


# --- The incident and the people it affects ----------------------------------------------------

def test_an_incident_records_several_affected_people(cast, clock):
    colleague = EmployeeFactory(agency=cast.a, full_name="王同仁")
    case = incident(cast, people=[cast.a_employee, colleague])
    assert (case.kind, case.origin, case.state) == (CaseKind.CRISIS, Origin.INCIDENT, S.REPORTED)
    assert case.subject is None and case.agency == cast.a and case.team == cast.a_team
    assert case.referring_supervisor == cast.a_supervisor
    father = run(officer(cast), add_affected, case, relation=Relation.FAMILY, name="陳父", deceased=True,
                 note="送醫不治")
    worker = run(officer(cast), add_affected, case, relation=Relation.OTHER, name="承攬商工人")
    people = list(case.affected.order_by("pk"))
    assert [(p.employee, p.relation, p.deceased) for p in people] == [
        (cast.a_employee, Relation.SELF, False), (colleague, Relation.COLLEAGUE, False),
        (None, Relation.FAMILY, True), (None, Relation.OTHER, False)]
    assert father.display_name == "陳父" and father.added_by == officer(cast) and father.note == "送醫不治"
    assert worker.display_name == "承攬商工人" and people[0].display_name == cast.a_employee.full_name
    assert case.timeline.filter(kind=EntryKind.AFFECTED).count() == 4
    intake = open_duties_of(case).get()
    assert intake.urgent and intake.person is None


def test_an_affected_person_is_named_once_and_only_on_a_crisis(cast, clock):
    case = incident(cast)
    with pytest.raises(ValidationError):
        run(officer(cast), add_affected, case, relation=Relation.COLLEAGUE, employee=cast.a_employee)
    with pytest.raises(ValidationError):
        run(officer(cast), add_affected, case, relation=Relation.FAMILY, name="  ")
    with pytest.raises(PermissionDenied):
        run(cast.b_eap_officer.user, add_affected, case, relation=Relation.FAMILY, name="陳母")
    general = assigned_case(cast)
    with pytest.raises(ValidationError):
        run(officer(cast), add_affected, general, relation=Relation.FAMILY, name="陳母")
    assert AffectedPerson.objects.count() == 1


def test_an_incident_says_what_happened(cast, clock):
    with acting_as(cast.a_supervisor.user), pytest.raises(ValidationError):
        report_incident(agency=cast.a, by=cast.a_supervisor.user, summary="  ")
    assert not Case.objects.exists()


# --- Notifications made, with their time and who made them -------------------------------------

def test_each_notification_is_recorded_with_time_and_by_whom(cast, clock):
    case = incident(cast)
    person = case.affected.get()
    steps = [(ActionKind.POLICE_FIRE, at(3, 3, 8, 5)), (ActionKind.HOSPITAL, at(3, 3, 8, 10)),
             (ActionKind.FAMILY_SUPPORTED, at(3, 3, 8, 30)), (ActionKind.SUPERIOR_NOTIFIED, at(3, 3, 8, 40)),
             (ActionKind.RELATED_PARTIES, at(3, 3, 8, 50))]
    for kind, when in steps:
        run(officer(cast), record_action, case, kind=kind, at=when, note="已通知",
            affected=person if kind == ActionKind.FAMILY_SUPPORTED else None)
    head = run(cast.a_supervisor.user, record_action, case, kind=ActionKind.AGENCY_HEAD_INFORMED, at=at(3, 3, 8, 1))
    rows = list(case.actions.values_list("kind", "at", "by", "stage"))
    assert rows == [(ActionKind.AGENCY_HEAD_INFORMED, at(3, 3, 8, 1), cast.a_supervisor.user.pk, S.REPORTED)] + [
        (kind, when, officer(cast).pk, S.REPORTED) for kind, when in steps]
    assert case.actions.get(kind=ActionKind.FAMILY_SUPPORTED).affected == person
    assert head.recorded_at == at(3, 3)
    assert case.timeline.filter(kind=EntryKind.ACTION).count() == 6


def test_a_notification_in_the_future_or_about_someone_elses_case_is_refused(cast, clock):
    case = incident(cast)
    other = incident(cast, people=[cast.a_supervisor], summary="另一事件")
    with pytest.raises(ValidationError):
        run(officer(cast), record_action, case, kind=ActionKind.POLICE_FIRE, at=at(3, 3, 9, 1))
    with pytest.raises(ValidationError):
        run(officer(cast), record_action, case, kind=ActionKind.FAMILY_SUPPORTED, affected=other.affected.get())
    with pytest.raises(ValidationError):  # a non-voluntary step
        run(officer(cast), record_action, case, kind=ActionKind.HOSPITAL_ESCORT)
    with pytest.raises(PermissionDenied):
        run(cast.b_eap_officer.user, record_action, case, kind=ActionKind.POLICE_FIRE)
    assert not case.actions.exists()
    assert ActionKind.POLICE_FIRE in allowed_actions(case, officer(cast))


# --- The crisis level --------------------------------------------------------------------------

def test_the_level_is_assessed_and_reassessed_with_dated_entries(cast, clock):
    case = incident(cast)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.HIGH, reason="有人命危險")
    clock.move_to(at(3, 10), tick=False)
    run(cast.a_convener.user, assess_crisis_level, case, level=CrisisLevel.MEDIUM, reason="傷者穩定")
    entries = list(CrisisLevelEntry.objects.filter(case=case).values_list("level", "assessed_at", "by", "reason"))
    assert entries == [(CrisisLevel.HIGH, at(3, 3), officer(cast).pk, "有人命危險"),
                       (CrisisLevel.MEDIUM, at(3, 10), cast.a_convener.user.pk, "傷者穩定")]
    assert current_level(case).level == CrisisLevel.MEDIUM
    assert case.timeline.filter(kind=EntryKind.CRISIS_LEVEL).count() == 2


def test_a_level_needs_a_valid_level_a_reason_and_a_crisis(cast, clock):
    case = incident(cast)
    with pytest.raises(ValidationError):
        run(officer(cast), assess_crisis_level, case, level=9, reason="x")
    with pytest.raises(ValidationError):
        run(officer(cast), assess_crisis_level, case, level=CrisisLevel.LOW, reason=" ")
    with pytest.raises(PermissionDenied):
        run(cast.a_supervisor.user, assess_crisis_level, case, level=CrisisLevel.LOW, reason="x")
    with pytest.raises(ValidationError):
        run(officer(cast), assess_crisis_level, assigned_case(cast), level=CrisisLevel.LOW, reason="x")
    assert not CrisisLevelEntry.objects.exists()


def test_closing_waits_until_the_latest_level_is_the_lowest(cast, clock):
    case = incident(cast)
    case = move(cast, case, S.ACTIVATED, S.CASUALTY_RESPONSE, S.SUPPORT, S.ADJUSTMENT, S.PERIODIC_CARE)
    with pytest.raises(IllegalMove):  # never assessed
        move(cast, case, S.CLOSED)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.HIGH, reason="傷勢嚴重")
    with pytest.raises(IllegalMove):
        move(cast, case, S.CLOSED)
    clock.move_to(at(4, 1), tick=False)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.LOW, reason="已穩定")
    clock.move_to(at(4, 2), tick=False)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.MEDIUM, reason="家屬再度崩潰")
    with pytest.raises(IllegalMove):  # re-assessed upward
        move(cast, case, S.CLOSED)
    assert Case.objects.get(pk=case.pk).state == S.PERIODIC_CARE
    clock.move_to(at(5, 2), tick=False)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.LOW, reason="回復穩定")
    case = move(cast, case, S.CLOSED)
    assert case.state == S.CLOSED
    # Reopened: periodic care again, and the level is still the lowest.
    case = move(cast, case, S.PERIODIC_CARE)
    run(officer(cast), assess_crisis_level, case, level=CrisisLevel.HIGH, reason="週年反應")
    with pytest.raises(IllegalMove):
        move(cast, case, S.CLOSED)


def test_a_case_without_casualties_goes_straight_to_support(cast, clock):
    case = move(cast, incident(cast), S.ACTIVATED, S.SUPPORT, S.PERIODIC_CARE)
    assert case.state == S.PERIODIC_CARE
    with pytest.raises(IllegalMove):
        move(cast, case, S.ACTIVATED)


# --- Who is told -----------------------------------------------------------------------------

def test_the_head_of_a_first_level_agency_and_city_hr_are_told_the_fact_only(cast, clock):
    assert cast.a.kind == AgencyKind.FIRST_LEVEL
    case = incident(cast)
    told = crisis_notifications()
    assert sorted(n.recipient_id for n in told) == sorted([cast.a_agency_head.user.pk, cast.city_hr.user.pk])
    for notification in told:
        assert notification.link == "" and str(case.pk) in notification.key
    # Told once: telling again sends nothing more.
    tell_heads(case)
    assert crisis_notifications().count() == 2
    # Neither reads the case.
    for user in (cast.a_agency_head.user, cast.city_hr.user):
        assert not access.can_work_on(user, case)
        assert not access.cases_supervised_by(user, Case.objects.all()).exists()


def test_the_head_of_another_kind_of_agency_is_told_city_hr_is_not(cast, clock):
    assert cast.b.kind == AgencyKind.DISTRICT_OFFICE
    incident(cast, agency=cast.b, people=[cast.b_employee], who="b_supervisor")
    assert [n.recipient for n in crisis_notifications()] == [cast.b_agency_head.user]
    Notification.objects.all().delete()
    cast.b.kind = AgencyKind.FIRST_LEVEL
    cast.b.save()
    incident(cast, agency=cast.b, people=[cast.b_employee], who="b_supervisor", summary="再一次")
    assert {n.recipient for n in crisis_notifications()} == {cast.b_agency_head.user, cast.city_hr.user}


def test_a_subordinate_agency_without_a_head_tells_nobody_above(cast, clock):
    incident(cast, agency=cast.a_sub, people=[cast.a_sub_employee])
    assert not crisis_notifications().exists()


def test_an_affected_agency_head_is_not_told(cast, clock):
    incident(cast, people=[cast.a_employee, cast.a_agency_head])
    assert [n.recipient for n in crisis_notifications()] == [cast.city_hr.user]


# --- Recusal of the people affected ------------------------------------------------------------

def test_affected_employees_do_not_see_the_case_whatever_their_role(cast, clock):
    case = incident(cast, people=[cast.a_employee, cast.a_convener])
    assert not access.can_work_on(cast.a_convener.user, case)
    assert not Case.objects.visible_to(cast.a_convener.user).filter(pk=case.pk).exists()
    assert not access.can_work_on(cast.a_employee.user, case)
    assert access.can_work_on(officer(cast), case)
    run(officer(cast), add_affected, case, relation=Relation.COLLEAGUE, employee=cast.a_eap_officer)
    assert not Case.objects.visible_to(officer(cast)).filter(pk=case.pk).exists()
    assert access.is_recused_from(officer(cast), case)
    assert not access.is_recused_from(cast.a_care_member.user, case)
    with pytest.raises(PermissionDenied):
        run(officer(cast), assess_crisis_level, case, level=CrisisLevel.HIGH, reason="x")


def test_the_intake_of_an_incident_does_not_go_to_an_affected_convener(cast, clock):
    case = incident(cast, people=[cast.a_employee, cast.a_convener])
    intake = open_duties_of(case).get()
    assert intake.assignee == officer(cast) and access.can_manage(intake.assignee, case)
    assert Notification.objects.filter(kind="duty_assigned", recipient=officer(cast)).exists()


def test_a_convener_named_later_hands_the_intake_back(cast, clock):
    case = incident(cast)
    assert open_duties_of(case).get().assignee == cast.a_convener.user
    run(officer(cast), add_affected, case, relation=Relation.COLLEAGUE, employee=cast.a_convener)
    assert open_duties_of(case).get().assignee == officer(cast)


# --- Care for an affected employee -----------------------------------------------------------

def test_counseling_is_booked_for_an_affected_employee(cast, offer):
    case = incident(cast)
    person = case.affected.get(employee=cast.a_employee)
    service = run(officer(cast), arrange_service, case, kind=ServiceKind.BOOKING, offer=offer, affected=person,
                  details="事件後睡不好")
    booking = Booking.objects.get()
    assert service.booking == booking and service.affected == person
    assert booking.employee == cast.a_employee and booking.channel == Channel.CASE
    assert case.timeline.filter(kind=EntryKind.SERVICE).exists()
    assert Case.objects.get(pk=case.pk).state == S.REPORTED  # a crisis moves by its own flowchart


def test_a_booking_in_a_crisis_names_an_affected_employee_of_this_case(cast, offer):
    case = incident(cast)
    family = run(officer(cast), add_affected, case, relation=Relation.FAMILY, name="陳母")
    other = incident(cast, people=[cast.a_supervisor], summary="另一事件")
    for affected in (None, family, other.affected.get()):
        with pytest.raises(ValidationError):
            run(officer(cast), arrange_service, case, kind=ServiceKind.BOOKING, offer=offer, affected=affected)
    assert not Booking.objects.exists() and not CaseService.objects.exists()


def test_a_screening_of_an_affected_employee_is_attached(cast, clock):
    from surveys.models import OfficeTour, Screening, Setting

    case = incident(cast)
    member = officer(cast)
    tour = OfficeTour.objects.create(team=cast.a_team, agency=cast.a, unit="綜合科", held_on=datetime.date(2025, 3, 3),
                                     created_by=member)

    def screening_of(employee):
        with acting_as(member):
            return Screening.objects.create(
                employee=employee, setting=Setting.OFFICE_TOUR, taken_on=tour.held_on, tour=tour,
                screened_by=member, answers={"ratings": [3, 3, 2, 2, 2], "star": 0},
                result={"total": 12, "band": "moderate", "star": 0}, created_by=member)

    screening = screening_of(cast.a_employee)
    not_affected = screening_of(cast.a_supervisor)
    assert list(attachable(case, member)) == [screening]
    run(member, attach_screening, case, screening)
    assert list(attached_to(case)) == [screening]
    assert case.timeline.filter(kind=EntryKind.SCREENING).exists()
    with pytest.raises(ValidationError):
        run(member, attach_screening, case, not_affected)


def test_an_affected_member_is_not_assigned_to_the_crisis(cast, clock):
    from cases.opening import assign, assignable_members

    case = incident(cast, people=[cast.a_employee, cast.a_care_member])
    assert cast.a_care_member.user not in {member.user for member in assignable_members(case)}
    with pytest.raises(ValidationError):
        run(cast.a_convener.user, assign, case, cast.a_care_member.user)
    assert not case.assignments.exists()
    assert not Notification.objects.filter(kind="case_assigned", recipient=cast.a_care_member.user).exists()
