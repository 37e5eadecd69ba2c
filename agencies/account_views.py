"""Accounts without e-mail: the public activation page, and HR's printing of activation codes.

A printed sheet is the POST response itself: codes are never reachable by a URL afterwards, never
logged, and the response tells browsers and proxies not to keep it."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from agencies import access, activation
from agencies.account_forms import ActivationCodesForm, ActivationForm
from agencies.decorators import role_required
from agencies.models import Employee
from core.actors import client_address

THROTTLE_CODES = {"refused", "locked_out"}


@login_not_required
@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate_account(request):
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = activation.attempt_activation(data["employee_number"], data["code"], data["new_password1"],
                                                 address=client_address(request))
        except ValidationError as error:
            codes = {item.code for item in error.error_list}
            form.add_error(None if codes & THROTTLE_CODES else "new_password1", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set and you are logged in. Next time, log in with your "
                                        "employee number and this password."))
            return redirect("home")
    return render(request, "registration/activate.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*access.ACCOUNT_KEEPERS)
def activation_codes(request):
    # Choosing and counting is a GET; printing is the POST of the same choice.
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ActivationCodesForm(data, user=request.user)
    count = left_out = None
    if form.is_valid():
        chosen = activation.people_chosen(**form.cleaned_data)
        people = activation.codes_issuable_by(request.user, chosen)
        count = people.count()
        left_out = access.employees_with_accounts_kept_by(request.user, chosen).count() - count
        if request.method == "POST":
            if count == 0:
                form.add_error(None, _("Nobody to print for: change the choice."))
            elif count > activation.MAX_CODES_PER_PRINT:
                form.add_error(None, activation.too_many_message(count))
            else:
                return _print_sheet(request, people)
    return render(request, "agencies/activation_codes.html", {
        "form": form, "count": count, "left_out": left_out, "max_codes": activation.MAX_CODES_PER_PRINT,
    })


@never_cache
@require_POST
@role_required(*access.ACCOUNT_KEEPERS)
def print_person_code(request, pk):
    person = get_object_or_404(access.employees_with_accounts_kept_by(
        request.user, Employee.objects.select_related("agency", "user")), pk=pk)
    try:
        return _print_sheet(request, [person])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("person_detail", pk=pk)


def _print_sheet(request, people):
    now = timezone.now()
    issued = activation.issue_codes(people, by=request.user, now=now)
    return render(request, "agencies/activation_codes_sheet.html", {
        "issued": issued,
        "expires_at": activation.expiry(now),
        "activation_address": settings.EAP_SITE_URL.rstrip("/") + reverse("activate_account"),
    })


def account_context(user, person):
    """The person page's account section, for those who keep this person's account."""
    one = Employee.objects.filter(pk=person.pk)
    if not access.employees_with_accounts_kept_by(user, one).exists():
        return {}
    return {"account": activation.account_status(person),
            "can_print_code": activation.codes_issuable_by(user, one).exists()}
