"""Duties: one named assignee; a team's duties go to its intake and are assigned to one member;
members do not see each other's people; deputies; reminders and escalations run once."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import CareTeamMember, Position
from agencies.tests.factories import EmployeeFactory, UserFactory
from core import duties
from core.actors import acting_as
from core.models import AccessLog, Duty, DutyState, Notification

NOON = datetime.time(12, 0)


def at(day, time=NOON):
    return timezone.make_aware(datetime.datetime.combine(day, time))


@pytest.fixture
def team(cast):
    """A's care team with a second care officer."""
    other = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_second_officer"))
    CareTeamMember.objects.create(team=cast.a_team, user=other.user, position=Position.CARE_OFFICER,
                                  since=datetime.date(2020, 1, 1))
    cast.a_second_officer = other
    return cast.a_team


def team_duty(cast, **kwargs):
    with acting_as("test:feature"):
        return duties.create_duty(kind="screening_follow_up", title="篩檢追蹤", team=cast.a_team,
                                  person=kwargs.pop("person", cast.a_employee),
                                  due_at=kwargs.pop("due_at", timezone.now() + datetime.timedelta(days=3)), **kwargs)


def test_a_team_duty_goes_to_the_convener_who_assigns_it_to_one_member(cast, team):
    duty = team_duty(cast)
    assert duty.assignee == cast.a_convener.user
    with acting_as(cast.a_convener.user):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    duty.refresh_from_db()
    assert duty.assignee == cast.a_care_member.user
    assert Notification.objects.filter(recipient=cast.a_care_member.user, kind="duty_assigned").exists()


def test_a_designated_intake_officer_receives_the_teams_duties(cast, team):
    intake = EmployeeFactory(agency=cast.a, user=UserFactory(username="a_intake"))
    CareTeamMember.objects.create(team=team, user=intake.user, position=Position.INTAKE_OFFICER,
                                  since=datetime.date(2020, 1, 1))
    duty = team_duty(cast)
    assert duty.assignee == intake.user
    assert duties.can_assign(intake.user, duty)
    with acting_as(intake.user):
        duties.assign_duty(duty, cast.a_care_member.user, by=intake.user)
    duty.refresh_from_db()
    assert not duties.can_assign(intake.user, duty)  # out of their hands now; the convener still can
    assert duties.can_assign(cast.a_convener.user, duty)


def test_members_do_not_see_each_others_people(cast, team):
    duty = team_duty(cast)
    with acting_as(cast.a_convener.user):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    second = cast.a_second_officer.user
    assert not Duty.objects.visible_to(second).exists()
    assert Duty.objects.visible_to(cast.a_care_member.user).get() == duty
    assert Duty.objects.visible_to(cast.a_convener.user).get() == duty
    client = Client()
    client.force_login(second)
    assert client.get(reverse("duty_detail", args=[duty.pk])).status_code == 404
    assert cast.a_employee.full_name not in client.get(reverse("my_duties")).content.decode()


def test_a_member_cannot_assign_and_nobody_can_assign_outside_the_team(cast, team):
    duty = team_duty(cast)
    with pytest.raises(PermissionDenied):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_care_member.user)
    with pytest.raises(ValidationError):
        with acting_as(cast.a_convener.user):
            duties.assign_duty(duty, cast.b_care_member.user, by=cast.a_convener.user)
    with pytest.raises(PermissionDenied):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.b_convener.user)


def test_the_person_concerned_never_holds_or_sees_a_duty_about_themselves(cast, team):
    """The care officer is screened too: their own follow-up cannot land with them."""
    duty = team_duty(cast, person=cast.a_care_member)
    with pytest.raises(ValidationError):
        with acting_as(cast.a_convener.user):
            duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    assert not Duty.objects.visible_to(cast.a_care_member.user).exists()
    # A duty about the convener bypasses them but stays with the team: the care officer takes it.
    about_convener = team_duty(cast, person=cast.a_convener)
    assert about_convener.assignee == cast.a_care_member.user
    assert about_convener not in Duty.objects.visible_to(cast.a_convener.user)


def test_only_the_assignee_completes_a_duty(cast, team):
    duty = team_duty(cast)
    with acting_as(cast.a_convener.user):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    with pytest.raises(PermissionDenied):
        duties.complete_duty(duty, by=cast.a_convener.user)
    with acting_as(cast.a_care_member.user):
        duties.complete_duty(duty, by=cast.a_care_member.user, outcome="已電話關懷")
    duty.refresh_from_db()
    assert (duty.state, duty.done_by, duty.outcome) == (DutyState.DONE, cast.a_care_member.user, "已電話關懷")
    with pytest.raises(ValidationError):
        with acting_as(cast.a_care_member.user):
            duties.complete_duty(duty, by=cast.a_care_member.user)


def test_an_absent_members_deputy_receives_their_duties_and_they_return(cast, team):
    today = timezone.localdate()
    duty = team_duty(cast)
    with acting_as(cast.a_convener.user):
        duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
        duties.record_absence(team, member=cast.a_care_member.user, deputy=cast.a_second_officer.user,
                              starts_on=today, ends_on=today + datetime.timedelta(days=4), by=cast.a_convener.user)
    duty.refresh_from_db()
    assert (duty.assignee, duty.deputy_for) == (cast.a_second_officer.user, cast.a_care_member.user)
    # New duties assigned to the absent member go to the deputy too.
    later = team_duty(cast, person=cast.a_sub_employee)
    with acting_as(cast.a_convener.user):
        duties.assign_duty(later, cast.a_care_member.user, by=cast.a_convener.user)
    later.refresh_from_db()
    assert later.assignee == cast.a_second_officer.user
    # Running the job again changes nothing; after the absence both return.
    with acting_as("task"):
        assert duties.apply_absences(today) == (0, 0)
        assert duties.apply_absences(today + datetime.timedelta(days=5)) == (0, 2)
    assert set(Duty.objects.filter(assignee=cast.a_care_member.user).values_list("pk", flat=True)) == {duty.pk, later.pk}


def test_only_the_convener_records_absences_and_the_deputy_must_be_on_the_team(cast, team):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        duties.record_absence(team, member=cast.a_care_member.user, deputy=cast.a_second_officer.user,
                              starts_on=today, ends_on=today, by=cast.a_care_member.user)
    with pytest.raises(ValidationError):
        duties.record_absence(team, member=cast.a_care_member.user, deputy=cast.b_care_member.user,
                              starts_on=today, ends_on=today, by=cast.a_convener.user)


def test_a_reminder_is_sent_once_when_its_time_comes(cast, team, time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2), datetime.time(9)))
    duty = team_duty(cast, due_at=at(datetime.date(2026, 3, 4)), remind_before=datetime.timedelta(days=1))
    with acting_as("task"):
        assert duties.send_duty_reminders() == 0
        time_machine.move_to(at(datetime.date(2026, 3, 3), datetime.time(12, 1)))
        assert duties.send_duty_reminders() == 1
        assert duties.send_duty_reminders() == 0
    assert Notification.objects.filter(kind="duty_reminder", recipient=duty.assignee).count() == 1


def test_a_missed_run_catches_up_and_a_done_duty_is_not_escalated(cast, team, time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    overdue = team_duty(cast, due_at=at(datetime.date(2026, 3, 3)), escalate_after=datetime.timedelta(hours=4))
    done = team_duty(cast, person=cast.a_sub_employee, due_at=at(datetime.date(2026, 3, 3)),
                     escalate_after=datetime.timedelta(0))
    for duty in (overdue, done):
        with acting_as(cast.a_convener.user):
            duties.assign_duty(duty, cast.a_care_member.user, by=cast.a_convener.user)
    with acting_as(cast.a_care_member.user):
        duties.complete_duty(done, by=cast.a_care_member.user)
    time_machine.move_to(at(datetime.date(2026, 3, 9)))  # the job did not run for six days
    with acting_as("task"):
        assert duties.escalate_overdue_duties() == 1
        assert duties.escalate_overdue_duties() == 0
    escalation = Notification.objects.get(kind="duty_escalated")
    assert escalation.recipient == cast.a_convener.user
    assert escalation.link == reverse("duty_detail", args=[overdue.pk])


def test_escalation_to_the_eap_officer_when_asked(cast, team, time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    with acting_as("test:feature"):
        duties.create_duty(kind="x", title="轉介回覆", assignee=cast.a_supervisor.user, agency=cast.a,
                           due_at=at(datetime.date(2026, 3, 3)), escalate_after=datetime.timedelta(0),
                           escalate_to="eap_officer")
    time_machine.move_to(at(datetime.date(2026, 3, 4)))
    with acting_as("task"):
        duties.escalate_overdue_duties()
    assert list(Notification.objects.filter(kind="duty_escalated").values_list("recipient", flat=True)) == [
        cast.a_eap_officer.user.pk]


def test_a_team_without_a_convener_keeps_its_duties_then_the_eap_officer_then_refuses(cast):
    from agencies.models import RoleAssignment

    cast.a_team.members.filter(position=Position.CONVENER).update(until=datetime.date(2021, 1, 1))
    assert team_duty(cast).assignee == cast.a_care_member.user
    cast.a_team.members.update(until=datetime.date(2021, 1, 1))
    assert team_duty(cast, person=cast.a_supervisor).assignee == cast.a_eap_officer.user
    RoleAssignment.objects.filter(role="eap_officer").delete()
    with pytest.raises(duties.NoOneToAssign):
        team_duty(cast, person=cast.a_sub_employee)


def test_reading_a_duty_about_a_person_is_logged(cast, team):
    duty = team_duty(cast)
    client = Client()
    client.force_login(cast.a_convener.user)
    assert client.get(reverse("duty_detail", args=[duty.pk])).status_code == 200
    entry = AccessLog.objects.get(action="read")
    assert (entry.actor, entry.person, entry.record_ids) == (cast.a_convener.user, cast.a_employee, [str(duty.pk)])
    assert entry.purpose_kind == "duty"  # the convener holds it (it is waiting for assignment)
    client.get(reverse("my_duties"))
    assert AccessLog.objects.filter(action="list", actor=cast.a_convener.user).exists()


def test_assign_and_complete_through_the_pages(cast, team):
    duty = team_duty(cast)
    convener = Client()
    convener.force_login(cast.a_convener.user)
    page = convener.get(reverse("team_duties")).content.decode()
    assert duty.title in page
    member = cast.a_team.members.get(user=cast.a_care_member.user)
    assert convener.post(reverse("assign_duty", args=[duty.pk]), {"member": member.pk}).status_code == 302
    officer = Client()
    officer.force_login(cast.a_care_member.user)
    assert duty.title in officer.get(reverse("my_duties")).content.decode()
    officer.post(reverse("complete_duty", args=[duty.pk]), {"outcome": "已關懷"})
    duty.refresh_from_db()
    assert duty.state == DutyState.DONE


def test_the_hr_home_counts_overdue_duties_without_naming_anyone(cast, team, time_machine):
    time_machine.move_to(at(datetime.date(2026, 3, 2)))
    team_duty(cast, due_at=at(datetime.date(2026, 3, 3)))
    time_machine.move_to(at(datetime.date(2026, 3, 5)))
    client = Client()
    client.force_login(cast.a_eap_officer.user)
    page = client.get(reverse("hr_home")).content.decode()
    assert reverse("duty_statistics") in page
    assert cast.a_employee.full_name not in page
