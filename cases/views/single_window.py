"""The single window: the EAP officer's contact log, and settling each contact in one step."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Employee
from agencies.roles import Role
from cases import access, forms, single_window
from cases.models import Contact, ContactOutcome
from cases.views.common import error_text, form_errors
from core.access_log import AccessAction, Purpose, record_access
from eap_portal.rocdates import roc_year


def _window_only(user):
    if not access.is_single_window(user):
        raise PermissionDenied


def _contact_form(request, data=None):
    agencies = single_window.agencies_for_window(request.user).order_by("path")
    categories = forms.categories_for(agencies)
    return forms.ContactForm(data, agencies=agencies, people=Employee.objects.visible_to(request.user).current(),
                             categories=categories)


def _purpose(contact=None):
    return Purpose.by_role(Role.EAP_OFFICER, f"agency:{contact.agency_id}" if contact else "single_window")


@require_http_methods(["GET", "POST"])
def contact_list(request):
    _window_only(request.user)
    form = _contact_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = single_window.log_contact(agency=data["agency"], by=request.user,
                                                received_on=data["received_on"], channel=data["channel"],
                                                summary=data["summary"], person=data["person"],
                                                categories=data["categories"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Contact logged."))
            return redirect("window_contact", pk=contact.pk)
    outcome = request.GET.get("outcome", ContactOutcome.OPEN)
    contacts = Contact.objects.visible_to(request.user).select_related("person", "agency")
    if outcome in ContactOutcome.values:
        contacts = contacts.filter(outcome=outcome)
    page = Paginator(contacts, 30).get_page(request.GET.get("page"))
    about_people = [c for c in page.object_list if c.person_id]
    if about_people:
        record_access(request, AccessAction.LIST, about_people, purpose=_purpose())
    return render(request, "cases/contact_list.html", {
        "form": form, "page": page, "outcome": outcome, "outcomes": ContactOutcome.choices,
    })


def _visible_contact(request, pk):
    _window_only(request.user)
    return get_object_or_404(Contact.objects.visible_to(request.user).select_related("person__agency", "agency",
                                                                                      "case", "logged_by__employee"),
                             pk=pk)


def _offers(contact):
    if contact.person is None:
        return []
    from counseling.services import offers_for

    return offers_for(contact.person, roc_year(timezone.localdate()))


@require_safe
def contact_detail(request, pk):
    contact = _visible_contact(request, pk)
    record_access(request, AccessAction.READ, contact, person=contact.person, purpose=_purpose(contact))
    offers = _offers(contact) if contact.is_open else []
    return render(request, "cases/contact_detail.html", {
        "contact": contact, "categories": contact.problem_categories.all(),
        "offer_form": forms.OfferForm(offers=offers) if offers else None,
        "information_form": forms.InformationForm() if contact.is_open else None,
    })


@require_POST
def to_case(request, pk):
    contact = _visible_contact(request, pk)
    try:
        case = single_window.contact_to_case(contact, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("window_contact", pk=contact.pk)
    messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
    return redirect("case_detail", pk=case.pk)


@require_POST
def to_booking(request, pk):
    contact = _visible_contact(request, pk)
    form = forms.OfferForm(request.POST, offers=_offers(contact))
    if not form.is_valid():
        messages.error(request, form_errors(form) or _("Choose a counseling service."))
        return redirect("window_contact", pk=contact.pk)
    try:
        single_window.contact_to_booking(contact, form.cleaned_data["offer"], by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Counseling requested: the provider will call the person for the intake."))
    return redirect("window_contact", pk=contact.pk)


@require_POST
def information(request, pk):
    contact = _visible_contact(request, pk)
    form = forms.InformationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("window_contact", pk=contact.pk)
    try:
        single_window.close_as_information(contact, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Closed as information given."))
    return redirect("window_contacts")
