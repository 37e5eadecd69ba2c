"""Which plans cover an employee, in which order, and whether they are eligible."""
import datetime

import pytest

from agencies.models import AgencyKind, Category
from agencies.tests.factories import AgencyFactory, EmployeeFactory
from plans.services import coverage, plans_covering
from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 6, 30)


@pytest.fixture
def city():
    city = AgencyFactory(kind=AgencyKind.CITY, name="高雄市政府")
    education = AgencyFactory(parent=city, name="高雄市政府教育局")
    school = AgencyFactory(parent=education, kind=AgencyKind.SCHOOL, name="某國小")
    district = AgencyFactory(parent=city, kind=AgencyKind.DISTRICT_OFFICE, name="某區公所")
    return {"city": city, "education": education, "school": school, "district": district,
            "city_plan": PlanFactory(owner=city, year=114),
            "education_plan": PlanFactory(owner=education, year=114, covered_categories=["teacher"])}


def test_a_teacher_goes_to_the_education_bureau_plan_first_then_the_citys(city):
    teacher = EmployeeFactory(agency=city["school"], category=Category.TEACHER)
    assert plans_covering(teacher, 114) == [city["education_plan"], city["city_plan"]]
    assert [c.eligible for c in coverage(teacher, 114, on=ON)] == [True, True]


def test_a_plan_of_another_year_or_agency_does_not_cover(city):
    PlanFactory(owner=city["district"], year=114)
    PlanFactory(owner=city["education"], year=113)
    teacher = EmployeeFactory(agency=city["school"], category=Category.TEACHER)
    assert plans_covering(teacher, 114) == [city["education_plan"], city["city_plan"]]
    assert plans_covering(teacher, 113)[0].year == 113


def test_a_temporary_worker_is_not_eligible_under_a_plan_that_excludes_temporary_staff(city):
    city["city_plan"].covered_categories = ["civil_servant", "contract", "technician", "janitor"]
    city["city_plan"].save()
    worker = EmployeeFactory(agency=city["district"], category=Category.TEMPORARY)
    (only,) = coverage(worker, 114, on=ON)
    assert only.plan == city["city_plan"] and not only.eligible
    assert "臨時人員" in str(only.reason) or "Temporary" in str(only.reason)


def test_a_leaver_is_covered_by_no_plan_as_eligible(city):
    leaver = EmployeeFactory(agency=city["district"], leave_date=datetime.date(2025, 3, 31))
    (only,) = coverage(leaver, 114, on=ON)
    assert not only.eligible


def test_only_the_nearest_own_plan_and_the_citys_apply(city):
    PlanFactory(owner=city["school"], year=114)
    teacher = EmployeeFactory(agency=city["school"], category=Category.TEACHER)
    owners = [plan.owner for plan in plans_covering(teacher, 114)]
    assert owners == [city["school"], city["city"]]


def test_the_employee_home_shows_the_plans_that_cover_them_and_their_hours(cast):
    from decimal import Decimal

    import time_machine
    from django.test import Client
    from django.urls import reverse

    from plans.tests.factories import PoolFactory

    PoolFactory(plan=cast.city_plan, name="個別諮商", hours=Decimal("6"))
    cast.city_plan.unlimited_lines.create(name="1980張老師專線", phone="1980")
    client = Client()
    client.force_login(cast.a_employee.user)
    with time_machine.travel(datetime.datetime(2025, 5, 1, 12, 0)):  # in plan year 114
        html = client.get(reverse("home")).content.decode()
    assert cast.a_plan.title in html and cast.city_plan.title in html
    assert "個別諮商" in html and "tel:1980" in html
    assert html.index(cast.a_plan.title) < html.index(cast.city_plan.title)  # the agency's own plan first
