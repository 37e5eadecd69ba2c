"""The safety-and-health team's view of the cases reported to it: the state and the timeline, not
the professionals' notes (DOMAIN §1, 壹拾.五)."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agencies.access import has_role
from agencies.roles import Role
from cases import access
from cases.models import Case
from core.access_log import AccessAction, Purpose, record_access


def _member(user):
    if not has_role(user, Role.SAFETY_HEALTH):
        raise PermissionDenied


@require_safe
def safety_list(request):
    _member(request.user)
    cases = list(access.cases_for_safety_health(request.user, Case.objects.all()).select_related("subject", "agency"))
    if cases:
        record_access(request, AccessAction.LIST, cases, purpose=Purpose.by_role(Role.SAFETY_HEALTH, "reported"))
    return render(request, "cases/safety_list.html", {"cases": cases})


@require_safe
def safety_case(request, pk):
    _member(request.user)
    case = get_object_or_404(access.cases_for_safety_health(request.user, Case.objects.all()).select_related(
        "subject", "agency", "team"), pk=pk)
    record_access(request, AccessAction.READ, case, person=case.subject,
                  purpose=Purpose.by_role(Role.SAFETY_HEALTH, f"case:{case.pk}"))
    return render(request, "cases/safety_case.html", {
        "case": case, "timeline": case.timeline.select_related("by__employee").order_by("-at", "-pk"),
    })
