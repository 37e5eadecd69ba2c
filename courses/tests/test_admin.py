"""The course catalogue in the admin: each HR role keeps the courses its subtree runs and cannot
reach or hand a course to another agency; the plan's series and categories are city HR's.

(Every admin model also goes through agencies/tests/test_admin_scoping.py, which knocks on all the
admin's side doors; these tests cover what is particular to courses.)"""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.admin import RocDateTimeField
from courses.models import Course, CourseSession, CourseTarget, TopicCategory
from courses.tests.factories import CourseFactory, CourseSeriesFactory, CourseSessionFactory, TopicCategoryFactory
from eap_portal.rocdates import TAIPEI, format_roc_date

pytestmark = pytest.mark.django_db


# --- What the admin's change page posts (shared with test_session_changes) -----------------------------

def client_for(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(getattr(person, "user", person))
    return client


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def _posted(bound):
    """{input name: value} for one field, as the browser sends it (disabled inputs are not sent)."""
    if bound.field.disabled:
        return {}
    value = bound.value()
    if isinstance(bound.field, RocDateTimeField):
        day, time = bound.field.widget.decompress(value) if value else (None, None)
        return {f"{bound.html_name}_0": format_roc_date(day, "short") if day else "",
                f"{bound.html_name}_1": time.strftime("%H:%M") if time else ""}
    if value is None or value is False:
        return {}
    if value is True:
        return {bound.html_name: "on"}
    if isinstance(value, datetime.date):
        return {bound.html_name: format_roc_date(value, "short")}
    return {bound.html_name: value}


def page_data(client, course, **changes):
    """The change page's form as its user sees it, with `changes` applied."""
    response = client.get(change_url(course))
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.total_form_count())
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        forms += formset.forms
    for form in forms:
        for bound in form:
            data.update(_posted(bound))
    data.update(changes)
    return data


def session_input(index, field, moment):
    """The date and the time inputs of a session's date-and-time field."""
    local = timezone.localtime(moment, TAIPEI)
    return {f"sessions-{index}-{field}_0": format_roc_date(local, "short"),
            f"sessions-{index}-{field}_1": local.strftime("%H:%M")}


def errors_of(response):
    """The course form's and its session forms' errors on a redisplayed page ({} after a save)."""
    if response.status_code != 200 or "adminform" not in (response.context or {}):
        return {}
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            errors.update(form.errors)
    return errors


def changelist(client, **params):
    response = client.get(reverse("admin:courses_course_changelist"), params)
    assert response.status_code == 200
    return response, {course.pk for course in response.context["cl"].result_list}


# --- Who keeps which courses ------------------------------------------------------------------------

@pytest.fixture
def courses(cast):
    """A's and B's own courses, and a course of the city's plan run by each of them."""
    return {
        "a": CourseFactory(plan=cast.a_plan, agency=cast.a, topic="甲局壓力管理"),
        "a_sub": CourseFactory(plan=cast.a_plan, agency=cast.a_sub, topic="附屬機關溝通技巧"),
        "b": CourseFactory(plan=cast.b_plan, agency=cast.b, topic="乙區正念減壓"),
        "city_by_a": CourseFactory(plan=cast.city_plan, agency=cast.a, topic="市府計畫甲局承辦"),
        "city_by_b": CourseFactory(plan=cast.city_plan, agency=cast.b, topic="市府計畫乙區承辦"),
    }


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
def test_agency_hr_roles_list_the_courses_their_subtree_runs_in_any_plan(cast, courses, who):
    _, pks = changelist(client_for(getattr(cast, who)))
    assert pks == {courses["a"].pk, courses["a_sub"].pk, courses["city_by_a"].pk}


def test_city_hr_lists_every_course(cast, courses):
    _, pks = changelist(client_for(cast.city_hr))
    assert pks == {course.pk for course in courses.values()}


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
def test_a_course_of_the_city_plan_run_by_b_is_not_a_s_to_change(cast, courses, who):
    client = client_for(getattr(cast, who))
    course = courses["city_by_b"]
    before = Course.objects.values().get(pk=course.pk)
    response = client.post(change_url(course), page_data(client_for(cast.city_hr), course, purpose="改掉"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert Course.objects.values().get(pk=course.pk) == before


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
def test_a_course_cannot_be_handed_to_an_agency_outside_the_keepers_subtree(cast, courses, who):
    client = client_for(getattr(cast, who))
    course = courses["a"]
    response = client.post(change_url(course), page_data(client, course, agency=cast.b.pk))
    assert "agency" in errors_of(response)
    assert Course.objects.get(pk=course.pk).agency == cast.a
    offered = set(response.context["adminform"].form.fields["agency"].queryset)
    assert offered == {cast.a, cast.a_sub}
    # Control: handing it to A's sub-agency, inside the subtree, is fine.
    response = client.post(change_url(course), page_data(client, course, agency=cast.a_sub.pk))
    assert response.status_code == 302, errors_of(response)
    assert Course.objects.get(pk=course.pk).agency == cast.a_sub


def test_agency_hr_adds_a_course_of_their_agency_to_the_city_plan(cast):
    client = client_for(cast.a_agency_hr)
    response = client.post(reverse("admin:courses_course_add"), {
        "plan": cast.city_plan.pk, "agency": cast.a.pk, "facet": "work", "topic": "甲局承辦的市府課程",
        "format": "in_person", "planned_sessions": "2", "sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"})
    assert response.status_code == 302, errors_of(response)
    assert Course.objects.get(topic="甲局承辦的市府課程").plan == cast.city_plan


def test_the_officer_picks_among_the_plans_they_see_and_their_series(cast, courses):
    a_series = CourseSeriesFactory(plan=cast.a_plan, name="甲局友善職場")
    b_series = CourseSeriesFactory(plan=cast.b_plan, name="乙區友善職場")
    form = client_for(cast.a_eap_officer).get(reverse("admin:courses_course_add")).context["adminform"].form
    assert set(form.fields["plan"].queryset) == {cast.a_plan, cast.city_plan}
    assert a_series in form.fields["series"].queryset and b_series not in form.fields["series"].queryset


def test_a_series_of_another_plan_is_refused(cast, courses):
    client = client_for(cast.city_hr)
    course = courses["a"]
    city_series = CourseSeriesFactory(plan=cast.city_plan, name="市府樂活職場")
    response = client.post(change_url(course), page_data(client, course, series=city_series.pk))
    assert "series" in errors_of(response)
    assert Course.objects.get(pk=course.pk).series is None


def test_the_list_filters_offer_only_the_officers_own_plans_and_series(cast, courses):
    courses["b"].series = CourseSeriesFactory(plan=cast.b_plan, name="乙區快活人生")
    courses["b"].save()
    courses["a"].series = CourseSeriesFactory(plan=cast.a_plan, name="甲局快活人生")
    courses["a"].save()
    html = changelist(client_for(cast.a_eap_officer))[0].content.decode()
    assert cast.a_plan.title in html and "甲局快活人生" in html
    assert cast.b_plan.title not in html and "乙區快活人生" not in html and cast.b.name not in html
    _, pks = changelist(client_for(cast.a_eap_officer), plan=cast.b_plan.pk)
    assert not pks
    # Control: city HR are offered B's.
    assert "乙區快活人生" in changelist(client_for(cast.city_hr))[0].content.decode()


def test_the_audience_rules_are_saved_from_the_form(cast, courses):
    client = client_for(cast.a_eap_officer)
    course = courses["a"]
    response = client.post(change_url(course), page_data(
        client, course, audience_categories=["civil_servant", "teacher"], min_grade="5", max_grade="9",
        audience_agencies=[cast.a_sub.pk], hired_after="110/01/01", supervisors_only="on"))
    assert response.status_code == 302, errors_of(response)
    course.refresh_from_db()
    assert course.audience_categories == ["civil_servant", "teacher"]
    assert (course.min_grade, course.max_grade, course.supervisors_only) == (5, 9, True)
    assert course.hired_after == datetime.date(2021, 1, 1)
    assert list(course.audience_agencies.all()) == [cast.a_sub]


def test_saving_keeps_the_audience_agencies_the_officer_cannot_see(cast, courses):
    course = courses["a"]
    course.audience_agencies.set([cast.a, cast.b])  # city HR opened it to B's staff too
    client = client_for(cast.a_eap_officer)
    assert cast.b.name not in client.get(change_url(course)).content.decode()  # the officer is not shown B
    # What the browser sends: the selected options, and B has none.
    data = page_data(client, course, purpose="改過的目的", audience_agencies=[cast.a.pk])
    assert client.post(change_url(course), data).status_code == 302
    assert set(course.audience_agencies.all()) == {cast.a, cast.b}


@pytest.mark.parametrize("who", ["a_employee", "a_supervisor", "reviewer", "provider", "nobody"])
def test_people_without_an_hr_role_get_the_admin_login(cast, courses, who):
    client = client_for(getattr(cast, who))
    for path in (reverse("admin:courses_course_changelist"), change_url(courses["a"]),
                 reverse("admin:courses_courseseries_changelist")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_session_is_shown_with_roc_dates_and_its_seats(cast, courses):
    start = datetime.datetime(2030, 3, 5, 9, 0, tzinfo=TAIPEI)
    CourseSessionFactory(course=courses["a"], starts_at=start, capacity=30)
    html = client_for(cast.a_eap_officer).get(change_url(courses["a"])).content.decode()
    assert 'value="119/03/05"' in html and 'value="09:00"' in html
    assert "2030" not in html


def test_a_new_session_is_added_with_roc_dates(cast, courses):
    client = client_for(cast.a_eap_officer)
    course = courses["a"]
    start = datetime.datetime(2030, 4, 1, 14, 0, tzinfo=TAIPEI)
    data = page_data(client, course, **{
        "sessions-TOTAL_FORMS": "1", "sessions-0-number": "1", "sessions-0-venue": "四維行政中心",
        "sessions-0-capacity": "30", "sessions-0-hours": "3", "sessions-0-state": "open",
        **session_input(0, "starts_at", start), **session_input(0, "ends_at", start + datetime.timedelta(hours=3)),
        **session_input(0, "registration_deadline", start - datetime.timedelta(days=3))})
    response = client.post(change_url(course), data)
    assert response.status_code == 302, errors_of(response)
    session = CourseSession.objects.get(course=course)
    assert session.starts_at == start and session.capacity == 30


def test_a_session_that_ends_before_it_starts_is_refused(cast, courses):
    client = client_for(cast.a_eap_officer)
    session = CourseSessionFactory(course=courses["a"])
    response = client.post(change_url(courses["a"]), page_data(
        client, courses["a"], **session_input(0, "ends_at", session.starts_at - datetime.timedelta(hours=1))))
    assert "ends_at" in errors_of(response)
    assert CourseSession.objects.get(pk=session.pk).ends_at == session.ends_at


# --- The plan's series, categories and targets --------------------------------------------------------

def test_city_hr_enter_a_category_with_its_goals_and_targets(cast):
    response = client_for(cast.city_hr).post(reverse("admin:courses_topiccategory_add"), {
        "plan": cast.city_plan.pk, "facet": "health", "name": "身心健康", "goals": "每年辦理紓壓課程", "order": "1",
        "targets-TOTAL_FORMS": "2", "targets-INITIAL_FORMS": "0",
        "targets-0-format": "in_person", "targets-0-sessions": "10", "targets-0-participants": "400",
        "targets-1-format": "digital", "targets-1-sessions": "2", "targets-1-participants": "800"})
    assert response.status_code == 302, errors_of(response)
    category = TopicCategory.objects.get(name="身心健康")
    assert category.goals == "每年辦理紓壓課程"
    assert set(CourseTarget.objects.filter(category=category).values_list("plan", "format", "sessions")) == {
        (cast.city_plan.pk, "in_person", 10), (cast.city_plan.pk, "digital", 2)}


@pytest.mark.parametrize("who", ["a_eap_officer", "a_agency_hr"])
def test_agency_hr_roles_look_at_their_plans_categories_but_do_not_change_them(cast, who):
    category = TopicCategoryFactory(plan=cast.a_plan, name="甲局身心健康")
    client = client_for(getattr(cast, who))
    assert client.get(reverse("admin:courses_topiccategory_change", args=[category.pk])).status_code == 200
    assert client.get(reverse("admin:courses_topiccategory_add")).status_code == 403
    response = client.post(reverse("admin:courses_topiccategory_change", args=[category.pk]), {
        "facet": "health", "name": "甲局身心健康", "goals": "改掉", "order": "0",
        "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"})
    assert response.status_code == 403
    assert TopicCategory.objects.get(pk=category.pk).goals == ""


def test_a_category_in_use_keeps_its_plan_and_facet(cast, courses):
    category = TopicCategoryFactory(plan=cast.a_plan, facet="health")
    courses["a"].category = category
    courses["a"].save()
    client = client_for(cast.city_hr)
    url = reverse("admin:courses_topiccategory_change", args=[category.pk])
    response = client.post(url, {"plan": cast.b_plan.pk, "facet": "work", "name": category.name, "order": "0",
                                 "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.plan, category.facet) == (cast.a_plan, "health")
