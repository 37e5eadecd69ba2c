"""Handing a case over after its subject's transfer (issue 10): the roster import gives each open case
a handover duty for both agencies' EAP officers; the old side's manager then moves the case, its open
duties and its records to the care team serving the person's new agency."""
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from agencies.models import Employee
from agencies.roster.transfers import HANDOVER_KIND
from agencies.tests.roster_files import import_and_commit, people_csv, person
from cases.handover import hand_over_case, handover_team
from cases.models import Case, CaseAssignment, EntryKind
from cases.opening import INTAKE_KIND, open_duties_of
from cases.tests.factories import assigned_case
from core.actors import acting_as


def transfer(cast, employee, to="B"):
    row = person(employee.employee_number, agency=to, name=employee.full_name, 人員類別=employee.category,
                 性別=employee.gender, 出生日期=employee.birth_date.isoformat(),
                 到職日期=employee.hire_date.isoformat())
    roster_import = import_and_commit(people_csv(row), agency=cast.city, by=cast.city_hr.user)
    assert roster_import.transferred == 1, roster_import.errors
    employee.refresh_from_db()


def english(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def moved_case(cast):
    case = assigned_case(cast, "a")
    transfer(cast, cast.a_employee)
    return Case.objects.get(pk=case.pk)


def test_after_a_transfer_the_case_can_go_to_the_new_agencys_team(cast, moved_case):
    assert handover_team(moved_case) == cast.b_team
    assert {d.kind for d in open_duties_of(moved_case)} >= {HANDOVER_KIND}
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        hand_over_case(moved_case, by=officer, reason="兩機關承辦人已協調")
    case = Case.objects.get(pk=moved_case.pk)
    assert (case.agency, case.team) == (cast.b, cast.b_team)
    assert not CaseAssignment.objects.current().filter(case=case).exists()
    open_kinds = {duty.kind: duty for duty in open_duties_of(case)}
    assert HANDOVER_KIND not in open_kinds  # both handover duties are settled
    assert open_kinds[INTAKE_KIND].team == cast.b_team  # the new team's intake assigns a member
    assert open_kinds[INTAKE_KIND].assignee != cast.a_care_member.user
    assert case.timeline.filter(kind=EntryKind.HANDED_OVER).exists()
    # The old side no longer sees the case; the new side does.
    assert not Case.objects.visible_to(cast.a_care_member.user).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(officer).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(cast.b_eap_officer.user).filter(pk=case.pk).exists()


def test_a_case_whose_subject_has_not_moved_is_not_handed_over(cast):
    case = assigned_case(cast, "a")
    assert handover_team(case) is None
    officer = cast.a_eap_officer.user
    with acting_as(officer), pytest.raises(ValidationError):
        hand_over_case(case, by=officer)
    assert Case.objects.get(pk=case.pk).team == cast.a_team


def test_only_the_old_sides_managers_hand_over(cast, moved_case):
    with acting_as(cast.a_care_member.user), pytest.raises(PermissionDenied):
        hand_over_case(moved_case, by=cast.a_care_member.user)
    with acting_as(cast.b_eap_officer.user), pytest.raises(PermissionDenied):
        hand_over_case(moved_case, by=cast.b_eap_officer.user)


def test_the_case_page_offers_the_hand_over_and_it_lands_on_the_duties(cast, moved_case):
    client = english(cast.a_eap_officer.user)
    page = client.get(reverse("case_detail", args=[moved_case.pk])).content.decode()
    assert f"Hand over to {cast.b_team.name}" in page
    response = client.post(reverse("case_hand_over_to_team", args=[moved_case.pk]), {"reason": "已協調"})
    assert response.status_code == 302 and response["Location"] == reverse("my_duties")
    assert Case.objects.get(pk=moved_case.pk).team == cast.b_team


def test_the_member_page_does_not_offer_it(cast, moved_case):
    page = english(cast.a_care_member.user).get(reverse("case_detail", args=[moved_case.pk])).content.decode()
    assert "Hand over to" not in page
    assert Employee.objects.get(pk=cast.a_employee.pk).agency == cast.b


def test_when_one_team_serves_both_agencies_only_the_agency_changes(cast):
    from agencies.services import create_agency

    case = assigned_case(cast, "a")
    unit = create_agency(code="A-UNIT", name="甲局附屬單位", kind="subordinate", parent=cast.a,
                         effective=cast.a_employee.hire_date)
    transfer(cast, cast.a_employee, to="A-UNIT")
    case = Case.objects.get(pk=case.pk)
    assert handover_team(case) == cast.a_team
    officer = cast.a_eap_officer.user
    with acting_as(officer):
        hand_over_case(case, by=officer)
    case = Case.objects.get(pk=case.pk)
    assert (case.agency, case.team) == (unit, cast.a_team)
    assert CaseAssignment.objects.current().filter(case=case, user=cast.a_care_member.user).exists()
    assert not [duty for duty in open_duties_of(case) if duty.kind in (HANDOVER_KIND, INTAKE_KIND)]
