"""The person's own rights (issue 11, DOMAIN §8): their page shows their own bookings, screenings,
identified answers and the bare fact of a case about them — never its content, never someone else's,
never a complaint naming them as respondent; who else read their records, in which role and when;
a correction request answered by the access approver; and withdrawing a consent, from then on.
Pages are read in English (the language cookie), so the assertions hold whatever the translations say."""
import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import CorrectionRequest, CorrectionState, RecordCategory
from cases.tests.factories import assigned_case, open_general_case
from core.access_log import AccessAction, Purpose, record_access
from core.actors import Actor, acting_as
from core.models import AccessLog, DutyState, Notification
from core.models.audit import PurposeKind
from eap_portal.rocdates import format_roc_datetime
from surveys import selfcheck
from surveys.models import Screening, Setting

pytestmark = pytest.mark.django_db

CASE_SUMMARY = "同仁來電表示睡不好"
BOOKING_PROBLEM = "主管壓力很大，晚上失眠"


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def page(person, name="my_data", **kwargs):
    response = client_of(person).get(reverse(name), kwargs)
    assert response.status_code == 200
    return response


def booking_of(cast, employee):
    from counseling.models import Booking

    with acting_as("test"):
        return Booking.objects.create(service="individual", contract=cast.a_contract, provider=cast.a_provider,
                                      employee=employee, agency=employee.agency, description=BOOKING_PROBLEM,
                                      created_by=employee.user)


def tour_screening_of(cast, employee):
    with acting_as("test"):
        return Screening.objects.create(employee=employee, setting=Setting.OFFICE_TOUR,
                                        taken_on=datetime.date(2025, 3, 5),
                                        answers={"ratings": [2, 2, 2, 2, 2], "star": 0}, team=cast.a_team,
                                        result={"total": 10, "band": "moderate", "star": 0}, note="巡迴時表示疲累",
                                        screened_by=cast.a_care_member.user, created_by=cast.a_care_member.user)


def self_check_of(employee, ratings=(3, 3, 2, 2, 1)):
    with acting_as("test"):
        return selfcheck.take_self_check(employee, ratings=list(ratings), star=0, by=employee.user)


def identified_answer_of(cast, employee, title="114年員工需求調查"):
    from surveys.models import Response, Survey

    survey = Survey.objects.create(title=title, anonymous=False, owner=cast.a, opens_on=datetime.date(2025, 3, 1),
                                   closes_on=datetime.date(2025, 3, 31))
    return Response.objects.create(survey=survey, respondent=employee.user, submitted_on=datetime.date(2025, 3, 4),
                                   agency=employee.agency)


@pytest.fixture
def records(cast):
    """A's employee has a booking, a tour screening, a self-check, an identified answer and a case."""
    return {
        "booking": booking_of(cast, cast.a_employee),
        "tour": tour_screening_of(cast, cast.a_employee),
        "self_check": self_check_of(cast.a_employee),
        "answer": identified_answer_of(cast, cast.a_employee),
        "case": assigned_case(cast, "a"),
    }


# --- What the person sees --------------------------------------------------------------------

def test_the_person_sees_their_own_records_and_the_bare_fact_of_their_case(cast, records):
    html = page(cast.a_employee).content.decode()
    assert "A 諮商所" in html and "Requested" in html                      # booking: provider, state
    assert "Office tour" in html and "Self-check" in html and "Moderate" in html  # screenings and bands
    assert "114年員工需求調查" in html                                       # identified answer
    assert "General · 甲局 · open" in html                                   # the case: kind, agency, open
    assert CASE_SUMMARY not in html and BOOKING_PROBLEM not in html and "巡迴時表示疲累" not in html
    assert "A 關懷小組" not in html and records["case"].reference not in html


def test_a_closed_case_says_closed(cast):
    from cases.models import CaseState

    case = open_general_case(cast, "a")
    with acting_as("test"):
        case.state, case.closed_at = CaseState.CLOSED, timezone.now()
        case.save()
    assert "General · 甲局 · closed" in page(cast.a_employee).content.decode()


def test_the_person_sees_their_course_enrolments_and_no_one_elses(cast):
    from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory

    session = CourseSessionFactory(course=CourseFactory(plan=cast.a_plan, topic="正念減壓工作坊"))
    EnrolmentFactory(session=session, employee=cast.a_employee)
    assert "正念減壓工作坊" in page(cast.a_employee).content.decode()
    assert "正念減壓工作坊" not in page(cast.a_sub_employee).content.decode()


def test_anonymous_answers_are_not_listed(cast):
    from surveys.models import Response, Survey

    survey = Survey.objects.create(title="匿名滿意度", anonymous=True, owner=cast.a, opens_on=datetime.date(2025, 3, 1),
                                   closes_on=datetime.date(2025, 3, 31))
    Response.objects.create(survey=survey, respondent=None, submitted_on=datetime.date(2025, 3, 4))
    assert "匿名滿意度" not in page(cast.a_employee).content.decode()


@pytest.mark.parametrize("other", ["a_sub_employee", "a_supervisor", "b_employee", "a_care_member", "a_convener",
                                   "a_eap_officer", "a_agency_hr", "city_hr", "access_approver"])
def test_nobody_else_sees_the_persons_data_on_their_own_page(cast, records, other):
    html = page(getattr(cast, other)).content.decode()
    assert "A 諮商所" not in html and "114年員工需求調查" not in html
    assert "There is no case about you." in html and "No screenings." in html


def test_accounts_without_a_roster_entry_have_no_data_page(cast):
    for account in (cast.provider, cast.reviewer, cast.nobody):
        assert client_of(account).get(reverse("my_data")).status_code == 404


def test_a_misconduct_respondent_is_never_told_of_the_complaint(cast):
    from cases.opening import open_case

    officer = cast.a_eap_officer.user
    with acting_as(officer):
        open_case(kind="general", origin="misconduct", subject=cast.a_sub_employee, by=officer,
                  respondents=[cast.a_employee], summary="遭受職場霸凌")
    respondent = page(cast.a_employee).content.decode()
    assert "There is no case about you." in respondent and "遭受職場霸凌" not in respondent
    assert "General · 甲局附屬機關 · open" in page(cast.a_sub_employee).content.decode()  # the complainant's


def test_a_crisis_affecting_the_person_shows_as_a_case_about_them(cast):
    from cases.models import AffectedPerson

    case = open_general_case(cast, "a", subject=cast.a_sub_employee)
    with acting_as("test"):
        AffectedPerson.objects.create(case=case, employee=cast.a_employee, relation="colleague",
                                      added_by=cast.a_eap_officer.user)
    assert "General · 甲局附屬機關 · open" in page(cast.a_employee).content.decode()


def test_reading_the_page_is_logged_as_own_records(cast, records):
    page(cast.a_employee)
    own = AccessLog.objects.filter(actor=cast.a_employee.user, person=cast.a_employee)
    assert own.count() == 3  # bookings, screenings, the case fact
    assert set(own.values_list("purpose_kind", flat=True)) == {PurposeKind.OWN_RECORDS}


# --- Who read their records ------------------------------------------------------------------

def test_the_history_shows_a_care_members_read_of_their_case_with_role_and_time(cast, records):
    case = records["case"]
    assert client_of(cast.a_care_member).get(reverse("case_detail", args=[case.pk])).status_code == 200
    read = AccessLog.objects.filter(actor=cast.a_care_member.user, person=cast.a_employee).latest("pk")
    client_of(cast.a_employee).get(reverse("self_check_result", args=[records["self_check"].pk]))  # own read
    response = page(cast.a_employee, "my_access_history")
    lines = response.context["lines"]
    assert lines and {line.who for line in lines} == {cast.a_care_member.full_name}
    mine = [line for line in lines if line.record_type == "case"]
    assert mine and mine[0].role == "Care-team member" and mine[0].purpose == "Case assignment"
    assert format_roc_datetime(read.at) in response.content.decode()


def test_the_history_leaves_out_the_persons_own_reads(cast, records):
    client_of(cast.a_employee).get(reverse("self_check_result", args=[records["self_check"].pk]))
    page(cast.a_employee)
    response = page(cast.a_employee, "my_access_history")
    assert response.context["lines"] == []
    assert "No one else has read your records." in response.content.decode()


def test_provider_staff_appear_as_their_provider(cast, records):
    record_access(Actor(user=cast.provider), AccessAction.READ, records["booking"], person=cast.a_employee,
                  purpose=Purpose.by_role("provider_staff"))
    [line] = page(cast.a_employee, "my_access_history").context["lines"]
    assert (line.who, line.role, line.record_type) == ("A 諮商所", "Provider staff", "booking")


def test_the_history_is_paged_and_never_shows_another_persons_reads(cast, records):
    for _ in range(55):
        record_access(Actor(user=cast.a_convener.user), AccessAction.READ, records["tour"], person=cast.a_employee,
                      purpose=Purpose.by_role("convener"))
    record_access(Actor(user=cast.a_convener.user), AccessAction.READ, records["tour"], person=cast.a_sub_employee,
                  purpose=Purpose.by_role("convener"))
    assert len(page(cast.a_employee, "my_access_history").context["lines"]) == 50
    assert len(page(cast.a_employee, "my_access_history", page=2).context["lines"]) == 5
    assert len(page(cast.a_sub_employee, "my_access_history").context["lines"]) == 1
    for other in (cast.b_employee, cast.a_eap_officer, cast.a_agency_hr, cast.city_hr, cast.a_convener):
        assert page(other, "my_access_history").context["lines"] == []


# --- Corrections -----------------------------------------------------------------------------

def ask(cast, employee=None):
    employee = employee or cast.a_employee
    response = client_of(employee).post(reverse("ask_correction"), {
        "category": RecordCategory.SCREENINGS, "what_is_wrong": "三月五日我沒有參加巡迴檢測",
        "should_say": "刪除該筆"})
    assert response.status_code == 302 and response["Location"] == reverse("my_data")
    return CorrectionRequest.objects.filter(employee=employee).latest("pk")


def test_a_correction_request_reaches_the_approver_and_its_answer_the_person(cast):
    correction = ask(cast)
    assert correction.state == CorrectionState.OPEN and correction.what_is_wrong == "三月五日我沒有參加巡迴檢測"
    assert Notification.objects.filter(recipient=cast.access_approver.user, kind="correction_asked").exists()
    approver = client_of(cast.access_approver)
    assert correction in approver.get(reverse("correction_list")).context["corrections"]
    detail = reverse("correction_detail", args=[correction.pk])
    assert "三月五日我沒有參加巡迴檢測" in approver.get(detail).content.decode()
    assert AccessLog.objects.filter(actor=cast.access_approver.user, person=cast.a_employee,
                                    purpose_ref=f"correction:{correction.pk}").exists()
    refused_without_reason = approver.post(detail, {"state": "refused", "answer": ""})
    assert refused_without_reason.status_code == 200
    correction.refresh_from_db()
    assert correction.is_open
    assert approver.post(detail, {"state": "refused", "answer": "紀錄與簽到表相符"}).status_code == 302
    correction.refresh_from_db()
    assert (correction.state, correction.answered_by) == (CorrectionState.REFUSED, cast.access_approver.user)
    note = Notification.objects.get(recipient=cast.a_employee.user, kind="correction_answered")
    with translation.override("en"):
        from core.notifications import headline_for

        assert headline_for(note.kind) == "There is an answer to your request"
    html = page(cast.a_employee).content.decode()
    assert "Refused" in html and "紀錄與簽到表相符" in html
    assert "三月五日我沒有參加巡迴檢測" not in page(cast.a_sub_employee).content.decode()
    who = [line.who for line in page(cast.a_employee, "my_access_history").context["lines"]]
    assert cast.access_approver.full_name in who


def test_a_correction_is_answered_once(cast):
    correction = ask(cast)
    approver = client_of(cast.access_approver)
    detail = reverse("correction_detail", args=[correction.pk])
    approver.post(detail, {"state": "corrected", "answer": "已更正"})
    approver.post(detail, {"state": "refused", "answer": "改變心意"})
    correction.refresh_from_db()
    assert (correction.state, correction.answer) == (CorrectionState.CORRECTED, "已更正")


def test_an_approver_does_not_answer_their_own_request(cast):
    correction = ask(cast, cast.access_approver)
    approver = client_of(cast.access_approver)
    assert approver.get(reverse("correction_detail", args=[correction.pk])).status_code == 404
    assert correction not in approver.get(reverse("correction_list")).context["corrections"]


@pytest.mark.parametrize("role", ["a_eap_officer", "city_hr", "a_convener", "a_supervisor"])
def test_staff_other_than_the_approver_never_read_a_correction(cast, role):
    correction = ask(cast)
    assert client_of(getattr(cast, role)).get(reverse("correction_detail", args=[correction.pk])).status_code == 403


def test_an_empty_request_is_refused_with_its_error(cast):
    response = client_of(cast.a_employee).post(reverse("ask_correction"), {"category": "profile"})
    assert response.status_code == 200 and not CorrectionRequest.objects.exists()


# --- Withdrawing a consent -------------------------------------------------------------------

def accepted(employee, share=True):
    screening = self_check_of(employee)
    with acting_as("test"):
        return selfcheck.accept_contact(screening, share_answers=share, by=employee.user)


def test_withdrawing_the_sharing_stops_the_care_team_reading_the_answers(cast):
    screening = accepted(cast.a_employee)
    url = reverse("screening_detail", args=[screening.pk])
    convener = client_of(cast.a_convener)
    assert convener.get(url).status_code == 200
    earlier = AccessLog.objects.filter(actor=cast.a_convener.user, person=cast.a_employee).count()
    response = client_of(cast.a_employee).post(reverse("withdraw_sharing", args=[screening.pk]))
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.answers_shared_at is None and screening.sharing_withdrawn_at is not None
    assert screening.duty.state == DutyState.OPEN  # the contact itself still stands
    assert convener.get(url).status_code == 404
    assert not Screening.objects.visible_to(screening.duty.assignee).filter(pk=screening.pk).exists()
    assert AccessLog.objects.filter(actor=cast.a_convener.user, person=cast.a_employee).count() == earlier


def test_withdrawing_the_contact_cancels_the_open_duty_and_ends_the_sharing(cast):
    screening = accepted(cast.a_employee)
    response = client_of(cast.a_employee).post(reverse("withdraw_contact", args=[screening.pk]))
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.contact_withdrawn_at is not None and screening.duty.state == DutyState.CANCELLED
    assert screening.answers_shared_at is None
    assert client_of(cast.a_convener).get(reverse("screening_detail", args=[screening.pk])).status_code == 404
    html = page(cast.a_employee).content.decode()
    assert "Contact by the care team: withdrawn on" in html
    assert "Withdraw my consent to be contacted" not in html
    result = client_of(cast.a_employee).get(reverse("self_check_result", args=[screening.pk])).content.decode()
    assert "You withdrew your consent to be contacted" in result


def test_a_done_duty_stays_done_when_contact_is_withdrawn(cast):
    from core import duties

    screening = accepted(cast.a_employee, share=False)
    with acting_as(screening.duty.assignee):
        duties.complete_duty(screening.duty, by=screening.duty.assignee, outcome="已聯繫")
    client_of(cast.a_employee).post(reverse("withdraw_contact", args=[screening.pk]))
    screening.refresh_from_db()
    assert screening.contact_withdrawn_at is not None and screening.duty.state == DutyState.DONE


def test_withdrawing_twice_says_there_is_nothing_to_withdraw(cast):
    screening = accepted(cast.a_employee)
    client = client_of(cast.a_employee)
    client.post(reverse("withdraw_contact", args=[screening.pk]))
    withdrawn_at = Screening.objects.get(pk=screening.pk).contact_withdrawn_at
    response = client.post(reverse("withdraw_contact", args=[screening.pk]), follow=True)
    assert "There is no consent to be contacted to withdraw." in response.content.decode()
    assert Screening.objects.get(pk=screening.pk).contact_withdrawn_at == withdrawn_at


def test_nobody_withdraws_someone_elses_consent(cast):
    screening = accepted(cast.a_employee)
    for other in (cast.a_sub_employee, cast.a_convener, cast.a_eap_officer):
        assert client_of(other).post(reverse("withdraw_sharing", args=[screening.pk])).status_code == 404
    screening.refresh_from_db()
    assert screening.answers_shared_at is not None
