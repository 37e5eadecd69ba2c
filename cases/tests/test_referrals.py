"""The supervisor's referral (附件三) from filing to closing: who may refer, the assessment, the
service arranged (a booking through counseling, or a resource), the management advice back to the
supervisor, the escalation decision, and the supervisor's satisfaction survey sent once; and the
misconduct complainant's case."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from agencies.tests.factories import EmployeeFactory, UserFactory
from cases import access
from cases.models import (
    Case,
    CaseKind,
    CaseService,
    CaseState,
    EntryKind,
    EscalationDecision,
    Origin,
    ServiceKind,
)
from cases.opening import assign, open_case, open_duties_of
from cases.referrals import (
    arrange_service,
    decide_escalation,
    give_management_advice,
    may_refer,
    record_assessment,
    refer_employee,
    referable_staff,
)
from cases.tests.factories import open_general_case
from cases.workflow import IllegalMove, move_case
from core.actors import acting_as
from core.models import Notification
from core.notifications import headline_for
from counseling.models import Booking, BookingState, Channel
from surveys.models import Participation, Survey, SurveyKind


def refer(cast, employee=None, observations="最近常請假、情緒低落"):
    supervisor = cast.a_supervisor
    with acting_as(supervisor.user):
        return refer_employee(supervisor, employee or cast.a_employee, by=supervisor.user, observations=observations)


def as_officer(cast, function, *args, **kwargs):
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        return function(*args, by=officer, **kwargs)


def referral_ready_to_close(cast):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="工作壓力大")
    as_officer(cast, arrange_service, case, kind=ServiceKind.INTERNAL, resource="人事室工作調整")
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="追蹤改善")
    as_officer(cast, give_management_advice, case, advice="請調整工作分配")
    as_officer(cast, decide_escalation, case, decision=EscalationDecision.NO, reason="已改善")
    return Case.objects.get(pk=case.pk)


# --- Who may refer ---------------------------------------------------------------------------

def test_a_supervisor_refers_their_subordinates_and_their_own_unit(cast):
    supervisor = cast.a_supervisor
    same_unit = EmployeeFactory(agency=cast.a, unit=supervisor.unit)
    other_unit = EmployeeFactory(agency=cast.a, unit="會計室")
    report_elsewhere = EmployeeFactory(agency=cast.a_sub, unit="總務科", direct_supervisor=supervisor)
    below_report = EmployeeFactory(agency=cast.a, unit="會計室", direct_supervisor=report_elsewhere)
    same_unit_name_elsewhere = EmployeeFactory(agency=cast.b, unit=supervisor.unit)
    assert may_refer(supervisor, cast.a_employee)  # direct report
    assert may_refer(supervisor, same_unit)
    assert may_refer(supervisor, report_elsewhere)  # in the chain, in another agency
    assert may_refer(supervisor, below_report)  # further down the chain
    assert not may_refer(supervisor, other_unit)
    assert not may_refer(supervisor, same_unit_name_elsewhere)
    assert not may_refer(supervisor, cast.b_employee)
    assert not may_refer(supervisor, supervisor)
    assert not may_refer(cast.a_employee, same_unit)  # not a supervisor
    assert not may_refer(cast.b_supervisor, cast.a_employee)
    assert not may_refer(None, cast.a_employee) and not may_refer(supervisor, None)
    staff = set(referable_staff(supervisor))
    assert {cast.a_employee, same_unit, report_elsewhere, below_report} <= staff
    assert not staff & {other_unit, same_unit_name_elsewhere, cast.b_employee, supervisor}


def test_a_refusal_opens_no_case(cast):
    other_unit = EmployeeFactory(agency=cast.a, unit="會計室")
    for employee in (other_unit, cast.b_employee):
        with acting_as(cast.a_supervisor.user), pytest.raises(PermissionDenied):
            refer_employee(cast.a_supervisor, employee, by=cast.a_supervisor.user, observations="x")
    with acting_as(cast.a_supervisor.user), pytest.raises(ValidationError):
        refer_employee(cast.a_supervisor, cast.a_employee, by=cast.a_supervisor.user, observations="  ")
    assert not Case.objects.exists()


def test_a_referral_is_a_general_case_with_an_intake_duty_for_the_team(cast):
    case = refer(cast)
    assert (case.kind, case.origin, case.state) == (CaseKind.GENERAL, Origin.SUPERVISOR_REFERRAL, CaseState.RECEIVED)
    assert case.subject == cast.a_employee and case.referring_supervisor == cast.a_supervisor
    assert case.team == cast.a_team and case.agency == cast.a
    assert case.summary == "最近常請假、情緒低落"
    duty = open_duties_of(case).get()
    assert duty.kind == "case_intake" and duty.team == cast.a_team and duty.assignee == cast.a_convener.user
    assert duty.person == cast.a_employee
    assert Notification.objects.filter(recipient=cast.a_convener.user, kind="duty_assigned").exists()
    opened = case.timeline.get()
    assert opened.kind == EntryKind.OPENED and opened.by == cast.a_supervisor.user
    with translation.override("en"):
        assert case.coarse_state() == "Received"


# --- Assessment and service ------------------------------------------------------------------

def test_the_assessment_moves_the_case_to_assessed(cast):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="工作壓力大，需要心理諮商")
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.ASSESSED and stored.assessment == "工作壓力大，需要心理諮商"
    assert stored.assessed_at is not None
    kinds = list(stored.timeline.values_list("kind", flat=True))
    assert kinds == [EntryKind.OPENED, EntryKind.ASSESSMENT, EntryKind.MOVED]
    with translation.override("en"):
        assert stored.coarse_state() == "In service"


def test_an_empty_assessment_or_a_non_worker_is_refused(cast):
    case = refer(cast)
    with pytest.raises(ValidationError):
        as_officer(cast, record_assessment, case, assessment="  ")
    for user in (cast.a_supervisor.user, cast.b_eap_officer.user, cast.a_care_member.user):
        with acting_as(user), pytest.raises(PermissionDenied):
            record_assessment(case, by=user, assessment="看看")
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_a_booking_arranged_through_counseling(cast, offer):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="需要心理諮商")
    service = as_officer(cast, arrange_service, case, kind=ServiceKind.BOOKING, offer=offer, details="睡眠困擾")
    booking = service.booking
    assert isinstance(booking, Booking)
    assert booking.employee == cast.a_employee and booking.channel == Channel.CASE
    assert booking.state == BookingState.REQUESTED and booking.provider == cast.a_provider
    assert booking.created_by == cast.a_eap_officer.user
    assert service.resource == cast.a_provider.name
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_SERVICE
    # The provider is told of it, like any booking; the employee sees it as theirs.
    assert Notification.objects.filter(recipient=cast.provider, kind="booking_received").exists()
    assert Booking.objects.visible_to(cast.a_employee.user).filter(pk=booking.pk).exists()


def test_a_booking_needs_an_offer_and_the_person_hours(cast, offer):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="需要心理諮商")
    with pytest.raises(ValidationError):
        as_officer(cast, arrange_service, case, kind=ServiceKind.BOOKING, offer=None)
    assert not CaseService.objects.exists() and not Booking.objects.exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSESSED


def test_an_outside_resource_is_recorded(cast, in_2025):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="需要法律協助")
    with pytest.raises(ValidationError):
        as_officer(cast, arrange_service, case, kind=ServiceKind.OUTSIDE_FREE, resource="  ")
    service = as_officer(cast, arrange_service, case, kind=ServiceKind.OUTSIDE_FREE, resource="法律扶助基金會",
                         details="債務問題")
    assert service.booking is None and service.resource == "法律扶助基金會" and service.details == "債務問題"
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_SERVICE
    entry = case.timeline.filter(kind=EntryKind.SERVICE).get()
    # The timeline names the kind of service; which resource is on the service's own line.
    assert "法律扶助基金會" not in entry.reason and entry.reason
    assert not Booking.objects.exists()


def test_a_service_arranged_while_following_up_a_referral_returns_it_to_service(cast):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="壓力")
    as_officer(cast, arrange_service, case, kind=ServiceKind.INTERNAL, resource="單位主管關懷")
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="追蹤")
    as_officer(cast, arrange_service, case, kind=ServiceKind.OUTSIDE_FREE, resource="張老師專線")
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_SERVICE
    assert case.services.count() == 2


def test_a_service_on_a_received_case_does_not_skip_the_assessment(cast):
    case = refer(cast)
    as_officer(cast, arrange_service, case, kind=ServiceKind.INTERNAL, resource="單位主管關懷")
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_no_service_on_a_closed_case(cast):
    case = referral_ready_to_close(cast)
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="改善")
    with pytest.raises(ValidationError):
        as_officer(cast, arrange_service, case, kind=ServiceKind.INTERNAL, resource="人事室")
    assert case.services.count() == 1


# --- Advice and escalation -------------------------------------------------------------------

def test_the_advice_notifies_the_supervisor_neutrally(cast):
    case = refer(cast)
    as_officer(cast, give_management_advice, case, advice="建議減少加班、定期面談")
    stored = Case.objects.get(pk=case.pk)
    assert stored.management_advice == "建議減少加班、定期面談" and stored.advice_given_at is not None
    note = Notification.objects.get(recipient=cast.a_supervisor.user, kind="referral_advice")
    assert note.link == reverse("referral_detail", args=[case.pk])
    with translation.override("en"):
        headline = str(headline_for("referral_advice"))
    assert "case" not in headline.lower() and "advice" not in headline.lower()
    # The supervisor reads it through their referrals, not the case.
    assert access.referrals_visible_to(cast.a_supervisor.user, Case.objects.all()).get().management_advice
    assert not Notification.objects.filter(recipient=cast.a_employee.user, kind="referral_advice").exists()


def test_advice_only_for_a_referral_and_not_empty(cast):
    case = open_general_case(cast)
    with pytest.raises(ValidationError):
        as_officer(cast, give_management_advice, case, advice="請關心")
    referral = refer(cast)
    with pytest.raises(ValidationError):
        as_officer(cast, give_management_advice, referral, advice=" ")
    assert not Notification.objects.filter(kind="referral_advice").exists()


@pytest.mark.parametrize("decision, kind", [(EscalationDecision.HIGH_CONCERN, CaseKind.HIGH_CONCERN),
                                            (EscalationDecision.NON_VOLUNTARY, CaseKind.NON_VOLUNTARY)])
def test_escalation_opens_a_linked_case(cast, decision, kind):
    case = refer(cast)
    as_officer(cast, decide_escalation, case, decision=decision, reason="有自傷念頭")
    stored = Case.objects.get(pk=case.pk)
    linked = stored.escalated_to
    assert stored.escalation == decision and stored.escalation_reason == "有自傷念頭"
    assert linked.kind == kind and linked.origin == Origin.ESCALATION
    assert linked.subject == cast.a_employee and linked.team == cast.a_team and linked.agency == cast.a
    assert linked.state == {CaseKind.HIGH_CONCERN: CaseState.STAGE_ASSESS,
                            CaseKind.NON_VOLUNTARY: CaseState.REPORTED}[kind]
    assert linked.escalated_from == stored
    assert open_duties_of(linked).filter(kind="case_intake").exists()
    assert stored.timeline.filter(kind=EntryKind.ESCALATION).count() == 1
    # The supervisor's referrals do not show the escalated case.
    assert list(access.referrals_visible_to(cast.a_supervisor.user, Case.objects.all())) == [stored]


def test_no_escalation_is_recorded_and_cannot_be_decided_twice(cast):
    case = refer(cast)
    as_officer(cast, decide_escalation, case, decision=EscalationDecision.NO, reason="狀況穩定")
    stored = Case.objects.get(pk=case.pk)
    assert stored.escalation == EscalationDecision.NO and stored.escalated_to is None
    with pytest.raises(ValidationError):
        as_officer(cast, decide_escalation, case, decision=EscalationDecision.HIGH_CONCERN, reason="改變主意")
    assert Case.objects.count() == 1
    assert Case.objects.get(pk=case.pk).escalation == EscalationDecision.NO


def test_the_escalation_decision_needs_a_manager_a_reason_and_a_choice(cast):
    case = refer(cast)
    convener = cast.a_convener.user
    with acting_as(convener):
        assign(case, cast.a_care_member.user, by=convener)
    member = cast.a_care_member.user
    with acting_as(member), pytest.raises(PermissionDenied):
        decide_escalation(case, by=member, decision=EscalationDecision.NO, reason="穩定")
    with acting_as(cast.a_supervisor.user), pytest.raises(PermissionDenied):
        decide_escalation(case, by=cast.a_supervisor.user, decision=EscalationDecision.NO, reason="穩定")
    with pytest.raises(ValidationError):
        as_officer(cast, decide_escalation, case, decision=EscalationDecision.NO, reason=" ")
    for bad in (EscalationDecision.PENDING, "crisis"):
        with pytest.raises(ValidationError):
            as_officer(cast, decide_escalation, case, decision=bad, reason="x")
    assert Case.objects.get(pk=case.pk).escalation == EscalationDecision.PENDING
    with acting_as(convener):
        decide_escalation(case, by=convener, decision=EscalationDecision.NO, reason="穩定")
    assert Case.objects.get(pk=case.pk).escalation == EscalationDecision.NO


# --- Closing -----------------------------------------------------------------------------------

def test_a_referral_does_not_close_without_advice_and_decision(cast):
    case = refer(cast)
    as_officer(cast, record_assessment, case, assessment="壓力")
    as_officer(cast, arrange_service, case, kind=ServiceKind.INTERNAL, resource="單位主管關懷")
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="追蹤")
    with pytest.raises(IllegalMove):
        as_officer(cast, move_case, case, CaseState.CLOSED, reason="結案")
    as_officer(cast, give_management_advice, case, advice="請多鼓勵")
    with pytest.raises(IllegalMove):
        as_officer(cast, move_case, case, CaseState.CLOSED, reason="結案")
    assert Case.objects.get(pk=case.pk).state == CaseState.FOLLOW_UP
    assert not Survey.objects.exists()
    as_officer(cast, decide_escalation, case, decision=EscalationDecision.NO, reason="已改善")
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="結案")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_closing_sends_the_supervisor_survey_once(cast):
    case = referral_ready_to_close(cast)
    assert not Survey.objects.exists()
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="改善良好")
    survey = Survey.objects.get()
    assert Case.objects.get(pk=case.pk).satisfaction_survey == survey
    assert survey.kind == SurveyKind.SUPERVISOR_SATISFACTION and not survey.anonymous
    assert survey.named_respondent == cast.a_supervisor.user and survey.owner == cast.a
    assert survey.opens_on == timezone.localdate() and survey.closes_on > survey.opens_on
    assert survey.questions.count() == 5
    assert list(Participation.objects.values_list("survey", "user", "answered")) == [
        (survey.pk, cast.a_supervisor.user.pk, False)]
    invitations = Notification.objects.filter(recipient=cast.a_supervisor.user, kind="survey_invitation")
    assert invitations.count() == 1
    # Reopened and closed again: no second survey, no second invitation.
    as_officer(cast, move_case, case, CaseState.IN_SERVICE, reason="又出狀況")
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="追蹤")
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="再次結案")
    assert Survey.objects.count() == 1 and Participation.objects.count() == 1 and invitations.count() == 1


def test_the_feedback_survey_is_seen_only_by_those_who_see_the_case(cast):
    """Its existence says that this supervisor referred someone: city HR and agency HR see no case."""
    case = referral_ready_to_close(cast)
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="改善良好")
    survey = Survey.objects.get()
    assert Survey.objects.visible_to(cast.a_eap_officer.user).filter(pk=survey.pk).exists()
    for outsider in (cast.city_hr, cast.a_agency_hr, cast.b_eap_officer):
        assert not Survey.objects.visible_to(outsider.user).filter(pk=survey.pk).exists()
        assert not Survey.objects.editable_by(outsider.user).filter(pk=survey.pk).exists()
    needs = Survey.objects.create(title="需求調查", owner=cast.a, opens_on=survey.opens_on, closes_on=survey.closes_on)
    assert Survey.objects.visible_to(cast.city_hr.user).filter(pk=needs.pk).exists()  # the others stay visible
    assert Survey.objects.visible_to(cast.a_agency_hr.user).filter(pk=needs.pk).exists()


def test_a_self_applied_case_sends_no_supervisor_survey(cast):
    case = open_general_case(cast)
    as_officer(cast, record_assessment, case, assessment="不需要服務")
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="同仁婉拒")
    assert not Survey.objects.exists()


# --- Misconduct complainant --------------------------------------------------------------------

def test_a_misconduct_complainant_case_names_its_respondents(cast):
    respondent = EmployeeFactory(agency=cast.a, user=UserFactory(username="respondent"),
                                 direct_supervisor=cast.a_supervisor)
    by = cast.a_eap_officer.user
    with acting_as(by):
        case = open_case(kind=CaseKind.GENERAL, origin=Origin.MISCONDUCT, subject=cast.a_employee, by=by,
                         respondents=[respondent], summary="遭受言語霸凌")
    assert list(case.respondents.all()) == [respondent]
    assert case.state == CaseState.RECEIVED
    # The respondent's supervisor is recused; the complainant's own supervisor here is the same person.
    assert not access.can_work_on(cast.a_supervisor.user, case)
    assert not access.can_work_on(respondent.user, case)
    as_officer(cast, record_assessment, case, assessment="需要外部專家")
    as_officer(cast, arrange_service, case, kind=ServiceKind.OUTSIDE_PAID, resource="外部專家諮詢")
    with pytest.raises(IllegalMove):  # a complaint follows up the complainant's adaptation before closing
        as_officer(cast, move_case, case, CaseState.CLOSED, reason="結案")
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="追蹤適應狀況")
    # A service arranged while following up brings the complainant back in service, as for a referral.
    as_officer(cast, arrange_service, case, kind=ServiceKind.OUTSIDE_FREE, resource="社會局社工")
    assert Case.objects.get(pk=case.pk).state == CaseState.IN_SERVICE
    as_officer(cast, move_case, case, CaseState.FOLLOW_UP, reason="再追蹤")
    as_officer(cast, move_case, case, CaseState.CLOSED, reason="適應良好")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED
    assert not Survey.objects.exists()


def test_the_complainant_cannot_be_a_respondent(cast):
    by = cast.a_eap_officer.user
    with acting_as(by), pytest.raises(ValidationError):
        open_case(kind=CaseKind.GENERAL, origin=Origin.MISCONDUCT, subject=cast.a_employee, by=by,
                  respondents=[cast.a_employee])
    assert not Case.objects.exists()


def test_a_case_is_only_for_someone_on_the_roster(cast):
    leaver = EmployeeFactory(agency=cast.a, leave_date=datetime.date(2020, 1, 1))
    by = cast.a_eap_officer.user
    with acting_as(by):
        with pytest.raises(ValidationError):
            open_case(kind=CaseKind.GENERAL, origin=Origin.SELF_APPLIED, subject=leaver, by=by)
        with pytest.raises(ValidationError):
            open_case(kind=CaseKind.GENERAL, origin=Origin.SELF_APPLIED, subject=None, by=by, agency=cast.a)
    assert not Case.objects.exists()


def test_only_a_referral_has_an_escalation_decision(cast):
    from cases.tests.factories import open_general_case

    case = open_general_case(cast)
    with pytest.raises(ValidationError):
        as_officer(cast, decide_escalation, case, decision=EscalationDecision.HIGH_CONCERN, reason="需高關懷")
    assert Case.objects.count() == 1
    assert Case.objects.get(pk=case.pk).escalation == EscalationDecision.PENDING
