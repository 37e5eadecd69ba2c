"""The employee's surveys (DOMAIN §7): the surveys open to them, answering once, and the
suggestion mailbox (交流意見信箱).

A survey is reached through answering.respondent_surveys and answering.audience_includes — the
respondent's scope, as `visible_to` is HR's: a survey that is not open, or not for the signed-in
person, does not exist for them (404). Pages for people with a staff profile only."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from agencies.access import own_employee
from surveys import answering
from surveys.forms_surveys import AnswerForm, SuggestionForm, field_name
from surveys.models import Suggestion


def _employee_or_404(user):
    employee = own_employee(user)
    if employee is None:
        raise Http404
    return employee


@require_safe
def my_surveys(request):
    employee = _employee_or_404(request.user)
    return render(request, "surveys/survey_mine.html", {
        "open_surveys": answering.open_surveys_for(employee, timezone.localdate()),
    })


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, pk):
    employee = _employee_or_404(request.user)
    today = timezone.localdate()
    survey = get_object_or_404(answering.respondent_surveys(employee).select_related(
        "owner", "audience_plan__owner", "audience_agency"), pk=pk)
    if answering.has_answered(survey, request.user):
        return render(request, "surveys/survey_thanks.html", {"survey": survey})
    if not answering.is_open(survey, today) or not answering.audience_includes(survey, employee, today):
        raise Http404
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, survey=survey, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            answering.submit_response(survey, request.user, form.answers(),
                                      follow_up=form.cleaned_data.get("follow_up", False), day=today)
        except ValidationError as error:
            if getattr(error, "code", None) == "already_answered":
                messages.info(request, " ".join(error.messages))
                return redirect("my_surveys")
            form.add_service_errors(error)
        else:
            messages.success(request, _("Thank you: your answers have been received."))
            return redirect("my_surveys")
    return render(request, "surveys/survey_answer.html", {
        "survey": survey, "form": form,
        "fields": [(question, form[field_name(question)]) for question in questions],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request):
    employee = _employee_or_404(request.user)
    form = SuggestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        Suggestion.objects.create(agency=employee.agency,
                                  author=request.user if form.cleaned_data["named"] else None,
                                  text=form.cleaned_data["text"], submitted_on=timezone.localdate())
        messages.success(request, _("Thank you: your suggestion has been sent to your personnel office."))
        return redirect("my_surveys")
    return render(request, "surveys/survey_suggest.html", {"form": form, "agency": employee.agency})
