"""The provider's forms: entering an off-portal request, the intake call, scheduling and recording
sessions, coding the problem categories and uploading a group's analysis report."""
import datetime
import os
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.models import Channel, CounselorGender, SessionState
from eap_portal.forms import RocDateField
from plans.models import Counselor, Mode, ProblemCategory

# What a provider may enter for the employee: everything but the portal itself.
OFF_PORTAL_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.PORTAL]
REPORT_EXTENSIONS = (".pdf", ".docx", ".xlsx")
REPORT_MAX_BYTES = 10 * 1024 * 1024


def active_counselors(provider):
    return Counselor.objects.filter(provider=provider, active=True).order_by("name")


class CounselorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, counselor):
        return f"{counselor.name} ({counselor.get_gender_display()})" if counselor.gender else counselor.name


class FindEmployeeForm(forms.Form):
    """Step one of an off-portal request: the employee's number, nothing else."""

    employee_number = forms.CharField(label=_("Employee number"), max_length=30)

    def clean_employee_number(self):
        from agencies.models import Employee

        number = self.cleaned_data["employee_number"].strip()
        # Provider staff see no roster: one exact number, one current employee, or nothing.
        found = list(Employee.objects.filter(employee_number=number).select_related("agency")[:2])
        if len(found) != 1 or not found[0].is_current():
            raise forms.ValidationError(_("No current employee has this number."))
        self.employee = found[0]
        return number


class OffPortalBookingForm(FindEmployeeForm):
    """Step two: the employee found, what they asked for and how it reached the provider."""

    offer = forms.ChoiceField(label=_("Service"))
    channel = forms.ChoiceField(label=_("Received by"), choices=OFF_PORTAL_CHANNELS)
    description = forms.CharField(label=_("Main problem, as the employee told it"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    intake_times = forms.CharField(label=_("Convenient times for the intake call"), max_length=500, required=False)
    phone = forms.CharField(label=_("Phone to call back (if not the one on the roster)"), max_length=40,
                            required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.IN_PERSON)
    preferred_gender = forms.ChoiceField(label=_("Counselor gender"), choices=CounselorGender.choices,
                                         required=False)
    wants_family = forms.BooleanField(label=_("Asks for a family session"), required=False)
    rights_explained = forms.BooleanField(label=_("I explained the employee's rights and duties"), required=False)

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.key: offer for offer in offers}
        self.fields["offer"].choices = [
            (offer.key, f"{_service_label(offer.service)} · {offer.contract.plan}")
            for offer in offers]
        self.fields["employee_number"].widget = forms.HiddenInput()

    def clean_offer(self):
        return self.offers[self.cleaned_data["offer"]]


def _service_label(service):
    from plans.models import Service

    return Service(service).label


class IntakeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome of the intake call"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    counselor = CounselorChoiceField(label=_("Counselor"), queryset=Counselor.objects.none(), required=False,
                                     empty_label=_("Not yet assigned"))

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = active_counselors(provider)


class ScheduleForm(forms.Form):
    """Field names are part of the contract: the concurrency test posts them."""

    starts_at_date = RocDateField(label=_("Date"))
    starts_at_time = forms.TimeField(label=_("Time"), input_formats=["%H:%M", "%H:%M:%S"],
                                     widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    hours = forms.DecimalField(label=_("Length (hours)"), max_digits=3, decimal_places=1, min_value=Decimal("0.5"),
                               max_value=Decimal(8), required=False, initial=Decimal(1))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    counselor = CounselorChoiceField(label=_("Counselor"), queryset=Counselor.objects.none(), required=False,
                                     empty_label=_("The booking's counselor"))
    is_family = forms.BooleanField(label=_("Family session"), required=False)
    relatives = forms.IntegerField(label=_("Relatives joining"), min_value=0, max_value=2, required=False, initial=0)
    is_closing = forms.BooleanField(label=_("Closing session"), required=False)

    def __init__(self, *args, booking, **kwargs):
        kwargs.setdefault("initial", {"mode": booking.mode, "hours": Decimal(1), "relatives": 0})
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = active_counselors(booking.provider)
        if booking.is_group or booking.pool is None or not booking.pool.family_charge_hours:
            del self.fields["is_family"]
            del self.fields["relatives"]

    def clean_hours(self):
        return self.cleaned_data["hours"] or Decimal(1)

    def clean_relatives(self):
        return self.cleaned_data["relatives"] or 0

    def starts_at(self):
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["starts_at_date"], data["starts_at_time"]))


class RecordSessionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("The session was"), widget=forms.RadioSelect, choices=[
        (SessionState.HELD, _("Held")), (SessionState.NO_SHOW, _("A no-show"))])
    note = forms.CharField(label=_("Session note"), max_length=8000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(label=_("Informed consent given at this session"), required=False)


class CodeForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(label=_("Problem categories"), queryset=ProblemCategory.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    consent = forms.BooleanField(label=_("Informed consent given"), required=False)

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, **kwargs)
        plan = booking.contract.plan
        plans = [plan.pk] + ([plan.follows_id] if plan.follows_id else [])
        self.fields["categories"].queryset = ProblemCategory.objects.filter(plan_id__in=plans).order_by(
            "plan_id", "order", "pk")
        if booking.consent_at is not None:
            del self.fields["consent"]


class ReportForm(forms.Form):
    report = forms.FileField(label=_("Analysis report (PDF, DOCX or XLSX, up to 10 MB)"),
                             widget=forms.FileInput(attrs={"accept": ",".join(REPORT_EXTENSIONS)}))

    def clean_report(self):
        report = self.cleaned_data["report"]
        extension = os.path.splitext(report.name)[1].lower()
        if extension not in REPORT_EXTENSIONS:
            raise forms.ValidationError(_("Upload a PDF, DOCX or XLSX file."))
        if report.size > REPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        report.extension = extension
        return report
