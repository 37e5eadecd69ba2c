"""Outside-expert interviews (附件一): plan one on a case; read, record or cancel it."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import access, experts, forms
from cases.models import Case, ExpertInterview, InterviewState
from cases.views.common import error_text, form_errors, visible_case
from core.access_log import AccessAction, record_access


@require_POST
def plan(request, pk):
    case = visible_case(request, pk, log=False)
    form = forms.InterviewPlanForm(request.POST, prefix="interview")
    formset = forms.ExpertFormSet(request.POST, prefix="experts")
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            experts.plan_interview(case, by=request.user, starts_at=form.starts_at(), place=data["place"],
                                   mode=data["mode"], purpose=data["purpose"],
                                   experts=[f.cleaned_data for f in formset.forms if f.cleaned_data])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Interview planned."))
    else:
        messages.error(request, form_errors(form) or _("Check the experts' details."))
    return redirect("case_detail", pk=case.pk)


@require_http_methods(["GET", "POST"])
def interview_detail(request, pk):
    interview = get_object_or_404(ExpertInterview.objects.filter(case__in=Case.objects.visible_to(request.user))
                                  .select_related("case__subject", "case__agency"), pk=pk)
    case = interview.case
    record_access(request, AccessAction.READ, interview, person=case.subject,
                  purpose=access.purpose_for(request.user, case))
    form = forms.InterviewRecordForm(request.POST or None, initial={
        "record": interview.record, "advice_to_employee": interview.advice_to_employee,
        "advice_to_agency": interview.advice_to_agency, "follow_up": interview.follow_up, "fee": interview.fee,
        "procurement_reference": interview.procurement_reference})
    if request.method == "POST":
        try:
            if request.POST.get("cancel"):
                experts.cancel_interview(interview, by=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Interview cancelled."))
                return redirect("case_detail", pk=case.pk)
            if form.is_valid():
                experts.record_interview(interview, by=request.user, **form.cleaned_data)
                messages.success(request, _("Interview recorded."))
                return redirect("case_interview", pk=interview.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
    return render(request, "cases/interview.html", {
        "interview": interview, "case": case,
        "form": form if case.is_open and interview.state != InterviewState.CANCELLED else None,
        "experts": interview.experts.all(), "planned": interview.state == InterviewState.PLANNED,
    })
