"""The access log, for the access approver's audits (DOMAIN §8): who read whose records, as what,
why, from where and when. Reading it is itself logged: it says who uses which service."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from agencies.decorators import role_required
from agencies.roles import Role
from core.access_log import AccessAction, Purpose, record_access
from core.exports import Column, export_queryset, requested_format
from core.filters import AccessLogFilter
from core.models import AccessLog

COLUMNS = [
    Column(gettext_lazy("When"), "at", kind="iso_date"),
    Column(gettext_lazy("Who"), lambda entry: entry.actor.username),
    Column(gettext_lazy("In the role of"), "purpose_role_display"),
    Column(gettext_lazy("Whose records (employee number)"),
           lambda entry: entry.person.employee_number if entry.person_id and entry.person else ""),
    Column(gettext_lazy("Record type"), "record_type_label"),
    Column(gettext_lazy("Records"), lambda entry: " ".join(entry.record_ids)),
    Column(gettext_lazy("Rows"), "rows", kind="number"),
    Column(gettext_lazy("Action"), lambda entry: entry.get_action_display()),
    Column(gettext_lazy("Purpose"), lambda entry: f"{entry.get_purpose_kind_display()} {entry.purpose_ref}".strip()),
    Column(gettext_lazy("From address"), "ip_address"),
    Column(gettext_lazy("Page"), "path"),
]


@require_safe
@role_required(Role.ACCESS_APPROVER)
def access_log(request):
    visible = AccessLog.objects.visible_to(request.user).select_related("actor__employee", "person", "record_type")
    entries = AccessLogFilter(request.GET, queryset=visible)
    fmt = requested_format(request)
    if fmt:
        return export_queryset(request, entries.qs, COLUMNS, filename=_("Access log"), fmt=fmt,
                               purpose=Purpose.audit(Role.ACCESS_APPROVER))
    page = Paginator(entries.qs, 50).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if shown:
        record_access(request, AccessAction.LIST, shown, purpose=Purpose.audit(Role.ACCESS_APPROVER))
    return render(request, "core/access_log.html", {"filter": entries, "page": page, "entries": shown,
                                                    "query": request.GET.urlencode()})
