"""Outside-expert interviews (附件一): planned with experts who each have a name, a profession, a
licence number and a practice registration; recorded only once held, with a fee that is never
negative; the record encrypted at rest; a planned interview may be cancelled."""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cases.experts import cancel_interview, plan_interview, record_interview
from cases.models import CaseState, EntryKind, Expert, ExpertInterview, InterviewMode, InterviewState
from cases.referrals import record_assessment
from cases.tests.factories import assigned_case
from cases.workflow import move_case
from core.actors import acting_as

TAIPEI = ZoneInfo("Asia/Taipei")
STARTS = datetime.datetime(2025, 3, 5, 14, 0, tzinfo=TAIPEI)
PSYCHOLOGIST = {"name": "林心理師", "profession": "諮商心理師", "licence_number": "諮心字第001234號",
                "practice_registration": "高雄市好加在心理諮商所"}
LAWYER = {"name": "陳律師", "profession": "律師", "licence_number": "律證字第5678號",
          "practice_registration": "高雄律師公會"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=TAIPEI), tick=False)
    return time_machine


@pytest.fixture
def case(cast, clock):
    return assigned_case(cast)


def plan(cast, case, experts=(PSYCHOLOGIST,), who="a_care_member", **kwargs):
    user = getattr(cast, who).user
    fields = dict(starts_at=STARTS, place="人事室會議室", mode=InterviewMode.IN_PERSON, purpose="評估工作適應")
    fields.update(kwargs)
    with acting_as(user):
        return plan_interview(case, by=user, experts=[dict(e) for e in experts], **fields)


def record(cast, interview, who="a_care_member", **kwargs):
    user = getattr(cast, who).user
    fields = dict(record="同仁表示與主管溝通困難", advice_to_employee="規律作息", advice_to_agency="調整職務",
                  follow_up="一個月後追蹤", fee=Decimal(3000), procurement_reference="114-採-001")
    fields.update(kwargs)
    with acting_as(user):
        return record_interview(interview, by=user, **fields)


def test_an_interview_is_planned_with_its_experts(cast, case):
    interview = plan(cast, case, experts=(PSYCHOLOGIST, LAWYER))
    assert interview.state == InterviewState.PLANNED and interview.starts_at == STARTS
    assert interview.planned_by == cast.a_care_member.user and interview.purpose == "評估工作適應"
    experts = list(interview.experts.values("name", "profession", "licence_number", "practice_registration"))
    assert experts == [PSYCHOLOGIST, LAWYER]
    assert case.timeline.filter(kind=EntryKind.INTERVIEW).count() == 1


def test_blank_expert_rows_are_ignored(cast, case):
    blank = {"name": "", "profession": " ", "licence_number": "", "practice_registration": ""}
    interview = plan(cast, case, experts=(blank, PSYCHOLOGIST))
    assert interview.experts.count() == 1


@pytest.mark.parametrize("missing", ["name", "profession", "licence_number", "practice_registration"])
def test_each_expert_needs_every_detail(cast, case, missing):
    incomplete = dict(PSYCHOLOGIST, **{missing: "  "})
    with pytest.raises(ValidationError):
        plan(cast, case, experts=(LAWYER, incomplete))
    assert not ExpertInterview.objects.exists() and not Expert.objects.exists()


def test_an_interview_needs_an_expert(cast, case):
    with pytest.raises(ValidationError):
        plan(cast, case, experts=())
    assert not ExpertInterview.objects.exists()


def test_it_is_recorded_only_once_it_has_taken_place(cast, case, clock):
    interview = plan(cast, case)
    with pytest.raises(ValidationError):
        record(cast, interview)
    clock.move_to(STARTS - datetime.timedelta(minutes=1), tick=False)
    with pytest.raises(ValidationError):
        record(cast, interview)
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.PLANNED
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    held = record(cast, interview)
    stored = ExpertInterview.objects.get(pk=held.pk)
    assert stored.state == InterviewState.HELD and stored.recorded_by == cast.a_care_member.user
    assert stored.record == "同仁表示與主管溝通困難" and stored.advice_to_agency == "調整職務"
    assert stored.fee == Decimal(3000) and stored.procurement_reference == "114-採-001"
    assert case.timeline.filter(kind=EntryKind.INTERVIEW).count() == 2


def test_the_fee_is_never_negative(cast, case, clock):
    interview = plan(cast, case)
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    with pytest.raises(ValidationError):
        record(cast, interview, fee=Decimal(-1))
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.PLANNED
    assert record(cast, interview, fee=Decimal(0)).fee == 0
    assert record(cast, interview, fee=None).fee is None  # a free consultation


def test_the_record_needs_text(cast, case, clock):
    interview = plan(cast, case)
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    with pytest.raises(ValidationError):
        record(cast, interview, record="   ")
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.PLANNED


def test_the_record_is_encrypted_at_rest(cast, case, clock):
    interview = plan(cast, case)
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    record(cast, interview)
    with connection.cursor() as cursor:
        cursor.execute("SELECT record, advice_to_employee, advice_to_agency, follow_up, purpose "
                       f"FROM {ExpertInterview._meta.db_table} WHERE id = %s", [interview.pk])
        stored = cursor.fetchone()
    assert all(stored)
    for plaintext, column in zip(("溝通困難", "規律作息", "調整職務", "一個月", "工作適應"), stored):
        assert plaintext not in column


def test_a_planned_interview_is_cancelled_once(cast, case, clock):
    interview = plan(cast, case)
    member = cast.a_care_member.user
    with acting_as(member):
        cancel_interview(interview, by=member, reason="專家臨時無法出席")
    stored = ExpertInterview.objects.get(pk=interview.pk)
    assert stored.state == InterviewState.CANCELLED and stored.cancel_reason == "專家臨時無法出席"
    # The timeline says it was cancelled; why stays on the interview (the safety team reads timelines).
    assert all("專家臨時無法出席" not in entry.reason for entry in case.timeline.all())
    with acting_as(member), pytest.raises(ValidationError):
        cancel_interview(interview, by=member, reason="再取消")
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    with pytest.raises(ValidationError):
        record(cast, interview)
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.CANCELLED


def test_a_held_interview_cannot_be_cancelled(cast, case, clock):
    interview = plan(cast, case)
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    record(cast, interview)
    member = cast.a_care_member.user
    with acting_as(member), pytest.raises(ValidationError):
        cancel_interview(interview, by=member, reason="x")
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.HELD


@pytest.mark.parametrize("who", ["b_eap_officer", "b_convener", "a_employee", "a_supervisor", "city_hr"])
def test_only_those_who_work_on_the_case(cast, case, clock, who):
    with pytest.raises(PermissionDenied):
        plan(cast, case, who=who)
    interview = plan(cast, case)
    clock.move_to(STARTS + datetime.timedelta(hours=1), tick=False)
    with pytest.raises(PermissionDenied):
        record(cast, interview, who=who)
    user = getattr(cast, who).user
    with acting_as(user), pytest.raises(PermissionDenied):
        cancel_interview(interview, by=user, reason="x")
    assert ExpertInterview.objects.get(pk=interview.pk).state == InterviewState.PLANNED


def test_not_on_a_closed_case(cast, case):
    member = cast.a_care_member.user
    interview = plan(cast, case)
    with acting_as(member):
        record_assessment(case, by=member, assessment="不需要")
        move_case(case, CaseState.CLOSED, by=member, reason="婉拒")
    with pytest.raises(ValidationError):
        plan(cast, case)
    with acting_as(member), pytest.raises(ValidationError):
        cancel_interview(interview, by=member, reason="x")
    assert ExpertInterview.objects.count() == 1
