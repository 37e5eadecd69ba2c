"""The fixed cast every test can use (STYLE §13): the same roles at agency A and agency B, under
one city, plus the city-wide and outside roles. `cast.a_employee` must never see agency B's things."""
import datetime
from types import SimpleNamespace

import pytest

from agencies.models import AgencyKind
from agencies.roles import Role
from agencies.tests.factories import AgencyFactory, EmployeeFactory, RoleFactory, UserFactory


def _staff(agency, username, role=None, **fields):
    employee = EmployeeFactory(agency=agency, user=UserFactory(username=username), **fields)
    if role:
        RoleFactory(user=employee.user, role=role, agency=agency)
    return employee


@pytest.fixture
def cast(db):
    city = AgencyFactory(code="CITY", name="測試市政府", kind=AgencyKind.CITY)
    a = AgencyFactory(code="A", name="甲局", parent=city)
    a_sub = AgencyFactory(code="A1", name="甲局附屬機關", parent=a, kind=AgencyKind.SUBORDINATE)
    b = AgencyFactory(code="B", name="乙區公所", parent=city, kind=AgencyKind.DISTRICT_OFFICE)
    people = SimpleNamespace(city=city, a=a, a_sub=a_sub, b=b)
    for side, agency in (("a", a), ("b", b)):
        supervisor = _staff(agency, f"{side}_supervisor", is_supervisor=True)
        setattr(people, f"{side}_supervisor", supervisor)
        setattr(people, f"{side}_employee", _staff(agency, f"{side}_employee", direct_supervisor=supervisor))
        for role in (Role.CARE_MEMBER, Role.CONVENER, Role.EAP_OFFICER, Role.AGENCY_HR, Role.AGENCY_HEAD,
                     Role.SAFETY_HEALTH):
            setattr(people, f"{side}_{role.value}", _staff(agency, f"{side}_{role.value}", role=role))
    people.a_sub_employee = _staff(a_sub, "a_sub_employee", hire_date=datetime.date(2015, 1, 5))
    people.city_hr = _staff(city, "city_hr", role=Role.CITY_HR)
    people.access_approver = _staff(city, "access_approver", role=Role.ACCESS_APPROVER)
    for username, role in (("provider", Role.PROVIDER_STAFF), ("reviewer", Role.REVIEWER)):
        user = UserFactory(username=username)
        RoleFactory(user=user, role=role, agency=city)
        setattr(people, username, user)
    people.nobody = UserFactory(username="nobody")  # an account with no profile and no role
    return people
