"""One view per action on a case: fetch through the scope, validate, call one service, go back."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import follow_ups, forms, handover, opening, referrals, workflow
from cases.models import CaseAssignment, CaseState
from cases.views.common import assignable_users, error_text, form_errors, service_form, visible_case
from core.access import teams_convened_by
from core.models import Absence


def _act(request, case, form, action, success):
    """Run `action(cleaned_data)` if the form is valid; report the outcome; back to the case."""
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, success)
    return redirect("case_detail", pk=case.pk)


@require_POST
def move(request, pk):
    case = visible_case(request, pk, log=False)
    states = [CaseState(s) for s in workflow.next_states(case)]
    form = forms.MoveForm(request.POST, states=states)
    return _act(request, case, form, lambda d: workflow.move_case(case, d["to"], by=request.user,
                                                                  reason=d["reason"]), _("State changed."))


@require_POST
def assign(request, pk):
    case = visible_case(request, pk, log=False)
    if not opening.access.can_manage(request.user, case):
        raise PermissionDenied
    form = forms.AssignForm(request.POST, users=assignable_users(case))
    return _act(request, case, form, lambda d: opening.assign(case, d["user"], by=request.user, role=d["role"]),
                _("Assigned."))


@require_POST
def hand_over_case(request, pk):
    """After the subject's transfer: the case goes to the new agency's care team, and usually out of
    this user's sight, so they land on their duties rather than on a page they can no longer open."""
    case = visible_case(request, pk, log=False)
    if not opening.access.can_manage(request.user, case):
        raise PermissionDenied
    form = forms.HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("case_detail", pk=case.pk)
    try:
        case = handover.hand_over_case(case, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("case_detail", pk=case.pk)
    messages.success(request, _("Case %(ref)s was handed over to %(team)s.") % {"ref": case.reference,
                                                                               "team": case.team.name})
    if opening.Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("case_detail", pk=case.pk)
    return redirect("my_duties")


@require_POST
def end_assignment(request, pk):
    assignment = get_object_or_404(CaseAssignment.objects.filter(
        case__in=opening.Case.objects.visible_to(request.user)), pk=pk)
    if not opening.access.can_manage(request.user, assignment.case):
        raise PermissionDenied
    opening.end_assignment(assignment, by=request.user)
    messages.success(request, _("Assignment ended."))
    return redirect("case_detail", pk=assignment.case_id)


@require_POST
def assessment(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.AssessmentForm(request.POST)
    return _act(request, case, form, lambda d: referrals.record_assessment(case, by=request.user,
                                                                           assessment=d["assessment"]),
                _("Assessment recorded."))


@require_POST
def arrange_service(request, pk):
    case = visible_case(request, pk, log=False)
    form = service_form(case, request.POST)
    return _act(request, case, form, lambda d: referrals.arrange_service(
        case, by=request.user, kind=d["kind"], offer=d["offer"], resource=d.get("resource", ""),
        details=d.get("details", ""), affected=d.get("affected")), _("Service arranged."))


@require_POST
def advice(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.AdviceForm(request.POST)
    return _act(request, case, form, lambda d: referrals.give_management_advice(case, by=request.user,
                                                                                advice=d["advice"]),
                _("Advice recorded; the supervisor has been told to sign in."))


@require_POST
def escalation(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.EscalationForm(request.POST)
    return _act(request, case, form, lambda d: referrals.decide_escalation(case, by=request.user,
                                                                           decision=d["decision"],
                                                                           reason=d["reason"]),
                _("Decision recorded."))


@require_POST
def follow_up(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.FollowUpForm(request.POST)

    def log(data):
        entry = follow_ups.log_follow_up(case, by=request.user, on=data["on"], contact_type=data["contact_type"],
                                         what_happened=data["what_happened"], person_state=data["person_state"],
                                         next_on=data["next_on"])
        if entry.next_asked_for:
            from eap_portal.rocdates import format_roc_date

            messages.info(request, _("The next follow-up falls on a day off: moved to %(day)s.")
                          % {"day": format_roc_date(entry.next_on)})

    return _act(request, case, form, log, _("Follow-up logged."))


@require_POST
def paper_file(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.PaperFileForm(request.POST)
    return _act(request, case, form, lambda d: follow_ups.list_paper_file(
        case, by=request.user, description=d["description"], location=d["location"]), _("Paper file listed."))


@require_POST
def paper_file_destroyed(request, pk):
    from cases.models import PaperFile
    from cases.paper_files import record_paper_file_destroyed

    paper = get_object_or_404(PaperFile.objects.filter(case__in=opening.Case.objects.visible_to(request.user)), pk=pk)
    case = paper.case
    if not opening.access.can_manage(request.user, case):
        raise PermissionDenied
    form = forms.PaperFileDestroyedForm(request.POST)
    return _act(request, case, form, lambda d: record_paper_file_destroyed(paper, on=d["on"], by=request.user),
                _("Destruction of the paper file recorded."))


@require_POST
def hand_over(request, pk):
    absence = get_object_or_404(Absence.objects.filter(team__in=list(teams_convened_by(request.user))), pk=pk)
    handed = opening.hand_cases_to_deputy(absence, by=request.user)
    messages.success(request, _("%(count)s open case(s) handed to the acting deputy for the absence.")
                     % {"count": handed})
    return redirect("team_duties")


@require_POST
def attach_screening(request, pk):
    from cases import screenings

    case = visible_case(request, pk, log=False)
    form = forms.AttachScreeningForm(request.POST, screenings=screenings.attachable(case, request.user))
    return _act(request, case, form, lambda d: screenings.attach_screening(case, d["screening"], by=request.user),
                _("Screening attached."))
