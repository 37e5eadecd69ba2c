"""The care team's forms: recording an office tour, a person screened on it (BSRS-5), and the
mental-health risk-factor checklist. The instrument's wording stays as the instrument gives it."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eap_portal.forms import RocDateField
from surveys import bsrs5, tours
from surveys.models import OfficeTour, RiskLevel

RATING_CHOICES = [("", "—")] + [(value, f"{value} {label}") for value, label in bsrs5.RATINGS]


def _person_label(user):
    employee = getattr(user, "employee", None)
    return employee.full_name if employee else user.username


class UserChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return _person_label(user)


class TourForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Care team"), queryset=None, empty_label=None)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    unit = forms.CharField(label=_("Unit"), max_length=80)
    held_on = RocDateField(label=_("Date"))
    screened_by = UserChoices(label=_("Screened by"), queryset=None, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes (no names or results)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        self.fields["team"].queryset = teams
        self.fields["agency"].queryset = tours.agencies_of(self.teams).order_by("path")
        screeners = set()
        for team in self.teams:
            screeners |= set(tours.screeners_of(team).values_list("pk", flat=True))
        from django.contrib.auth import get_user_model

        self.fields["screened_by"].queryset = get_user_model().objects.filter(pk__in=screeners).select_related(
            "employee").order_by("employee__full_name", "username")
        if not self.is_bound:
            self.initial.setdefault("screened_by", [user.pk])
            self.initial.setdefault("held_on", timezone.localdate())
            if len(self.teams) == 1:
                self.initial.setdefault("team", self.teams[0].pk)
                self.initial.setdefault("agency", self.teams[0].agency_id)

    def clean(self):
        cleaned = super().clean()
        team, agency, screened_by = cleaned.get("team"), cleaned.get("agency"), cleaned.get("screened_by")
        if team and agency and not tours.team_agencies(team).filter(pk=agency.pk).exists():
            self.add_error("agency", _("The care team does not serve this agency."))
        if team and screened_by:
            members = set(tours.screeners_of(team).values_list("pk", flat=True))
            if any(user.pk not in members for user in screened_by):
                self.add_error("screened_by", _("Those who screened must be current members of the care team."))
        return cleaned


def _rating(label):
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int)


class TourScreeningForm(forms.Form):
    """One person screened on a tour: found by their exact employee number, rated on the five items
    and the ★ item (rated the same way, outside the total)."""

    employee_number = forms.CharField(label=_("Employee number"), max_length=30)

    def __init__(self, *args, tour, **kwargs):
        super().__init__(*args, **kwargs)
        self.tour = tour
        for index, (key, text) in enumerate(bsrs5.ITEMS, start=1):
            self.fields[key] = _rating(f"{index}. {text}")
        key, text = bsrs5.STAR_ITEM
        self.fields[key] = _rating(f"★ {text}")
        self.fields[key].help_text = _("Rated the same way, but not added to the total.")
        self.fields["note"] = forms.CharField(label=_("Note (optional; only those who may see the result read it)"),
                                              required=False, max_length=2000,
                                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_employee_number(self):
        from agencies.models import Agency

        employee = tours.find_employee(self.cleaned_data["employee_number"],
                                       Agency.objects.subtree_of(self.tour.agency), on=self.tour.held_on)
        if employee is None:
            raise ValidationError(_("No current employee of %(agency)s has this number.")
                                  % {"agency": self.tour.agency.name})
        self.employee = employee
        return employee.employee_number

    @property
    def ratings(self):
        return [self.cleaned_data[key] for key, _text in bsrs5.ITEMS]

    @property
    def star(self):
        return self.cleaned_data[bsrs5.STAR_ITEM[0]]


class TourChoice(forms.ModelChoiceField):
    def label_from_instance(self, tour):
        return f"{tour} · {tour.agency.name}"


class ChecklistForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Care team"), queryset=None, empty_label=None)
    employee_number = forms.CharField(label=_("Employee number"), max_length=30)
    taken_on = RocDateField(label=_("Date"))
    level = forms.ChoiceField(label=_("Result level"), choices=[("", "—")] + list(RiskLevel.choices))
    tour = TourChoice(label=_("Office tour (if it was done on one)"), queryset=None, required=False)
    scanned_form = forms.FileField(label=_("Scanned form (PDF, JPG or PNG, up to 10 MB; optional)"), required=False,
                                   widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["tour"].queryset = OfficeTour.objects.visible_to(user).filter(team__in=teams).select_related(
            "agency").order_by("-held_on", "-pk")
        if len(teams) == 1 and not self.is_bound:
            self.initial.setdefault("team", teams[0].pk)

    def clean_scanned_form(self):
        upload = self.cleaned_data.get("scanned_form")
        if upload:
            try:
                tours.check_scanned_form(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload

    def clean(self):
        from agencies.models import Agency

        cleaned = super().clean()
        team, tour, taken_on = cleaned.get("team"), cleaned.get("tour"), cleaned.get("taken_on")
        if team and tour and tour.team_id != team.pk:
            self.add_error("tour", _("Choose a tour of this care team."))
            return cleaned
        if team and taken_on and cleaned.get("employee_number"):
            scope = Agency.objects.subtree_of(tour.agency) if tour else tours.team_agencies(team)
            employee = tours.find_employee(cleaned["employee_number"], scope, on=taken_on)
            if employee is None:
                self.add_error("employee_number", _("No current employee of the agencies served has this number."))
            else:
                self.employee = employee
        return cleaned
