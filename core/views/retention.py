"""HR's pages for the destruction register and the legal holds (DOMAIN §8)."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.access import has_role
from agencies.decorators import role_required
from core import legal_holds
from core.retention import record_types
from core.retention_forms import LegalHoldForm, ProviderConfirmationForm
from plans.models import Provider


def _kind_labels():
    labels = {record_type.kind: str(record_type.label) for record_type in record_types()}
    labels.update({"paper_file": _("Paper files"), "provider_records": _("Records kept by a provider")})
    return labels


def _errors(error):
    return " ".join(getattr(error, "messages", [str(error)]))


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*legal_holds.REGISTER_READERS)
def destruction_register(request):
    confirms = has_role(request.user, *legal_holds.CONFIRMERS)
    form = None
    if confirms:
        providers = Provider.objects.visible_to(request.user)
        form = ProviderConfirmationForm(request.POST or None, providers=providers, auto_id="confirmation_%s")
    if request.method == "POST":
        if not confirms:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                legal_holds.record_provider_confirmation(provider=data["provider"], on=data["on"],
                                                         count=data["count"], note=data["note"], by=request.user)
            except ValidationError as error:
                form.add_error("on", _errors(error))
            else:
                messages.success(request, _("The provider's destruction confirmation was recorded."))
                return redirect("destruction_register")
    page = Paginator(legal_holds.register_entries(), 50).get_page(request.GET.get("page"))
    labels = _kind_labels()
    for entry in page.object_list:
        entry.kind_label = labels.get(entry.kind, entry.kind)
    return render(request, "core/destruction_register.html", {
        "page": page, "form": form, "places_holds": has_role(request.user, *legal_holds.HOLD_PLACERS),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*legal_holds.HOLD_PLACERS)
def legal_holds_page(request):
    holds = list(legal_holds.holds_visible_to(request.user).select_related("person", "placed_by"))
    kinds = {record_type.kind: str(record_type.label) for record_type in record_types()}
    for hold in holds:
        hold.kind_label = kinds.get(hold.kind, hold.kind)
    form = LegalHoldForm(request.POST or None, people=legal_holds.holdable_people(request.user),
                         kinds=sorted(kinds.items(), key=lambda item: item[1]), auto_id="hold_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            legal_holds.place_hold(by=request.user, reason=data["reason"], person=data.get("person"),
                                   kind="" if data.get("person") else data["kind"],
                                   record_id="" if data.get("person") else data["record_id"])
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("Legal hold placed."))
            return redirect("legal_holds")
    return render(request, "core/legal_holds.html", {
        "form": form, "kinds": kinds,
        "active": [hold for hold in holds if hold.released_at is None],
        "released": [hold for hold in holds if hold.released_at is not None],
    })


@require_POST
@role_required(*legal_holds.HOLD_PLACERS)
def release_legal_hold(request, pk):
    hold = get_object_or_404(legal_holds.holds_visible_to(request.user), pk=pk)
    try:
        legal_holds.release_hold(hold)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Legal hold released."))
    return redirect("legal_holds")
