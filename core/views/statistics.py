from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.decorators import role_required
from core.exports import export_rows, requested_format
from core.statistics import STATISTICS_READERS, current_roc_year, duty_timeliness


@require_safe
@role_required(*STATISTICS_READERS)
def duty_statistics(request):
    try:
        year = int(request.GET.get("year") or current_roc_year())
    except ValueError:
        year = current_roc_year()
    year = min(max(year, 100), current_roc_year() + 1)
    table = duty_timeliness(request.user, year)
    rows = table.as_rows(row_label=_("Agency"))
    fmt = requested_format(request)
    if fmt:
        return export_rows(request, rows[0], rows[1:], filename=_("Duty timeliness %(year)s") % {"year": year},
                           fmt=fmt)
    return render(request, "core/duty_statistics.html", {
        "year": year, "years": range(current_roc_year(), current_roc_year() - 5, -1), "header": rows[0],
        "body": rows[1:], "marker": table.marker,
    })
