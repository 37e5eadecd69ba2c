"""The employee's booking form (DOMAIN §4): which service of which provider, preferences, the
applicant details the plan asks for (shown read-only, phone editable), the main problem and the
acknowledgement of the notice of rights and duties."""
from django import forms
from django.utils.translation import gettext_lazy as _

from counseling.models import CounselorGender
from plans.models import Mode


def offer_modes(offer):
    """The modes the offer's contract allows (in person when the contract names none)."""
    return [mode for mode in (offer.contract.modes or [Mode.IN_PERSON]) if mode in Mode.values]


class BookingForm(forms.Form):
    offer = forms.ChoiceField(label=_("Service and provider"), widget=forms.RadioSelect,
                              error_messages={"required": _("Choose a service and provider."),
                                              "invalid_choice": _("Choose one of the services offered to you.")})
    mode = forms.ChoiceField(label=_("Mode"), widget=forms.RadioSelect)
    preferred_gender = forms.ChoiceField(label=_("Counselor gender"), choices=CounselorGender.choices,
                                         required=False, widget=forms.RadioSelect)
    preferred_specialty = forms.CharField(label=_("Specialty wanted"), max_length=80, required=False,
                                          help_text=_("For example: family relations, stress, sleep."))
    phone = forms.CharField(label=_("Phone"), max_length=40,
                            help_text=_("The provider calls this number for the intake."))
    description = forms.CharField(
        label=_("Main problem"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences are enough (at most 1000 characters). It is stored encrypted and only the "
                    "provider reads it."))
    intake_times = forms.CharField(
        label=_("Convenient times for a phone intake"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: weekdays after 17:30, or Wednesday lunchtime."))
    wants_family = forms.BooleanField(
        label=_("I would like a family session"), required=False,
        help_text=_("Only where the plan offers family sessions; a family session costs more hours."))
    rights_acknowledged = forms.BooleanField(
        label=_("I have read the notice of my rights and duties above."),
        error_messages={"required": _("Please read and acknowledge your rights and duties first.")})

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.key: offer for offer in offers}
        self.fields["offer"].choices = [(offer.key, offer.key) for offer in offers]
        modes = []
        for offer in offers:
            modes += [mode for mode in offer_modes(offer) if mode not in modes]
        modes = modes or [Mode.IN_PERSON]
        self.fields["mode"].choices = [(mode, Mode(mode).label) for mode in Mode.values if mode in modes]
        self.fields["mode"].initial = self.fields["mode"].choices[0][0]
        # The family checkbox is shown only when some offer's pool has a family charge.
        self.offers_family = any(offer.pool is not None and offer.pool.family_charge_hours for offer in offers)
        if len(offers) == 1:
            self.fields["offer"].initial = offers[0].key

    def clean(self):
        cleaned = super().clean()
        offer = self.offers.get(cleaned.get("offer"))
        cleaned["chosen_offer"] = offer
        if offer is None:
            return cleaned
        if cleaned.get("mode") and cleaned["mode"] not in offer_modes(offer):
            self.add_error("mode", _("This provider does not offer this mode for the service you chose."))
        if cleaned.get("wants_family") and not (offer.pool is not None and offer.pool.family_charge_hours):
            self.add_error("wants_family", _("This service does not offer family sessions."))
        return cleaned
