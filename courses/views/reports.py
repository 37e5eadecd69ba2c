"""Course reports for HR and reviewers: suppressed aggregates only (DOMAIN §5, §9). The page and its
CSV/XLSX exports render the same lists of cells; the files add ISO months for machines."""
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.decorators import role_required
from core.exports import export_rows, requested_format
from courses import statistics
from courses.access import REPORT_READERS


def _year(request):
    try:
        year = int(request.GET.get("year") or statistics.current_roc_year())
    except ValueError:
        year = statistics.current_roc_year()
    return min(max(year, 100), statistics.current_roc_year() + 1)


def _export(request, report, filename, fmt):
    header, *rows = report.export_rows()
    return export_rows(request, header, rows, filename=filename, fmt=fmt)


@require_safe
@role_required(*REPORT_READERS)
def activity(request):
    years = statistics.report_years(request.user)
    year = _year(request)
    by = request.GET.get("by") if request.GET.get("by") in statistics.GROUPINGS else statistics.FACET
    report = statistics.activity(request.user, year, by)
    fmt = requested_format(request)
    if fmt:
        return _export(request, report, _("Courses %(year)s by %(grouping)s") % {
            "year": year, "grouping": statistics.GROUPINGS[by]}, fmt)
    return render(request, "courses/report_activity.html", {
        "year": year, "years": sorted(set(years) | {year}, reverse=True), "by": by,
        "groupings": statistics.GROUPINGS.items(), "report": report, "query": urlencode({"year": year, "by": by}),
    })


@require_safe
@role_required(*REPORT_READERS)
def targets(request):
    plans = list(statistics.offered_plans(request.user))
    chosen = request.GET.get("plan")
    if chosen:
        plan = next((plan for plan in plans if str(plan.pk) == chosen), None)
        if plan is None:
            raise Http404
    else:
        plan = statistics.default_plan(plans)
    report = statistics.targets(request.user, plan) if plan else None
    fmt = requested_format(request)
    if fmt:
        if report is None:
            raise Http404
        return _export(request, report, _("Course targets %(plan)s") % {"plan": plan}, fmt)
    return render(request, "courses/report_targets.html", {
        "plans": plans, "plan": plan, "report": report, "query": urlencode({"plan": plan.pk}) if plan else "",
    })
