"""Counseling use and reconciliation for HR and reviewers: suppressed aggregates only (DOMAIN §8, §9).
Agency HR staff are refused (403): they see no counseling data, not even counts. The page and its
CSV/XLSX exports render the same lists of cells."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.decorators import role_required
from core.exports import export_rows, requested_format
from counseling import statistics
from counseling.statistics import (
    DIMENSIONS,
    RECONCILERS,
    USAGE_READERS,
    current_roc_year,
    month_label,
)


def _year(request):
    try:
        year = int(request.GET.get("year") or current_roc_year())
    except ValueError:
        year = current_roc_year()
    return min(max(year, 100), current_roc_year() + 1)


def _years():
    return range(current_roc_year(), current_roc_year() - 5, -1)


@require_safe
@role_required(*USAGE_READERS)
def usage(request):
    year = _year(request)
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "agency"
    report = statistics.usage(request.user, year, by)
    fmt = requested_format(request)
    if fmt:
        return export_rows(request, report.header, report.body, fmt=fmt, filename=_(
            "Counseling use %(year)s by %(dimension)s") % {"year": year, "dimension": DIMENSIONS[by]})
    return render(request, "counseling/usage.html", {
        "year": year, "years": _years(), "by": by, "dimensions": DIMENSIONS.items(), "report": report,
    })


@require_safe
@role_required(*RECONCILERS)
def reconciliation(request):
    year = _year(request)
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError:
        month = 0
    month = month if 1 <= month <= 12 else None
    result = statistics.reconciliation(request.user, year, month)
    fmt = requested_format(request)
    if fmt:
        if request.GET.get("part") == "agencies":
            if result.agencies is None:
                raise Http404
            report, name = result.agencies, _("Reconciliation by agency %(period)s")
        else:
            report, name = result.providers, _("Reconciliation %(period)s")
        period = month_label(year, month) if month else str(year)
        return export_rows(request, report.header, report.body, fmt=fmt, filename=name % {"period": period})
    return render(request, "counseling/reconciliation.html", {
        "year": year, "years": _years(), "month": month, "months": [(m, month_label(year, m)) for m in range(1, 13)],
        "result": result,
    })
