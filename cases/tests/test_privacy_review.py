"""Privacy review (DOMAIN §1, §6, §8): attacks by legitimate accounts inside the city government.

Each test plants distinctive strings in a case through the services (as a named actor), then tries
to read them, or to act on the case, through every door an attacker has: guessed ids, other pages,
duties, the inbox, e-mails, lists and their filters, surveys. Each asserts the refusal (404/403) and
the absence of the planted strings."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import CareTeamMember, EmergencyContact, Position
from agencies.tests.factories import EmployeeFactory, UserFactory
from cases.crisis import add_affected, assess_crisis_level, report_incident
from cases.experts import plan_interview
from cases.follow_ups import log_follow_up
from cases.models import Case, CaseState, ExpertInterview, FollowUp, SuicideReport
from cases.non_voluntary import report_non_voluntary, report_to_safety_health
from cases.opening import assign
from cases.referrals import record_assessment
from cases.suicide import record_suicidal_act
from cases.tests.factories import assigned_case, open_general_case
from cases.workflow import move_case
from core.actors import acting_as
from core.models import Absence, Duty, Notification
from core.notifications import email_message

SUMMARY = "同仁來電表示睡不好"  # the factories' summary
FOLLOW_UP_NOTE = "PLANTED-FOLLOWUP-酗酒復發"
PERSON_STATE = "PLANTED-STATE-情緒崩潰"
ASSESSMENT = "PLANTED-ASSESSMENT-重度憂鬱"
LEVEL_REASON = "PLANTED-LEVEL-持續自傷念頭"
INTERVIEW_PURPOSE = "PLANTED-INTERVIEW-精神科評估"
SUICIDE_NOTE = "PLANTED-SUICIDE-服藥過量"
OBSERVATIONS = "PLANTED-OBSERVED-拒絕就醫"
INCIDENT = "PLANTED-INCIDENT-辦公室墜樓"
CONTACT_NAME = "PLANTED-CONTACT-王大明"
NOTES = (FOLLOW_UP_NOTE, PERSON_STATE, ASSESSMENT, LEVEL_REASON, INTERVIEW_PURPOSE, SUICIDE_NOTE, SUMMARY)
ALL_ROLES = ("a_employee", "a_supervisor", "a_care_member", "a_convener", "a_safety_health", "a_agency_head",
             "a_eap_officer", "a_agency_hr", "b_employee", "b_supervisor", "b_care_member", "b_convener",
             "b_safety_health", "b_agency_head", "b_eap_officer", "b_agency_hr", "city_hr", "access_approver",
             "provider", "reviewer", "nobody")
CASE_POSTS = ("case_move", "case_assign", "case_assessment", "case_service", "case_advice", "case_escalation",
              "case_follow_up", "case_paper_file", "case_screening", "case_interview_plan", "case_action",
              "case_affected", "case_crisis_level", "case_safety_health", "case_early_close",
              "case_early_close_approve", "case_extend_care", "case_ask_supervisor", "case_suicidal_act")


@pytest.fixture
def now(time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                         tick=False)
    return time_machine


def user_of(cast, name):
    person = getattr(cast, name)
    return getattr(person, "user", person)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def suicide_title(case):
    duty = Duty.objects.filter(kind="suicide_report", subject_id=str(case.pk)).first()
    return duty.title if duty else "\x00no-such-duty"


def assert_clean(response, *extra):
    body = text(response)
    for planted in NOTES + extra:
        assert planted not in body, planted


def annotate(case, by):
    """Plant the team's notes in a case: assessment, a follow-up with its state, an interview."""
    with acting_as(by):
        if not case.assessment:
            record_assessment(case, by=by, assessment=ASSESSMENT)
        log_follow_up(case, by=by, on=timezone.localdate(), contact_type="phone", what_happened=FOLLOW_UP_NOTE,
                      person_state=PERSON_STATE, next_on=timezone.localdate() + datetime.timedelta(days=7))
        plan_interview(case, by=by, starts_at=timezone.now() + datetime.timedelta(days=2), place="會議室",
                       mode="in_person", purpose=INTERVIEW_PURPOSE,
                       experts=[{"name": "專家", "profession": "心理師", "licence_number": "1",
                                 "practice_registration": "x"}])
    return Case.objects.get(pk=case.pk)


def non_voluntary_case(cast, side="a", reported=False):
    supervisor = getattr(cast, f"{side}_supervisor")
    with acting_as(supervisor.user):
        case = report_non_voluntary(supervisor, getattr(cast, f"{side}_employee"), by=supervisor.user,
                                    observations=OBSERVATIONS)
        if reported:
            report_to_safety_health(case, by=supervisor.user)
    return case


def crisis_case(cast, people=(), side="a", supervisor=True):
    officer = getattr(cast, f"{side}_eap_officer").user
    with acting_as(officer):
        case = report_incident(agency=getattr(cast, side), by=officer, summary=INCIDENT, people=list(people),
                               supervisor=getattr(cast, f"{side}_supervisor") if supervisor else None)
        assess_crisis_level(case, by=officer, level=3, reason=LEVEL_REASON)
    return case


# --- Guessed ids: another agency's case, assignment, interview, suicide report -----------------

@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_role_of_agency_b_or_outside_reads_or_acts_on_a_case_of_agency_a(cast, now, role):
    case = annotate(assigned_case(cast, "a"), cast.a_care_member.user)
    interview = case.interviews.get()
    with acting_as(cast.a_care_member.user):
        report = record_suicidal_act(case, by=cast.a_care_member.user, known_at=timezone.now(), note=SUICIDE_NOTE)
    assignment = case.assignments.get()
    sees = role in ("a_care_member", "a_convener", "a_eap_officer")
    client = client_for(user_of(cast, role))
    for name, pk in (("case_detail", case.pk), ("case_interview", interview.pk)):
        response = client.get(reverse(name, args=[pk]))
        if sees:
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 403, 404) and response.status_code != 200
            assert_clean(response)
    if sees:
        return
    before = (FollowUp.objects.count(), ExpertInterview.objects.count(), SuicideReport.objects.count(),
              case.timeline.count())
    for name in CASE_POSTS:
        response = client.post(reverse(name, args=[case.pk]), {"reason": "x", "what_happened": "x", "on": "2025-03-03",
                                                               "contact_type": "phone", "to": "closed"})
        assert response.status_code in (403, 404), name
    for name, pk in (("case_assignment_end", assignment.pk), ("case_suicide_report", report.pk),
                     ("case_interview", interview.pk)):
        response = client.post(reverse(name, args=[pk]), {"reference_number": "X", "cancel": "1", "reason": "x"})
        assert response.status_code in (302, 403, 404) and response.status_code != 200
        if response.status_code == 302:  # the anonymous or profile-less: sent to sign in
            assert "/cases/" not in response["Location"]
    assert (FollowUp.objects.count(), ExpertInterview.objects.count(), SuicideReport.objects.count(),
            case.timeline.count()) == before
    assert case.assignments.get().until is None and not SuicideReport.objects.get(pk=report.pk).is_filed
    assert ExpertInterview.objects.get(pk=interview.pk).state == "planned"


def test_b_workers_guessing_a_ids_get_404_everywhere(cast, now):
    case = annotate(assigned_case(cast, "a"), cast.a_care_member.user)
    for role in ("b_care_member", "b_convener", "b_eap_officer"):
        client = client_for(user_of(cast, role))
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        assert client.get(reverse("case_interview", args=[case.interviews.get().pk])).status_code == 404
        listing = client.get(reverse("case_list"), {"status": "", "mine": "false", "overdue": "true"})
        assert case.reference not in text(listing)
        assert_clean(listing)


# --- Inside agency A: the unassigned member, the provider, the deputy, the recused --------------

def second_member(cast, username="a_member2"):
    employee = EmployeeFactory(agency=cast.a, user=UserFactory(username=username))
    CareTeamMember.objects.create(team=cast.a_team, user=employee.user, position=Position.MEMBER,
                                  since=datetime.date(2020, 1, 1))
    return employee.user


def test_an_unassigned_member_of_the_same_team_sees_nothing_of_a_colleague_case(cast, now):
    other = second_member(cast)
    case = annotate(assigned_case(cast, "a"), cast.a_care_member.user)
    client = client_for(other)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_interview", args=[case.interviews.get().pk])).status_code == 404
    for query in ({}, {"mine": "false"}, {"mine": "true"}, {"overdue": "false"}, {"status": "closed"},
                  {"status": ""}):
        listing = client.get(reverse("case_list"), query)
        assert listing.status_code == 200 and case.reference not in text(listing)
    for page in ("my_duties", "team_duties"):
        response = client.get(reverse(page))
        assert cast.a_employee.full_name not in text(response)
        assert_clean(response)
    assert not Duty.objects.visible_to(other).exists()
    assert client.post(reverse("case_follow_up", args=[case.pk]), {}).status_code == 404


def test_the_provider_assigned_to_one_case_does_not_read_another(cast, now):
    mine = open_general_case(cast, "a")
    theirs = annotate(assigned_case(cast, "a", subject=cast.a_sub_employee), cast.a_care_member.user)
    with acting_as(cast.a_convener.user):
        assign(mine, cast.provider, by=cast.a_convener.user, role="professional")
    client = client_for(cast.provider)
    assert client.get(reverse("case_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("case_interview", args=[theirs.interviews.get().pk])).status_code == 404
    listing = client.get(reverse("case_list"), {"status": ""})
    assert theirs.reference not in text(listing) and cast.a_sub_employee.full_name not in text(listing)
    # Not a manager of the case it works on: cannot assign itself more.
    assert client.post(reverse("case_assign", args=[mine.pk]), {}).status_code == 403


def test_the_deputy_loses_the_case_when_the_absence_ends(cast, now):
    deputy = second_member(cast, "a_deputy")
    case = annotate(assigned_case(cast, "a"), cast.a_care_member.user)
    with acting_as(cast.a_convener.user):
        absence = Absence.objects.create(team=cast.a_team, member=cast.a_care_member.user, deputy=deputy,
                                         starts_on=datetime.date(2025, 3, 3), ends_on=datetime.date(2025, 3, 7),
                                         recorded_by=cast.a_convener.user)
    convener = client_for(cast.a_convener.user)
    assert convener.post(reverse("case_hand_over", args=[absence.pk])).status_code == 302
    client = client_for(deputy)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    now.move_to(datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    client = client_for(deputy)  # signed in again after the week
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 404
    assert client.post(reverse("case_follow_up", args=[case.pk]), {}).status_code == 404
    listing = client.get(reverse("case_list"), {"status": ""})
    assert case.reference not in text(listing)
    # Another convener's absence cannot be handed over by B's convener.
    assert client_for(cast.b_convener.user).post(reverse("case_hand_over", args=[absence.pk])).status_code == 404


@pytest.mark.parametrize("role", ["a_convener", "a_eap_officer", "a_care_member", "a_safety_health", "a_supervisor"])
def test_the_subject_never_sees_their_own_case_through_a_staff_role(cast, now, role):
    subject = getattr(cast, role)
    if role == "a_supervisor":
        subject.is_supervisor = True
    worker = cast.a_convener.user if role == "a_eap_officer" else cast.a_eap_officer.user
    case = open_general_case(cast, "a", subject=subject, by=worker)
    with acting_as(worker):
        record_assessment(case, by=worker, assessment=ASSESSMENT)
        record_suicidal_act(case, by=worker, known_at=timezone.now(), note=SUICIDE_NOTE)
    client = client_for(subject.user)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    for page in ("my_duties", "team_duties", "inbox", "case_list", "safety_list", "supervised_list",
                 "referral_list"):
        response = client.get(reverse(page))
        assert case.reference not in text(response)
        assert_clean(response)
    assert not Duty.objects.visible_to(subject.user).filter(subject_id=str(case.pk)).exists()
    assert not Notification.objects.filter(recipient=subject.user, link__contains=f"/{case.pk}/").exists()


def misconduct_case(cast, respondent):
    return open_general_case(cast, "a", origin="misconduct", respondents=[respondent])


def test_the_respondent_chain_as_convener_sees_no_duty_about_the_complainant(cast, now):
    """A misconduct complaint against the convener: the 24-hour report's duty, the follow-up duty and
    the intake duty must not reach the convener's team page, duty page or inbox."""
    case = misconduct_case(cast, cast.a_convener)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        assign(case, cast.a_care_member.user, by=officer)
        record_assessment(case, by=officer, assessment=ASSESSMENT)
        report = record_suicidal_act(case, by=cast.a_care_member.user, known_at=timezone.now(), note=SUICIDE_NOTE)
    annotate(case, cast.a_care_member.user)
    client = client_for(cast.a_convener.user)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    for page in ("team_duties", "my_duties", "inbox"):
        response = client.get(reverse(page))
        assert cast.a_employee.full_name not in text(response), page
        assert report.duty.title not in text(response), page
        assert_clean(response)
    for duty in Duty.objects.filter(subject_id=str(case.pk)):
        assert client.get(reverse("duty_detail", args=[duty.pk])).status_code == 404
    assert not Duty.objects.visible_to(cast.a_convener.user).filter(subject_id=str(case.pk)).exists()
    assert report.duty.team_id in (None, cast.a_team.pk)


def test_the_respondent_supervisor_chain_is_recused(cast, now):
    chief = cast.a_supervisor
    cast.a_employee.direct_supervisor = chief
    cast.a_employee.save()
    # The complainant is a_sub_employee; the respondent is a_employee, whose supervisor is the EAP officer's
    # role holder too: give a_supervisor the EAP officer role of A.
    from agencies.roles import Role
    from agencies.tests.factories import RoleFactory

    RoleFactory(user=chief.user, role=Role.EAP_OFFICER, agency=cast.a)
    case = open_general_case(cast, "a", origin="misconduct", subject=cast.a_sub_employee,
                             respondents=[cast.a_employee])
    client = client_for(chief.user)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    listing = client.get(reverse("case_list"), {"status": ""})
    assert case.reference not in text(listing) and cast.a_sub_employee.full_name not in text(listing)
    assert client.post(reverse("case_move", args=[case.pk]), {"to": "assessed", "reason": "x"}).status_code == 404


def test_an_affected_convener_sees_nothing_of_the_crisis_case_or_its_duties(cast, now):
    case = crisis_case(cast, people=[cast.a_convener])
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        add_affected(case, by=officer, relation="colleague", employee=cast.a_care_member)
        record_suicidal_act(case, by=officer, known_at=timezone.now(), note=SUICIDE_NOTE)
    for person in (cast.a_convener, cast.a_care_member):
        client = client_for(person.user)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        for page in ("team_duties", "my_duties", "inbox", "case_list"):
            response = client.get(reverse(page))
            assert response.status_code in (200, 403)
            assert suicide_title(case) not in text(response), page
            assert_clean(response, INCIDENT)
        for duty in Duty.objects.filter(subject_id=str(case.pk)):
            assert client.get(reverse("duty_detail", args=[duty.pk])).status_code == 404
        assert not Duty.objects.visible_to(person.user).filter(subject_id=str(case.pk)).exists()


# --- The supervisor: the coarse state, their own steps, the advice — never the notes -------------

def test_the_supervisor_reads_no_team_note_through_any_page(cast, now):
    case = non_voluntary_case(cast)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        assign(case, cast.a_care_member.user, by=officer)
    case = annotate(case, cast.a_care_member.user)
    from cases.actions import record_action
    from cases.supervisor_duties import ask_supervisor

    with acting_as(cast.a_care_member.user):
        record_action(case, by=cast.a_care_member.user, kind="family_contacted", note="PLANTED-TEAMSTEP-家屬")
        record_suicidal_act(case, by=cast.a_care_member.user, known_at=timezone.now(), note=SUICIDE_NOTE)
        duty = ask_supervisor(case, by=cast.a_care_member.user, request="請多關心", due_on=datetime.date(2025, 3, 5))
    client = client_for(cast.a_supervisor.user)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_interview", args=[case.interviews.get().pk])).status_code == 404
    assert client.get(reverse("referral_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("safety_case", args=[case.pk])).status_code == 403
    pages = [reverse("supervised_case", args=[case.pk]), reverse("supervised_list"), reverse("my_duties"),
             reverse("inbox"), reverse("duty_detail", args=[duty.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response, "PLANTED-TEAMSTEP-家屬")
        assert suicide_title(case) not in text(response)
    assert "請多關心" in text(client.get(reverse("duty_detail", args=[duty.pk])))  # addressed to them
    # The duty page links to the supervisor's page, never the case page.
    detail = text(client.get(reverse("duty_detail", args=[duty.pk])))
    assert reverse("case_detail", args=[case.pk]) not in detail
    for notification in Notification.objects.filter(recipient=cast.a_supervisor.user):
        assert not notification.link.startswith(reverse("case_detail", args=[case.pk]))
        opened = client.get(reverse("inbox_open", args=[notification.pk]))
        if opened.status_code == 302:
            assert reverse("case_detail", args=[case.pk]) not in opened["Location"]
    # Other supervisors' duties are not theirs: the team's follow-up duty is refused.
    follow = Duty.objects.filter(subject_id=str(case.pk), kind="case_follow_up").first()
    assert client.get(reverse("duty_detail", args=[follow.pk])).status_code == 404
    # The supervisor can record only their own kinds of step, not the team's.
    response = client.post(reverse("supervised_action", args=[case.pk]),
                           {"kind": "hospital_escort", "at": "2025-03-03T08:00", "note": "x"})
    assert response.status_code == 302
    assert not case.actions.filter(kind="hospital_escort").exists()
    # And cannot use the team's doors on it.
    for name in CASE_POSTS:
        assert client.post(reverse(name, args=[case.pk]), {}).status_code in (403, 404), name


def test_a_referring_supervisor_sees_the_coarse_state_and_advice_only(cast, now):
    from cases.referrals import give_management_advice, refer_employee

    with acting_as(cast.a_supervisor.user):
        case = refer_employee(cast.a_supervisor, cast.a_employee, by=cast.a_supervisor.user,
                              observations="近來常請假")
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        assign(case, cast.a_care_member.user, by=officer)
    annotate(case, cast.a_care_member.user)
    with acting_as(officer):
        give_management_advice(case, by=officer, advice="PLANTED-ADVICE-調整工作")
    client = client_for(cast.a_supervisor.user)
    page = client.get(reverse("referral_detail", args=[case.pk]))
    assert "PLANTED-ADVICE-調整工作" in text(page)
    assert_clean(page)
    assert "Assessed" not in text(page)  # the coarse state only
    assert client.get(reverse("supervised_case", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    # Another supervisor guessing the id.
    assert client_for(cast.b_supervisor.user).get(reverse("referral_detail", args=[case.pk])).status_code == 404


# --- The safety-and-health team, the agency head, city HR: the fact, not the content -------------

def reported_crisis_with_notes(cast):
    """A crisis about a_employee, reported to the safety-and-health team, with the team's notes and
    an open 24-hour report planted in it."""
    case = crisis_case(cast, people=[cast.a_employee])
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report_to_safety_health(case, by=officer)
        assign(case, cast.a_care_member.user, by=officer)
    annotate(case, cast.a_care_member.user)
    with acting_as(cast.a_care_member.user):
        record_suicidal_act(case, by=cast.a_care_member.user, known_at=timezone.now(), note=SUICIDE_NOTE)
    return case


def test_the_safety_team_reads_state_and_timeline_without_notes(cast, now):
    case = reported_crisis_with_notes(cast)
    client = client_for(cast.a_safety_health.user)
    page = client.get(reverse("safety_case", args=[case.pk]))
    assert page.status_code == 200
    assert_clean(page, INCIDENT)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_interview", args=[case.interviews.get().pk])).status_code == 404
    for url in (reverse("safety_list"), reverse("inbox"), reverse("my_duties")):
        assert_clean(client.get(url), INCIDENT)
    # B's team guessing the id; an unreported case is not theirs either.
    assert client_for(cast.b_safety_health.user).get(reverse("safety_case", args=[case.pk])).status_code == 404
    unreported = non_voluntary_case(cast)
    assert client.get(reverse("safety_case", args=[unreported.pk])).status_code == 404


def test_agency_head_and_city_hr_learn_the_fact_and_time_of_a_crisis_only(cast, now):
    cast.a.kind = "first_level"
    cast.a.save()
    case = crisis_case(cast, people=[cast.a_employee])
    for person in (cast.a_agency_head, cast.city_hr):
        notes = Notification.objects.filter(recipient=person.user, kind="crisis_reported")
        assert notes.count() == (1 if person is cast.a_agency_head or cast.a.kind == "first_level" else 0)
        for note in notes:
            assert note.link == ""
        client = client_for(person.user)
        for url in (reverse("inbox"), reverse("case_detail", args=[case.pk]), reverse("safety_case", args=[case.pk]),
                    reverse("case_list"), reverse("my_duties")):
            response = client.get(url)
            assert response.status_code in (200, 403, 404)
            assert_clean(response, INCIDENT, cast.a_employee.full_name)
            if url != reverse("inbox") and url != reverse("my_duties"):
                assert response.status_code in (403, 404), url
    # B's agency head is not told at all.
    assert not Notification.objects.filter(recipient=cast.b_agency_head.user).exists()


def test_every_email_is_neutral(cast, now):
    case = crisis_case(cast, people=[cast.a_employee])
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        report_to_safety_health(case, by=officer)
        assign(case, cast.a_care_member.user, by=officer)
    annotate(case, cast.a_care_member.user)
    non_voluntary_case(cast, reported=True)
    for person in (cast.a_agency_head, cast.a_safety_health, cast.a_convener, cast.a_care_member):
        person.user.email = f"{person.user.username}@example.tw"
        person.user.save()
    notifications = list(Notification.objects.all())
    assert notifications
    for notification in notifications:
        notification.recipient.email = notification.recipient.email or "x@example.tw"
        message = email_message(notification)
        content = message.subject + message.body
        for planted in NOTES + (INCIDENT, OBSERVATIONS, cast.a_employee.full_name, case.reference):
            assert planted not in content
        assert "?" not in notification.link and "#" not in notification.link
        for word in ("EAP", "諮商", "個案", "case", "crisis", "suicide"):
            assert word not in message.subject


# --- HR: who has a case, who uses counseling ---------------------------------------------------

def test_hr_learns_no_case_through_its_pages(cast, now):
    case = annotate(assigned_case(cast, "a"), cast.a_care_member.user)
    crisis_case(cast, people=[cast.a_sub_employee])
    for role in ("a_agency_hr", "city_hr", "reviewer", "access_approver"):
        client = client_for(user_of(cast, role))
        for url in (reverse("case_list"), reverse("case_detail", args=[case.pk]), reverse("window_contacts"),
                    reverse("safety_list"), reverse("duty_statistics"), reverse("failed_emails"),
                    reverse("survey_results_list"), reverse("person_detail", args=[cast.a_employee.pk]),
                    reverse("person_detail", args=[cast.a_sub_employee.pk]), reverse("team_duties"),
                    "/admin/", "/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/"):
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), url
            assert_clean(response, INCIDENT, case.reference)
            assert suicide_title(case) not in text(response) or not Duty.objects.filter(kind="suicide_report")


def test_the_referral_feedback_survey_is_not_shown_to_the_referred_eap_officer(cast, now):
    """The subject of a referral who is also the agency's EAP officer must not read the supervisor's
    feedback on their own case (recusal), nor see that the referral happened."""
    from cases.referrals import decide_escalation, give_management_advice, refer_employee
    from surveys.models import Survey

    cast.a_eap_officer.direct_supervisor = cast.a_supervisor
    cast.a_eap_officer.save()
    with acting_as(cast.a_supervisor.user):
        case = refer_employee(cast.a_supervisor, cast.a_eap_officer, by=cast.a_supervisor.user,
                              observations="近來常請假")
    convener = cast.a_convener.user
    with acting_as(convener):
        record_assessment(case, by=convener, assessment=ASSESSMENT)
        from cases.referrals import arrange_service

        arrange_service(case, by=convener, kind="internal", resource="人事室")
        move_case(case, CaseState.FOLLOW_UP, by=convener, reason="追蹤")
        give_management_advice(case, by=convener, advice="請調整")
        decide_escalation(case, by=convener, decision="no", reason="改善")
        move_case(case, CaseState.CLOSED, by=convener, reason="結案")
    survey = Survey.objects.get()
    subject = cast.a_eap_officer.user
    assert not Survey.objects.visible_to(subject).filter(pk=survey.pk).exists()
    assert not Survey.objects.editable_by(subject).filter(pk=survey.pk).exists()
    client = client_for(subject)
    assert client.get(reverse("survey_results", args=[survey.pk])).status_code in (403, 404)
    assert survey.title not in text(client.get(reverse("survey_results_list")))
    # Another EAP officer of the agency still sees it (the case is theirs).
    from agencies.roles import Role
    from agencies.tests.factories import RoleFactory

    other = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_eap2"))
    RoleFactory(user=other.user, role=Role.EAP_OFFICER, agency=cast.a)
    assert Survey.objects.visible_to(other.user).filter(pk=survey.pk).exists()


# --- The emergency contact: only inside a non-voluntary or crisis case about the person ----------

def test_the_emergency_contact_is_read_only_inside_a_serious_case_about_the_person(cast, now):
    with acting_as(cast.a_employee.user):
        EmergencyContact.objects.create(employee=cast.a_employee, name=CONTACT_NAME, relation="配偶", phone="0912")
    general = assigned_case(cast, "a")
    officer = client_for(cast.a_eap_officer.user)
    assert CONTACT_NAME not in text(officer.get(reverse("case_detail", args=[general.pk])))
    # A crisis about someone else does not show this employee's contact.
    other = crisis_case(cast, people=[cast.a_sub_employee])
    assert CONTACT_NAME not in text(officer.get(reverse("case_detail", args=[other.pk])))
    serious = non_voluntary_case(cast, reported=True)
    assert CONTACT_NAME in text(officer.get(reverse("case_detail", args=[serious.pk])))
    for role in ("a_supervisor", "a_safety_health", "a_agency_hr", "a_agency_head", "city_hr", "b_eap_officer"):
        client = client_for(user_of(cast, role))
        for url in (reverse("case_detail", args=[serious.pk]), reverse("supervised_case", args=[serious.pk]),
                    reverse("safety_case", args=[serious.pk]), reverse("person_detail", args=[cast.a_employee.pk])):
            assert CONTACT_NAME not in text(client.get(url)), (role, url)
    # After the case closes the team still works on it; but a new general case never shows it.
    again = open_general_case(cast, "a", subject=cast.a_employee)
    assert CONTACT_NAME not in text(officer.get(reverse("case_detail", args=[again.pk])))


# --- Bypassing the rules through another endpoint ---------------------------------------------

def in_continuing_care(cast):
    case = non_voluntary_case(cast)
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        assign(case, cast.a_care_member.user, by=officer)
        move_case(case, CaseState.RISK_ASSESSED, by=officer, reason="評估")
        move_case(case, CaseState.ENCOURAGED, by=officer, reason="鼓勵")
        move_case(case, CaseState.CONTINUING_CARE, by=officer, reason="不願意")
    return Case.objects.get(pk=case.pk)


def test_the_three_month_minimum_cannot_be_bypassed(cast, now):
    case = in_continuing_care(cast)
    member = client_for(cast.a_care_member.user)
    member.post(reverse("case_move", args=[case.pk]), {"to": "closed", "reason": "想結案"})
    assert Case.objects.get(pk=case.pk).state == CaseState.CONTINUING_CARE
    member.post(reverse("case_early_close", args=[case.pk]), {"reason": "已穩定"})
    # Neither the member, the EAP officer nor the supervisor approves it; only the convener.
    assert member.post(reverse("case_early_close_approve", args=[case.pk])).status_code == 403
    assert client_for(cast.a_eap_officer.user).post(
        reverse("case_early_close_approve", args=[case.pk])).status_code == 403
    assert client_for(cast.a_supervisor.user).post(
        reverse("case_early_close_approve", args=[case.pk])).status_code == 404
    assert client_for(cast.b_convener.user).post(
        reverse("case_early_close_approve", args=[case.pk])).status_code == 404
    member.post(reverse("case_move", args=[case.pk]), {"to": "closed", "reason": "想結案"})
    assert Case.objects.get(pk=case.pk).state == CaseState.CONTINUING_CARE
    # In service and back, the clock does not reset to allow closing either.
    member.post(reverse("case_move", args=[case.pk]), {"to": "in_service", "reason": "願意"})
    assert Case.objects.get(pk=case.pk).early_close_approved_at is None


def test_a_crisis_does_not_close_before_its_level_falls(cast, now):
    case = crisis_case(cast, people=[cast.a_employee])
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        for state in (CaseState.ACTIVATED, CaseState.SUPPORT, CaseState.PERIODIC_CARE):
            move_case(case, state, by=officer, reason="進行")
    client = client_for(officer)
    client.post(reverse("case_move", args=[case.pk]), {"to": "closed", "reason": "結案"})
    assert Case.objects.get(pk=case.pk).state == CaseState.PERIODIC_CARE
    # The supervisor's page offers no way to close or to assess the level.
    supervisor = client_for(cast.a_supervisor.user)
    assert supervisor.post(reverse("case_crisis_level", args=[case.pk]), {"level": 1, "reason": "x"}).status_code == 404
    assert supervisor.post(reverse("case_move", args=[case.pk]), {"to": "closed", "reason": "x"}).status_code == 404
    assert Case.objects.get(pk=case.pk).crisis_levels.count() == 1


def test_single_window_contacts_stay_with_their_eap_officer(cast, now):
    from cases.models import Contact

    with acting_as(cast.a_eap_officer.user):
        contact = Contact.objects.create(agency=cast.a, channel="hotline", summary="PLANTED-WINDOW-家暴",
                                         person=cast.a_employee, logged_by=cast.a_eap_officer.user)
        about_officer = Contact.objects.create(agency=cast.a, channel="hotline", summary="PLANTED-WINDOW-自己",
                                               person=cast.a_eap_officer, logged_by=cast.a_eap_officer.user)
    for role in ("b_eap_officer", "a_agency_hr", "city_hr", "a_convener", "a_care_member"):
        client = client_for(user_of(cast, role))
        listing = client.get(reverse("window_contacts"))
        assert listing.status_code in (200, 403) and "PLANTED-WINDOW" not in text(listing)
        assert client.get(reverse("window_contact", args=[contact.pk])).status_code in (403, 404)
        for name in ("window_to_case", "window_to_booking", "window_information"):
            assert client.post(reverse(name, args=[contact.pk]), {"note": "x"}).status_code in (403, 404)
    officer = client_for(cast.a_eap_officer.user)
    assert officer.get(reverse("window_contact", args=[about_officer.pk])).status_code == 404
    assert "PLANTED-WINDOW-自己" not in text(officer.get(reverse("window_contacts")))
    assert Contact.objects.get(pk=contact.pk).outcome == "open"


def test_no_sensitive_text_in_urls_links_or_duty_titles(cast, now):
    reported_crisis_with_notes(cast)
    for notification in Notification.objects.all():
        for planted in NOTES + (INCIDENT, cast.a_employee.full_name):
            assert planted not in notification.link
        assert "?" not in notification.link
    for duty in Duty.objects.all():
        for planted in NOTES + (INCIDENT, cast.a_employee.full_name):
            assert planted not in duty.title
