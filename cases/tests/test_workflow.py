"""Every case table of cases.workflow, walked whole (DOMAIN §6): from each state of each table to
every state there is, a move succeeds exactly when the table has it; each success is one dated
timeline entry by a named person with a reason, written with the state; every refusal says why
and changes nothing."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from cases import workflow
from cases.models import (
    LOWEST_CRISIS_LEVEL,
    Case,
    CaseKind,
    CaseState,
    CrisisLevelEntry,
    EntryKind,
    EscalationDecision,
    Origin,
    TimelineEntry,
)
from cases.opening import open_duties_of
from cases.referrals import record_assessment
from cases.tests.factories import assigned_case, open_general_case
from cases.workflow import TABLES, IllegalMove, move_case
from core.actors import acting_as
from core.models import DutyState

KIND_AND_ORIGIN = {
    "general_self_applied": (CaseKind.GENERAL, Origin.SELF_APPLIED),
    "general_referral": (CaseKind.GENERAL, Origin.SUPERVISOR_REFERRAL),
    "general_misconduct": (CaseKind.GENERAL, Origin.MISCONDUCT),
    "non_voluntary": (CaseKind.NON_VOLUNTARY, Origin.SUPERVISOR_REPORT),
    "crisis": (CaseKind.CRISIS, Origin.INCIDENT),
    "high_concern": (CaseKind.HIGH_CONCERN, Origin.CARE_TEAM),
}
STARTS = [(name, state) for name, table in TABLES.items() for state in table]


def make_case(cast, table, state, *, ready=True):
    """A case of agency A in `state`, built directly. `ready`: the conditions of every move are met
    (an assessment recorded; a referral's advice given and escalation decided)."""
    kind, origin = KIND_AND_ORIGIN[table]
    fields = dict(kind=kind, origin=origin, state=state, subject=cast.a_employee, agency=cast.a, team=cast.a_team,
                  summary="睡不好", opened_by=cast.a_eap_officer.user)
    if origin == Origin.SUPERVISOR_REFERRAL:
        fields["referring_supervisor"] = cast.a_supervisor
    if state == CaseState.CLOSED:
        fields["closed_at"] = timezone.now()
    if ready:
        fields.update(assessment="初談：需要心理諮商", assessed_at=timezone.now())
        if origin == Origin.SUPERVISOR_REFERRAL:
            fields.update(management_advice="請多關心", advice_given_at=timezone.now(),
                          escalation=EscalationDecision.NO, escalation_reason="不需要")
        if kind == "non_voluntary":  # continuing care began long enough ago to close without approval
            fields["care_started_on"] = timezone.localdate() - datetime.timedelta(days=120)
    with acting_as(cast.a_eap_officer.user):
        case = Case.objects.create(**fields)
        if ready and kind == "crisis":  # the level has fallen to the lowest
            CrisisLevelEntry.objects.create(case=case, level=LOWEST_CRISIS_LEVEL, reason="穩定",
                                            by=cast.a_eap_officer.user)
        return case


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return case.state, case.closed_at, case.timeline.count()


def test_tables_are_whole():
    """Every state but closed belongs to some table, every table starts in its kind's first state,
    every state a table leads to has its own row (no dead end), and every table can close and reopen."""
    used = {state for table in TABLES.values() for row in table.values() for state in row} | {
        state for table in TABLES.values() for state in table}
    assert used == set(CaseState)
    for name, table in TABLES.items():
        kind, origin = KIND_AND_ORIGIN[name]
        assert workflow.table_name(kind, origin) == name
        assert workflow.FIRST_STATE[kind] in table
        for targets in table.values():
            assert targets <= set(table), name
        assert CaseState.CLOSED in set().union(*table.values())
        assert table[CaseState.CLOSED], f"{name} cannot be reopened"


@pytest.mark.parametrize("table, start", STARTS)
def test_every_move_from_every_state(cast, table, start):
    mover = cast.a_eap_officer.user
    allowed = TABLES[table][start]
    for to in CaseState:
        case = make_case(cast, table, start)
        entries_before = TimelineEntry.objects.filter(case=case).count()
        if to in allowed:
            with acting_as(mover):
                moved = move_case(case, to, by=mover, reason="依流程")
            stored = Case.objects.get(pk=case.pk)
            assert stored.state == to and moved.state == to, (start, to)
            assert (stored.closed_at is not None) == (to == CaseState.CLOSED), (start, to)
            new = [entry for entry in list(TimelineEntry.objects.filter(case=case).order_by("pk"))[entries_before:]
                   if entry.kind == EntryKind.MOVED]
            assert len(new) == 1, (start, to)
            entry = new[0]
            assert (entry.kind, entry.by, entry.from_state, entry.to_state, entry.reason) == (
                EntryKind.MOVED, mover, start, to, "依流程")
        else:
            before = snapshot(case)
            with acting_as(mover), translation.override("en"):
                with pytest.raises(IllegalMove) as refused:
                    move_case(case, to, by=mover, reason="依流程")
                expected = f"A case that is “{CaseState(start).label}” cannot become “{CaseState(to).label}”."
            assert refused.value.messages == [expected], (start, to)
            assert snapshot(case) == before, (start, to)


def test_next_states_lists_the_table_row(cast):
    case = make_case(cast, "general_referral", CaseState.FOLLOW_UP)
    assert workflow.next_states(case) == [CaseState.IN_SERVICE, CaseState.CLOSED]


def test_a_general_case_is_assessed_only_with_an_assessment(cast):
    mover = cast.a_eap_officer.user
    case = make_case(cast, "general_self_applied", CaseState.RECEIVED, ready=False)
    before = snapshot(case)
    with acting_as(mover), translation.override("en"), pytest.raises(IllegalMove) as refused:
        move_case(case, CaseState.ASSESSED, by=mover, reason="談過了")
    assert refused.value.messages == ["Record the assessment first."]
    assert snapshot(case) == before
    with acting_as(mover):
        record_assessment(case, by=mover, assessment="需要心理諮商", move=False)
        move_case(case, CaseState.ASSESSED, by=mover, reason="談過了")
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSESSED


@pytest.mark.parametrize("missing, message", [
    ("advice", "A referral closes only after the management advice to the supervisor is recorded."),
    ("escalation", "Decide first whether to escalate to the safety-and-health team or the care team."),
])
def test_a_referral_closes_only_after_advice_and_escalation_decision(cast, missing, message):
    mover = cast.a_eap_officer.user
    case = make_case(cast, "general_referral", CaseState.FOLLOW_UP)
    with acting_as(mover):
        if missing == "advice":
            case.management_advice = ""
            case.save()
        else:
            case.escalation = EscalationDecision.PENDING
            case.save()
    before = snapshot(case)
    with acting_as(mover), translation.override("en"), pytest.raises(IllegalMove) as refused:
        move_case(case, CaseState.CLOSED, by=mover, reason="改善了")
    assert refused.value.messages == [message]
    assert snapshot(case) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(cast, reason):
    mover = cast.a_eap_officer.user
    case = make_case(cast, "general_self_applied", CaseState.RECEIVED)
    before = snapshot(case)
    with acting_as(mover), translation.override("en"), pytest.raises(IllegalMove) as refused:
        move_case(case, CaseState.ASSESSED, by=mover, reason=reason)
    assert refused.value.messages == ["Give a reason for the change."]
    assert snapshot(case) == before


@pytest.mark.parametrize("who", ["city_hr", "a_agency_hr", "a_agency_head", "a_safety_health", "a_supervisor",
                                 "a_employee", "b_eap_officer", "b_convener", "access_approver"])
def test_people_who_do_not_work_on_the_case_cannot_move_it(cast, who):
    user = getattr(cast, who).user
    case = make_case(cast, "general_self_applied", CaseState.RECEIVED)
    before = snapshot(case)
    with acting_as(user), pytest.raises(PermissionDenied):
        move_case(case, CaseState.ASSESSED, by=user, reason="想看看")
    assert snapshot(case) == before


@pytest.mark.parametrize("who", ["provider", "nobody", "reviewer"])
def test_outsiders_cannot_move_a_case(cast, who):
    user = getattr(cast, who)
    case = make_case(cast, "general_self_applied", CaseState.RECEIVED)
    with acting_as(user), pytest.raises(PermissionDenied):
        move_case(case, CaseState.ASSESSED, by=user, reason="想看看")
    assert Case.objects.get(pk=case.pk).state == CaseState.RECEIVED


def test_the_assigned_member_and_the_convener_may_move_it(cast):
    case = assigned_case(cast)
    member, convener = cast.a_care_member.user, cast.a_convener.user
    with acting_as(member):
        record_assessment(case, by=member, assessment="需要心理諮商")
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSESSED
    with acting_as(convener):
        move_case(case, CaseState.CLOSED, by=convener, reason="同仁婉拒服務")
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_the_timeline_entry_is_written_in_the_same_transaction(cast, monkeypatch):
    mover = cast.a_eap_officer.user
    case = make_case(cast, "general_self_applied", CaseState.RECEIVED)
    before = snapshot(case)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TimelineEntry.objects, "create", broken)
    with acting_as(mover), pytest.raises(RuntimeError):
        move_case(case, CaseState.ASSESSED, by=mover, reason="談過了")
    monkeypatch.undo()
    assert snapshot(case) == before


def test_reopening_clears_the_closing_time_and_closing_again_sets_it(cast):
    mover = cast.a_eap_officer.user
    case = make_case(cast, "general_self_applied", CaseState.CLOSED)
    with acting_as(mover):
        move_case(case, CaseState.IN_SERVICE, by=mover, reason="同仁再次求助")
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.IN_SERVICE and stored.closed_at is None and case.closed_at is None
    assert stored.is_open
    with acting_as(mover):
        move_case(case, CaseState.CLOSED, by=mover, reason="服務結束")
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.CLOSED and stored.closed_at is not None
    moves = list(stored.timeline.filter(kind=EntryKind.MOVED).values_list("from_state", "to_state"))
    assert moves == [(CaseState.CLOSED, CaseState.IN_SERVICE), (CaseState.IN_SERVICE, CaseState.CLOSED)]


def test_closing_cancels_the_case_duties(cast):
    case = open_general_case(cast)
    mover = cast.a_eap_officer.user
    intake = open_duties_of(case).get()
    assert intake.assignee == cast.a_convener.user
    with acting_as(mover):
        record_assessment(case, by=mover, assessment="不需要服務")
        move_case(case, CaseState.CLOSED, by=mover, reason="同仁不需要服務")
    intake.refresh_from_db()
    assert intake.state == DutyState.CANCELLED
    assert not open_duties_of(case).exists()


def test_a_refused_close_leaves_the_duties_open(cast):
    case = open_general_case(cast)
    mover = cast.a_eap_officer.user
    with acting_as(mover), pytest.raises(IllegalMove):
        move_case(case, CaseState.CLOSED, by=mover, reason="太早了")
    assert open_duties_of(case).count() == 1


def test_the_first_state_of_each_kind(cast):
    from cases.opening import open_case

    by = cast.a_eap_officer.user
    with acting_as(by):
        for kind, first in workflow.FIRST_STATE.items():
            case = open_case(kind=kind, origin=Origin.CARE_TEAM, subject=cast.a_employee, by=by)
            assert case.state == first
            opened = case.timeline.get()
            assert opened.kind == EntryKind.OPENED and opened.by == by
