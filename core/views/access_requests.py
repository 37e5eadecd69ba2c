"""Access requests (資料調閱): file one, consent or refuse (the person), decide (the access
approver), sign the confidentiality agreement and read the grant (the requester). Every page
fetches the request through AccessRequest.objects.visible_to: not yours reads as not there (404)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import access_requests
from core.access_log import AccessAction, Purpose, record_access
from core.access_request_forms import AccessRequestForm, LegalExceptionForm, MoveForm
from core.models import AccessCategory, AccessRequest, RequestState

MOVE_DONE = {
    "consent": gettext_lazy("You consented. The request now goes to review."),
    "refuse_consent": gettext_lazy("You refused. The request is closed."),
    "approve": gettext_lazy("The request is approved."),
    "refuse": gettext_lazy("The request is refused."),
    "accept_agreement": gettext_lazy("You accepted the confidentiality agreement. The records are open to you "
                                     "until the date shown."),
    "withdraw": gettext_lazy("The request is withdrawn."),
}


def _visible(request):
    return AccessRequest.objects.visible_to(request.user).select_related("person__agency", "person__user",
                                                                         "requester")


@require_safe
def request_list(request):
    visible = _visible(request)
    return render(request, "core/access_request_list.html", {
        "mine": visible.filter(requester=request.user),
        "about_me": visible.filter(person__user=request.user).exclude(requester=request.user),
        "to_decide": visible.filter(state=RequestState.UNDER_REVIEW).exclude(requester=request.user).exclude(
            person__user=request.user) if access_requests.is_approver(request.user) else None,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request):
    people = access_requests.people_for(request.user)
    form = AccessRequestForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        filed = access_requests.file_request(request.user, **form.cleaned_data)
        messages.success(request, _("Your request is filed.") if filed.is_own else
                         _("Your request is filed. The person concerned is asked for consent first."))
        return redirect("access_request_detail", pk=filed.pk)
    return render(request, "core/access_request_form.html", {"form": form, "has_people": people.exists()})


@require_safe
def request_detail(request, pk):
    access_request = get_object_or_404(_visible(request), pk=pk)
    moves = access_requests.allowed_moves(access_request, request.user)
    return render(request, "core/access_request_detail.html", {
        "access_request": access_request, "moves": moves,
        "grant_open": access_requests.open_grant(access_request, request.user),
    })


@require_POST
def request_move(request, pk):
    access_request = get_object_or_404(_visible(request), pk=pk)
    form = MoveForm(request.POST)
    name = form.data.get("move", "")
    if name not in access_requests.allowed_moves(access_request, request.user):
        messages.error(request, _("This request cannot be changed that way now."))
        return redirect("access_request_detail", pk=pk)
    form.is_valid()
    if name == "accept_agreement" and not form.cleaned_data.get("agreement"):
        messages.error(request, _("Tick the box to accept the confidentiality agreement."))
        return redirect("access_request_detail", pk=pk)
    try:
        access_requests.move(access_request, name, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except access_requests.MoveRefused as refusal:
        messages.error(request, refusal.messages[0])
    except PermissionDenied:
        messages.error(request, _("This request cannot be changed that way now."))
    else:
        messages.success(request, MOVE_DONE[name])
    return redirect("access_request_detail", pk=pk)


@require_safe
def request_records(request, pk):
    """The grant: read-only, its requester alone, until it expires; each view is logged per category."""
    access_request = get_object_or_404(_visible(request), pk=pk)
    if not access_requests.open_grant(access_request, request.user):
        raise Http404
    only = request.GET.get("category") or None
    if only is not None and only not in access_request.categories:
        raise Http404
    sections = access_requests.granted_sections(access_request, only=only)
    purpose = Purpose.grant(access_request)
    for section in sections:
        record_access(request, AccessAction.READ, list(section.ids), model=section.model, purpose=purpose,
                      person=access_request.person)
    return render(request, "core/access_request_records.html", {
        "access_request": access_request, "sections": sections, "only": only,
        "categories": [(value, AccessCategory(value).label) for value in access_request.categories],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def legal_exception(request, pk):
    """Record a use of a legal exception for the person a case is about: its workers alone."""
    from cases.models import Case

    case = get_object_or_404(Case.objects.visible_to(request.user).filter(subject__isnull=False), pk=pk)
    form = LegalExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access_requests.record_legal_exception(request, case, **form.cleaned_data)
        messages.success(request, _("The use of the exception is recorded."))
        return redirect("case_detail", pk=case.pk)
    return render(request, "core/access_request_legal_exception.html", {"form": form, "case": case})
