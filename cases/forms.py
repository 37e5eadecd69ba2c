"""The case pages' forms. They validate and present; the services in cases/ act."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    CaseKind,
    ContactChannel,
    ContactType,
    CrisisLevel,
    EscalationDecision,
    InterviewMode,
    Origin,
    Relation,
    ServiceKind,
)
from eap_portal.forms import RocDateField
from plans.models import ProblemCategory

TEXT = {"rows": 3}
LONG_TEXT = 4000


def text_field(label, required=True, rows=3):
    return forms.CharField(label=label, max_length=LONG_TEXT, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


def categories_for(agencies, year=None):
    """The problem categories of this year's plans covering any of these agencies."""
    from eap_portal.rocdates import roc_year

    year = year or roc_year(timezone.localdate())
    owners = {pk for agency in agencies for pk in agency.ancestor_ids()}
    return ProblemCategory.objects.filter(plan__year=year, plan__owner_id__in=owners).select_related(
        "plan__owner").order_by("plan__owner__depth", "plan__owner__path", "order")


class CategoryChoices(forms.ModelMultipleChoiceField):
    """Categories as check boxes; named with their plan when several plans offer them."""

    def __init__(self, **kwargs):
        super().__init__(queryset=ProblemCategory.objects.none(), required=False,
                         widget=forms.CheckboxSelectMultiple, **kwargs)

    def label_from_instance(self, category):
        several = getattr(self, "_several", None)
        if several is None:
            several = self._several = self.queryset.values("plan").distinct().count() > 1
        return f"{category.name}（{category.plan.owner.name}）" if several else category.name


class EmployeeNumberField(forms.CharField):
    """One exact employee number among the people the user may open a case for; never a search."""

    def __init__(self, *args, people=None, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.people = people

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = list(self.people.filter(employee_number=value.strip()).select_related("agency")[:2])
        if len(found) != 1 or not found[0].is_current():
            raise forms.ValidationError(_("No current employee with this number is served by your team or office."))
        return found[0]


# Which origins a case opened on this page may have, by kind (crises are reported as incidents).
ORIGINS_BY_KIND = {
    "general": [Origin.SELF_APPLIED, Origin.CARE_TEAM, Origin.SCREENING, Origin.MISCONDUCT],
    "non_voluntary": [Origin.CARE_TEAM, Origin.SUPERVISOR_REPORT],
    "high_concern": [Origin.CARE_TEAM, Origin.SCREENING],
}


class NewCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Case kind"), choices=[
        (k, label) for k, label in CaseKind.choices if k in ORIGINS_BY_KIND], initial="general", required=False)
    origin = forms.ChoiceField(label=_("Origin"), choices=[
        (o.value, o.label) for o in dict.fromkeys(o for origins in ORIGINS_BY_KIND.values() for o in origins)])
    person = EmployeeNumberField(label=_("Employee number of the person concerned"))
    respondents = forms.CharField(
        label=_("Respondents' employee numbers (misconduct complaints)"), required=False, max_length=300,
        help_text=_("Separated by spaces or commas. They and everyone above them never see the case."))
    summary = text_field(_("Why the case is opened"))
    categories = CategoryChoices(label=_("Problem categories"))

    def __init__(self, *args, people, categories, respondent_pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].people = people
        self.fields["categories"].queryset = categories
        self.respondent_pool = respondent_pool

    def clean_respondents(self):
        numbers = [n for n in self.cleaned_data["respondents"].replace(",", " ").replace("，", " ").split() if n]
        found = list(self.respondent_pool.filter(employee_number__in=numbers))
        if len(found) != len(set(numbers)):
            raise forms.ValidationError(_("Some of these numbers are not on the roster."))
        return found

    def clean(self):
        cleaned = super().clean()
        cleaned["kind"] = kind = cleaned.get("kind") or CaseKind.GENERAL
        origin = cleaned.get("origin")
        if kind and origin and origin not in ORIGINS_BY_KIND[kind]:
            self.add_error("origin", _("This origin does not fit this kind of case."))
        if cleaned.get("origin") == Origin.MISCONDUCT and not cleaned.get("respondents"):
            self.add_error("respondents", _("Name the respondents, so they are recused."))
        if cleaned.get("origin") != Origin.MISCONDUCT and cleaned.get("respondents"):
            self.add_error("respondents", _("Respondents belong to misconduct complaints only."))
        return cleaned


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"))
    reason = text_field(_("Reason"), rows=2)

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(state.value, state.label) for state in states]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        employee = getattr(user, "employee", None)
        return employee.full_name if employee else (user.get_full_name() or user.username)


class AssignForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("As"), choices=[("member", _("Care-team member")),
                                                     ("professional", _("Professional"))])

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class HandOverForm(forms.Form):
    reason = forms.CharField(label=_("Note for the timeline"), max_length=300, required=False,
                             help_text=_("For example, what the two EAP officers agreed. No case details."))


class AssessmentForm(forms.Form):
    assessment = text_field(_("Assessment: the problem, the need, the type of help judged"), rows=4)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    offer = forms.ChoiceField(label=_("Counseling service (for a booking)"), required=False)
    resource = forms.CharField(label=_("Resource (for anything else)"), max_length=200, required=False)
    details = text_field(_("What was arranged"), required=False, rows=2)

    affected = forms.ModelChoiceField(label=_("For"), queryset=None, required=False)

    def __init__(self, *args, offers, affected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.key: offer for offer in offers}
        self.fields["offer"].choices = [("", "—")] + [
            (offer.key, f"{offer.contract.provider.name} · {offer.contract.plan}") for offer in offers]
        if affected is None:  # the case's own person
            del self.fields["affected"]
        else:  # a crisis: the affected employee it is for
            self.fields["affected"].queryset = affected
            self.fields["affected"].label_from_instance = lambda person: person.display_name

    def clean(self):
        cleaned = super().clean()
        if "affected" in self.fields and cleaned.get("kind") == ServiceKind.BOOKING and not cleaned.get("affected"):
            self.add_error("affected", _("Choose the affected employee the booking is for."))
        if cleaned.get("kind") == ServiceKind.BOOKING:
            offer = self.offers.get(cleaned.get("offer") or "")
            if offer is None:
                self.add_error("offer", _("Choose the counseling service to book."))
            cleaned["offer"] = offer
        else:
            cleaned["offer"] = None
            if not (cleaned.get("resource") or "").strip():
                self.add_error("resource", _("Name the resource."))
        return cleaned


class AdviceForm(forms.Form):
    advice = text_field(_("Management advice to the supervisor (the supervisor reads it)"), rows=4)


class EscalationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Escalate to the safety-and-health team or the care team?"),
                                 choices=[c for c in EscalationDecision.choices if c[0]])
    reason = text_field(_("Reason"), rows=2)


class FollowUpForm(forms.Form):
    on = RocDateField(label=_("Date"), initial=timezone.localdate)
    contact_type = forms.ChoiceField(label=_("Contact"), choices=ContactType.choices)
    what_happened = text_field(_("What happened"))
    person_state = text_field(_("The person's state"), required=False, rows=2)
    next_on = RocDateField(label=_("Next follow-up"), required=False,
                           help_text=_("A day off moves to the next working day."))


class PaperFileForm(forms.Form):
    description = forms.CharField(label=_("What"), max_length=200)
    location = forms.CharField(label=_("Where it is kept"), max_length=200)


class PaperFileDestroyedForm(forms.Form):
    on = RocDateField(label=_("Destroyed on"), initial=timezone.localdate)


class InterviewPlanForm(forms.Form):
    day = RocDateField(label=_("Date"))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=InterviewMode.choices)
    purpose = text_field(_("Purpose"), required=False, rows=2)

    def starts_at(self):
        import datetime

        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"]))


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Expert's name"), max_length=60, required=False)
    profession = forms.CharField(label=_("Profession"), max_length=60, required=False)
    licence_number = forms.CharField(label=_("Licence number"), max_length=60, required=False)
    practice_registration = forms.CharField(label=_("Practice registration"), max_length=120, required=False)


ExpertFormSet = forms.formset_factory(ExpertForm, extra=3, max_num=6)


class InterviewRecordForm(forms.Form):
    record = text_field(_("Interview record"), rows=5)
    advice_to_employee = text_field(_("Advice to the employee"), required=False)
    advice_to_agency = text_field(_("Advice to the agency"), required=False)
    follow_up = text_field(_("Follow-up"), required=False, rows=2)
    fee = forms.DecimalField(label=_("Fee (NT$)"), required=False, min_value=0, max_digits=9, decimal_places=0)
    procurement_reference = forms.CharField(label=_("Procurement reference"), max_length=80, required=False)


class ContactForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=None)
    received_on = RocDateField(label=_("Date"), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    person = EmployeeNumberField(label=_("Employee number (if the person gave it)"), required=False)
    summary = text_field(_("Short summary (encrypted)"))
    categories = CategoryChoices(label=_("Problem categories"))

    def __init__(self, *args, agencies, people, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["person"].people = people
        self.fields["categories"].queryset = categories


class OfferForm(forms.Form):
    offer = forms.ChoiceField(label=_("Counseling service"))

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.key: offer for offer in offers}
        self.fields["offer"].choices = [
            (offer.key, f"{offer.contract.provider.name} · {offer.contract.plan}") for offer in offers]

    def clean_offer(self):
        return self.offers[self.cleaned_data["offer"]]


class InformationForm(forms.Form):
    note = text_field(_("Information given"), rows=2)


class ReferralForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Colleague"), queryset=None)
    observations = text_field(_("What you observed or were told (only the care team reads it)"), rows=5)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff
        self.fields["employee"].label_from_instance = lambda e: f"{e.full_name}（{e.unit or e.agency.name}）"


class AttachScreeningForm(forms.Form):
    screening = forms.ModelChoiceField(label=_("Screening"), queryset=None, empty_label=None)

    def __init__(self, *args, screenings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screening"].queryset = screenings
        self.fields["screening"].label_from_instance = self.label

    @staticmethod
    def label(screening):
        from eap_portal.rocdates import format_roc_date

        return f"{format_roc_date(screening.taken_on)} · {screening.get_setting_display()}"


# --- Non-voluntary, crisis and high-concern cases (issue 8) -------------------------------------

def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class DateTimeField(forms.SplitDateTimeField):
    """A ROC date and a time, as two inputs a phone can fill."""

    def __init__(self, **kwargs):
        from eap_portal.forms import RocDateInput

        super().__init__(widget=forms.SplitDateTimeWidget(
            date_format=None, time_attrs={"type": "time"}), **kwargs)
        self.fields = (RocDateField(), forms.TimeField())
        self.widget.widgets = (RocDateInput(attrs={"aria-label": _("Date")}),
                               forms.TimeInput(attrs={"type": "time", "aria-label": _("Time"), "class": "ms-sm-2"}))


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"))
    at = DateTimeField(label=_("When"), initial=_now)
    affected = forms.ModelChoiceField(label=_("About"), queryset=None, required=False)
    note = text_field(_("Note"), required=False, rows=2)

    def __init__(self, *args, kinds, affected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in kinds]
        if affected is None:
            del self.fields["affected"]
        else:
            self.fields["affected"].queryset = affected
            self.fields["affected"].label_from_instance = lambda person: person.display_name


class AffectedForm(forms.Form):
    person = EmployeeNumberField(label=_("Employee number (for an employee)"), required=False)
    name = forms.CharField(label=_("Name (for anyone not on the roster)"), max_length=60, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    deceased = forms.BooleanField(label=_("Deceased"), required=False)
    note = text_field(_("Note"), required=False, rows=2)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].people = people

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not (cleaned.get("name") or "").strip():
            raise forms.ValidationError(_("Give the employee number or the person's name."))
        return cleaned


class CrisisLevelForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Crisis level"), choices=CrisisLevel.choices, coerce=int)
    reason = text_field(_("Why"), rows=2)


class ReasonForm(forms.Form):
    reason = text_field(_("Reason"), rows=2)


class SuicidalActForm(forms.Form):
    known_at = DateTimeField(label=_("Became known at"), initial=_now)
    note = text_field(_("Note"), required=False, rows=2)


class FileReportForm(forms.Form):
    reported_at = DateTimeField(label=_("Reported at"), initial=_now)
    reference_number = forms.CharField(label=_("Reference number"), max_length=60)


class IncidentForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=None)
    summary = text_field(_("What happened (fact and time)"), rows=3)
    people = forms.CharField(label=_("Affected employees' numbers"), max_length=300, required=False,
                             help_text=_("Separated by spaces or commas; others can be added on the case."))

    def __init__(self, *args, agencies, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.people = people

    def clean_people(self):
        numbers = [n for n in self.cleaned_data["people"].replace(",", " ").replace("，", " ").split() if n]
        found = list(self.people.filter(employee_number__in=numbers))
        if len(found) != len(set(numbers)):
            raise forms.ValidationError(_("Some of these numbers are not on the roster you serve."))
        return found


class AskSupervisorForm(forms.Form):
    request = text_field(_("What the supervisor is asked to do"), rows=2)
    due_on = RocDateField(label=_("By"), help_text=_("A day off moves to the next working day."))
