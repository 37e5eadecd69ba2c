"""The case pages as their users meet them: the care team's list and case page, the single window,
and the referring supervisor's two pages."""
import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cases.follow_ups import working_date
from cases.models import Case, CaseState, Contact, ContactOutcome, EntryKind, ExpertInterview, InterviewState
from cases.tests.factories import assigned_case, open_general_case
from core.actors import acting_as
from core.models import AccessLog
from eap_portal.rocdates import format_roc_date

pytestmark = pytest.mark.django_db


def signed_in(person, language=None):
    client = Client()
    client.force_login(getattr(person, "user", person))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def messages_of(response):
    return [message.level_tag for message in response.context["messages"]]


def roc(day):
    return format_roc_date(day, "short")


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(client, **query):
    response = client.get(reverse("case_list"), query)
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


def reload(case):
    return Case.objects.get(pk=case.pk)


# --- The case list ---------------------------------------------------------------------------------

def test_the_case_list_shows_only_the_cases_the_user_sees(cast):
    mine = assigned_case(cast, "a")
    theirs = assigned_case(cast, "b")
    officer = signed_in(cast.a_eap_officer)
    assert listed(officer) == {mine.pk}
    assert listed(signed_in(cast.a_care_member)) == {mine.pk}
    assert listed(signed_in(cast.b_convener)) == {theirs.pk}
    html = html_of(officer.get(reverse("case_list")))
    assert mine.reference in html and cast.a_employee.full_name in html
    assert theirs.reference not in html and cast.b_employee.full_name not in html


def test_people_who_do_not_work_on_cases_have_no_case_list(cast):
    assigned_case(cast, "a")
    for person in (cast.a_employee, cast.a_supervisor, cast.city_hr, cast.a_agency_hr, cast.reviewer, cast.nobody):
        assert signed_in(person).get(reverse("case_list")).status_code == 403, person


def test_the_case_list_filters_by_kind_state_overdue_and_mine(cast):
    from cases.opening import open_case, open_duties_of
    from cases.referrals import record_assessment

    officer = cast.a_eap_officer.user
    general = open_general_case(cast, "a")
    assessed = open_general_case(cast, "a", subject=cast.a_supervisor)
    with acting_as(officer):
        crisis = open_case(kind="crisis", origin="incident", subject=None, agency=cast.a, by=officer,
                           summary="辦公室意外")
        record_assessment(assessed, by=officer, assessment="需要諮商")
        duty = open_duties_of(general).get()
        duty.due_at = timezone.now() - datetime.timedelta(hours=1)
        duty.save()
    convener = cast.a_convener.user
    with acting_as(convener):
        from cases.opening import assign

        assign(crisis, convener, by=convener)

    client = signed_in(cast.a_convener, "en")
    assert listed(client) == {general.pk, assessed.pk, crisis.pk}
    assert listed(client, kind="crisis") == {crisis.pk}
    assert listed(client, kind="general") == {general.pk, assessed.pk}
    assert listed(client, state="assessed") == {assessed.pk}
    assert listed(client, overdue="true") == {general.pk}
    assert listed(client, mine="true") == {crisis.pk}
    with translation.override("en"):
        html = html_of(client.get(reverse("case_list")))
    assert "Overdue" in html and "Assigned to me" in html and "New case" in html


def test_closed_cases_are_behind_the_status_filter(cast):
    from cases.referrals import record_assessment
    from cases.workflow import move_case

    case = assigned_case(cast, "a")
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        record_assessment(case, by=officer, assessment="不需要服務")
        move_case(case, CaseState.CLOSED, by=officer, reason="同仁婉拒")
    client = signed_in(cast.a_eap_officer)
    assert listed(client) == set()
    assert listed(client, status="closed") == {case.pk}
    assert listed(client, status="") == {case.pk}


def test_the_list_pages_keep_the_filter(cast):
    for _ in range(31):
        open_general_case(cast, "a")
    html = html_of(signed_in(cast.a_eap_officer).get(reverse("case_list"), {"kind": "general", "status": "open"}))
    assert "kind=general" in html and "page=2" in html


def test_the_default_list_keeps_to_open_cases_on_its_next_pages(cast):
    from cases.referrals import record_assessment
    from cases.workflow import move_case

    officer = cast.a_eap_officer.user
    closed = open_general_case(cast, "a")
    with acting_as(officer):
        record_assessment(closed, by=officer, assessment="不需要服務")
        move_case(closed, CaseState.CLOSED, by=officer, reason="婉拒")
    for _ in range(31):
        open_general_case(cast, "a")
    client = signed_in(cast.a_eap_officer)
    first = html_of(client.get(reverse("case_list")))
    assert "page=2" in first
    assert closed.pk not in listed(client, page="2")


def test_the_care_member_has_no_new_case_button_and_cannot_open_one(cast):
    assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    assert not client.get(reverse("case_list")).context["may_open"]
    assert client.get(reverse("new_case")).status_code == 403


def test_the_eap_officer_opens_a_case_for_an_employee_by_number(cast):
    client = signed_in(cast.a_eap_officer)
    assert client.get(reverse("new_case")).status_code == 200
    response = client.post(reverse("new_case"), {"origin": "self_applied", "person": cast.a_employee.employee_number,
                                                 "summary": "同仁主動求助", "respondents": ""})
    case = Case.objects.get(subject=cast.a_employee)
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    assert case.summary == "同仁主動求助" and case.state == CaseState.RECEIVED


def test_a_case_cannot_be_opened_for_someone_outside_the_officers_agencies(cast):
    client = signed_in(cast.a_eap_officer)
    response = client.post(reverse("new_case"), {"origin": "self_applied", "person": cast.b_employee.employee_number,
                                                 "summary": "x"})
    assert response.status_code == 200 and response.context["form"].errors["person"]
    assert not Case.objects.exists()


# --- The case page ---------------------------------------------------------------------------------

def test_the_case_page_renders_for_the_assigned_member_the_convener_and_the_eap_officer(cast):
    case = assigned_case(cast, "a")
    for person in (cast.a_care_member, cast.a_convener, cast.a_eap_officer):
        html = html_of(signed_in(person).get(reverse("case_detail", args=[case.pk])))
        assert case.reference in html and cast.a_employee.full_name in html and cast.a_team.name in html
        assert "同仁來電表示睡不好" in html
        assert reverse("case_move", args=[case.pk]) in html
        assert reverse("case_follow_up", args=[case.pk]) in html
        assert 'name="experts-TOTAL_FORMS"' in html


def test_only_managers_see_the_assign_form_and_the_end_buttons(cast):
    case = assigned_case(cast, "a")
    assignment = case.assignments.get()
    end = reverse("case_assignment_end", args=[assignment.pk])
    assert end not in html_of(signed_in(cast.a_care_member).get(reverse("case_detail", args=[case.pk])))
    assert reverse("case_assign", args=[case.pk]) not in html_of(
        signed_in(cast.a_care_member).get(reverse("case_detail", args=[case.pk])))
    html = html_of(signed_in(cast.a_convener).get(reverse("case_detail", args=[case.pk])))
    assert end in html and reverse("case_assign", args=[case.pk]) in html
    assert signed_in(cast.a_care_member).post(end).status_code == 403
    assert signed_in(cast.a_convener).post(end).status_code == 302
    assert not case.assignments.current().exists()
    assert case.timeline.filter(kind=EntryKind.UNASSIGNED).exists()


def test_the_case_page_is_404_for_b_and_for_the_subject(cast):
    case = assigned_case(cast, "a")
    url = reverse("case_detail", args=[case.pk])
    for person in (cast.b_eap_officer, cast.b_convener, cast.b_care_member, cast.a_employee, cast.a_supervisor,
                   cast.city_hr, cast.a_agency_head, cast.provider, cast.reviewer, cast.nobody):
        assert signed_in(person).get(url).status_code == 404, person
    assert signed_in(cast.b_convener).post(reverse("case_move", args=[case.pk]),
                                           {"to": "assessed", "reason": "x"}).status_code == 404


def test_an_eap_officer_who_is_the_subject_does_not_see_their_own_case(cast):
    case = open_general_case(cast, "a", subject=cast.a_eap_officer, by=cast.a_convener.user)
    assert signed_in(cast.a_eap_officer).get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert signed_in(cast.a_convener).get(reverse("case_detail", args=[case.pk])).status_code == 200


def test_every_read_of_the_case_page_is_logged(cast):
    case = assigned_case(cast, "a")
    case_type = ContentType.objects.get_for_model(Case)
    before = AccessLog.objects.count()
    for person in (cast.a_care_member, cast.a_convener):
        signed_in(person).get(reverse("case_detail", args=[case.pk]))
    reads = AccessLog.objects.filter(record_type=case_type, action="read").order_by("pk")
    assert AccessLog.objects.count() >= before + 2
    assert [(row.actor, row.record_ids, row.person_id) for row in reads] == [
        (cast.a_care_member.user, [str(case.pk)], cast.a_employee.pk),
        (cast.a_convener.user, [str(case.pk)], cast.a_employee.pk)]
    assert reads[0].purpose_kind != reads[1].purpose_kind or reads[0].purpose_ref != reads[1].purpose_ref
    # A refused read leaves no row.
    signed_in(cast.b_eap_officer).get(reverse("case_detail", args=[case.pk]))
    assert reads.count() == 2


def test_the_case_list_is_logged(cast):
    case = assigned_case(cast, "a")
    signed_in(cast.a_eap_officer).get(reverse("case_list"))
    row = AccessLog.objects.get(action="list", record_type=ContentType.objects.get_for_model(Case))
    assert row.record_ids == [str(case.pk)]


def test_the_duties_of_the_case_link_to_their_page(cast):
    case = open_general_case(cast, "a")
    from cases.opening import open_duties_of

    duty = open_duties_of(case).get()
    html = html_of(signed_in(cast.a_convener).get(reverse("case_detail", args=[case.pk])))
    assert reverse("duty_detail", args=[duty.pk]) in html


# --- Acting on the case ----------------------------------------------------------------------------

def test_assessment_then_a_move_with_its_reason(cast):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    response = client.post(reverse("case_assessment", args=[case.pk]), {"assessment": "睡眠困擾，建議諮商"})
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    case = reload(case)
    assert case.assessment == "睡眠困擾，建議諮商" and case.state == CaseState.ASSESSED

    response = client.post(reverse("case_move", args=[case.pk]), {"to": "in_service", "reason": "同仁同意接受協助"},
                           follow=True)
    assert reload(case).state == CaseState.IN_SERVICE
    entry = case.timeline.filter(kind=EntryKind.MOVED).order_by("-pk").first()
    assert (entry.from_state, entry.to_state, entry.reason, entry.by) == (
        "assessed", "in_service", "同仁同意接受協助", cast.a_care_member.user)
    html = html_of(response)
    assert "同仁同意接受協助" in html and "睡眠困擾，建議諮商" in html
    # The timeline is newest first.
    assert html.index("同仁同意接受協助") > html.index("timeline-heading")


def test_a_move_without_a_reason_shows_an_error_and_changes_nothing(cast):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member, "en")
    client.post(reverse("case_assessment", args=[case.pk]), {"assessment": "評估"}, follow=True)
    entries = case.timeline.count()
    with translation.override("en"):
        response = client.post(reverse("case_move", args=[case.pk]), {"to": "in_service", "reason": "  "},
                               follow=True)
    assert reload(case).state == CaseState.ASSESSED and case.timeline.count() == entries
    assert messages_of(response) == ["error"]
    assert 'class="alert alert-danger"' in html_of(response)


def test_a_move_the_table_forbids_is_refused(cast):
    case = assigned_case(cast, "a")
    response = signed_in(cast.a_care_member).post(reverse("case_move", args=[case.pk]),
                                                  {"to": "assessed", "reason": "先跳過"}, follow=True)
    assert reload(case).state == CaseState.RECEIVED
    assert messages_of(response) == ["error"]


def test_an_empty_assessment_is_refused(cast):
    case = assigned_case(cast, "a")
    response = signed_in(cast.a_care_member).post(reverse("case_assessment", args=[case.pk]), {"assessment": ""},
                                                  follow=True)
    assert reload(case).assessment == "" and reload(case).state == CaseState.RECEIVED
    assert messages_of(response) == ["error"]


def test_a_follow_up_with_its_next_date(cast):
    case = assigned_case(cast, "a")
    today = timezone.localdate()
    asked = today + datetime.timedelta(days=7)
    response = signed_in(cast.a_care_member).post(reverse("case_follow_up", args=[case.pk]), {
        "on": roc(today), "contact_type": "phone", "what_happened": "電話關懷，睡眠改善",
        "person_state": "情緒平穩", "next_on": roc(asked)}, follow=True)
    entry = case.follow_ups.get()
    expected = working_date(asked, cast.a)
    assert (entry.on, entry.contact_type, entry.what_happened, entry.person_state, entry.next_on) == (
        today, "phone", "電話關懷，睡眠改善", "情緒平穩", expected)
    assert entry.duty is not None and entry.duty.assignee == cast.a_care_member.user
    html = html_of(response)
    assert "電話關懷，睡眠改善" in html and "情緒平穩" in html
    assert format_roc_date(expected, "long") in html


def test_a_follow_up_on_a_day_off_shows_where_it_moved_from(cast):
    case = assigned_case(cast, "a")
    today = timezone.localdate()
    day_off = next(today + datetime.timedelta(days=n) for n in range(1, 15)
                   if working_date(today + datetime.timedelta(days=n), cast.a) != today + datetime.timedelta(days=n))
    with translation.override("en"):
        response = signed_in(cast.a_care_member, "en").post(reverse("case_follow_up", args=[case.pk]), {
            "on": roc(today), "contact_type": "visit", "what_happened": "訪視", "next_on": roc(day_off)},
            follow=True)
    entry = case.follow_ups.get()
    assert entry.next_asked_for == day_off and entry.next_on != day_off
    html = html_of(response)
    assert f"moved from {format_roc_date(day_off, 'long')}" in html


def test_a_follow_up_with_a_past_next_date_is_refused(cast):
    case = assigned_case(cast, "a")
    today = timezone.localdate()
    response = signed_in(cast.a_care_member).post(reverse("case_follow_up", args=[case.pk]), {
        "on": roc(today), "contact_type": "phone", "what_happened": "電話關懷", "next_on": roc(today)}, follow=True)
    assert not case.follow_ups.exists()
    assert messages_of(response) == ["error"]


def test_a_paper_file_is_listed(cast):
    case = assigned_case(cast, "a")
    response = signed_in(cast.a_care_member).post(reverse("case_paper_file", args=[case.pk]), {
        "description": "同意書正本", "location": "人事室 3 號鐵櫃"}, follow=True)
    paper = case.paper_files.get()
    assert (paper.description, paper.location, paper.listed_by) == ("同意書正本", "人事室 3 號鐵櫃",
                                                                     cast.a_care_member.user)
    html = html_of(response)
    assert "同意書正本" in html and "人事室 3 號鐵櫃" in html


def _interview_post(day, **expert):
    data = {"interview-day": roc(day), "interview-time": "14:30", "interview-place": "會議室 A",
            "interview-mode": "in_person", "interview-purpose": "評估工作適應",
            "experts-TOTAL_FORMS": "3", "experts-INITIAL_FORMS": "0", "experts-MIN_NUM_FORMS": "0",
            "experts-MAX_NUM_FORMS": "6"}
    data.update({f"experts-0-{key}": value for key, value in expert.items()})
    return data


def test_an_interview_is_planned_with_one_expert_and_read_on_its_page(cast):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(reverse("case_interview_plan", args=[case.pk]), _interview_post(
        day, name="王醫師", profession="精神科醫師", licence_number="醫字第12345號",
        practice_registration="高市衛執123"),
        follow=True)
    interview = case.interviews.get()
    assert interview.state == InterviewState.PLANNED and interview.place == "會議室 A"
    assert [(e.name, e.licence_number) for e in interview.experts.all()] == [("王醫師", "醫字第12345號")]
    assert reverse("case_interview", args=[interview.pk]) in html_of(response)

    before = AccessLog.objects.filter(action="read",
                                      record_type=ContentType.objects.get_for_model(ExpertInterview)).count()
    html = html_of(client.get(reverse("case_interview", args=[interview.pk])))
    for text in ("王醫師", "精神科醫師", "醫字第12345號", "高市衛執123", "會議室 A", 'name="cancel"'):
        assert text in html
    assert AccessLog.objects.filter(action="read", record_type=ContentType.objects.get_for_model(
        ExpertInterview)).count() == before + 1
    assert signed_in(cast.b_convener).get(reverse("case_interview", args=[interview.pk])).status_code == 404


def test_an_interview_without_a_complete_expert_is_refused(cast):
    case = assigned_case(cast, "a")
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = signed_in(cast.a_care_member).post(reverse("case_interview_plan", args=[case.pk]),
                                                  _interview_post(day, name="王醫師"), follow=True)
    assert not case.interviews.exists()
    assert messages_of(response) == ["error"]


def test_a_planned_interview_is_cancelled_with_a_reason(cast):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    day = timezone.localdate() + datetime.timedelta(days=3)
    client.post(reverse("case_interview_plan", args=[case.pk]), _interview_post(
        day, name="王醫師", profession="心理師", licence_number="心字1", practice_registration="執1"))
    interview = case.interviews.get()
    response = client.post(reverse("case_interview", args=[interview.pk]), {"cancel": "1", "reason": "同仁請假"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.state == InterviewState.CANCELLED
    assert interview.cancel_reason == "同仁請假"
    assert case.timeline.filter(kind=EntryKind.INTERVIEW).count() == 2  # planned, cancelled
    html = html_of(client.get(reverse("case_interview", args=[interview.pk])))
    assert 'name="cancel"' not in html and 'name="record"' not in html
    assert "同仁請假" in html  # the reason is shown on the interview itself


def test_a_held_interview_is_recorded(cast, time_machine):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    day = timezone.localdate() + datetime.timedelta(days=1)
    client.post(reverse("case_interview_plan", args=[case.pk]), _interview_post(
        day, name="王醫師", profession="心理師", licence_number="心字1", practice_registration="執1"))
    interview = case.interviews.get()
    time_machine.move_to(interview.starts_at + datetime.timedelta(hours=2))
    client = signed_in(cast.a_care_member)  # a day later: a new session
    response = client.post(reverse("case_interview", args=[interview.pk]), {
        "record": "晤談紀錄內容", "advice_to_employee": "規律作息", "advice_to_agency": "調整工作量",
        "follow_up": "一個月後追蹤", "fee": "3000", "procurement_reference": "P-114-01"}, follow=True)
    interview.refresh_from_db()
    assert interview.state == InterviewState.HELD and interview.fee == 3000
    html = html_of(response)
    assert "晤談紀錄內容" in html and "P-114-01" in html and 'name="cancel"' not in html


# --- The supervisor's referral ---------------------------------------------------------------------

def test_a_supervisor_refers_and_then_sees_only_the_coarse_state_and_the_advice(cast):
    supervisor = signed_in(cast.a_supervisor)
    html = html_of(supervisor.get(reverse("referral_list")))
    assert cast.a_employee.full_name in html  # in the colleague choice
    response = supervisor.post(reverse("referral_list"), {"employee": cast.a_employee.pk,
                                                          "observations": "最近常常請假，精神不濟"})
    assert response.status_code == 302
    case = Case.objects.get(referring_supervisor=cast.a_supervisor)
    assert case.origin == "supervisor_referral" and case.subject == cast.a_employee

    officer = signed_in(cast.a_eap_officer)
    officer.post(reverse("case_assessment", args=[case.pk]), {"assessment": "家庭壓力，安排諮商"})
    html = html_of(officer.get(reverse("case_detail", args=[case.pk])))
    assert reverse("case_advice", args=[case.pk]) in html and reverse("case_escalation", args=[case.pk]) in html
    officer.post(reverse("case_advice", args=[case.pk]), {"advice": "請給予彈性工時"})
    officer.post(reverse("case_follow_up", args=[case.pk]), {
        "on": roc(timezone.localdate()), "contact_type": "phone", "what_happened": "電話關懷內容"})
    assert reload(case).management_advice == "請給予彈性工時"

    supervisor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        listing = html_of(supervisor.get(reverse("referral_list")))
        detail = html_of(supervisor.get(reverse("referral_detail", args=[case.pk])))
    assert reverse("referral_detail", args=[case.pk]) in listing
    assert "In service" in listing and "Advice has arrived" in listing
    assert "In service" in detail and "請給予彈性工時" in detail
    secrets = ("最近常常請假，精神不濟", "家庭壓力，安排諮商", "電話關懷內容", reverse("case_detail", args=[case.pk]))
    for secret in secrets:
        assert secret not in listing and secret not in detail
    # The case page itself stays closed to them.
    assert supervisor.get(reverse("case_detail", args=[case.pk])).status_code == 404
    # Reading the referral is logged.
    assert AccessLog.objects.filter(actor=cast.a_supervisor.user, action="read",
                                    record_ids=[str(case.pk)]).exists()


def test_the_referral_pages_belong_to_the_referring_supervisor_only(cast):
    from cases.referrals import refer_employee

    with acting_as(cast.a_supervisor.user):
        case = refer_employee(cast.a_supervisor, cast.a_employee, by=cast.a_supervisor.user, observations="觀察")
    assert signed_in(cast.b_supervisor).get(reverse("referral_detail", args=[case.pk])).status_code == 404
    assert signed_in(cast.a_employee).get(reverse("referral_list")).status_code == 403
    assert signed_in(cast.a_eap_officer).get(reverse("referral_detail", args=[case.pk])).status_code == 403


def test_a_supervisor_cannot_refer_someone_outside_their_unit(cast):
    response = signed_in(cast.a_supervisor).post(reverse("referral_list"), {"employee": cast.b_employee.pk,
                                                                            "observations": "x"})
    assert response.status_code == 200 and response.context["form"].errors["employee"]
    assert not Case.objects.exists()


def test_an_escalation_opens_the_linked_case(cast):
    from cases.referrals import refer_employee

    with acting_as(cast.a_supervisor.user):
        case = refer_employee(cast.a_supervisor, cast.a_employee, by=cast.a_supervisor.user, observations="觀察")
    response = signed_in(cast.a_eap_officer).post(reverse("case_escalation", args=[case.pk]), {
        "decision": "high_concern", "reason": "有自傷風險"}, follow=True)
    case = reload(case)
    assert case.escalated_to is not None and case.escalated_to.kind == "high_concern"
    assert reverse("case_detail", args=[case.escalated_to.pk]) in html_of(response)


# --- The single window -----------------------------------------------------------------------------

def test_the_single_window_logs_a_contact_and_turns_it_into_a_case_in_one_step(cast):
    client = signed_in(cast.a_eap_officer)
    assert html_of(client.get(reverse("window_contacts")))
    response = client.post(reverse("window_contacts"), {
        "agency": cast.a.pk, "received_on": roc(timezone.localdate()), "channel": "hotline",
        "person": cast.a_employee.employee_number, "summary": "來電詢問諮商"})
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("window_contact", args=[contact.pk])
    assert contact.person == cast.a_employee and contact.outcome == ContactOutcome.OPEN

    html = html_of(client.get(reverse("window_contact", args=[contact.pk])))
    assert "來電詢問諮商" in html and reverse("window_to_case", args=[contact.pk]) in html
    assert reverse("window_information", args=[contact.pk]) in html
    listing = html_of(client.get(reverse("window_contacts")))
    assert reverse("window_contact", args=[contact.pk]) in listing

    response = client.post(reverse("window_to_case", args=[contact.pk]))
    contact.refresh_from_db()
    assert contact.outcome == ContactOutcome.CASE and contact.case.subject == cast.a_employee
    assert response["Location"] == reverse("case_detail", args=[contact.case.pk])
    assert html_of(client.get(response["Location"]))
    settled = html_of(client.get(reverse("window_contact", args=[contact.pk])))
    assert reverse("case_detail", args=[contact.case.pk]) in settled
    assert reverse("window_to_case", args=[contact.pk]) not in settled
    # It left the open tab for the "became a case" tab.
    assert reverse("window_contact", args=[contact.pk]) not in html_of(client.get(reverse("window_contacts")))
    assert reverse("window_contact", args=[contact.pk]) in html_of(
        client.get(reverse("window_contacts"), {"outcome": "case"}))


def test_a_contact_is_closed_as_information_given(cast):
    from cases.single_window import log_contact

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        contact = log_contact(agency=cast.a, by=officer, received_on=timezone.localdate(), channel="email",
                              summary="詢問方案內容")
    client = signed_in(cast.a_eap_officer)
    assert client.post(reverse("window_information", args=[contact.pk]), {"note": "已提供方案說明"}).status_code == 302
    contact.refresh_from_db()
    assert contact.outcome == ContactOutcome.INFORMATION
    assert "已提供方案說明" in html_of(client.get(reverse("window_contact", args=[contact.pk])))


def test_the_single_window_is_the_eap_officers_own(cast):
    from cases.single_window import log_contact

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        contact = log_contact(agency=cast.a, by=officer, received_on=timezone.localdate(), channel="walk_in",
                              summary="臨櫃", person=cast.a_employee)
    assert signed_in(cast.b_eap_officer).get(reverse("window_contact", args=[contact.pk])).status_code == 404
    for person in (cast.a_convener, cast.a_care_member, cast.city_hr, cast.a_employee):
        assert signed_in(person).get(reverse("window_contacts")).status_code == 403
    reads = AccessLog.objects.filter(record_type=ContentType.objects.get_for_model(Contact), action="read")
    signed_in(cast.a_eap_officer).get(reverse("window_contact", args=[contact.pk]))
    assert reads.get().person_id == cast.a_employee.pk


# --- Navigation ------------------------------------------------------------------------------------

def test_the_navigation_offers_each_their_case_pages(cast):
    with translation.override("en"):
        pages = {person: html_of(signed_in(person, "en").get(reverse("home")))
                 for person in ("a_eap_officer", "a_care_member", "a_supervisor", "a_employee")
                 for person in [getattr(cast, person)]}
    officer, member, supervisor, employee = pages.values()
    cases, window, referrals = reverse("case_list"), reverse("window_contacts"), reverse("referral_list")
    assert cases in officer and window in officer
    assert cases in member and window not in member
    assert referrals in supervisor and cases not in supervisor
    assert cases not in employee and window not in employee and referrals not in employee


def test_the_convener_hands_an_absent_members_open_cases_to_the_deputy(cast):
    from agencies.models import CareTeamMember, Position
    from agencies.tests.factories import EmployeeFactory, UserFactory
    from core.models import Absence

    deputy = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_deputy"))
    CareTeamMember.objects.create(team=cast.a_team, user=deputy.user, position=Position.CARE_OFFICER,
                                  since=datetime.date(2020, 1, 1))
    case = assigned_case(cast, "a")
    today = timezone.localdate()
    absence = Absence.objects.create(team=cast.a_team, member=cast.a_care_member.user, deputy=deputy.user,
                                     starts_on=today, ends_on=today + datetime.timedelta(days=5),
                                     recorded_by=cast.a_convener.user)
    convener = signed_in(cast.a_convener)
    assert reverse("case_hand_over", args=[absence.pk]) in html_of(convener.get(reverse("team_duties")))
    response = convener.post(reverse("case_hand_over", args=[absence.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("team_duties")
    handed = case.assignments.get(user=deputy.user)
    assert handed.acting_for == cast.a_care_member.user and handed.until == absence.ends_on
    assert signed_in(deputy).get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert signed_in(cast.a_care_member).post(reverse("case_hand_over", args=[absence.pk])).status_code == 404


@pytest.fixture
def counseling(cast, time_machine):
    """A's own plan (ROC 114) offers its employees individual counseling: the test lives in 114."""
    from decimal import Decimal

    from plans.tests.factories import PoolFactory

    time_machine.move_to(timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0)), tick=False)
    PoolFactory(plan=cast.a_plan, hours=Decimal(6))
    cast.a_contract.services = ["individual"]
    cast.a_contract.save()
    return cast


def test_services_are_arranged_a_resource_and_a_counseling_booking(cast, counseling):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    client.post(reverse("case_assessment", args=[case.pk]), {"assessment": "需要職務調整與諮商"})
    response = client.post(reverse("case_service", args=[case.pk]), {
        "kind": "internal", "offer": "", "resource": "人事室協助調整職務", "details": "先調整一個月"}, follow=True)
    assert reload(case).state == CaseState.IN_SERVICE
    html = html_of(response)
    assert "人事室協助調整職務" in html and "先調整一個月" in html

    offers = response.context["service_form"].fields["offer"].choices[1:]
    assert offers, "the cast's plans offer A's employee counseling"
    response = client.post(reverse("case_service", args=[case.pk]), {"kind": "booking", "offer": offers[0][0],
                                                                     "details": "睡眠議題"}, follow=True)
    service = case.services.get(kind="booking")
    html = html_of(response)
    assert service.booking.provider.name in html and service.booking.get_state_display() in html


def test_a_booking_without_a_counseling_service_chosen_is_refused(cast):
    case = assigned_case(cast, "a")
    client = signed_in(cast.a_care_member)
    client.post(reverse("case_assessment", args=[case.pk]), {"assessment": "評估"}, follow=True)
    response = client.post(reverse("case_service", args=[case.pk]), {"kind": "booking", "offer": ""}, follow=True)
    assert not case.services.exists() and messages_of(response) == ["error"]


def test_a_closed_case_offers_only_reopening(cast):
    from cases.referrals import record_assessment
    from cases.workflow import move_case

    case = assigned_case(cast, "a")
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        record_assessment(case, by=officer, assessment="不需要服務")
        move_case(case, CaseState.CLOSED, by=officer, reason="同仁婉拒")
    response = signed_in(cast.a_care_member).get(reverse("case_detail", args=[case.pk]))
    html = html_of(response)
    assert [state for state, _ in response.context["move_form"].fields["to"].choices] == ["in_service"]
    for action in ("case_follow_up", "case_paper_file", "case_interview_plan", "case_service"):
        assert reverse(action, args=[case.pk]) not in html
    assert "不需要服務" in html and "同仁婉拒" in html


def test_the_single_window_requests_counseling_for_the_person(cast, counseling):
    from cases.single_window import log_contact

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        contact = log_contact(agency=cast.a, by=officer, received_on=timezone.localdate(), channel="hotline",
                              summary="想要諮商", person=cast.a_employee)
    client = signed_in(cast.a_eap_officer)
    response = client.get(reverse("window_contact", args=[contact.pk]))
    offer = response.context["offer_form"].fields["offer"].choices[0][0]
    assert reverse("window_to_booking", args=[contact.pk]) in html_of(response)
    response = client.post(reverse("window_to_booking", args=[contact.pk]), {"offer": offer}, follow=True)
    contact.refresh_from_db()
    assert contact.outcome == ContactOutcome.BOOKING and contact.booking is not None
    assert contact.booking.provider.name in html_of(response)


def test_the_assigned_professional_finds_the_case_in_their_list_and_nothing_else(cast):
    from cases.opening import assign

    case = assigned_case(cast)
    other = open_general_case(cast, subject=cast.a_supervisor)
    provider = cast.provider
    assert signed_in(provider).get(reverse("case_list")).status_code == 403  # assigned to nothing yet
    convener = cast.a_convener.user
    with acting_as(convener):
        assign(case, provider, by=convener, role="professional")
    page = signed_in(provider).get(reverse("case_list") + "?status=open")
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("case_detail", args=[case.pk]) in body
    assert reverse("case_detail", args=[other.pk]) not in body
