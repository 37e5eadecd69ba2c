"""High-concern cases (高關懷): three stages in order and revisitable, what was done and decided
recorded with the stage it belongs to; opened directly, or from a supervisor's referral when the
agency decides to escalate."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import access
from cases.actions import allowed_actions, record_action
from cases.models import ActionKind, Case, CaseKind, CaseState, EntryKind, EscalationDecision, Origin, ServiceKind
from cases.opening import open_case, open_duties_of
from cases.referrals import (
    arrange_service,
    decide_escalation,
    give_management_advice,
    record_assessment,
    refer_employee,
)
from cases.workflow import IllegalMove, move_case, next_states
from core.actors import acting_as

S = CaseState


def run(user, function, *args, **kwargs):
    with acting_as(user):
        return function(*args, by=user, **kwargs)


def high_concern(cast):
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        return open_case(kind=CaseKind.HIGH_CONCERN, origin=Origin.CARE_TEAM, subject=cast.a_employee, by=officer,
                         summary="關懷訪談發現長期失眠、家庭變故")


def move(cast, case, *states):
    for state in states:
        run(cast.a_eap_officer.user, move_case, case, state, reason="依三級處置")
    return Case.objects.get(pk=case.pk)


def note(cast, case, kind, text):
    return run(cast.a_eap_officer.user, record_action, case, kind=kind, note=text)


def test_opened_directly_in_the_first_stage(cast, in_2025):
    case = high_concern(cast)
    assert (case.kind, case.origin, case.state) == (CaseKind.HIGH_CONCERN, Origin.CARE_TEAM, S.STAGE_ASSESS)
    assert case.subject == cast.a_employee and case.team == cast.a_team
    assert open_duties_of(case).get().assignee == cast.a_convener.user
    assert access.can_work_on(cast.a_eap_officer.user, case)
    assert not access.can_work_on(cast.a_employee.user, case)  # the subject is recused
    assert next_states(case) == [S.STAGE_CONSULT]


def test_the_three_stages_in_order_with_what_was_done_and_decided(cast, in_2025):
    case = high_concern(cast)
    note(cast, case, ActionKind.STAGE_DONE, "關懷與工作輔導面談、篩檢")
    note(cast, case, ActionKind.STAGE_DECIDED, "通報單位主管並轉介諮商")
    note(cast, case, ActionKind.UNITS_NOTIFIED, "已告知人事室")
    note(cast, case, ActionKind.FAMILY_CONTACTED, "與配偶保持聯繫")
    case = move(cast, case, S.STAGE_CONSULT)
    note(cast, case, ActionKind.STAGE_DONE, "外聘心理師諮詢")
    note(cast, case, ActionKind.STAGE_DECIDED, "參加團體輔導")
    case = move(cast, case, S.STAGE_JOINT)
    note(cast, case, ActionKind.STAGE_DONE, "持續追蹤適應情形")
    note(cast, case, ActionKind.STAGE_DECIDED, "適應良好，結案")
    case = move(cast, case, S.CLOSED)
    assert case.state == S.CLOSED
    rows = list(case.actions.values_list("stage", "kind", "note"))
    assert rows == [
        (S.STAGE_ASSESS, ActionKind.STAGE_DONE, "關懷與工作輔導面談、篩檢"),
        (S.STAGE_ASSESS, ActionKind.STAGE_DECIDED, "通報單位主管並轉介諮商"),
        (S.STAGE_ASSESS, ActionKind.UNITS_NOTIFIED, "已告知人事室"),
        (S.STAGE_ASSESS, ActionKind.FAMILY_CONTACTED, "與配偶保持聯繫"),
        (S.STAGE_CONSULT, ActionKind.STAGE_DONE, "外聘心理師諮詢"),
        (S.STAGE_CONSULT, ActionKind.STAGE_DECIDED, "參加團體輔導"),
        (S.STAGE_JOINT, ActionKind.STAGE_DONE, "持續追蹤適應情形"),
        (S.STAGE_JOINT, ActionKind.STAGE_DECIDED, "適應良好，結案"),
    ]
    assert set(case.actions.values_list("by", flat=True)) == {cast.a_eap_officer.user.pk}
    moves = list(case.timeline.filter(kind=EntryKind.MOVED).values_list("from_state", "to_state"))
    assert moves == [(S.STAGE_ASSESS, S.STAGE_CONSULT), (S.STAGE_CONSULT, S.STAGE_JOINT), (S.STAGE_JOINT, S.CLOSED)]


def test_stages_are_not_skipped(cast, in_2025):
    case = high_concern(cast)
    for to in (S.STAGE_JOINT, S.CLOSED):
        with pytest.raises(IllegalMove):
            move(cast, case, to)
    case = move(cast, case, S.STAGE_CONSULT)
    with pytest.raises(IllegalMove):
        move(cast, case, S.CLOSED)
    assert Case.objects.get(pk=case.pk).state == S.STAGE_CONSULT


def test_an_earlier_stage_can_be_revisited(cast, in_2025):
    case = move(cast, high_concern(cast), S.STAGE_CONSULT, S.STAGE_ASSESS)
    note(cast, case, ActionKind.STAGE_DONE, "再次評估")
    case = move(cast, case, S.STAGE_CONSULT, S.STAGE_JOINT, S.STAGE_CONSULT, S.STAGE_JOINT, S.STAGE_ASSESS)
    assert case.state == S.STAGE_ASSESS
    case = move(cast, case, S.STAGE_CONSULT, S.STAGE_JOINT, S.CLOSED)
    case = move(cast, case, S.STAGE_JOINT)  # reopened into the last stage
    assert case.state == S.STAGE_JOINT
    assert case.actions.get().stage == S.STAGE_ASSESS


def test_only_high_concern_steps_by_those_working_on_it(cast, in_2025):
    case = high_concern(cast)
    assert ActionKind.STAGE_DONE in allowed_actions(case, cast.a_eap_officer.user)
    with pytest.raises(ValidationError):
        note(cast, case, ActionKind.HOSPITAL_ESCORT, "x")
    for outsider in (cast.a_supervisor.user, cast.b_eap_officer.user, cast.a_safety_health.user):
        assert allowed_actions(case, outsider) == []
        with pytest.raises(PermissionDenied):
            run(outsider, record_action, case, kind=ActionKind.STAGE_DONE, note="x")
    assert not case.actions.exists()


# --- From a referral's escalation decision -----------------------------------------------------

def referral_before_the_decision(cast):
    supervisor, officer = cast.a_supervisor, cast.a_eap_officer.user
    with acting_as(supervisor.user):
        case = refer_employee(supervisor, cast.a_employee, by=supervisor.user, observations="常請假、情緒低落")
    run(officer, record_assessment, case, assessment="工作壓力大")
    run(officer, arrange_service, case, kind=ServiceKind.INTERNAL, resource="人事室工作調整")
    run(officer, move_case, case, S.FOLLOW_UP, reason="追蹤改善")
    run(officer, give_management_advice, case, advice="請調整工作分配")
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("decision, kind, first", [
    (EscalationDecision.HIGH_CONCERN, CaseKind.HIGH_CONCERN, S.STAGE_ASSESS),
    (EscalationDecision.NON_VOLUNTARY, CaseKind.NON_VOLUNTARY, S.REPORTED),
])
def test_escalating_a_referral_opens_the_linked_case(cast, in_2025, decision, kind, first):
    referral = referral_before_the_decision(cast)
    with pytest.raises(PermissionDenied):  # a member decides nothing for the agency
        run(cast.a_care_member.user, decide_escalation, referral, decision=decision, reason="x")
    run(cast.a_eap_officer.user, decide_escalation, referral, decision=decision, reason="需持續高度關懷")
    referral = Case.objects.get(pk=referral.pk)
    linked = referral.escalated_to
    assert referral.escalation == decision and referral.escalation_reason == "需持續高度關懷"
    assert (linked.kind, linked.origin, linked.state) == (kind, Origin.ESCALATION, first)
    assert linked.subject == cast.a_employee and linked.team == referral.team and linked.agency == referral.agency
    assert linked.escalated_from == referral
    assert referral.reference in linked.timeline.get(kind=EntryKind.OPENED).reason
    assert open_duties_of(linked).filter(kind="case_intake").exists()
    # The referral itself may now close, and the linked case goes its own way.
    run(cast.a_eap_officer.user, move_case, referral, S.CLOSED, reason="已轉高關懷")
    assert Case.objects.get(pk=referral.pk).state == S.CLOSED and Case.objects.get(pk=linked.pk).is_open
    with pytest.raises(ValidationError):  # decided once
        run(cast.a_eap_officer.user, decide_escalation, referral, decision=EscalationDecision.NO, reason="x")
    assert Case.objects.filter(origin=Origin.ESCALATION).count() == 1


def test_the_escalated_high_concern_case_walks_its_stages(cast, in_2025):
    referral = referral_before_the_decision(cast)
    run(cast.a_eap_officer.user, decide_escalation, referral, decision=EscalationDecision.HIGH_CONCERN, reason="高關懷")
    linked = Case.objects.get(pk=referral.pk).escalated_to
    note(cast, linked, ActionKind.STAGE_DONE, "立即評估")
    linked = move(cast, linked, S.STAGE_CONSULT, S.STAGE_JOINT, S.CLOSED)
    assert linked.state == S.CLOSED and linked.actions.get().stage == S.STAGE_ASSESS


def test_the_supervisor_acts_in_the_escalated_non_voluntary_case_but_it_is_not_a_referral(cast, in_2025):
    """The unit supervisor acts in a non-voluntary case of their unit (DOMAIN §1): escalated from
    their referral, it is theirs to act in — yet it is not listed among their referrals."""
    referral = referral_before_the_decision(cast)
    run(cast.a_eap_officer.user, decide_escalation, referral, decision=EscalationDecision.NON_VOLUNTARY, reason="x")
    linked = Case.objects.get(pk=referral.pk).escalated_to
    supervisor = cast.a_supervisor.user
    assert linked.referring_supervisor == cast.a_supervisor
    assert list(access.cases_supervised_by(supervisor, Case.objects.all())) == [linked]
    assert list(access.referrals_visible_to(supervisor, Case.objects.all())) == [referral]
    assert allowed_actions(linked, supervisor)
    assert not access.can_work_on(supervisor, linked)


def test_a_high_concern_escalation_is_the_care_teams_alone(cast, in_2025):
    referral = referral_before_the_decision(cast)
    run(cast.a_eap_officer.user, decide_escalation, referral, decision=EscalationDecision.HIGH_CONCERN, reason="x")
    linked = Case.objects.get(pk=referral.pk).escalated_to
    assert linked.referring_supervisor is None
    assert not access.cases_supervised_by(cast.a_supervisor.user, Case.objects.all()).exists()


def test_no_escalation_opens_nothing(cast, in_2025):
    referral = referral_before_the_decision(cast)
    run(cast.a_eap_officer.user, decide_escalation, referral, decision=EscalationDecision.NO, reason="已改善")
    assert Case.objects.get(pk=referral.pk).escalated_to is None
    assert not Case.objects.filter(kind=CaseKind.HIGH_CONCERN).exists()
