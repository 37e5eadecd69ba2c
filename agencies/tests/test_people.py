import datetime

import pytest

from agencies.models import Category, Employee, Segment
from agencies.roles import Role
from agencies.tests.factories import AgencyFactory, EmployeeFactory, RoleFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 30)


def segments(employee):
    return set(Employee.objects.get(pk=employee.pk).segments(on=ON))


def filtered(segment):
    return set(Employee.objects.in_segment(segment, on=ON).values_list("pk", flat=True))


def test_someone_hired_within_a_year_is_new_staff():
    newcomer = EmployeeFactory(hire_date=datetime.date(2024, 7, 1))
    veteran = EmployeeFactory(hire_date=datetime.date(2024, 6, 30))
    assert Segment.NEW_STAFF in segments(newcomer)
    assert Segment.NEW_STAFF not in segments(veteran)
    assert filtered(Segment.NEW_STAFF) == {newcomer.pk}


def test_a_transfer_within_a_year_counts_as_new_staff():
    transferred = EmployeeFactory(hire_date=datetime.date(2001, 1, 1), agency_since=datetime.date(2025, 3, 1))
    assert Segment.NEW_STAFF in segments(transferred)
    assert transferred.pk in filtered(Segment.NEW_STAFF)


def test_near_retirement_by_age_or_by_service():
    by_age = EmployeeFactory(birth_date=datetime.date(1965, 6, 30), hire_date=datetime.date(2010, 1, 1))
    by_service = EmployeeFactory(birth_date=datetime.date(1975, 1, 1), hire_date=datetime.date(2000, 6, 30))
    neither = EmployeeFactory(birth_date=datetime.date(1965, 7, 1), hire_date=datetime.date(2000, 7, 1))
    assert Segment.NEAR_RETIREMENT in segments(by_age) and Segment.NEAR_RETIREMENT in segments(by_service)
    assert Segment.NEAR_RETIREMENT not in segments(neither)
    assert filtered(Segment.NEAR_RETIREMENT) == {by_age.pk, by_service.pk}


@pytest.mark.parametrize("born, expected", [
    (datetime.date(1980, 6, 30), True),    # 45 today
    (datetime.date(1980, 7, 1), False),    # 45 tomorrow
    (datetime.date(1960, 7, 1), True),     # 64
    (datetime.date(1960, 6, 30), False),   # 65
])
def test_middle_aged_is_45_to_64(born, expected):
    person = EmployeeFactory(birth_date=born)
    assert (Segment.MIDDLE_AGED in segments(person)) is expected
    assert (person.pk in filtered(Segment.MIDDLE_AGED)) is expected


def test_supervisors_hr_staff_and_high_stress_units_are_segments():
    fire = AgencyFactory(is_high_stress=True)
    firefighter = EmployeeFactory(agency=fire)
    chief = EmployeeFactory(is_supervisor=True)
    officer = EmployeeFactory()
    RoleFactory(user=officer.user, role=Role.EAP_OFFICER, agency=officer.agency)
    assert Segment.HIGH_STRESS in segments(firefighter)
    assert Segment.SUPERVISOR in segments(chief)
    assert Segment.HR_STAFF in segments(officer)
    assert filtered(Segment.HIGH_STRESS) == {firefighter.pk}
    assert filtered(Segment.HR_STAFF) == {officer.pk}


def test_segments_never_include_sensitive_conditions():
    sensitive = {"lgbtq", "disability", "misconduct_victim", "performance", "discipline"}
    assert not sensitive & {segment.value for segment in Segment}
    field_names = {field.name for field in Employee._meta.get_fields()}
    assert not {"disability", "sexual_orientation", "performance_grade", "discipline"} & field_names


def test_current_staff_excludes_leavers_and_people_not_yet_hired():
    current = EmployeeFactory()
    left = EmployeeFactory(leave_date=datetime.date(2025, 6, 30))
    leaving_tomorrow = EmployeeFactory(leave_date=datetime.date(2025, 7, 1))
    future = EmployeeFactory(hire_date=datetime.date(2025, 7, 1))
    found = set(Employee.objects.current(on=ON).values_list("pk", flat=True))
    assert found == {current.pk, leaving_tomorrow.pk}
    assert not left.is_current(on=ON) and not future.is_current(on=ON)


def test_preschool_educators_are_a_category_of_their_own():
    assert Category.PRESCHOOL_EDUCATOR.label
    person = EmployeeFactory(category=Category.PRESCHOOL_EDUCATOR)
    assert Employee.objects.filter(category="preschool_educator").get() == person


def test_the_database_refuses_impossible_roster_rows():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(grade=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(hire_date=datetime.date(2020, 1, 1), leave_date=datetime.date(2019, 1, 1))
