"""The employee's course pages as they use them: this year's catalogue of the plans that cover them
and its filters, a course with its sessions, enrolling and the waiting list and cancelling with one
click and a clear message, and My courses with the hours learnt. Pages are read in English (the
language cookie), so the assertions hold whatever the translations say."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.tests.factories import EmployeeFactory
from core.models import Notification
from courses.enrolment import enrol
from courses.home import home_card
from courses.models import CourseFormat, EnrolmentState, Facet, SessionState
from courses.tests.factories import CourseFactory, CourseSeriesFactory, CourseSessionFactory, EnrolmentFactory
from plans.tests.factories import PlanFactory

# ROC 114 (2025), the year of the cast's plans.
NOW = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0))


def at(month, day, hour=9, year=2025):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def session_on(course, month, day, **fields):
    starts = at(month, day)
    fields.setdefault("registration_deadline", starts - datetime.timedelta(days=2))
    return CourseSessionFactory(course=course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), **fields)


@pytest.fixture
def world(cast, time_machine):
    """The city's plan runs a health course in its 慢活人生 series; agency A's plan a digital work course
    in its 樂活職場; agency B's plan a course of its own. Each has a session in March."""
    time_machine.move_to(NOW, tick=False)
    city_series = CourseSeriesFactory(plan=cast.city_plan, name="慢活人生", facet=Facet.HEALTH)
    a_series = CourseSeriesFactory(plan=cast.a_plan, name="樂活職場", facet=Facet.WORK)
    city_course = CourseFactory(plan=cast.city_plan, agency=cast.city, topic="正念減壓工作坊", series=city_series)
    a_course = CourseFactory(plan=cast.a_plan, agency=cast.a, topic="數位時代的溝通術", facet=Facet.WORK,
                             series=a_series, format=CourseFormat.DIGITAL, purpose="提升溝通能力")
    b_course = CourseFactory(plan=cast.b_plan, agency=cast.b, topic="乙區公所專屬課程")
    return SimpleNamespace(
        cast=cast, city_course=city_course, a_course=a_course, b_course=b_course,
        city_session=session_on(city_course, 3, 13, capacity=2), a_session=session_on(a_course, 4, 8),
        b_session=session_on(b_course, 3, 20))


def client_of(person):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(getattr(person, "user", person))
    return client


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


CATALOGUE = reverse("course_catalogue")


# --- The catalogue ----------------------------------------------------------------------------

def test_the_catalogue_lists_the_courses_of_the_plans_covering_me_this_year(world):
    PlanFactory(owner=world.cast.a, year=113)
    old = CourseFactory(plan=PlanFactory(owner=world.cast.city, year=113), agency=world.cast.city, topic="去年的課程")
    page = html(client_of(world.cast.a_employee), CATALOGUE)
    assert "Courses of ROC 114" in page
    assert world.city_course.topic in page and world.a_course.topic in page
    assert world.b_course.topic not in page and old.topic not in page
    assert world.a_course.topic not in html(client_of(world.cast.b_employee), CATALOGUE)


def test_a_sub_agency_employee_sees_the_city_plan_and_the_plan_above_them(world):
    page = html(client_of(world.cast.a_sub_employee), CATALOGUE)
    assert world.city_course.topic in page and world.a_course.topic in page and world.b_course.topic not in page


def test_a_card_says_when_where_seats_left_and_until_when_to_register(world):
    session_on(world.a_course, 4, 15, venue="", online_link="https://meet.example.tw/room-1", capacity=30)
    page = html(client_of(world.cast.a_employee), CATALOGUE)
    assert "114/03/13 09:00–12:00</span> · <span class=\"text-break\">四維行政中心" in page
    assert "2 seats left" in page and "Register by 114/03/11 09:00" in page
    assert "114/04/15 09:00–12:00</span> · Online" in page and "30 seats left" in page
    assert "meet.example.tw" not in page  # the link is for those with a seat
    assert "<summary>Purpose</summary>" in page and "提升溝通能力" in page


def test_a_full_session_says_waiting_list(world):
    for person in (world.cast.a_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    assert "Full – waiting list" in html(client_of(world.cast.a_employee), CATALOGUE)


def test_past_cancelled_and_closed_sessions_are_not_offered_in_the_catalogue(world):
    session_on(world.a_course, 2, 20)  # already held
    session_on(world.a_course, 4, 1, state=SessionState.CANCELLED)
    page = html(client_of(world.cast.a_employee), CATALOGUE)
    assert "114/02/20" not in page and "114/04/01" not in page and "114/04/08" in page


@pytest.mark.parametrize("params, shown", [
    ({"facet": Facet.WORK}, {"a_course"}),
    ({"facet": Facet.HEALTH}, {"city_course"}),
    ({"format": CourseFormat.DIGITAL}, {"a_course"}),
    ({"month": "3"}, {"city_course"}),
    ({"month": "4"}, {"a_course"}),
    ({"month": "5"}, set()),
    ({"q": "溝通"}, {"a_course"}),
    ({"q": "沒有這種課"}, set()),
    ({"month": "13"}, {"city_course", "a_course"}),  # a choice that does not exist filters nothing
])
def test_the_filters(world, params, shown):
    page = html(client_of(world.cast.a_employee), CATALOGUE, **params)
    assert {name for name in ("city_course", "a_course") if getattr(world, name).topic in page} == shown


def test_the_series_filter_offers_the_series_of_my_plans_and_says_whose(world):
    CourseSeriesFactory(plan=world.cast.b_plan, name="乙的系列")
    page = html(client_of(world.cast.a_employee), CATALOGUE)
    assert "慢活人生 (測試市政府)" in page and "樂活職場 (甲局)" in page and "乙的系列" not in page
    page = html(client_of(world.cast.a_employee), CATALOGUE, series=world.a_course.series_id)
    assert world.a_course.topic in page and world.city_course.topic not in page
    b_series = world.cast.b_plan.course_series.get()
    page = html(client_of(world.cast.a_employee), CATALOGUE, series=b_series.pk)
    assert world.a_course.topic in page and world.city_course.topic in page  # not a choice: ignored


def test_open_to_me_hides_the_courses_whose_rules_exclude_me(world):
    world.city_course.supervisors_only = True
    world.city_course.save()
    client = client_of(world.cast.a_employee)
    page = html(client, CATALOGUE)
    assert world.city_course.topic in page and "Not open to you" in page and "This course is for supervisors." in page
    page = html(client, CATALOGUE, open_to_me="on")
    assert world.city_course.topic not in page and world.a_course.topic in page
    page = html(client_of(world.cast.a_supervisor), CATALOGUE, open_to_me="on")
    assert world.city_course.topic in page and "Not open to you" not in page


def test_the_catalogue_pages_and_reads_a_fixed_number_of_queries(world):
    client = client_of(world.cast.a_employee)
    client.get(CATALOGUE)  # warm the session and the per-user caches
    with CaptureQueriesContext(connection) as few:
        client.get(CATALOGUE)
    for n in range(25):
        course = CourseFactory(plan=world.cast.city_plan, agency=world.cast.city, topic=f"更多課程{n:02d}")
        course.audience_agencies.set([world.cast.a])
        session_on(course, 5, 1 + n % 20)
    with CaptureQueriesContext(connection) as many:
        page = client.get(CATALOGUE).content.decode()
    assert len(many) <= len(few)
    assert "27 courses found." in page and "Page 1 of 2" in page
    assert "更多課程" in html(client, CATALOGUE, page=2)


def test_accounts_without_an_employee_profile_are_told_the_pages_do_not_exist(world):
    for person in (world.cast.provider, world.cast.reviewer, world.cast.nobody):
        client = client_of(person)
        for url in (CATALOGUE, reverse("course_detail", args=[world.a_course.pk]), reverse("my_courses"),
                    reverse("my_courses_ics")):
            assert client.get(url).status_code == 404


def test_the_pages_need_a_login(world):
    response = Client().get(CATALOGUE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- A course and its sessions --------------------------------------------------------------

def detail(world, person, course=None):
    return html(client_of(person), reverse("course_detail", args=[(course or world.a_course).pk]))


def test_the_course_page_shows_its_facts_and_each_session_with_its_state(world):
    course = world.a_course
    course.audience_text, course.min_grade, course.max_grade = "本府薦任第八職等至第九職等人員", 8, 9
    course.first_date, course.last_date = datetime.date(2025, 3, 1), datetime.date(2025, 10, 31)
    course.save()
    person = EmployeeFactory(agency=world.cast.a, grade=8)
    session_on(course, 2, 20, state=SessionState.CLOSED)
    session_on(course, 3, 4)  # registration closed on 3/2
    session_on(course, 4, 1, state=SessionState.CANCELLED, cancel_reason="講師因故無法授課")
    page = detail(world, person)
    for fact in ("數位時代的溝通術", "Work", "樂活職場", "Digital (self-paced online)",
                 "本府薦任第八職等至第九職等人員", "Grades 8 to 9 (職等)", "甲局",
                 "114年3月1日–114年10月31日", "提升溝通能力"):
        assert fact in page, fact
    assert "Held" in page and "Registration closed" in page and "講師因故無法授課" in page
    assert page.count('action="/courses/sessions/') == 1  # only the April session is offered
    assert reverse("course_enrol", args=[world.a_session.pk]) in page


def test_a_course_not_open_to_me_says_why_and_offers_no_button(world):
    world.a_course.supervisors_only = True
    world.a_course.save()
    page = detail(world, world.cast.a_employee)
    assert "This course is not open to you." in page and "This course is for supervisors." in page
    assert reverse("course_enrol", args=[world.a_session.pk]) not in page


def test_another_agencys_course_is_not_found(world):
    client = client_of(world.cast.a_employee)
    assert client.get(reverse("course_detail", args=[world.b_course.pk])).status_code == 404
    assert client.post(reverse("course_enrol", args=[world.b_session.pk])).status_code == 404
    assert not world.b_session.enrolments.exists()


def test_the_course_page_shows_my_place_on_the_waiting_list(world):
    for person in (world.cast.a_supervisor, world.cast.b_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    enrol(world.cast.a_employee, world.city_session)
    page = detail(world, world.cast.a_employee, world.city_course)
    assert "You are number 2 on the waiting list" in page and "Leave the waiting list" in page


# --- Enrolling and cancelling through the pages ---------------------------------------------

def post(client, name, pk, **data):
    response = client.post(reverse(name, args=[pk]), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_enrolling_gives_a_seat_and_says_so(world):
    client = client_of(world.cast.a_employee)
    page = post(client, "course_enrol", world.city_session.pk)
    assert "You have a seat in “正念減壓工作坊” on 114/03/13 09:00." in page
    assert world.city_session.enrolments.get().state == EnrolmentState.ENROLLED
    assert "Give up my seat" in page


def test_a_full_session_puts_me_on_the_waiting_list_and_says_my_place(world):
    for person in (world.cast.a_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    page = post(client_of(world.cast.a_employee), "course_enrol", world.city_session.pk)
    assert "The session is full: you are number 1 on its waiting list." in page
    assert world.city_session.enrolments.get(employee=world.cast.a_employee).state == EnrolmentState.WAITLISTED


def test_a_refused_enrolment_explains_and_changes_nothing(world):
    world.city_course.supervisors_only = True
    world.city_course.save()
    page = post(client_of(world.cast.a_employee), "course_enrol", world.city_session.pk)
    assert "This course is for supervisors." in page and "alert-danger" in page
    assert not world.city_session.enrolments.exists()


def test_enrolling_twice_explains_and_keeps_one_enrolment(world):
    client = client_of(world.cast.a_employee)
    post(client, "course_enrol", world.a_session.pk)
    page = post(client, "course_enrol", world.a_session.pk)
    assert "You are already enrolled in this session or on its waiting list." in page
    assert world.a_session.enrolments.count() == 1


def test_enrolling_and_cancelling_need_a_post(world):
    enrolment = enrol(world.cast.a_employee, world.a_session)
    client = client_of(world.cast.a_employee)
    assert client.get(reverse("course_enrol", args=[world.city_session.pk])).status_code == 405
    assert client.get(reverse("course_cancel_enrolment", args=[enrolment.pk])).status_code == 405
    assert not world.city_session.enrolments.exists()


def test_giving_up_a_seat_passes_it_to_the_first_in_line_who_is_told(world):
    session = world.city_session
    first, second = enrol(world.cast.a_employee, session), enrol(world.cast.a_supervisor, session)
    waiting = enrol(world.cast.b_employee, session)
    page = post(client_of(world.cast.a_employee), "course_cancel_enrolment", first.pk)
    assert "You have given up your seat." in page
    waiting.refresh_from_db()
    assert waiting.state == EnrolmentState.ENROLLED
    assert Notification.objects.filter(kind="course_seat_offered", recipient=world.cast.b_employee.user).count() == 1
    second.refresh_from_db()
    assert second.state == EnrolmentState.ENROLLED
    assert session.enrolments.filter(state=EnrolmentState.ENROLLED).count() == 2


def test_leaving_the_waiting_list_from_my_courses_comes_back_there(world):
    for person in (world.cast.a_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    waiting = enrol(world.cast.a_employee, world.city_session)
    response = client_of(world.cast.a_employee).post(reverse("course_cancel_enrolment", args=[waiting.pk]),
                                                     {"back": "mine"})
    assert response.status_code == 302 and response["Location"] == reverse("my_courses")
    waiting.refresh_from_db()
    assert waiting.state == EnrolmentState.CANCELLED


def test_nobody_can_cancel_someone_elses_enrolment(world):
    theirs = enrol(world.cast.a_employee, world.a_session)
    for person in (world.cast.a_supervisor, world.cast.a_eap_officer, world.cast.city_hr):
        assert client_of(person).post(reverse("course_cancel_enrolment", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == EnrolmentState.ENROLLED


def test_cancelling_after_the_start_is_refused_with_a_message(world, time_machine):
    mine = enrol(world.cast.a_employee, world.city_session)
    time_machine.move_to(world.city_session.starts_at + datetime.timedelta(minutes=10), tick=False)
    page = post(client_of(world.cast.a_employee), "course_cancel_enrolment", mine.pk)
    assert "The session has started" in page
    mine.refresh_from_db()
    assert mine.state == EnrolmentState.ENROLLED


# --- My courses ----------------------------------------------------------------------------

def test_my_courses_lists_seats_waiting_places_and_what_i_took_with_this_years_hours(world):
    me = world.cast.a_employee
    enrol(me, world.a_session)
    for person in (world.cast.a_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    enrol(me, world.city_session)
    taken = session_on(world.a_course, 2, 10, hours=Decimal("3"))
    missed = session_on(world.city_course, 1, 20)
    last_year = CourseSessionFactory(course=world.city_course, starts_at=at(1, 5, year=2024),
                                     ends_at=at(1, 5, 12, year=2024), registration_deadline=at(1, 1, year=2024))
    EnrolmentFactory(session=taken, employee=me, attended=True, learning_hours=Decimal("2.5"))
    EnrolmentFactory(session=missed, employee=me, attended=False, learning_hours=Decimal("0"))
    EnrolmentFactory(session=last_year, employee=me, attended=True, learning_hours=Decimal("6"))
    EnrolmentFactory(session=taken, attended=True, learning_hours=Decimal("3"))  # someone else's
    page = html(client_of(me), reverse("my_courses"))
    assert "Learning hours in ROC 114: <span class=\"fw-semibold\">2.5</span>" in page
    seats, rest = page.split('id="waiting-heading"')
    waiting, past = rest.split('id="past-heading"')
    assert "114/04/08 09:00" in seats and "Give up my seat" in seats
    assert "You are number 1 on the waiting list" in waiting and "Leave the waiting list" in waiting
    assert "Attended" in past and "2.5 learning hours" in past
    assert "Absent" in past
    assert "113/01/05" in past
    assert reverse("my_courses_ics") in page


def test_my_courses_shows_an_online_link_only_to_the_seated(world):
    session = session_on(world.a_course, 4, 20, venue="", online_link="https://meet.example.tw/room-2")
    enrol(world.cast.a_employee, session)
    assert "https://meet.example.tw/room-2" in html(client_of(world.cast.a_employee), reverse("my_courses"))
    assert "https://meet.example.tw/room-2" in detail(world, world.cast.a_employee)
    assert "https://meet.example.tw/room-2" not in detail(world, world.cast.a_supervisor)


def test_the_home_card_counts_my_upcoming_seats_and_waiting_places(world):
    me = world.cast.a_employee
    assert home_card(me.user) == {"seats": 0, "waiting": 0, "next_session": None}
    enrol(me, world.a_session)
    for person in (world.cast.a_supervisor, world.cast.b_employee):
        enrol(person, world.city_session)
    enrol(me, world.city_session)
    assert home_card(me.user) == {"seats": 1, "waiting": 1, "next_session": world.a_session}
    assert home_card(world.cast.provider) is None


def test_the_pages_speak_chinese_and_roc_dates_by_default(world):
    enrol(world.cast.a_employee, world.city_session)
    client = Client()
    client.force_login(world.cast.a_employee.user)
    for url in (CATALOGUE, reverse("course_detail", args=[world.city_course.pk]), reverse("my_courses")):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and 'lang="zh-hant"' in page
        assert "114/03/13 09:00" in page and "2025" not in page
