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
    _plans(people)
    _care_teams(people)
    return people


def _care_teams(people):
    """Each agency's care team: its convener and care officer, one of them trained."""
    from agencies.models import CareTeam, CareTeamMember, Position, Training

    for side in ("a", "b"):
        team = CareTeam.objects.create(name=f"{side.upper()} 關懷小組", agency=getattr(people, side))
        CareTeamMember.objects.create(team=team, user=getattr(people, f"{side}_convener").user,
                                      position=Position.CONVENER, since=datetime.date(2020, 1, 1))
        officer = CareTeamMember.objects.create(team=team, user=getattr(people, f"{side}_care_member").user,
                                                position=Position.CARE_OFFICER, phone=f"07-000{side}",
                                                since=datetime.date(2020, 1, 1))
        setattr(people, f"{side}_team", team)
        setattr(people, f"{side}_training", Training.objects.create(
            member=officer, title=f"{side.upper()} 關懷員培訓", completed_on=datetime.date(2025, 3, 1)))


def _plans(people):
    """The city's plan and one plan of each agency's own, each with a provider's contract and an
    amendment, so every plan-scoped page has an object of A and one of B. The demo provider user
    works for A's provider."""
    from plans.models import Amendment
    from plans.tests.factories import ContractFactory, PlanFactory, ProviderFactory

    people.city_plan = PlanFactory(owner=people.city, year=114)
    for side in ("a", "b"):
        plan = PlanFactory(owner=getattr(people, side), year=114)
        provider = ProviderFactory(name=f"{side.upper()} 諮商所")
        setattr(people, f"{side}_plan", plan)
        setattr(people, f"{side}_provider", provider)
        setattr(people, f"{side}_contract", ContractFactory(plan=plan, provider=provider))
        setattr(people, f"{side}_amendment", Amendment.objects.create(
            plan=plan, effective_on=datetime.date(2025, 7, 1), summary=f"{side.upper()} 修正"))
    people.a_provider.staff.add(people.provider)
