"""My duties (every staff role, phone-first), one duty, and the care team's intake page."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.models import CareTeam
from agencies.roles import Role
from core import access, duties
from core.access_log import AccessAction, Purpose, record_access
from core.forms import AbsenceForm, AssignDutyForm, CompleteDutyForm
from core.models import Absence, Duty, DutyState


def _staff_only(user):
    if not access.is_staff_member(user):
        raise PermissionDenied


def _log_list(request, duty_list, purpose):
    about_people = [duty for duty in duty_list if duty.person_id]
    if about_people:
        record_access(request, AccessAction.LIST, about_people, purpose=purpose)


@require_safe
def my_duties(request):
    _staff_only(request.user)
    now = timezone.now()
    visible = Duty.objects.visible_to(request.user).filter(assignee=request.user).select_related("person", "agency")
    open_duties = list(visible.open().order_by("-urgent", "due_at", "pk"))
    recent = list(visible.exclude(state=DutyState.OPEN).filter(
        done_at__gte=now - datetime.timedelta(days=30)).order_by("-done_at")[:20])
    _log_list(request, open_duties + recent, Purpose.assigned_duties())
    return render(request, "core/my_duties.html", {
        "open_duties": open_duties, "recent": recent, "now": now,
        "overdue": sum(1 for duty in open_duties if duty.due_at < now),
        "leads_a_team": access.leads_a_team(request.user),
    })


def _visible_duty(request, pk):
    return get_object_or_404(Duty.objects.visible_to(request.user).select_related(
        "person__agency", "agency", "team", "assignee__employee", "deputy_for__employee", "done_by__employee"), pk=pk)


def _subject_url(duty, user):
    """The page of the record the duty is about, as this reader may open it (a record may offer a
    different page to different readers, e.g. a case to its supervisor), or none."""
    subject = duty.subject if duty.subject_id else None
    if subject is None:
        return ""
    if hasattr(subject, "url_for"):
        return subject.url_for(user)
    return getattr(subject, "get_absolute_url", lambda: "")()


@require_safe
def duty_detail(request, pk):
    duty = _visible_duty(request, pk)
    if duty.person_id:
        purpose = Purpose.duty(duty) if duty.assignee_id == request.user.pk else Purpose.by_role(
            Role.CONVENER, f"team:{duty.team_id}")
        record_access(request, AccessAction.READ, duty, person=duty.person, purpose=purpose)
    can_assign = duties.can_assign(request.user, duty)
    return render(request, "core/duty_detail.html", {
        "duty": duty, "now": timezone.now(),
        "subject_url": _subject_url(duty, request.user),
        "complete_form": CompleteDutyForm() if duty.is_open and duty.assignee_id == request.user.pk else None,
        "assign_form": AssignDutyForm(members=duties.assignable_members(duty)) if can_assign else None,
    })


@require_POST
def complete_duty(request, pk):
    duty = _visible_duty(request, pk)
    form = CompleteDutyForm(request.POST)
    if duty.assignee_id != request.user.pk:
        raise PermissionDenied
    if form.is_valid():
        try:
            duties.complete_duty(duty, by=request.user, outcome=form.cleaned_data["outcome"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as done."))
            return redirect("my_duties")
    return redirect("duty_detail", pk=duty.pk)


@require_POST
def assign_duty(request, pk):
    duty = _visible_duty(request, pk)
    if not duties.can_assign(request.user, duty):
        raise PermissionDenied
    form = AssignDutyForm(request.POST, members=duties.assignable_members(duty))
    if form.is_valid():
        try:
            duties.assign_duty(duty, form.cleaned_data["member"].user, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assigned."))
            return redirect("team_duties")
    else:
        messages.error(request, _("Choose a current member of the care team."))
    return redirect("duty_detail", pk=duty.pk)


@require_safe
def team_duties(request):
    teams = list(duties.teams_for_lead(request.user))
    if not teams:
        raise PermissionDenied
    convened = set(access.teams_convened_by(request.user))
    today = timezone.localdate()
    sections = []
    shown = []
    for team in teams:
        team_open = Duty.objects.visible_to(request.user).open().filter(team=team).select_related(
            "assignee__employee", "person", "deputy_for__employee")
        if team.pk not in convened:  # an intake officer sees what waits in their own hands
            team_open = team_open.filter(assignee=request.user)
        team_open = list(team_open.order_by("-urgent", "due_at"))
        shown += team_open
        members = team.current_members(today).select_related("user__employee")
        sections.append({
            "team": team, "is_convener": team.pk in convened, "duties": team_open,
            "waiting": [duty for duty in team_open if duty.assignee_id == request.user.pk],
            "absences": Absence.objects.filter(team=team, ends_on__gte=today).select_related(
                "member__employee", "deputy__employee"),
            "absence_form": AbsenceForm(members=members, prefix=f"team{team.pk}") if team.pk in convened else None,
        })
    _log_list(request, shown, Purpose.by_role(
        Role.CONVENER if convened else Role.CARE_MEMBER, "team:" + ",".join(str(team.pk) for team in teams)))
    return render(request, "core/team_duties.html", {"sections": sections, "now": timezone.now(), "today": today})


@require_POST
def record_absence(request, pk):
    team = get_object_or_404(CareTeam.objects.filter(pk__in=list(access.teams_convened_by(request.user))), pk=pk)
    members = team.current_members().select_related("user__employee")
    form = AbsenceForm(request.POST, members=members, prefix=f"team{team.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            duties.record_absence(team, member=data["member"].user, deputy=data["deputy"].user,
                                  starts_on=data["starts_on"], ends_on=data["ends_on"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Absence recorded: the deputy receives the member's duties."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("team_duties")


@require_POST
def end_absence(request, pk):
    absence = get_object_or_404(Absence.objects.filter(team__in=list(access.teams_convened_by(request.user))), pk=pk)
    duties.end_absence(absence, by=request.user)
    messages.success(request, _("Absence ended: the member's duties have returned to them."))
    return redirect("team_duties")


