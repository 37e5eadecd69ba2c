"""Duties: create, route, assign, complete, remind, escalate (DOMAIN §1, Decision).

- A duty names one assignee. A duty that arrives for a care team goes to its designated intake
  officer, else its convener, who assigns it to one member; members see only their own.
- An absent member's acting deputy receives their duties while the absence lasts; they return
  when it ends. The convener can reassign at any time.
- Reminders and escalations are sent by periodic jobs that catch up on everything due, so a
  missed run loses nothing and a second run sends nothing twice.
"""
import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import CareTeam, Position, RoleAssignment
from agencies.roles import Role
from core.access import teams_convened_by, teams_led_by
from core.models import Absence, Duty, DutyState, EscalationTarget
from core.notifications import notify


class NoOneToAssign(ValidationError):
    pass


def _link(duty):
    return reverse("duty_detail", args=[duty.pk])


def _members(team, positions=None, on=None):
    members = team.current_members(on)
    if positions:
        members = members.filter(position__in=positions)
    return members


def intake_for(team, person=None, on=None, skip=None):
    """Who receives the team's incoming duties: the designated intake officer, else the convener,
    else (when the duty is about them) a care officer or member, and only when the team has no one
    else the agency's EAP officer. Never the person concerned, nor anyone `skip(user)` is true of
    (a feature's own recusal, e.g. a misconduct respondent's chain)."""
    # When the duty is about the intake officer or the convener, it stays with the team — a care
    # officer, then any member — before it reaches the agency's EAP officer (who is HR).
    candidates = [member.user for positions in ([Position.INTAKE_OFFICER], [Position.CONVENER],
                                                [Position.CARE_OFFICER], [Position.MEMBER])
                  for member in _members(team, positions, on).select_related("user").order_by("since", "pk")]
    officers = RoleAssignment.objects.active(on or timezone.localdate()).filter(
        role=Role.EAP_OFFICER, agency_id__in=team.agency.ancestor_ids())
    candidates += [role.user for role in officers.select_related("user").order_by("-agency__depth")]
    for user in candidates:
        if not _recused(user, person) and not (skip and skip(user)):
            return user
    raise NoOneToAssign(_("The care team %(team)s has no convener or intake officer to receive it.")
                        % {"team": team.name})


def acting_deputy(user, team=None, on=None):
    """The deputy standing in for `user` today, if they are absent."""
    on = on or timezone.localdate()
    absences = Absence.objects.filter(member=user, starts_on__lte=on, ends_on__gte=on)
    if team is not None:
        absences = absences.filter(team=team)
    absence = absences.select_related("deputy").order_by("-starts_on").first()
    return absence.deputy if absence else None


def _hand_to(duty, assignee, on=None):
    deputy = acting_deputy(assignee, duty.team, on)
    if deputy is not None and _recused(deputy, duty.person):
        deputy = None
    duty.assignee, duty.deputy_for = (deputy, assignee) if deputy else (assignee, None)
    duty.assigned_at = timezone.now()


def _recused(user, person):
    employee = getattr(user, "employee", None) if person is not None else None
    return employee is not None and employee.pk == person.pk


@transaction.atomic
def create_duty(*, kind, title, due_at, agency=None, assignee=None, team=None, person=None, subject=None,
                remind_before=None, escalate_after=None, escalate_to=EscalationTarget.CONVENER, urgent=False,
                note=""):
    """Create a duty for one person, or for a care team (it goes to the team's intake). With both,
    the named assignee holds it and the team's convener oversees it (sees it, receives escalations)."""
    if assignee is None and team is None:
        raise ValueError("A duty goes to a named assignee, a care team, or both.")
    if timezone.is_naive(due_at):
        raise ValueError("A duty's due time must be timezone-aware.")
    agency = agency or (team.agency if team else getattr(person, "agency", None))
    if agency is None:
        raise ValueError("A duty needs an agency: pass it, a team or a person.")
    duty = Duty(kind=kind, title=title, due_at=due_at, agency=agency, team=team, person=person, urgent=urgent,
                remind_before=remind_before, escalate_after=escalate_after, escalate_to=escalate_to, note=note)
    if subject is not None:
        duty.subject_type = ContentType.objects.get_for_model(subject)
        duty.subject_id = str(subject.pk)
    if assignee is not None and _recused(assignee, person):
        raise NoOneToAssign(_("A duty about a person cannot be assigned to that person."))
    _hand_to(duty, assignee or intake_for(team, person))
    if _recused(duty.assignee, person):  # the absent holder's deputy is the person concerned
        _hand_to(duty, intake_for(team, person) if team else assignee)
        duty.deputy_for = None
    duty.save()
    _notify_assigned(duty)
    return duty


def _notify_assigned(duty):
    # One notification per hand-over: the same holder receiving the duty again is told again.
    key = f"duty:{duty.pk}:assigned:{duty.assignee_id}:{int(duty.assigned_at.timestamp())}"
    notify(duty.assignee, kind="duty_assigned", key=key, link=_link(duty))


def can_assign(user, duty):
    """The team's convener, or its intake officer for a duty still in their hands."""
    if duty.team_id is None or not duty.is_open:
        return False
    if duty.team_id in set(teams_convened_by(user)):
        return True
    return duty.team_id in set(teams_led_by(user)) and duty.assignee_id == user.pk


def assignable_members(duty, on=None):
    """Current members of the duty's team who may take it (never the person concerned)."""
    members = _members(duty.team, on=on).select_related("user__employee")
    if duty.person_id:
        members = members.exclude(user__employee=duty.person_id)
    return members


@transaction.atomic
def assign_duty(duty, member_user, *, by):
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not can_assign(by, duty):
        raise PermissionDenied
    if not assignable_members(duty).filter(user=member_user).exists():
        raise ValidationError(_("Choose a current member of the care team other than the person concerned."))
    _hand_to(duty, member_user)
    duty.save()
    _notify_assigned(duty)
    return duty


@transaction.atomic
def reroute_duty(duty, *, team=None, agency=None, assignee=None):
    """A feature moves an open duty to another team (a case handed over after a transfer): the named
    assignee holds it, else the team's intake, as when it was created."""
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not duty.is_open:
        return duty
    if assignee is None and team is None:
        raise ValueError("A duty goes to a named assignee, a care team, or both.")
    duty.team = team
    duty.agency = agency or (team.agency if team else duty.agency)
    _hand_to(duty, assignee or intake_for(team, duty.person))
    duty.save()
    _notify_assigned(duty)
    return duty


@transaction.atomic
def complete_duty(duty, *, by, outcome=""):
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if duty.assignee_id != by.pk:
        raise PermissionDenied
    if not duty.is_open:
        raise ValidationError(_("This duty is no longer open."))
    return _mark_done(duty, by, outcome)


def _mark_done(duty, by, outcome):
    duty.state = DutyState.DONE
    duty.done_at = timezone.now()
    duty.done_by = by
    duty.outcome = outcome
    duty.save()
    return duty


@transaction.atomic
def settle_duty(duty, *, by, outcome=""):
    """A feature marks a duty done because what it asked for has happened (a case was assigned, a
    follow-up was logged), whoever in the team did it."""
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if not duty.is_open:
        return duty
    return _mark_done(duty, by, outcome)


@transaction.atomic
def cancel_duty(duty, *, by=None, reason=""):
    """Features cancel duties that no longer apply (a case closed); a convener may too."""
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if by is not None and duty.team_id not in set(teams_convened_by(by)):
        raise PermissionDenied
    if not duty.is_open:
        return duty
    duty.state = DutyState.CANCELLED
    duty.outcome = reason
    duty.save()
    return duty


# --- Absences -----------------------------------------------------------------------------

def can_record_absence(user, team):
    return team.pk in set(teams_convened_by(user))


@transaction.atomic
def record_absence(team, *, member, deputy, starts_on, ends_on, by, today=None):
    if not can_record_absence(by, team):
        raise PermissionDenied
    current = set(_members(team, on=starts_on).values_list("user_id", flat=True))
    if member.pk not in current or deputy.pk not in current:
        raise ValidationError(_("The absent member and the deputy must both be current members of the team."))
    if member.pk == deputy.pk:
        raise ValidationError(_("The deputy must be someone else."))
    if ends_on < starts_on:
        raise ValidationError(_("The absence cannot end before it starts."))
    overlapping = Absence.objects.filter(team=team, member=member, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise ValidationError(_("This member already has an absence recorded for part of that time."))
    absence = Absence.objects.create(team=team, member=member, deputy=deputy, starts_on=starts_on,
                                     ends_on=ends_on, recorded_by=by)
    apply_absences(today)
    return absence


# Features that hand work to a deputy for an absence (cases) take it back when the absence ends
# early: each hook is called with the team, the member, the deputy, the new last day and who ended it.
ABSENCE_ENDED_HOOKS = []


@transaction.atomic
def end_absence(absence, *, by, today=None):
    today = today or timezone.localdate()
    if not can_record_absence(by, absence.team):
        raise PermissionDenied
    if absence.ends_on >= today:
        for hook in ABSENCE_ENDED_HOOKS:
            hook(team=absence.team, member=absence.member, deputy=absence.deputy,
                 last_day=today - datetime.timedelta(days=1), by=by)
        absence.ends_on = max(absence.starts_on, today - datetime.timedelta(days=1))
        if absence.ends_on < absence.starts_on or absence.starts_on >= today:
            absence.delete()
        else:
            absence.save(update_fields=["ends_on"])
    apply_absences(today)


def apply_absences(today=None):
    """Hand the open duties of members absent today to their deputies, and give back those of
    members who have returned. Safe to run any number of times."""
    today = today or timezone.localdate()
    moved = returned = 0
    for absence in Absence.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("deputy"):
        for duty in Duty.objects.open().filter(team=absence.team, assignee=absence.member):
            duty.assignee, duty.deputy_for, duty.assigned_at = absence.deputy, absence.member, timezone.now()
            duty.save()
            _notify_assigned(duty)
            moved += 1
    held = Duty.objects.open().filter(deputy_for__isnull=False).select_related("deputy_for")
    for duty in held:
        still_absent = Absence.objects.filter(team=duty.team_id, member=duty.deputy_for_id, starts_on__lte=today,
                                              ends_on__gte=today).exists()
        if not still_absent:
            member = duty.deputy_for
            duty.assignee, duty.deputy_for, duty.assigned_at = member, None, timezone.now()
            duty.save()
            _notify_assigned(duty)
            returned += 1
    return moved, returned


# --- Reminders and escalations ----------------------------------------------------------------

def send_duty_reminders(now=None):
    """Remind the assignee of every open duty whose reminder time has come, once."""
    now = now or timezone.now()
    sent = 0
    candidates = Duty.objects.open().filter(remind_before__isnull=False, reminded_at__isnull=True, due_at__gt=now)
    for duty in candidates.iterator():
        if duty.remind_at > now:
            continue
        with transaction.atomic():
            locked = Duty.objects.select_for_update().get(pk=duty.pk)
            if locked.reminded_at is not None or not locked.is_open:
                continue
            locked.reminded_at = now
            locked.save()
            notify(locked.assignee, kind="duty_reminder", key=f"duty:{locked.pk}:reminder", link=_link(locked))
            sent += 1
    return sent


def escalation_recipients(duty):
    """The convener of the duty's team, or the agency's EAP officers — never the person concerned.
    A duty the convener holds themselves (a new case waiting to be assigned) goes up to the EAP
    officers: an escalation that reaches no one is no escalation."""
    today = timezone.localdate()

    def eligible(users):
        from core.access import exclude_recused_duties

        return [user for user in users if not _recused(user, duty.person) and user.pk != duty.assignee_id
                and exclude_recused_duties(user, Duty.objects.filter(pk=duty.pk)).exists()]

    if duty.escalate_to == EscalationTarget.CONVENER and duty.team_id:
        conveners = eligible(m.user for m in _members(duty.team, [Position.CONVENER]).select_related("user"))
        if conveners:
            return conveners
    return eligible(ra.user for ra in RoleAssignment.objects.active(today).filter(
        role=Role.EAP_OFFICER, agency_id__in=duty.agency.ancestor_ids()).select_related("user"))


def escalate_overdue_duties(now=None):
    """Tell whoever oversees it about every open duty past its escalation time, once."""
    now = now or timezone.now()
    escalated = 0
    candidates = Duty.objects.open().filter(escalate_after__isnull=False, escalated_at__isnull=True, due_at__lt=now)
    for duty in candidates.select_related("agency", "team").iterator():
        if duty.escalate_at > now:
            continue
        with transaction.atomic():
            locked = Duty.objects.select_for_update(of=("self",)).select_related("agency", "team").get(pk=duty.pk)
            if locked.escalated_at is not None or not locked.is_open:
                continue
            locked.escalated_at = now
            locked.save()
            for user in escalation_recipients(locked):
                notify(user, kind="duty_escalated", key=f"duty:{locked.pk}:escalated:{user.pk}", link=_link(locked))
            escalated += 1
    return escalated


def open_duties_for(user):
    return Duty.objects.visible_to(user).open().filter(assignee=user).select_related("agency", "team", "person")


def overdue_count_for_hr(user, now=None):
    """How many duties in the user's agencies are overdue: a count, never who or what."""
    from agencies.models import Agency

    agencies = Agency.objects.editable_by(user) if user.is_authenticated else Agency.objects.none()
    return Duty.objects.overdue(now).filter(agency__in=agencies).count()


def teams_for_lead(user):
    return CareTeam.objects.filter(pk__in=list(teams_led_by(user))).select_related("agency")

