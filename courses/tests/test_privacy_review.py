"""A hostile review of courses: people with real accounts try to step outside their rules — an
employee on another's enrolment or in a plan that does not cover them, HR on another subtree's
sessions or a tampered roll, report readers after a small cell or a name, non-attendees after the
satisfaction survey. Every test is an attack that must fail."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from courses import attendance
from courses.audience import refusal
from courses.models import Course, Enrolment, EnrolmentState, SessionState
from courses.tests.factories import CourseFactory, CourseSessionFactory, EnrolmentFactory
from courses.tests.test_admin import change_url, page_data
from plans.tests.factories import PlanFactory
from surveys import answering
from surveys.models import Response

pytestmark = pytest.mark.django_db


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def session_in(plan, agency, *, hours_from_now=240, topic="紓壓研習班", **fields):
    course = CourseFactory(plan=plan, agency=agency, topic=topic)
    return CourseSessionFactory(course=course, starts_at=timezone.now() + datetime.timedelta(hours=hours_from_now),
                                **fields)


def enrol(person, session):
    return client_of(person).post(reverse("course_enrol", args=[session.pk]))


def enrolments_of(person, session):
    return Enrolment.objects.filter(employee=person, session=session)


# --- The employee: other people's enrolments, plans that do not cover them ---------------------------

@pytest.mark.parametrize("intruder", ["b_employee", "a_supervisor", "a_eap_officer", "a_agency_hr"])
def test_nobody_cancels_another_persons_enrolment_by_its_id(cast, intruder):
    session = session_in(cast.a_plan, cast.a)
    victim = EnrolmentFactory(session=session, employee=cast.a_employee)
    response = client_of(getattr(cast, intruder)).post(reverse("course_cancel_enrolment", args=[victim.pk]))
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.state == EnrolmentState.ENROLLED


def test_an_employee_cannot_enrol_in_agency_bs_own_plan_by_posting(cast):
    session = session_in(cast.b_plan, cast.b)
    assert enrol(cast.a_employee, session).status_code == 404
    assert not enrolments_of(cast.a_employee, session).exists()


def test_an_employee_cannot_enrol_in_a_sub_agencys_own_plan(cast):
    a1_plan = PlanFactory(owner=cast.a_sub, year=114)
    session = session_in(a1_plan, cast.a_sub)
    enrol(cast.a_employee, session)
    assert not enrolments_of(cast.a_employee, session).exists()


def test_staff_of_a_sub_agency_with_its_own_plan_are_not_covered_by_the_plan_above(cast):
    # DOMAIN §3: the nearest plan above (or at) one's agency, then the city's. A1 running its own
    # plan takes its staff out of A's plan: A's course is not theirs, even posted to directly.
    PlanFactory(owner=cast.a_sub, year=cast.a_plan.year)
    session = session_in(cast.a_plan, cast.a)
    assert refusal(session.course, cast.a_sub_employee) is not None
    enrol(cast.a_sub_employee, session)
    assert not enrolments_of(cast.a_sub_employee, session).exists()
    # The city's plan still covers them, and A's staff keep A's plan.
    city_session = session_in(cast.city_plan, cast.city)
    assert refusal(city_session.course, cast.a_sub_employee) is None
    assert refusal(session.course, cast.a_employee) is None


def test_without_a_plan_of_its_own_a_sub_agency_is_covered_by_the_plan_above(cast):
    session = session_in(cast.a_plan, cast.a)
    enrol(cast.a_sub_employee, session)
    assert enrolments_of(cast.a_sub_employee, session).get().state == EnrolmentState.ENROLLED


def test_an_hr_officer_reading_bs_plan_cannot_enrol_in_it(cast):
    session = session_in(cast.city_plan, cast.city)
    b_session = session_in(cast.b_plan, cast.b)
    enrol(cast.city_hr, b_session)  # city HR read every plan; B's plan covers B's staff only
    assert not enrolments_of(cast.city_hr, b_session).exists()
    enrol(cast.city_hr, session)
    assert enrolments_of(cast.city_hr, session).exists()


@pytest.mark.parametrize("state", [SessionState.CANCELLED, SessionState.CLOSED])
def test_posting_to_a_cancelled_or_closed_session_enrols_nobody(cast, state):
    session = session_in(cast.a_plan, cast.a, state=state,
                         cancel_reason="講師因故" if state == SessionState.CANCELLED else "")
    enrol(cast.a_employee, session)
    assert not enrolments_of(cast.a_employee, session).exists()


@pytest.mark.parametrize("hours_from_now", [24, -1, -48])  # after the deadline, started, over
def test_posting_after_the_deadline_enrols_nobody(cast, hours_from_now):
    session = session_in(cast.a_plan, cast.a, hours_from_now=hours_from_now)
    enrol(cast.a_employee, session)
    assert not enrolments_of(cast.a_employee, session).exists()


def test_posting_twice_keeps_one_place_even_on_the_waiting_list(cast):
    session = session_in(cast.a_plan, cast.a, capacity=1)
    EnrolmentFactory(session=session, employee=cast.a_supervisor)
    enrol(cast.a_employee, session)
    enrol(cast.a_employee, session)
    assert list(enrolments_of(cast.a_employee, session).values_list("state", flat=True)) == [
        EnrolmentState.WAITLISTED]


def test_a_former_employee_cannot_enrol(cast):
    cast.a_employee.leave_date = timezone.localdate() - datetime.timedelta(days=1)
    cast.a_employee.save()
    session = session_in(cast.a_plan, cast.a)
    enrol(cast.a_employee, session)
    assert not enrolments_of(cast.a_employee, session).exists()


def test_the_course_pages_never_name_the_people_in_a_session(cast):
    session = session_in(cast.city_plan, cast.city, topic="城市研習")
    for person in (cast.b_employee, cast.a_sub_employee):
        EnrolmentFactory(session=session, employee=person)
    EnrolmentFactory(session=session, employee=cast.b_supervisor, state=EnrolmentState.WAITLISTED, seated_at=None)
    client = client_of(cast.a_employee)
    assert "城市研習" in client.get(reverse("course_detail", args=[session.course_id])).content.decode()
    for url in (reverse("course_catalogue"), reverse("course_detail", args=[session.course_id])):
        html = client.get(url).content.decode()
        for person in (cast.b_employee, cast.a_sub_employee, cast.b_supervisor):
            assert person.full_name not in html
            assert person.user.username not in html


def test_my_courses_and_the_calendar_hold_only_my_own_sessions(cast):
    mine = session_in(cast.a_plan, cast.a, topic="我的研習")
    theirs = session_in(cast.a_plan, cast.a, topic="同事的研習")
    EnrolmentFactory(session=mine, employee=cast.a_employee)
    EnrolmentFactory(session=theirs, employee=cast.a_supervisor)
    EnrolmentFactory(session=mine, employee=cast.a_supervisor)
    client = client_of(cast.a_employee)
    page = client.get(reverse("my_courses")).content.decode()
    ics = client.get(reverse("my_courses_ics")).content.decode()
    for text in (page, ics):
        assert "我的研習" in text and "同事的研習" not in text
        assert cast.a_supervisor.full_name not in text
    assert cast.a_employee.full_name not in ics  # nothing about the person either


# --- HR: other subtrees' sessions, tampered rolls, the admin --------------------------------------

@pytest.fixture
def held(cast):
    """B's held session and the city's own, each with people seated."""
    b_session = session_in(cast.b_plan, cast.b, hours_from_now=-2, topic="乙區研習")
    city_session = session_in(cast.city_plan, cast.city, hours_from_now=-2, topic="市府自辦研習")
    for session in (b_session, city_session):
        EnrolmentFactory(session=session, employee=cast.b_employee)
    return b_session, city_session


@pytest.mark.parametrize("keeper", ["a_eap_officer", "a_agency_hr"])
def test_an_agency_keeper_cannot_open_read_or_close_another_subtrees_sessions(cast, held, keeper):
    client = client_of(getattr(cast, keeper))
    for session in held:
        assert client.get(reverse("course_roll", args=[session.pk])).status_code == 404
        assert client.post(reverse("course_close_session", args=[session.pk])).status_code == 404
        session.refresh_from_db()
        assert session.state == SessionState.OPEN
    listed = client.get(reverse("course_sessions_hr"), {"state": SessionState.OPEN}).content.decode()
    assert "乙區研習" not in listed and "市府自辦研習" not in listed and cast.b_employee.full_name not in listed


def test_an_agency_keeper_cannot_mark_another_subtrees_roll(cast, held):
    b_session, _city = held
    enrolment = b_session.enrolments.get()
    response = client_of(cast.a_eap_officer).post(reverse("course_roll", args=[b_session.pk]), {
        "people": str(enrolment.pk), f"present_{enrolment.pk}": "on", f"hours_{enrolment.pk}": "3"})
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_a_tampered_roll_cannot_mark_someone_who_is_not_on_it(cast, held):
    b_session, _city = held
    own = session_in(cast.a_plan, cast.a, hours_from_now=-2)
    seated = EnrolmentFactory(session=own, employee=cast.a_employee)
    waiting = EnrolmentFactory(session=own, employee=cast.a_supervisor, state=EnrolmentState.WAITLISTED,
                               seated_at=None)
    foreign = b_session.enrolments.get()
    client = client_of(cast.a_eap_officer)
    for stranger in (waiting, foreign):
        ids = sorted([seated.pk, stranger.pk])
        client.post(reverse("course_roll", args=[own.pk]), {
            "people": ",".join(map(str, ids)), f"present_{seated.pk}": "on", f"hours_{seated.pk}": "3",
            f"present_{stranger.pk}": "on", f"hours_{stranger.pk}": "3"})
        stranger.refresh_from_db()
        assert stranger.attended is None and stranger.learning_hours is None
    with pytest.raises(Exception):  # noqa: B017 - the service refuses a mark for anyone not seated
        attendance.mark_attendance(own, {seated.pk: (True, 3), foreign.pk: (True, 3)}, by=cast.a_eap_officer.user)
    foreign.refresh_from_db()
    assert foreign.attended is None


def test_an_officer_cannot_hand_a_course_to_an_agency_outside_their_subtree(cast):
    course = CourseFactory(plan=cast.a_plan, agency=cast.a)
    client = client_of(cast.a_eap_officer)
    for outsider in (cast.b, cast.city):
        client.post(change_url(course), page_data(client, course, agency=str(outsider.pk)))
        course.refresh_from_db()
        assert course.agency == cast.a


def test_an_officer_cannot_put_a_course_in_bs_plan(cast):
    course = CourseFactory(plan=cast.a_plan, agency=cast.a)
    client = client_of(cast.a_eap_officer)
    client.post(change_url(course), page_data(client, course, plan=str(cast.b_plan.pk)))
    course.refresh_from_db()
    assert course.plan == cast.a_plan


def test_another_subtrees_course_and_its_sessions_are_not_in_the_admin(cast, held):
    b_session, city_session = held
    client = client_of(cast.a_eap_officer)
    for session in held:
        response = client.get(change_url(session.course))
        assert response.status_code in (302, 404)
        assert cast.b_employee.full_name not in response.content.decode()
    listing = client.get(reverse("admin:courses_course_changelist")).content.decode()
    assert "乙區研習" not in listing and "市府自辦研習" not in listing
    # A course A runs in the city's plan is A's to keep; the city's own is not.
    assert Course.objects.editable_by(cast.a_eap_officer.user).filter(pk=city_session.course_id).count() == 0


# --- Reports: small cells and names ------------------------------------------------------------------

@pytest.fixture
def small_session(cast):
    """A closed session of A's with three attendees."""
    session = session_in(cast.a_plan, cast.a, hours_from_now=-3, topic="小班研習")
    came = [EnrolmentFactory(session=session, employee=person)
            for person in (cast.a_employee, cast.a_sub_employee, cast.a_supervisor)]
    attendance.mark_attendance(session, {enrolment.pk: (True, Decimal("3")) for enrolment in came},
                               by=cast.a_eap_officer.user)
    attendance.close_session(session, by=cast.a_eap_officer.user)
    session.refresh_from_db()
    return session


@pytest.mark.parametrize("reader", ["reviewer", "a_eap_officer", "city_hr"])
def test_three_attendees_are_never_shown_as_three_nor_named_in_the_reports(cast, small_session, reader):
    client = client_of(getattr(cast, reader))
    for name in ("course_report", "course_targets_report"):
        for fmt in ("", "csv"):
            response = client.get(reverse(name), {"year": 114, "format": fmt} if fmt else {"year": 114})
            assert response.status_code == 200
            text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
            assert "<5" in text or "&lt;5" in text
            for person in (cast.a_employee, cast.a_sub_employee, cast.a_supervisor):
                assert person.full_name not in text


def test_an_agency_reader_does_not_see_bs_figures(cast):
    b_session = session_in(cast.b_plan, cast.b, hours_from_now=-3, topic="乙區獨有研習")
    people = [EmployeeFactory(agency=cast.b) for _ in range(6)]
    rows = [EnrolmentFactory(session=b_session, employee=person) for person in people]
    attendance.mark_attendance(b_session, {row.pk: (True, Decimal("3")) for row in rows}, by=cast.b_eap_officer.user)
    attendance.close_session(b_session, by=cast.b_eap_officer.user)
    response = client_of(cast.a_eap_officer).get(reverse("course_report"), {"year": 114, "format": "csv"})
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "乙區獨有研習" not in text
    assert ",6," not in text and ",18," not in text  # B's six attendees, their 18 hours


# --- The satisfaction survey ----------------------------------------------------------------------

ANSWERS = {1: 5, 2: 4, 3: 5, 4: 3, 5: 4, 6: "講師很好"}


def answers_of(survey, values=ANSWERS):
    return {question.pk: values[question.order] for question in survey.questions.all()}


def test_only_attendees_answer_and_each_once_leaving_no_trace_of_who(cast, small_session):
    survey = small_session.satisfaction_survey
    absent_session = session_in(cast.a_plan, cast.a, hours_from_now=-3)
    for outsider in (cast.b_employee, cast.a_agency_hr, cast.a_eap_officer):
        response = client_of(outsider).post(reverse("answer_survey", args=[survey.pk]),
                                            {f"q{pk}": value for pk, value in answers_of(survey).items()})
        assert response.status_code in (200, 302, 403, 404)
    assert not survey.participations.filter(answered=True).exists()
    answering.submit_response(survey, cast.a_employee.user, answers_of(survey))
    with pytest.raises(Exception):  # noqa: B017 - answered already
        answering.submit_response(survey, cast.a_employee.user, answers_of(survey))
    answering.flush_pending(survey, final=True)
    assert Response.objects.filter(survey=survey).count() == 1
    assert not Response.objects.filter(survey=survey, respondent__isnull=False).exists()
    assert absent_session.satisfaction_survey is None


def test_the_waiting_list_and_the_absent_are_not_invited(cast):
    session = session_in(cast.a_plan, cast.a, hours_from_now=-3)
    came = EnrolmentFactory(session=session, employee=cast.a_employee)
    missed = EnrolmentFactory(session=session, employee=cast.a_supervisor)
    EnrolmentFactory(session=session, employee=cast.a_sub_employee, state=EnrolmentState.WAITLISTED, seated_at=None)
    attendance.mark_attendance(session, {came.pk: (True, 3), missed.pk: (False, None)}, by=cast.a_eap_officer.user)
    attendance.close_session(session, by=cast.a_eap_officer.user)
    session.refresh_from_db()
    survey = session.satisfaction_survey
    for outsider in (cast.a_supervisor, cast.a_sub_employee):
        assert survey not in answering.open_surveys_for(outsider)
        with pytest.raises(Exception):  # noqa: B017 - not addressed to them
            answering.submit_response(survey, outsider.user, answers_of(survey))


def test_the_invitation_and_its_email_do_not_name_the_course(cast, small_session):
    survey = small_session.satisfaction_survey
    invitations = Notification.objects.filter(recipient=cast.a_employee.user, kind="survey_invitation")
    assert invitations.count() == 1
    invitation = invitations.get()
    assert "小班研習" not in invitation.link and "course" not in invitation.link
    assert invitation.link == reverse("answer_survey", args=[survey.pk])
    for message in mail.outbox:
        assert "小班研習" not in message.subject + message.body
    inbox = client_of(cast.a_employee).get(reverse("inbox"))
    assert inbox.status_code == 200 and "小班研習" not in inbox.content.decode()


def test_the_results_of_a_three_person_course_survey_are_suppressed(cast, small_session):
    survey = small_session.satisfaction_survey
    for person in (cast.a_employee, cast.a_sub_employee, cast.a_supervisor):
        answering.submit_response(survey, person.user, answers_of(survey, {**ANSWERS, 6: f"私人意見{person.pk}號"}))
    answering.flush_pending(survey, final=True)
    for reader in (cast.a_eap_officer, cast.city_hr, cast.reviewer):
        html = client_of(reader).get(reverse("survey_results", args=[survey.pk])).content.decode()
        assert "私人意見" not in html  # three texts from three named attendees would be theirs
        listing = client_of(reader).get(reverse("survey_results_list")).content.decode()
        assert "&lt;5" in listing or "<5" in listing or "小班研習" not in listing
