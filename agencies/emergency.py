"""The employee keeps their own emergency contact (encrypted); staff read it only inside a
non-voluntary or crisis case about them (cases.emergency)."""
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agencies.access import own_employee
from agencies.models import EmergencyContact
from core.access_log import AccessAction, Purpose, record_access


class EmergencyContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    relation = forms.CharField(label=gettext_lazy("Relation"), max_length=30, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40)


@transaction.atomic
def keep_emergency_contact(employee, *, name, relation, phone):
    contact = EmergencyContact.objects.filter(employee=employee).first() or EmergencyContact(employee=employee)
    contact.name, contact.relation, contact.phone = name, relation, phone
    contact.save()
    return contact


@require_http_methods(["GET", "POST"])
def my_emergency_contact(request):
    employee = own_employee(request.user)
    if employee is None:
        raise Http404
    contact = EmergencyContact.objects.filter(employee=employee).first()
    if contact is not None:
        record_access(request, AccessAction.READ, contact, person=employee, purpose=Purpose.own_records())
    initial = {"name": contact.name, "relation": contact.relation, "phone": contact.phone} if contact else None
    form = EmergencyContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        keep_emergency_contact(employee, **form.cleaned_data)
        messages.success(request, _("Saved. Only a care case about you can show it to the care team."))
        return redirect("my_profile")
    return render(request, "agencies/emergency_contact.html", {"form": form, "contact": contact})
