"""The person's "my data" pages (me/data/), and the access approver's answers to correction
requests (audit/corrections/). Accounts without a roster entry have no data here (404, like me/).

Reading these pages is logged like every read of one's own records (Purpose.own_records), the
access history included: the rows it lists say who reads a person's case or screenings, which is
as telling as the records themselves, and an account taken over should leave a trace the approver
can audit. Those own reads never appear in the person's history (it lists reads by others)."""
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import my_data as services
from agencies.access import own_employee
from agencies.decorators import role_required
from agencies.models import CorrectionRequest, CorrectionState
from agencies.my_data_forms import AnswerForm, CorrectionForm
from agencies.roles import Role
from core.access_log import AccessAction, Purpose, record_access
from core.models import AccessLog

HISTORY_PAGE = 50


def _employee_or_404(user):
    employee = own_employee(user)
    if employee is None:
        raise Http404
    return employee


def _log_own(request, employee, records, model):
    if records:
        record_access(request, AccessAction.LIST, records, person=employee, purpose=Purpose.own_records(),
                      model=model)


@require_safe
def my_data(request):
    from cases.models import Case
    from counseling.models import Booking
    from surveys.models import Screening

    employee = _employee_or_404(request.user)
    bookings = list(services.own_bookings(request.user))
    screenings = list(services.own_screenings(request.user))
    facts, cases = services.cases_about(request.user)
    corrections = list(services.own_corrections(request.user))
    for records, model in ((bookings, Booking), (screenings, Screening), (cases, Case),
                           (corrections, CorrectionRequest)):
        _log_own(request, employee, records, model)
    return render(request, "agencies/my_data.html", {
        "employee": employee, "bookings": bookings,
        "screenings": [{"screening": s, "result": services.result_label(s)} for s in screenings],
        "answers": services.own_survey_answers(request.user), "enrolments": services.own_enrolments(request.user),
        "cases": facts, "corrections": corrections,
        "consents": services.consents(request.user),
    })


@require_safe
def my_access_history(request):
    employee = _employee_or_404(request.user)
    page = Paginator(services.access_history(request.user), HISTORY_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    _log_own(request, employee, shown, AccessLog)
    return render(request, "agencies/my_data_access.html", {"page": page, "lines": services.access_lines(shown)})


@require_http_methods(["GET", "HEAD", "POST"])
def ask_correction(request):
    employee = _employee_or_404(request.user)
    form = CorrectionForm(request.POST if request.method == "POST" else None,
                          initial={"category": request.GET.get("category")})
    if request.method == "POST" and form.is_valid():
        services.ask_for_correction(employee, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your request has been sent. Its answer will appear on this page."))
        return redirect("my_data")
    return render(request, "agencies/my_data_correction_form.html", {"form": form})


def _withdraw(request, pk, service, done):
    _employee_or_404(request.user)
    screening = get_object_or_404(services.consents(request.user), pk=pk)
    try:
        service(screening, by=request.user)
    except services.NothingToWithdraw as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done)
    return redirect("my_data")


@require_POST
def withdraw_contact(request, pk):
    return _withdraw(request, pk, services.withdraw_contact,
                     _("Withdrawn. The care team will not contact you about this self-check."))


@require_POST
def withdraw_sharing(request, pk):
    return _withdraw(request, pk, services.withdraw_sharing,
                     _("Withdrawn. From now on the care team cannot read your answers."))


# --- The access approver ------------------------------------------------------------------------

def _approver_purpose(correction=None):
    return Purpose.by_role(Role.ACCESS_APPROVER, f"correction:{correction.pk}" if correction else "")


@require_safe
@role_required(Role.ACCESS_APPROVER)
def correction_list(request):
    visible = (CorrectionRequest.objects.answerable_by(request.user).select_related("employee__agency")
               .annotate(waiting=ExpressionWrapper(Q(state=CorrectionState.OPEN), output_field=BooleanField())))
    page = Paginator(visible.order_by("-waiting", "-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    per_person = defaultdict(list)
    for correction in shown:
        per_person[correction.employee].append(correction)
    for person, rows in per_person.items():
        record_access(request, AccessAction.LIST, rows, person=person, purpose=_approver_purpose())
    return render(request, "agencies/my_data_corrections.html", {"page": page, "corrections": shown})


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ACCESS_APPROVER)
def correction_detail(request, pk):
    correction = get_object_or_404(CorrectionRequest.objects.answerable_by(request.user)
                                   .select_related("employee__agency", "answered_by__employee"), pk=pk)
    record_access(request, AccessAction.READ, correction, person=correction.employee,
                  purpose=_approver_purpose(correction))
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and correction.is_open and form.is_valid():
        try:
            services.answer_correction(correction, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Answered. The person has been told to sign in and read it."))
            return redirect("correction_list")
    return render(request, "agencies/my_data_correction.html", {"correction": correction, "form": form})
