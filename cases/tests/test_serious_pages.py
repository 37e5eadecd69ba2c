"""The pages of non-voluntary and crisis cases (附件四, 附件五) and of the 24-hour suicide report: the
case page's new sections for the care team and the EAP officer, the supervisor's own pages, the
safety-and-health team's pages, and the employee's emergency contact."""
import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import EmergencyContact
from cases.models import (
    ActionKind,
    AffectedPerson,
    Case,
    CaseAction,
    CaseState,
    CrisisLevelEntry,
    SuicideReport,
)
from cases.tests.factories import open_general_case
from core.actors import acting_as
from core.models import AccessLog
from eap_portal.rocdates import format_roc_date

pytestmark = pytest.mark.django_db

# Distinctive strings planted in what the supervisor and the safety-and-health team must never read.
SUMMARY = "摘要機密甲乙丙"
ASSESSMENT = "評估機密丁戊己"
FOLLOW_UP = "追蹤機密庚辛壬"
TEAM_NOTE = "團隊紀錄癸子丑"
OBSERVATIONS = "主管觀察寅卯辰"


def signed_in(person, language="en"):
    client = Client()
    client.force_login(getattr(person, "user", person))
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def outcome(response):
    """The level of the message the action just left (earlier unread ones may still be queued)."""
    return [message.level_tag for message in response.wsgi_request._messages][-1]


def page(client, case):
    return html_of(client.get(reverse("case_detail", args=[case.pk])))


def section(html, heading_id):
    """The part of the page under one section's heading."""
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def reload(case):
    return Case.objects.get(pk=case.pk)


def at(moment):
    """A DateTimeField's two inputs for `moment`, as the form posts them."""
    from eap_portal.rocdates import format_roc_date

    local = timezone.localtime(moment)
    return format_roc_date(local.date(), "short"), local.strftime("%H:%M")


def when(name, moment):
    day, time = at(moment)
    return {f"{name}_0": day, f"{name}_1": time}


def non_voluntary_case(cast, *, care=False):
    from cases.non_voluntary import report_non_voluntary
    from cases.workflow import move_case

    supervisor = cast.a_supervisor.user
    with acting_as(supervisor):
        case = report_non_voluntary(cast.a_supervisor, cast.a_employee, by=supervisor, observations=OBSERVATIONS)
    if care:
        officer = cast.a_eap_officer.user
        with acting_as(officer):
            for state in (CaseState.RISK_ASSESSED, CaseState.ENCOURAGED, CaseState.CONTINUING_CARE):
                move_case(case, state, by=officer, reason="依流程")
        case = reload(case)
    return case


def crisis_case(cast, *, supervisor=None, people=None):
    from cases.crisis import report_incident

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        return report_incident(agency=cast.a, by=officer, summary=SUMMARY, supervisor=supervisor,
                               people=[cast.a_employee] if people is None else people)


# --- The case page of a non-voluntary case ----------------------------------------------------------

def test_the_non_voluntary_case_page_shows_every_new_section(cast, in_2025):
    case = non_voluntary_case(cast, care=True)
    for person in (cast.a_convener, cast.a_eap_officer):
        html = page(signed_in(person), case)
        for heading in ("Steps taken", "Continuing care", "Safety-and-health team", "Emergency contact",
                        "24-hour suicide report"):
            assert heading in html, (person, heading)
        for name in ("case_action", "case_safety_health", "case_early_close", "case_extend_care",
                     "case_suicidal_act"):
            assert reverse(name, args=[case.pk]) in html, (person, name)
        assert OBSERVATIONS in html  # the supervisor's own step, as the care team reads it
        # Continuing care started today: at least until 3 months later, reviewed at 6 months.
        assert format_roc_date(datetime.date(2025, 6, 3)) in html
        assert format_roc_date(datetime.date(2025, 9, 3)) in html
        # Nobody asked to close early: nothing to approve.
        assert reverse("case_early_close_approve", args=[case.pk]) not in html
        # Crisis sections belong to crises.
        assert reverse("case_affected", args=[case.pk]) not in html
        assert reverse("case_crisis_level", args=[case.pk]) not in html


def test_a_step_is_recorded_from_the_case_page(cast, in_2025):
    case = non_voluntary_case(cast)
    client = signed_in(cast.a_eap_officer)
    response = client.post(reverse("case_action", args=[case.pk]), {
        "kind": ActionKind.FAMILY_CONTACTED, **when("at", timezone.now() - datetime.timedelta(minutes=30)),
        "note": "已聯絡配偶"})
    assert response.status_code == 302 and outcome(response) == "success"
    action = case.actions.get(kind=ActionKind.FAMILY_CONTACTED)
    assert action.by == cast.a_eap_officer.user and action.note == "已聯絡配偶"
    assert action.at == timezone.now() - datetime.timedelta(minutes=30)
    html = page(client, case)
    assert "已聯絡配偶" in html and "114/03/03 08:30" in html


def test_a_step_in_the_future_is_refused_and_nothing_changes(cast, in_2025):
    case = non_voluntary_case(cast)
    before = CaseAction.objects.count()
    client = signed_in(cast.a_eap_officer)
    response = client.post(reverse("case_action", args=[case.pk]), {
        "kind": ActionKind.FAMILY_CONTACTED, **when("at", timezone.now() + datetime.timedelta(hours=2)), "note": "x"})
    assert outcome(response) == "error"
    assert CaseAction.objects.count() == before
    html = html_of(client.get(response["Location"]))
    assert "alert-danger" in html


def test_reporting_to_the_safety_and_health_team_from_the_case_page(cast, in_2025):
    case = non_voluntary_case(cast)
    client = signed_in(cast.a_eap_officer)
    client.post(reverse("case_safety_health", args=[case.pk]))
    assert reload(case).safety_health_reported_at == timezone.now()
    html = page(client, case)
    assert reverse("case_safety_health", args=[case.pk]) not in html
    assert "Reported on 114/03/03 09:00" in html
    # A second report is refused.
    response = client.post(reverse("case_safety_health", args=[case.pk]))
    assert outcome(response) == "error"


def test_early_closure_is_asked_for_by_the_team_and_approved_by_the_convener_only(cast, in_2025):
    case = non_voluntary_case(cast, care=True)
    officer = signed_in(cast.a_eap_officer)
    # An empty reason is refused.
    response = officer.post(reverse("case_early_close", args=[case.pk]), {"reason": "  "})
    assert outcome(response) == "error" and reload(case).early_close_reason == ""
    officer.post(reverse("case_early_close", args=[case.pk]), {"reason": "同仁已轉任他機關"})
    assert reload(case).early_close_reason == "同仁已轉任他機關"
    html = page(officer, case)
    assert "同仁已轉任他機關" in html and "the convener decides" in html
    approve = reverse("case_early_close_approve", args=[case.pk])
    assert approve not in html
    # The EAP officer cannot approve.
    assert officer.post(approve).status_code == 403
    assert reload(case).early_close_approved_at is None
    convener = signed_in(cast.a_convener)
    assert approve in page(convener, case)
    convener.post(approve)
    case = reload(case)
    assert case.early_close_approved_at == timezone.now() and case.early_close_approved_by == cast.a_convener.user
    html = page(convener, case)
    assert approve not in html and "approved on 114/03/03 09:00" in html


def test_continuing_care_is_extended_with_a_reason(cast, in_2025):
    case = non_voluntary_case(cast, care=True)
    client = signed_in(cast.a_convener)
    response = client.post(reverse("case_extend_care", args=[case.pk]), {"reason": ""})
    assert outcome(response) == "error" and not case.actions.filter(kind=ActionKind.CARE_EXTENDED).exists()
    client.post(reverse("case_extend_care", args=[case.pk]), {"reason": "仍需陪伴"})
    extended = case.actions.get(kind=ActionKind.CARE_EXTENDED)
    assert extended.note == "仍需陪伴"
    assert "仍需陪伴" in page(client, case)


# --- The 24-hour suicide report -----------------------------------------------------------------

def test_a_suicidal_act_is_recorded_goes_overdue_and_is_filed(cast, in_2025, time_machine):
    case = open_general_case(cast, "a")  # on any case
    client = signed_in(cast.a_eap_officer)
    assert reverse("case_suicidal_act", args=[case.pk]) in page(client, case)
    known = timezone.now() - datetime.timedelta(hours=1)
    client.post(reverse("case_suicidal_act", args=[case.pk]), {**when("known_at", known), "note": "服藥過量"})
    report = SuicideReport.objects.get(case=case)
    assert report.known_at == known and report.note == "服藥過量"
    html = page(client, case)
    file_url = reverse("case_suicide_report", args=[report.pk])
    assert file_url in html and "Due 114/03/04 08:00" in html and "Not reported yet" in html
    assert "Overdue" not in section(html, "suicide-heading")

    time_machine.move_to(known + datetime.timedelta(hours=25), tick=False)
    client = signed_in(cast.a_eap_officer)  # a new day, a new session
    html = page(client, case)
    assert "Overdue" in section(html, "suicide-heading")

    # Without a reference number nothing is filed.
    response = client.post(file_url, {**when("reported_at", timezone.now()), "reference_number": ""})
    assert outcome(response) == "error" and not SuicideReport.objects.get(pk=report.pk).is_filed
    client.post(file_url, {**when("reported_at", timezone.now()), "reference_number": "SP-114-0042"})
    report = SuicideReport.objects.get(pk=report.pk)
    assert report.is_filed and report.reference_number == "SP-114-0042"
    html = page(client, case)
    part = section(html, "suicide-heading")
    assert "SP-114-0042" in part and "Overdue" not in part and file_url not in part


def test_a_suicidal_act_in_the_future_is_refused(cast, in_2025):
    case = non_voluntary_case(cast)
    client = signed_in(cast.a_eap_officer)
    response = client.post(reverse("case_suicidal_act", args=[case.pk]),
                           when("known_at", timezone.now() + datetime.timedelta(hours=1)))
    assert outcome(response) == "error" and not SuicideReport.objects.exists()
    response = client.post(reverse("case_suicidal_act", args=[case.pk]), {"known_at_0": "", "known_at_1": ""})
    assert outcome(response) == "error" and not SuicideReport.objects.exists()


def test_each_unfiled_report_has_its_own_form_and_ids(cast, in_2025):
    from cases.suicide import record_suicidal_act

    case = non_voluntary_case(cast)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        first = record_suicidal_act(case, by=officer, known_at=timezone.now() - datetime.timedelta(hours=3))
        second = record_suicidal_act(case, by=officer, known_at=timezone.now() - datetime.timedelta(hours=1))
    html = page(signed_in(cast.a_eap_officer), case)
    for report in (first, second):
        assert reverse("case_suicide_report", args=[report.pk]) in html
        assert f'id="report_{report.pk}_reference_number"' in html


def test_another_agencys_officer_cannot_file_the_report(cast, in_2025):
    from cases.suicide import record_suicidal_act

    case = non_voluntary_case(cast)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report = record_suicidal_act(case, by=officer, known_at=timezone.now() - datetime.timedelta(hours=1))
    response = signed_in(cast.b_eap_officer).post(reverse("case_suicide_report", args=[report.pk]), {
        **when("reported_at", timezone.now()), "reference_number": "X-1"})
    assert response.status_code == 404 and not SuicideReport.objects.get(pk=report.pk).is_filed


# --- The case page of a crisis ---------------------------------------------------------------------

def test_the_crisis_case_page_shows_every_new_section(cast, in_2025):
    case = crisis_case(cast)
    for person in (cast.a_convener, cast.a_eap_officer):
        html = page(signed_in(person), case)
        for heading in ("Steps taken", "Affected people", "Crisis level", "Not assessed yet",
                        "Safety-and-health team", "Emergency contact", "24-hour suicide report",
                        "the latest assessment is the lowest level"):
            assert heading in html, (person, heading)
        for name in ("case_action", "case_affected", "case_crisis_level", "case_safety_health", "case_suicidal_act"):
            assert reverse(name, args=[case.pk]) in html, (person, name)
        assert cast.a_employee.full_name in html
        # Continuing care belongs to non-voluntary cases.
        assert reverse("case_early_close", args=[case.pk]) not in html


def test_affected_people_levels_and_steps_about_them_are_recorded(cast, in_2025):
    case = crisis_case(cast)
    client = signed_in(cast.a_convener)
    client.post(reverse("case_affected", args=[case.pk]), {"name": "家屬王小明", "relation": "family",
                                                           "deceased": "on", "note": "配偶"})
    relative = next(person for person in AffectedPerson.objects.filter(case=case) if person.name == "家屬王小明")
    assert relative.deceased and relative.relation == "family"
    html = page(client, case)
    assert "家屬王小明" in html and "Deceased" in html

    # Neither an employee number nor a name: refused.
    response = client.post(reverse("case_affected", args=[case.pk]), {"relation": "colleague"})
    assert outcome(response) == "error" and case.affected.count() == 2

    client.post(reverse("case_action", args=[case.pk]), {
        "kind": ActionKind.FAMILY_SUPPORTED, "affected": relative.pk,
        **when("at", timezone.now() - datetime.timedelta(minutes=5)), "note": "陪同家屬"})
    step = case.actions.get(kind=ActionKind.FAMILY_SUPPORTED)
    assert step.affected == relative
    assert "about 家屬王小明" in page(client, case)

    # An empty reason for the level is refused.
    response = client.post(reverse("case_crisis_level", args=[case.pk]), {"level": 3, "reason": ""})
    assert outcome(response) == "error" and not CrisisLevelEntry.objects.exists()
    client.post(reverse("case_crisis_level", args=[case.pk]), {"level": 3, "reason": "有人死亡"})
    assert CrisisLevelEntry.objects.get(case=case).level == 3
    html = page(client, case)
    assert "Level 1: life or safety at risk" in html and "有人死亡" in html and "Not assessed yet" not in html
    client.post(reverse("case_crisis_level", args=[case.pk]), {"level": 1, "reason": "情況穩定"})
    html = page(client, case)
    part = section(html, "level-heading")
    assert part.index("Level 3: stable, periodic care") < part.index("Level 1: life or safety at risk")
    assert "Earlier assessments" in part


def test_an_incident_is_reported_from_the_case_list(cast, in_2025):
    officer = signed_in(cast.a_eap_officer)
    assert reverse("new_incident") in html_of(officer.get(reverse("case_list")))
    html = html_of(officer.get(reverse("new_incident")))
    assert 'name="summary"' in html and 'name="people"' in html
    response = officer.post(reverse("new_incident"), {"agency": cast.a.pk, "summary": "辦公室火警",
                                                      "people": cast.a_employee.employee_number})
    case = Case.objects.get(kind="crisis")
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    assert case.summary == "辦公室火警" and case.affected.get().employee == cast.a_employee

    # A number outside the roster the officer serves: the form says so, nothing opens.
    response = officer.post(reverse("new_incident"), {"agency": cast.a.pk, "summary": "x",
                                                      "people": cast.b_employee.employee_number})
    assert response.status_code == 200 and response.context["form"].errors["people"]
    assert Case.objects.filter(kind="crisis").count() == 1

    member = signed_in(cast.a_care_member)
    assert reverse("new_incident") not in html_of(member.get(reverse("case_list")))
    assert member.get(reverse("new_incident")).status_code == 403


# --- The supervisor's pages -------------------------------------------------------------------------

def _plant_team_notes(cast, case):
    """What only the care team reads: an assessment, a follow-up and a team member's step."""
    from cases.follow_ups import log_follow_up
    from cases.referrals import record_assessment

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        record_assessment(case, by=officer, assessment=ASSESSMENT, move=False)
        log_follow_up(case, by=officer, on=timezone.localdate(), contact_type="phone", what_happened=FOLLOW_UP)
        from cases.actions import record_action

        kind = ActionKind.COUNSELING_ARRANGED
        record_action(case, by=officer, kind=kind, note=TEAM_NOTE)


def _supervisor_duty(cast, case, title="請於明日前與同仁面談"):
    from core import duties

    with acting_as(cast.a_convener.user):
        return duties.create_duty(kind="case_supervisor_task", title=title, assignee=cast.a_supervisor.user,
                                  subject=case, agency=case.agency,
                                  due_at=timezone.now() + datetime.timedelta(days=1))


def test_the_supervisor_reports_a_colleague_and_acts_in_the_case(cast, in_2025):
    client = signed_in(cast.a_supervisor)
    html = html_of(client.get(reverse("supervised_list")))
    assert reverse("supervised_incident") in html and 'name="observations"' in html
    response = client.post(reverse("supervised_list"), {"employee": cast.a_employee.pk,
                                                        "observations": OBSERVATIONS})
    case = Case.objects.get(kind="non_voluntary")
    assert response["Location"] == reverse("supervised_case", args=[case.pk])
    assert case.referring_supervisor == cast.a_supervisor and case.subject == cast.a_employee
    listing = html_of(client.get(reverse("supervised_list")))
    assert reverse("supervised_case", args=[case.pk]) in listing and case.reference in listing

    html = html_of(client.get(reverse("supervised_case", args=[case.pk])))
    assert reverse("supervised_action", args=[case.pk]) in html
    assert reverse("supervised_safety_health", args=[case.pk]) in html
    client.post(reverse("supervised_action", args=[case.pk]), {
        "kind": ActionKind.INTENSIFIED_CARE, **when("at", timezone.now() - datetime.timedelta(hours=1)),
        "note": "每日關心"})
    assert case.actions.get(kind=ActionKind.INTENSIFIED_CARE).by == cast.a_supervisor.user
    # A step the supervisor does not take is refused.
    response = client.post(reverse("supervised_action", args=[case.pk]), {
        "kind": ActionKind.HOSPITAL_ESCORT, **when("at", timezone.now()), "note": ""})
    assert outcome(response) == "error" and not case.actions.filter(kind=ActionKind.HOSPITAL_ESCORT).exists()
    client.post(reverse("supervised_safety_health", args=[case.pk]))
    assert reload(case).safety_health_reported_at is not None
    html = html_of(client.get(reverse("supervised_case", args=[case.pk])))
    assert "每日關心" in html and reverse("supervised_safety_health", args=[case.pk]) not in html


def test_the_supervisor_reports_an_emergency(cast, in_2025):
    client = signed_in(cast.a_supervisor)
    response = client.post(reverse("supervised_incident"), {"summary": ""})
    assert response["Location"] == reverse("supervised_list") and not Case.objects.exists()
    response = client.post(reverse("supervised_incident"), {"summary": "同仁於辦公室昏倒"})
    case = Case.objects.get(kind="crisis")
    assert response["Location"] == reverse("supervised_case", args=[case.pk])
    assert case.referring_supervisor == cast.a_supervisor


def test_the_supervisor_sees_their_steps_and_duties_never_the_teams_notes(cast, in_2025):
    nv = non_voluntary_case(cast)
    _plant_team_notes(cast, nv)
    crisis = crisis_case(cast, supervisor=cast.a_supervisor, people=[])
    duty = _supervisor_duty(cast, nv)
    client = signed_in(cast.a_supervisor)

    listing = html_of(client.get(reverse("supervised_list")))
    assert reverse("supervised_case", args=[nv.pk]) in listing
    assert reverse("supervised_case", args=[crisis.pk]) in listing

    html = html_of(client.get(reverse("supervised_case", args=[nv.pk])))
    assert OBSERVATIONS in html  # their own step
    assert reverse("duty_detail", args=[duty.pk]) in html and "請於明日前與同仁面談" in html
    assert "114/03/04 09:00" in html
    # The duty's page leads back to the supervisor's page of the case, not the case page.
    duty_page = html_of(client.get(reverse("duty_detail", args=[duty.pk])))
    assert reverse("supervised_case", args=[nv.pk]) in duty_page
    assert reverse("case_detail", args=[nv.pk]) not in duty_page
    html = html_of(client.get(reverse("supervised_case", args=[crisis.pk])))
    for page_html in (listing, html, html_of(client.get(reverse("supervised_case", args=[nv.pk])))):
        for secret in (SUMMARY, ASSESSMENT, FOLLOW_UP, TEAM_NOTE):
            assert secret not in page_html, secret
    # Never the case page.
    assert client.get(reverse("case_detail", args=[nv.pk])).status_code == 404


def test_the_supervisors_pages_belong_to_the_reporting_supervisor(cast, in_2025):
    case = non_voluntary_case(cast)
    other = signed_in(cast.b_supervisor)
    assert other.get(reverse("supervised_case", args=[case.pk])).status_code == 404
    assert other.post(reverse("supervised_action", args=[case.pk]), {
        "kind": ActionKind.INTENSIFIED_CARE, **when("at", timezone.now())}).status_code == 404
    assert other.post(reverse("supervised_safety_health", args=[case.pk])).status_code == 404
    assert reverse("supervised_case", args=[case.pk]) not in html_of(other.get(reverse("supervised_list")))
    assert reload(case).safety_health_reported_at is None
    for person in (cast.a_employee, cast.a_eap_officer, cast.nobody):
        assert signed_in(person).get(reverse("supervised_list")).status_code == 403, person


# --- The safety-and-health team -------------------------------------------------------------------

def test_the_safety_and_health_team_sees_state_and_timeline_never_the_notes(cast, in_2025):
    from cases.non_voluntary import report_to_safety_health

    case = non_voluntary_case(cast)
    _plant_team_notes(cast, case)
    team = signed_in(cast.a_safety_health)
    url = reverse("safety_case", args=[case.pk])
    # Not reported yet: not theirs.
    assert team.get(url).status_code == 404
    assert case.reference not in html_of(team.get(reverse("safety_list")))
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report_to_safety_health(case, by=officer)

    listing = html_of(team.get(reverse("safety_list")))
    assert url in listing and case.reference in listing
    html = html_of(team.get(url))
    assert "Reported" in html and "Non-voluntary" in html and cast.a.name in html
    assert "Reported to the safety-and-health team" in html  # a timeline entry
    assert "114/03/03 09:00" in html
    for page_html in (listing, html):
        for secret in (OBSERVATIONS, ASSESSMENT, FOLLOW_UP, TEAM_NOTE):
            assert secret not in page_html, secret
    assert AccessLog.objects.filter(actor=cast.a_safety_health.user, person=cast.a_employee).exists()


def test_the_safety_and_health_pages_are_for_the_agencys_team_only(cast, in_2025):
    from cases.non_voluntary import report_to_safety_health

    case = non_voluntary_case(cast)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report_to_safety_health(case, by=officer)
    url = reverse("safety_case", args=[case.pk])
    assert signed_in(cast.b_safety_health).get(url).status_code == 404
    assert case.reference not in html_of(signed_in(cast.b_safety_health).get(reverse("safety_list")))
    for person in (cast.a_employee, cast.a_supervisor, cast.a_eap_officer, cast.a_agency_head, cast.city_hr):
        client = signed_in(person)
        assert client.get(url).status_code == 403, person
        assert client.get(reverse("safety_list")).status_code == 403, person


# --- The emergency contact --------------------------------------------------------------------------

def test_the_employee_keeps_an_emergency_contact_read_only_in_a_serious_case(cast, in_2025):
    employee = signed_in(cast.a_employee)
    assert reverse("my_emergency_contact") in html_of(employee.get(reverse("my_profile")))
    html = html_of(employee.get(reverse("my_emergency_contact")))
    assert "encrypted" in html
    response = employee.post(reverse("my_emergency_contact"), {"name": "", "relation": "", "phone": ""})
    assert response.status_code == 200 and response.context["form"].errors
    assert not EmergencyContact.objects.exists()
    response = employee.post(reverse("my_emergency_contact"), {"name": "林美麗", "relation": "配偶",
                                                               "phone": "0912-345-678"})
    assert response["Location"] == reverse("my_profile")
    assert EmergencyContact.objects.get(employee=cast.a_employee).phone == "0912-345-678"
    assert "0912-345-678" in html_of(employee.get(reverse("my_emergency_contact")))

    general = open_general_case(cast, "a")
    officer = signed_in(cast.a_eap_officer)
    record_type = ContentType.objects.get_for_model(EmergencyContact)
    html = page(officer, general)
    assert "林美麗" not in html and "0912-345-678" not in html
    assert not AccessLog.objects.filter(actor=cast.a_eap_officer.user, record_type=record_type).exists()

    case = non_voluntary_case(cast)
    html = page(officer, case)
    assert "林美麗" in html and 'href="tel:0912-345-678"' in html and "配偶" in html
    assert AccessLog.objects.filter(actor=cast.a_eap_officer.user, record_type=record_type,
                                    person=cast.a_employee).exists()


def test_an_affected_employees_contact_shows_on_the_crisis_page(cast, in_2025):
    from agencies.emergency import keep_emergency_contact

    with acting_as(cast.a_employee.user):
        keep_emergency_contact(cast.a_employee, name="林美麗", relation="配偶", phone="0912-345-678")
    case = crisis_case(cast)
    assert 'href="tel:0912-345-678"' in page(signed_in(cast.a_convener), case)


# --- Navigation ---------------------------------------------------------------------------------------

def test_the_navigation_offers_the_new_pages_to_their_users(cast):
    supervised, safety = reverse("supervised_list"), reverse("safety_list")
    home = reverse("home")
    supervisor = html_of(signed_in(cast.a_supervisor).get(home))
    assert supervised in supervisor and safety not in supervisor
    team = html_of(signed_in(cast.a_safety_health).get(home))
    assert safety in team and supervised not in team
    employee = html_of(signed_in(cast.a_employee).get(home))
    assert supervised not in employee and safety not in employee


def test_a_closed_case_still_offers_its_unfiled_report(cast, in_2025):
    from cases.referrals import record_assessment
    from cases.suicide import record_suicidal_act
    from cases.workflow import move_case

    case = open_general_case(cast, "a")
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report = record_suicidal_act(case, by=officer, known_at=timezone.now() - datetime.timedelta(hours=2))
        record_assessment(case, by=officer, assessment="轉介醫療")
        move_case(case, CaseState.CLOSED, by=officer, reason="已轉介")
    client = signed_in(cast.a_eap_officer)
    html = page(client, case)
    assert reverse("case_suicide_report", args=[report.pk]) in html
    assert reverse("case_suicidal_act", args=[case.pk]) not in html  # a new act needs the case reopened
    client.post(reverse("case_suicide_report", args=[report.pk]), {**when("reported_at", timezone.now()),
                                                                   "reference_number": "SP-1"})
    assert SuicideReport.objects.get(pk=report.pk).reference_number == "SP-1"


def test_counseling_is_booked_for_an_affected_employee_from_the_crisis_page(cast, offer):
    from counseling.models import Booking

    with acting_as(cast.a_eap_officer.user):
        from cases.crisis import report_incident

        case = report_incident(agency=cast.a, by=cast.a_eap_officer.user, summary="工地意外",
                               people=[cast.a_employee])
    client = signed_in(cast.a_eap_officer)
    page = html_of(client.get(reverse("case_detail", args=[case.pk])))
    assert 'name="affected"' in page and offer.key in page  # the service form offers the affected employee
    person = case.affected.get()
    response = client.post(reverse("case_service", args=[case.pk]), {
        "kind": "booking", "offer": offer.key, "affected": person.pk, "details": "陪同諮商"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.employee == cast.a_employee and case.services.get().affected == person
