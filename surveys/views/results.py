"""Survey results (suppressed) and the suggestion mailbox, for HR; results also for reviewers."""
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from agencies.access import has_role
from agencies.decorators import role_required
from agencies.roles import Role
from core.access_log import AccessAction, Purpose, record_access
from core.exports import Column, export_queryset, export_rows, requested_format
from core.suppression import get_threshold
from surveys import answering, results
from surveys.access import MAILBOX_READERS
from surveys.models import Suggestion

SUGGESTION_COLUMNS = [
    Column(gettext_lazy("Day"), "submitted_on", "date"),
    Column(gettext_lazy("Agency"), "agency__name"),
    Column(gettext_lazy("From"), lambda s: _author(s) or _("Anonymous")),
    Column(gettext_lazy("Suggestion"), "text"),
]


def _author(suggestion):
    if suggestion.author_id is None:
        return ""
    employee = getattr(suggestion.author, "employee", None)
    return employee.full_name if employee else suggestion.author.get_username()


@require_safe
@role_required(*results.RESULT_READERS)
def survey_list(request):
    surveys = results.surveys_for_results(request.user).select_related("owner").order_by("-opens_on", "title", "pk")
    page = Paginator(surveys, 20).get_page(request.GET.get("page"))
    counts = results.response_counts(page.object_list)
    rows = [{"survey": survey, "responses": counts[survey.pk]} for survey in page.object_list]
    return render(request, "surveys/results_list.html", {"page": page, "rows": rows, "marker": f"<{get_threshold()}"})


@require_safe
@role_required(*results.RESULT_READERS)
def survey_results(request, pk):
    survey = get_object_or_404(results.surveys_for_results(request.user).select_related("owner"), pk=pk)
    figures = results.compute(survey)
    view = results.results_view(figures, request.GET.get("by") or results.OVERALL,
                                with_texts=results.reads_texts(request.user, survey))
    fmt = requested_format(request)
    if fmt:
        lines = view.export_rows()
        return export_rows(request, lines[0], lines[1:], filename=_("Survey results %(title)s") % {
            "title": survey.title}, fmt=fmt)
    follow_ups = None
    if results.offers_follow_up(survey) and results.keeps(request.user, survey):
        follow_ups = results.low_satisfaction_responses(survey)
        purpose = Purpose.by_role(results.keeper_role(request.user, survey), f"survey:{survey.pk}")
        for response in follow_ups:
            record_access(request, AccessAction.READ, response,
                          person=getattr(response.respondent, "employee", None), purpose=purpose)
    return render(request, "surveys/results_detail.html", {
        "survey": survey, "view": view, "figures": figures, "breakdowns": figures.breakdowns,
        # Said of every open anonymous survey, not only once an answer waits: appearing with the first
        # held-back answer, the note would tell when someone answered.
        "answers_held_back": survey.anonymous and (answering.is_open(survey) or survey.pending_responses.exists()),
        "marker": figures.marker, "follow_ups": follow_ups,
        "chart_width": results.CHART_WIDTH,
    })


def _mailbox_role(user):
    return Role.CITY_HR if has_role(user, Role.CITY_HR) else Role.EAP_OFFICER


@require_safe
@role_required(*MAILBOX_READERS)
def suggestions(request):
    mailbox = (Suggestion.objects.visible_to(request.user).select_related("agency", "author__employee")
               .order_by("-submitted_on", "agency__path", "pk"))
    purpose = Purpose.by_role(_mailbox_role(request.user), "mailbox")
    fmt = requested_format(request)
    if fmt:
        return export_queryset(request, mailbox, SUGGESTION_COLUMNS, filename=_("Suggestions"), fmt=fmt,
                               purpose=purpose)
    page = Paginator(mailbox, 30).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    named = [suggestion for suggestion in shown if suggestion.author_id]
    if named:  # a named suggestion is personal data: its reads are logged like any other
        record_access(request, AccessAction.LIST, named, purpose=purpose)
    items = [{"suggestion": s, "author": _author(s)} for s in shown]
    return render(request, "surveys/suggestions.html", {"page": page, "items": items})
