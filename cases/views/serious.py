"""Actions on non-voluntary, crisis and high-concern cases, and on any case the 24-hour report:
one view per action, each through the scoped fetch and one service call."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import access, actions, crisis, forms, non_voluntary, suicide
from cases.models import Case, SuicideReport
from cases.views.case_actions import _act
from cases.views.common import error_text, report_to_safety_health_then, visible_case


def action_form(case, user, data=None):
    kinds = actions.allowed_actions(case, user)
    affected = case.affected.all() if case.kind == "crisis" else None
    return forms.ActionForm(data, kinds=kinds, affected=affected, auto_id="action_%s")


@require_POST
def record_action(request, pk):
    case = visible_case(request, pk, log=False)
    form = action_form(case, request.user, request.POST)
    return _act(request, case, form, lambda d: actions.record_action(
        case, by=request.user, kind=d["kind"], at=d["at"], note=d["note"], affected=d.get("affected")),
        _("Step recorded."))


@require_POST
def add_affected(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.AffectedForm(request.POST, people=access.people_served_by(request.user))
    return _act(request, case, form, lambda d: crisis.add_affected(
        case, by=request.user, relation=d["relation"], employee=d["person"], name=d["name"],
        deceased=d["deceased"], note=d["note"]), _("Affected person recorded."))


@require_POST
def crisis_level(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.CrisisLevelForm(request.POST)
    return _act(request, case, form, lambda d: crisis.assess_crisis_level(case, by=request.user, level=d["level"],
                                                                          reason=d["reason"]),
                _("Crisis level recorded."))


@require_POST
def report_to_safety_health(request, pk):
    return report_to_safety_health_then(request, visible_case(request, pk, log=False), "case_detail")


@require_POST
def request_early_close(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.ReasonForm(request.POST)
    return _act(request, case, form, lambda d: non_voluntary.request_early_close(case, by=request.user,
                                                                                 reason=d["reason"]),
                _("Early closure asked for: the convener decides."))


@require_POST
def approve_early_close(request, pk):
    case = visible_case(request, pk, log=False)
    try:
        non_voluntary.approve_early_close(case, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Early closure approved."))
    return redirect("case_detail", pk=case.pk)


@require_POST
def extend_care(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.ReasonForm(request.POST)
    return _act(request, case, form, lambda d: non_voluntary.extend_care(case, by=request.user, reason=d["reason"]),
                _("Continuing care extended."))


@require_POST
def record_suicidal_act(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.SuicidalActForm(request.POST)
    return _act(request, case, form, lambda d: suicide.record_suicidal_act(case, by=request.user,
                                                                           known_at=d["known_at"], note=d["note"]),
                _("Recorded: the report is due within 24 hours of the time it became known."))


@require_POST
def file_report(request, pk):
    report = get_object_or_404(SuicideReport.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=pk)
    form = forms.FileReportForm(request.POST)
    return _act(request, report.case, form, lambda d: suicide.file_report(
        report, by=request.user, reported_at=d["reported_at"], reference_number=d["reference_number"]),
        _("Report recorded."))


def _incident_form(request, data=None):
    from agencies.models import Agency

    people = access.people_served_by(request.user)
    agencies = Agency.objects.filter(pk__in=people.values("agency")).order_by("path")
    return forms.IncidentForm(data, agencies=agencies, people=people)


@require_http_methods(["GET", "POST"])
def new_incident(request):
    if not access.may_open_cases(request.user):
        raise PermissionDenied
    form = _incident_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = crisis.report_incident(agency=data["agency"], by=request.user, summary=data["summary"],
                                          people=data["people"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Crisis case %(ref)s opened; the agency head has been told.")
                             % {"ref": case.reference})
            return redirect("case_detail", pk=case.pk)
    return render(request, "cases/new_incident.html", {"form": form})


@require_POST
def ask_supervisor(request, pk):
    from cases.supervisor_duties import ask_supervisor as ask

    case = visible_case(request, pk, log=False)
    form = forms.AskSupervisorForm(request.POST)
    return _act(request, case, form, lambda d: ask(case, by=request.user, request=d["request"], due_on=d["due_on"]),
                _("The supervisor has been asked; the step is among their duties."))
