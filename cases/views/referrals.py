"""The supervisor's side of a referral (附件三): refer a colleague of their unit; then follow the
coarse state and read the management advice addressed to them — nothing else of the case."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases import access, forms, referrals
from cases.models import Case
from cases.views.common import error_text, own_supervisor_profile
from core.access_log import AccessAction, Purpose, record_access


@require_http_methods(["GET", "POST"])
def referral_list(request):
    supervisor = own_supervisor_profile(request.user)
    form = forms.ReferralForm(request.POST or None, staff=referrals.referable_staff(supervisor))
    if request.method == "POST" and form.is_valid():
        try:
            referrals.refer_employee(supervisor, form.cleaned_data["employee"], by=request.user,
                                     observations=form.cleaned_data["observations"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Referral sent to the care team. You will see its progress here."))
            return redirect("referral_list")
    mine = list(access.referrals_visible_to(request.user, Case.objects.all()).select_related("subject"))
    if mine:
        record_access(request, AccessAction.LIST, mine, purpose=Purpose.by_role("supervisor", "referrals"))
    return render(request, "cases/referral_list.html", {"form": form, "referrals": mine})


@require_safe
def referral_detail(request, pk):
    own_supervisor_profile(request.user)
    case = get_object_or_404(access.referrals_visible_to(request.user, Case.objects.all()).select_related("subject"),
                             pk=pk)
    record_access(request, AccessAction.READ, case, person=case.subject,
                  purpose=Purpose.by_role("supervisor", f"referral:{case.pk}"))
    return render(request, "cases/referral_detail.html", {"case": case})
