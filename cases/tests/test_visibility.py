"""Who sees a case, DOMAIN §1 exactly: the assigned member and professional, the team's convener and
the agency's EAP officer; nobody else, whatever their role; never the subject, a misconduct
respondent or anyone above the respondent; the referring supervisor only through their referrals."""
import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.access import forget_roles
from agencies.models import CareTeamMember, Position
from agencies.roles import Role
from agencies.tests.factories import EmployeeFactory, RoleFactory, UserFactory
from cases import access
from cases.models import AssignmentRole, Case, CaseAssignment, Contact, ContactChannel
from cases.opening import assign, end_assignment, open_case
from cases.referrals import refer_employee
from cases.tests.factories import assigned_case, open_general_case
from core.actors import acting_as
from core.models import Duty


def sees(user, case):
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def fresh(user):
    forget_roles(user)
    return user


def add_member(team, user, position=Position.MEMBER):
    return CareTeamMember.objects.create(team=team, user=user, position=position, since=datetime.date(2020, 1, 1))


# --- Who sees ----------------------------------------------------------------------------------

def test_the_assigned_member_sees_an_unassigned_member_does_not(cast):
    other_member = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_member2"))
    add_member(cast.a_team, other_member.user)
    case = assigned_case(cast)
    assert sees(cast.a_care_member.user, case)
    assert access.can_work_on(cast.a_care_member.user, case)
    assert not access.can_manage(cast.a_care_member.user, case)
    assert not sees(other_member.user, case)
    assert not access.can_work_on(other_member.user, case)
    # Holding the care-member role does not open the team's cases either.
    RoleFactory(user=other_member.user, role=Role.CARE_MEMBER, agency=cast.a)
    assert not sees(fresh(other_member.user), case)


def test_an_unassigned_care_member_does_not_see_a_new_case(cast):
    case = open_general_case(cast)
    assert not sees(cast.a_care_member.user, case)


def test_the_assigned_professional_sees_it_other_provider_staff_do_not(cast):
    case = open_general_case(cast)
    assert not sees(cast.provider, case)
    other_staff = UserFactory(username="b_provider_staff")
    cast.b_provider.staff.add(other_staff)
    convener = cast.a_convener.user
    with acting_as(convener):
        assign(case, cast.provider, by=convener, role=AssignmentRole.PROFESSIONAL)
    assert sees(cast.provider, case)
    assert not sees(other_staff, case)
    assert access.purpose_for(cast.provider, case).ref.startswith("assignment:")


def test_the_convener_and_eap_officer_of_the_agency_see_and_manage(cast):
    case = open_general_case(cast)
    for who in ("a_convener", "a_eap_officer"):
        user = getattr(cast, who).user
        assert sees(user, case), who
        assert access.can_manage(user, case), who
    assert access.purpose_for(cast.a_convener.user, case).role == Role.CONVENER
    assert access.purpose_for(cast.a_eap_officer.user, case).role == Role.EAP_OFFICER


def test_the_eap_officer_of_a_parent_agency_sees_a_subordinate_agency_case(cast):
    case = open_general_case(cast, subject=cast.a_sub_employee)
    assert case.agency == cast.a_sub and case.team == cast.a_team  # A's team serves A's subtree
    assert sees(cast.a_eap_officer.user, case)
    assert not sees(cast.b_eap_officer.user, case)


def test_the_other_agency_sees_nothing_even_guessing_ids(cast):
    case = assigned_case(cast)
    for who in ("b_convener", "b_eap_officer", "b_care_member", "b_employee", "b_supervisor"):
        user = getattr(cast, who).user
        assert not Case.objects.visible_to(user).filter(pk=case.pk).exists(), who
        assert not Case.objects.visible_to(user).exists(), who
        assert not access.can_work_on(user, case), who


@pytest.mark.parametrize("who", ["city_hr", "a_agency_hr", "a_agency_head", "a_safety_health", "access_approver",
                                 "a_supervisor", "a_sub_employee"])
def test_other_roles_see_no_case(cast, who):
    case = assigned_case(cast)
    open_general_case(cast, "b")
    user = getattr(cast, who).user
    assert not Case.objects.visible_to(user).exists()
    assert not access.can_work_on(user, case)


@pytest.mark.parametrize("who", ["reviewer", "nobody", "provider"])
def test_outsiders_see_no_case(cast, who):
    assigned_case(cast)
    assert not Case.objects.visible_to(getattr(cast, who)).exists()


def test_anonymous_and_inactive_users_see_nothing(cast):
    assigned_case(cast)
    assert not Case.objects.visible_to(AnonymousUser()).exists()
    officer = cast.a_eap_officer.user
    officer.is_active = False
    officer.save()
    assert not Case.objects.visible_to(fresh(officer)).exists()


def test_a_superuser_sees_no_case_by_the_flag(cast):
    assigned_case(cast)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert not Case.objects.visible_to(root).exists()


# --- Recusal -----------------------------------------------------------------------------------

def test_the_subject_never_sees_their_case_even_as_convener_and_eap_officer(cast):
    subject = cast.a_employee
    RoleFactory(user=subject.user, role=Role.EAP_OFFICER, agency=cast.a)
    RoleFactory(user=subject.user, role=Role.CONVENER, agency=cast.a)
    add_member(cast.a_team, subject.user, Position.CONVENER)
    fresh(subject.user)
    case = open_general_case(cast)
    other = open_general_case(cast, subject=cast.a_supervisor)
    # Their roles work: they see the other person's case…
    assert sees(subject.user, other)
    # …never their own.
    assert not sees(subject.user, case)
    assert not access.can_work_on(subject.user, case)
    assert not access.can_manage(subject.user, case)
    with acting_as(subject.user), pytest.raises(PermissionDenied):
        assign(case, cast.a_care_member.user, by=subject.user)


def test_a_convener_who_is_the_subject_does_not_see_it(cast):
    case = open_general_case(cast, subject=cast.a_convener)
    assert not sees(cast.a_convener.user, case)
    assert sees(cast.a_eap_officer.user, case)


def test_the_subject_cannot_be_assigned_to_their_own_case(cast):
    case = open_general_case(cast, subject=cast.a_care_member)
    convener = cast.a_convener.user
    with acting_as(convener), pytest.raises(ValidationError):
        assign(case, cast.a_care_member.user, by=convener)
    assert not CaseAssignment.objects.filter(case=case).exists()


@pytest.fixture
def misconduct(cast):
    """A complaint by A's employee against R, whose chain is the convener then the EAP officer; a
    second EAP officer of A, outside the chain, handles it; R and the convener are team members."""
    respondent = EmployeeFactory(agency=cast.a, user=UserFactory(username="respondent"),
                                 direct_supervisor=cast.a_convener)
    cast.a_convener.direct_supervisor = cast.a_eap_officer
    cast.a_convener.save()
    below = EmployeeFactory(agency=cast.a, user=UserFactory(username="below_respondent"), direct_supervisor=respondent)
    RoleFactory(user=below.user, role=Role.EAP_OFFICER, agency=cast.a)
    add_member(cast.a_team, respondent.user)
    officer = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_eap_officer2"))
    RoleFactory(user=officer.user, role=Role.EAP_OFFICER, agency=cast.a)
    by = officer.user
    with acting_as(by):
        case = open_case(kind="general", origin="misconduct", subject=cast.a_employee, by=by,
                         respondents=[respondent], summary="遭受職場霸凌")
    return case, respondent, officer, below


def test_the_respondent_and_their_chain_are_recused(cast, misconduct):
    case, respondent, officer, below = misconduct
    assert sees(officer.user, case)
    assert sees(below.user, case)  # below the respondent: not recused
    for user in (respondent.user, cast.a_convener.user, cast.a_eap_officer.user):
        assert not sees(user, case), user.username
        assert not access.can_work_on(user, case)
        assert not access.can_manage(user, case)
    assert not sees(cast.a_employee.user, case)


def test_the_respondent_and_their_chain_cannot_be_assigned(cast, misconduct):
    case, respondent, officer, _below = misconduct
    with acting_as(officer.user):
        for user in (respondent.user, cast.a_convener.user):
            with pytest.raises(ValidationError):
                assign(case, user, by=officer.user)
        assign(case, cast.a_care_member.user, by=officer.user)
    assert list(CaseAssignment.objects.filter(case=case).values_list("user", flat=True)) == [
        cast.a_care_member.user.pk]
    from cases.opening import assignable_members

    assert {m.user for m in assignable_members(case)} == {cast.a_care_member.user}


def test_the_recused_convener_cannot_act_on_the_complaint(cast, misconduct):
    case, _respondent, _officer, _below = misconduct
    convener = cast.a_convener.user
    with acting_as(convener), pytest.raises(PermissionDenied):
        assign(case, cast.a_care_member.user, by=convener)


def test_the_intake_duty_of_a_complaint_does_not_go_to_the_recused_convener(cast, misconduct):
    case, respondent, _officer, _below = misconduct
    duty = Duty.objects.get(subject_id=str(case.pk), kind="case_intake")
    assert duty.assignee not in (respondent.user, cast.a_convener.user, cast.a_eap_officer.user)
    assert access.can_manage(duty.assignee, case)  # whoever holds it can assign the case
    assert duty.team is None  # the recused convener does not oversee it
    for user in (respondent.user, cast.a_convener.user, cast.a_eap_officer.user):
        assert not Duty.objects.visible_to(user).filter(pk=duty.pk).exists(), user.username


# --- The referring supervisor ------------------------------------------------------------------

def test_the_referring_supervisor_sees_only_their_referrals(cast):
    with acting_as(cast.a_supervisor.user):
        referral = refer_employee(cast.a_supervisor, cast.a_employee, by=cast.a_supervisor.user,
                                  observations="最近常請假")
    other = open_general_case(cast)
    supervisor = cast.a_supervisor.user
    assert not sees(supervisor, referral)
    assert not access.can_work_on(supervisor, referral)
    assert list(access.referrals_visible_to(supervisor, Case.objects.all())) == [referral]
    assert other not in access.referrals_visible_to(supervisor, Case.objects.all())
    for who in ("b_supervisor", "a_employee", "a_eap_officer"):
        assert not access.referrals_visible_to(getattr(cast, who).user, Case.objects.all()).exists(), who
    assert not access.referrals_visible_to(cast.nobody, Case.objects.all()).exists()
    assert not access.referrals_visible_to(AnonymousUser(), Case.objects.all()).exists()


# --- Single-window contacts --------------------------------------------------------------------

def make_contact(cast, agency, person=None, by=None):
    by = by or cast.a_eap_officer.user
    with acting_as(by):
        return Contact.objects.create(agency=agency, channel=ContactChannel.HOTLINE, summary="詢問諮商", person=person,
                                      logged_by=by)


def test_contacts_are_seen_by_the_eap_officer_of_the_subtree_only(cast):
    a_contact = make_contact(cast, cast.a, cast.a_employee)
    sub_contact = make_contact(cast, cast.a_sub, cast.a_sub_employee)
    b_contact = make_contact(cast, cast.b, cast.b_employee, by=cast.b_eap_officer.user)
    everyone = Contact.objects.all()
    assert set(access.contacts_visible_to(cast.a_eap_officer.user, everyone)) == {a_contact, sub_contact}
    assert set(Contact.objects.visible_to(cast.b_eap_officer.user)) == {b_contact}
    for who in ("a_convener", "a_care_member", "a_agency_hr", "a_agency_head", "city_hr", "a_employee",
                "a_supervisor", "access_approver"):
        assert not Contact.objects.visible_to(getattr(cast, who).user).exists(), who
    for user in (cast.provider, cast.reviewer, cast.nobody, AnonymousUser()):
        assert not Contact.objects.visible_to(user).exists()


def test_an_eap_officer_never_sees_a_contact_about_themselves(cast):
    officer2 = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_eap_officer2"))
    RoleFactory(user=officer2.user, role=Role.EAP_OFFICER, agency=cast.a)
    about_officer = make_contact(cast, cast.a, cast.a_eap_officer, by=officer2.user)
    assert Contact.objects.visible_to(officer2.user).filter(pk=about_officer.pk).exists()
    assert not Contact.objects.visible_to(cast.a_eap_officer.user).filter(pk=about_officer.pk).exists()


# --- Assignments that end ----------------------------------------------------------------------

def test_an_ended_assignment_stops_visibility_the_same_day(cast):
    case = assigned_case(cast)
    member, convener = cast.a_care_member.user, cast.a_convener.user
    assignment = CaseAssignment.objects.get(case=case, user=member)
    with acting_as(convener):
        end_assignment(assignment, by=convener, reason="誤派")
    assert not sees(member, case)
    assert not access.can_work_on(member, case)
    assert case.timeline.filter(kind="unassigned").count() == 1
    # They may be assigned again afterwards.
    with acting_as(convener):
        assign(case, member, by=convener)
    assert sees(member, case)


def test_an_assignment_ended_later_stops_visibility_from_that_day(cast, time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                         tick=False)
    case = assigned_case(cast)
    member, convener = cast.a_care_member.user, cast.a_convener.user
    time_machine.move_to(datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                         tick=False)
    assert sees(member, case)
    assignment = CaseAssignment.objects.get(case=case, user=member)
    with acting_as(convener):
        end_assignment(assignment, by=convener)
    assignment.refresh_from_db()
    assert assignment.since == datetime.date(2025, 3, 3) and assignment.until == datetime.date(2025, 3, 9)
    assert not sees(member, case)
    # The convener and the EAP officer keep seeing it.
    assert sees(convener, case) and sees(cast.a_eap_officer.user, case)


def test_only_a_manager_ends_an_assignment(cast):
    case = assigned_case(cast)
    member = cast.a_care_member.user
    assignment = CaseAssignment.objects.get(case=case, user=member)
    for user in (member, cast.b_convener.user, cast.city_hr.user):
        with acting_as(user), pytest.raises(PermissionDenied):
            end_assignment(assignment, by=user)
    assert sees(member, case)


# --- Duties about the case ---------------------------------------------------------------------

def test_duties_about_the_case_are_not_visible_to_the_subject(cast):
    subject = cast.a_employee
    add_member(cast.a_team, subject.user, Position.CONVENER)
    case = open_general_case(cast)
    duty = Duty.objects.get(subject_id=str(case.pk), kind="case_intake")
    assert duty.person == subject and duty.team == cast.a_team
    assert duty.assignee == cast.a_convener.user
    assert Duty.objects.visible_to(cast.a_convener.user).filter(pk=duty.pk).exists()
    assert not Duty.objects.visible_to(subject.user).filter(pk=duty.pk).exists()
    # Members see only their own duties.
    assert not Duty.objects.visible_to(cast.a_care_member.user).filter(pk=duty.pk).exists()
