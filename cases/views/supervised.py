"""The unit supervisor in non-voluntary and crisis cases of their unit (DOMAIN §1): they report a
colleague who needs help but will not accept it, or an emergency; then they act in the case — their
own entries, the duties assigned to them — without reading the professionals' notes."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import access, actions, crisis, forms, non_voluntary, referrals
from cases.models import Case, CaseAction
from cases.views.common import error_text, form_errors, own_supervisor_profile, report_to_safety_health_then
from core.access_log import AccessAction, Purpose, record_access
from core.models import Duty


@require_http_methods(["GET", "POST"])
def supervised_list(request):
    supervisor = own_supervisor_profile(request.user)
    staff = referrals.referable_staff(supervisor)
    form = forms.ReferralForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            case = non_voluntary.report_non_voluntary(supervisor, form.cleaned_data["employee"], by=request.user,
                                                      observations=form.cleaned_data["observations"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Reported to the care team. Record here what you do next."))
            return redirect("supervised_case", pk=case.pk)
    cases = list(access.cases_supervised_by(request.user, Case.objects.all()).select_related("subject", "agency"))
    if cases:
        record_access(request, AccessAction.LIST, cases, purpose=Purpose.by_role("supervisor", "supervised"))
    return render(request, "cases/supervised_list.html", {"form": form, "cases": cases})


@require_POST
def report_incident(request):
    supervisor = own_supervisor_profile(request.user)
    summary = request.POST.get("summary", "")
    try:
        case = crisis.report_incident(agency=supervisor.agency, by=request.user, summary=summary,
                                      supervisor=supervisor)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("supervised_list")
    messages.success(request, _("Emergency reported: the care team, the EAP officer and the agency head have been "
                                "told."))
    return redirect("supervised_case", pk=case.pk)


def _supervised(request, pk):
    own_supervisor_profile(request.user)
    return get_object_or_404(access.cases_supervised_by(request.user, Case.objects.all()).select_related(
        "subject", "agency"), pk=pk)


@require_safe
def supervised_case(request, pk):
    case = _supervised(request, pk)
    record_access(request, AccessAction.READ, case, person=case.subject,
                  purpose=Purpose.by_role("supervisor", f"supervised:{case.pk}"))
    mine = CaseAction.objects.filter(case=case, by=request.user).order_by("-at")
    my_duties = Duty.objects.visible_to(request.user).filter(assignee=request.user, subject_id=str(case.pk),
                                                             subject_type__model="case").order_by("due_at")
    return render(request, "cases/supervised_case.html", {
        "case": case, "mine": mine, "duties": my_duties, "now": timezone.now(),
        "action_form": forms.ActionForm(kinds=actions.allowed_actions(case, request.user), affected=None)
        if case.is_open else None,
        "can_report_safety_health": case.safety_health_reported_at is None and case.is_open,
    })


@require_POST
def supervised_action(request, pk):
    case = _supervised(request, pk)
    form = forms.ActionForm(request.POST, kinds=actions.allowed_actions(case, request.user), affected=None)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data
        try:
            actions.record_action(case, by=request.user, kind=data["kind"], at=data["at"], note=data["note"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Step recorded."))
    return redirect("supervised_case", pk=case.pk)


@require_POST
def supervised_safety_health(request, pk):
    return report_to_safety_health_then(request, _supervised(request, pk), "supervised_case")
