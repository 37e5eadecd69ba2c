"""The employee's private self-check (心情溫度計): take it, see the result with the lines to call,
accept contact by the care team (or simply leave), ask to be contacted now, and the history.

Only the employee's own self-checks: every read goes through `visible_to` and then keeps the rows
of the signed-in person's own employee record, so the care team (who may read a self-check whose
answers were shared, on their own pages) is told these pages do not exist."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import own_employee
from agencies.care_teams import care_contacts_for
from core.access_log import AccessAction, Purpose, record_access
from surveys import bsrs5, selfcheck
from surveys.forms_selfcheck import ContactForm, SelfCheckForm


def _employee_or_404(user):
    employee = own_employee(user)
    if employee is None:
        raise Http404
    return employee


def _own_self_check(request, pk):
    employee = _employee_or_404(request.user)
    return get_object_or_404(selfcheck.own_self_checks(request.user, employee).select_related(
        "employee__agency", "duty"), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def take(request):
    employee = _employee_or_404(request.user)
    form = SelfCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        screening = selfcheck.take_self_check(employee, ratings=form.ratings(), star=form.star(), by=request.user)
        return redirect("self_check_result", pk=screening.pk)
    return render(request, "surveys/selfcheck_take.html", {
        "form": form, "period": bsrs5.PERIOD, "ratings": bsrs5.RATINGS,
    })


@require_safe
def result(request, pk):
    screening = _own_self_check(request, pk)
    employee = screening.employee
    record_access(request, AccessAction.READ, screening, person=employee, purpose=Purpose.own_records())
    score = selfcheck.score_of(screening)
    return render(request, "surveys/selfcheck_result.html", {
        "screening": screening, "score": score, "band": bsrs5.Band(score.band),
        "advice": score.advice, "star_advice": bsrs5.STAR_ADVICE if score.urgent else "",
        "lines": selfcheck.lines_to_call(employee), "windows": selfcheck.single_windows(employee),
        "care_contacts": care_contacts_for(employee), "has_team": selfcheck.serving_team(employee) is not None,
        "contact_form": ContactForm(), "offer_open": screening.contact_offered and screening.duty_id is None,
        "accepted": screening.duty_id is not None,
        "contacted_now": screening.duty_id is not None and screening.duty.urgent,
    })


def _contact(request, pk, action, done_message):
    screening = _own_self_check(request, pk)
    form = ContactForm(request.POST)
    share = form.is_valid() and form.cleaned_data["share_answers"]
    try:
        action(screening, share_answers=share, by=request.user)
    except selfcheck.NoCareTeam:
        messages.warning(request, _("No care team serves your agency yet, so no one could be asked to contact you. "
                                    "Please call one of the lines below: they are there for you."))
    except selfcheck.NotOffered:
        messages.error(request, _("This is not offered for this result."))
    else:
        messages.success(request, done_message)
    return redirect("self_check_result", pk=screening.pk)


@require_POST
def accept_contact(request, pk):
    return _contact(request, pk, selfcheck.accept_contact,
                    _("Thank you. A member of the care team will contact you within three working days. "
                      "They were told only the band of your result, unless you chose to share your answers."))


@require_POST
def contact_now(request, pk):
    return _contact(request, pk, selfcheck.contact_now,
                    _("Someone from the care team will call you as soon as possible. "
                      "Meanwhile, please call one of the lines below if you need to talk now."))


@require_safe
def history(request):
    employee = _employee_or_404(request.user)
    checks = list(selfcheck.own_self_checks(request.user, employee).order_by("-taken_on", "-pk"))
    if checks:
        record_access(request, AccessAction.LIST, checks, person=employee, purpose=Purpose.own_records())
    rows = [{"screening": check, "score": selfcheck.score_of(check)} for check in checks]
    for row in rows:
        row["band"] = bsrs5.Band(row["score"].band)
    chart = selfcheck.history_chart((row["screening"].taken_on, row["score"].total) for row in reversed(rows))
    return render(request, "surveys/selfcheck_history.html", {"rows": rows, "chart": chart,
                                                              "today": timezone.localdate()})
