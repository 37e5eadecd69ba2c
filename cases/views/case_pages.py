"""The case list, opening a case, and the case page."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies.models import Employee
from cases import access, forms, handover, opening, screenings, workflow
from cases.filters import CaseFilter, overdue_duties
from cases.models import (
    Case,
    CaseKind,
    CaseState,
    EscalationDecision,
    InterviewState,
    ServiceKind,
)
from cases.views.common import (
    assignable_users,
    error_text,
    require_case_worker,
    service_form,
    visible_case,
)
from cases.views.serious_context import serious_context
from core.access_log import AccessAction, Purpose, record_access

PAGE_SIZE = 30


@require_safe
def case_list(request):
    require_case_worker(request.user)
    scoped = Case.objects.visible_to(request.user)
    data = request.GET.copy()
    if not set(data) - {"page"}:  # the default list (and its pages): open cases
        data["status"] = "open"
    case_filter = CaseFilter(data, queryset=scoped, request=request)
    cases = (case_filter.qs.select_related("subject", "agency", "team")
             .annotate(has_overdue=Exists(overdue_duties())).order_by("-opened_at", "-pk"))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        record_access(request, AccessAction.LIST, list(page.object_list),
                      purpose=Purpose.by_role("case_worker", "case_list"))
    mine = set(access.assigned_case_ids(request.user))
    return render(request, "cases/case_list.html", {
        "filter": case_filter, "page": page, "mine": mine, "may_open": access.may_open_cases(request.user),
        "query": request.GET.urlencode(),
    })


def _new_case_form(request, data=None):
    from agencies.models import Agency

    people = access.people_served_by(request.user)
    categories = forms.categories_for(Agency.objects.filter(pk__in=people.values("agency")))
    return forms.NewCaseForm(data, people=people, categories=categories,
                             respondent_pool=Employee.objects.current())


@require_http_methods(["GET", "POST"])
def new_case(request):
    if not access.may_open_cases(request.user):
        raise PermissionDenied
    form = _new_case_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = opening.open_case(kind=data["kind"], origin=data["origin"], subject=data["person"], by=request.user,
                                     summary=data["summary"], categories=data["categories"],
                                     respondents=data["respondents"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Case %(ref)s opened. Its team's intake will assign a member.")
                             % {"ref": case.reference})
            return redirect("case_detail", pk=case.pk)
    return render(request, "cases/new_case.html", {"form": form})


def _forms_for(request, case):
    """The actions this user may take on this case now, as forms."""
    user = request.user
    manage = access.can_manage(user, case)
    result = {}
    states = [CaseState(s) for s in workflow.next_states(case)]
    if states:
        result["move_form"] = forms.MoveForm(states=states, auto_id="move_%s")
    if manage:
        result["assign_form"] = forms.AssignForm(users=assignable_users(case), auto_id="assign_%s")
        result["handover_team"] = handover.handover_team(case)
        if result["handover_team"] is not None:
            result["handover_form"] = forms.HandOverForm(auto_id="handover_%s")
    if not case.is_open:
        return result
    if not case.assessment:
        result["assessment_form"] = forms.AssessmentForm(auto_id="assessment_%s")
    if case.assessment or case.kind != CaseKind.GENERAL:  # a general case is assessed before its service
        result["service_form"] = service_form(case, initial={"kind": ServiceKind.BOOKING}, auto_id="service_%s")
    if case.is_referral:
        result["advice_form"] = forms.AdviceForm(initial={"advice": case.management_advice}, auto_id="advice_%s")
        if manage and case.escalation == EscalationDecision.PENDING:
            result["escalation_form"] = forms.EscalationForm(auto_id="escalation_%s")
    candidates = screenings.attachable(case, user)
    if candidates.exists():
        result["screening_form"] = forms.AttachScreeningForm(screenings=candidates, auto_id="screening_%s")
    result["follow_up_form"] = forms.FollowUpForm(auto_id="follow_up_%s")
    result["paper_form"] = forms.PaperFileForm(auto_id="paper_%s")
    result["interview_form"] = forms.InterviewPlanForm(prefix="interview")
    result["expert_formset"] = forms.ExpertFormSet(prefix="experts")
    return result


@require_safe
def case_detail(request, pk):
    case = visible_case(request, pk)
    follow_ups = list(case.follow_ups.select_related("by__employee", "duty"))
    if follow_ups:
        record_access(request, AccessAction.LIST, follow_ups, person=case.subject,
                      purpose=access.purpose_for(request.user, case))
    today = timezone.localdate()
    assignments = list(case.assignments.select_related("user__employee", "acting_for__employee"))
    return render(request, "cases/case_detail.html", {
        "case": case, "now": timezone.now(),
        "duties": opening.open_duties_of(case).select_related("assignee__employee").order_by("due_at"),
        "timeline": case.timeline.select_related("by__employee").order_by("-at", "-pk"),
        "follow_ups": follow_ups,
        "services": case.services.select_related("booking", "by__employee"),
        "paper_files": case.paper_files.all(),
        "screenings": [screenings.summary(s) for s in screenings.attached_to(case).order_by("-taken_on")],
        "interviews": case.interviews.prefetch_related("experts"),
        "current_assignments": [a for a in assignments if a.is_current(today)],
        "past_assignments": [a for a in assignments if not a.is_current(today)],
        "respondents": case.respondents.all(),
        "categories": case.problem_categories.all(),
        "can_manage": access.can_manage(request.user, case),
        "is_assigned": any(a.user_id == request.user.pk for a in assignments if a.is_current(today)),
        "planned": InterviewState.PLANNED,
        **_forms_for(request, case),
        **serious_context(request, case),
    })
