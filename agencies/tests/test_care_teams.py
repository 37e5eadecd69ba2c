import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agencies import access
from agencies.care_teams import care_contacts_for, check_composition, sync_care_roles
from agencies.models import CareTeam, CareTeamMember, Position, RoleAssignment, Training
from agencies.roles import Role
from plans.services import certification_progress
from plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 30)


def signed_in(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_a_team_needs_a_convener_and_a_care_officer():
    with pytest.raises(ValidationError):
        check_composition([Position.CONVENER, Position.MEMBER])
    with pytest.raises(ValidationError):
        check_composition([Position.CARE_OFFICER])
    check_composition([Position.CONVENER, Position.CARE_OFFICER, Position.MEMBER])


def test_the_admin_refuses_a_team_without_a_care_officer_and_saves_nothing(cast):
    client = signed_in(cast.a_eap_officer)
    response = client.post(reverse("admin:agencies_careteam_add"), {
        "name": "新小組", "agency": cast.a.pk,
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
        "members-0-user": cast.a_employee.user.pk, "members-0-position": "convener", "members-0-since": "114/1/1",
        "review_meetings-TOTAL_FORMS": "0", "review_meetings-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert not CareTeam.objects.filter(name="新小組").exists()


def test_joining_a_team_grants_the_care_role_and_leaving_ends_it(cast):
    member = CareTeamMember.objects.create(team=cast.a_team, user=cast.a_employee.user, position=Position.MEMBER,
                                           since=datetime.date(2025, 1, 1))
    sync_care_roles(cast.a_team, by=None, today=TODAY)
    assert RoleAssignment.objects.active(TODAY).filter(user=cast.a_employee.user, role=Role.CARE_MEMBER,
                                                       agency=cast.a).exists()
    member.until = datetime.date(2025, 6, 1)
    member.save()
    sync_care_roles(cast.a_team, by=None, today=TODAY)
    assert not RoleAssignment.objects.active(TODAY).filter(user=cast.a_employee.user, role=Role.CARE_MEMBER).exists()
    access.forget_roles(cast.a_employee.user)
    assert not access.has_role(cast.a_employee.user, Role.CARE_MEMBER)


def test_the_convener_keeps_their_role_when_the_team_is_synced(cast):
    sync_care_roles(cast.a_team, by=None, today=TODAY)
    assert RoleAssignment.objects.active(TODAY).filter(user=cast.a_convener.user, role=Role.CONVENER).exists()


def test_an_employee_sees_the_care_officers_of_the_teams_serving_their_agency(cast):
    contacts = [c.user for c in care_contacts_for(cast.a_sub_employee, on=TODAY)]  # A's team serves A1 below it
    assert cast.a_care_member.user in contacts and cast.b_care_member.user not in contacts
    assert [c.user for c in care_contacts_for(cast.b_employee, on=TODAY)] == [cast.b_convener.user,
                                                                              cast.b_care_member.user]


def test_a_cross_agency_team_serves_the_agencies_it_covers(cast):
    cast.a_team.covers.add(cast.b)
    contacts = [c.user for c in care_contacts_for(cast.b_employee, on=TODAY)]
    assert cast.a_care_member.user in contacts


def test_the_employee_home_shows_my_care_officers_with_their_phone(cast):
    html = signed_in(cast.a_employee).get(reverse("home")).content.decode()
    assert cast.a_care_member.full_name in html and "tel:07-000a" in html
    assert cast.b_care_member.full_name not in html


def test_certifications_count_against_the_plans_target(cast):
    plan = PlanFactory(owner=cast.city, year=113, certification_target=30)
    Training.objects.filter(pk=cast.a_training.pk).update(certification="員工心理健康管理師",
                                                          certified_on=datetime.date(2024, 5, 1))
    Training.objects.filter(pk=cast.b_training.pk).update(certification="員工心理健康管理師",
                                                          certified_on=datetime.date(2023, 5, 1))
    assert certification_progress(plan) == (30, 1)


def test_care_teams_are_scoped_to_the_officers_subtree(cast):
    assert set(CareTeam.objects.visible_to(cast.a_eap_officer.user)) == {cast.a_team}
    assert set(CareTeam.objects.editable_by(cast.a_eap_officer.user)) == {cast.a_team}
    assert set(CareTeam.objects.visible_to(cast.a_care_member.user)) == {cast.a_team}
    assert not CareTeam.objects.editable_by(cast.a_convener.user).exists()
    assert not CareTeam.objects.visible_to(cast.a_employee.user).exists()
    assert set(CareTeam.objects.visible_to(cast.city_hr.user)) == {cast.a_team, cast.b_team}


def test_a_new_team_member_from_another_agency_cannot_be_chosen(cast):
    client = signed_in(cast.a_eap_officer)
    form = client.get(reverse("admin:agencies_careteam_change", args=[cast.a_team.pk])).context["inline_admin_formsets"]
    choices = {str(choice[0].value) for choice in form[0].formset.empty_form.fields["user"].choices if choice[0]}
    assert str(cast.a_employee.user.pk) in choices and str(cast.b_employee.user.pk) not in choices
