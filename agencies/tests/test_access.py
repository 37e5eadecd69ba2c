"""Who sees whom: the scoping querysets tried from every side, including the ways to break them."""
import datetime

import pytest

from agencies import access
from agencies.models import Agency, Employee, RoleAssignment
from agencies.roles import Role
from agencies.tests.factories import EmployeeFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible_people(user):
    return set(Employee.objects.visible_to(user).values_list("user__username", flat=True))


def test_an_employee_sees_only_their_own_profile(cast):
    assert visible_people(cast.a_employee.user) == {"a_employee"}


def test_a_supervisor_sees_themselves_and_their_direct_reports_only(cast):
    assert visible_people(cast.a_supervisor.user) == {"a_supervisor", "a_employee"}


def test_an_eap_officer_sees_the_roster_of_their_subtree_and_nothing_beyond(cast):
    people = visible_people(cast.a_eap_officer.user)
    assert {"a_employee", "a_sub_employee", "a_convener"} <= people
    assert not {p for p in people if p.startswith("b_")}
    assert "city_hr" not in people


def test_city_hr_sees_every_agency(cast):
    people = visible_people(cast.city_hr.user)
    assert {"a_employee", "b_employee", "a_sub_employee"} <= people


@pytest.mark.parametrize("role", [Role.CARE_MEMBER, Role.CONVENER, Role.SAFETY_HEALTH, Role.AGENCY_HEAD])
def test_care_and_safety_roles_do_not_browse_the_roster(cast, role):
    user = getattr(cast, f"a_{role.value}").user
    assert visible_people(user) == {f"a_{role.value}"}


@pytest.mark.parametrize("who", ["provider", "reviewer", "nobody"])
def test_outside_roles_and_unknown_accounts_see_no_one(cast, who):
    assert visible_people(getattr(cast, who)) == set()


def test_an_unknown_role_sees_nothing(cast):
    user = UserFactory(username="mystery")
    RoleAssignment.objects.create(user=user, role="no_such_role", agency=cast.city)
    assert not Employee.objects.visible_to(user).exists()
    assert not Agency.objects.visible_to(user).exists()
    assert not Agency.objects.editable_by(user).exists()


def test_an_anonymous_visitor_sees_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not Employee.objects.visible_to(AnonymousUser()).exists()
    assert not Agency.objects.visible_to(AnonymousUser()).exists()


def test_a_deactivated_hr_account_sees_nothing(cast):
    user = cast.a_eap_officer.user
    user.is_active = False
    user.save()
    assert not Employee.objects.visible_to(user).exists()


def test_an_expired_role_no_longer_grants_anything(cast):
    role = RoleAssignment.objects.get(user=cast.a_eap_officer.user)
    role.starts_on, role.ends_on = datetime.date(2020, 1, 1), datetime.date(2021, 1, 1)
    role.save()
    access.forget_roles(cast.a_eap_officer.user)
    assert visible_people(cast.a_eap_officer.user) == {"a_eap_officer"}


def test_agency_hr_keeps_the_roster_but_cannot_grant_roles(cast):
    user = cast.a_agency_hr.user
    assert Employee.objects.editable_by(user).filter(pk=cast.a_employee.pk).exists()
    assert not RoleAssignment.objects.editable_by(user).exists()
    assert access.grantable_roles(user) == []


def test_an_eap_officer_grants_only_agency_roles_in_their_subtree(cast):
    user = cast.a_eap_officer.user
    granted = set(access.grantable_roles(user))
    assert Role.CONVENER in granted and Role.CITY_HR not in granted and Role.EAP_OFFICER not in granted
    editable = RoleAssignment.objects.editable_by(user)
    assert editable.filter(user=cast.a_convener.user).exists()
    assert not editable.filter(user=cast.a_eap_officer.user).exists()  # not their own officer role
    assert not editable.filter(agency=cast.b).exists()


def test_agencies_visible_follow_the_subtree(cast):
    codes = set(Agency.objects.visible_to(cast.a_eap_officer.user).values_list("code", flat=True))
    assert codes == {"A", "A1"}
    assert set(Agency.objects.visible_to(cast.b_employee.user).values_list("code", flat=True)) == {"B"}
    assert Agency.objects.visible_to(cast.city_hr.user).count() == 4


def test_one_person_may_hold_several_roles_in_different_subtrees(cast):
    user = cast.a_care_member.user
    RoleFactory(user=user, role=Role.EAP_OFFICER, agency=cast.b)
    access.forget_roles(user)
    people = visible_people(user)
    assert "b_employee" in people and "a_employee" not in people


def test_role_lookups_are_cached_per_request(cast, django_assert_num_queries):
    user = cast.a_eap_officer.user
    access.forget_roles(user)
    access.held_roles(user)
    with django_assert_num_queries(1):
        list(Employee.objects.visible_to(user))
        access.has_role(user, Role.EAP_OFFICER)


# --- Recusal -----------------------------------------------------------------------

def test_the_subject_is_recused_whatever_role_they_hold(cast):
    assert access.is_recused(cast.a_eap_officer.user, subject=cast.a_eap_officer)
    assert not access.is_recused(cast.a_eap_officer.user, subject=cast.a_employee)


def test_a_respondent_and_their_supervisory_chain_are_recused(cast):
    chief = EmployeeFactory(agency=cast.a, is_supervisor=True)
    Employee.objects.filter(pk=cast.a_supervisor.pk).update(direct_supervisor=chief)
    respondent = Employee.objects.get(pk=cast.a_employee.pk)  # reports to a_supervisor, who reports to chief
    assert access.is_recused(respondent.user, respondents=[respondent])
    assert access.is_recused(cast.a_supervisor.user, respondents=[respondent])
    assert access.is_recused(chief.user, respondents=[respondent])
    assert not access.is_recused(cast.a_convener.user, respondents=[respondent])


def test_exclude_recused_removes_records_about_the_user_or_their_subordinates(cast):
    # Employee rows stand in for case rows here: "subject" is the row itself, "respondent" its supervisor link.
    queryset = Employee.objects.filter(agency=cast.a)
    kept = access.exclude_recused(queryset, cast.a_supervisor.user, subject_field="pk")
    assert cast.a_supervisor not in kept and cast.a_employee in kept
    kept = access.exclude_recused(queryset, cast.a_supervisor.user, subject_field="pk", respondents_field="pk")
    assert cast.a_employee not in kept  # a_employee reports to a_supervisor


def test_a_cycle_in_roster_data_does_not_hang_the_chain_walk(cast):
    Employee.objects.filter(pk=cast.a_supervisor.pk).update(direct_supervisor=cast.a_employee)
    employee = Employee.objects.get(pk=cast.a_employee.pk)
    assert [p.pk for p in employee.supervisory_chain()] == [cast.a_supervisor.pk]
    assert access.subordinate_ids(cast.a_supervisor) == {cast.a_employee.pk}
