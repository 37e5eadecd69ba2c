from django import forms
from django.utils.translation import gettext_lazy as _

from eap_portal.forms import RocDateField


class CompleteDutyForm(forms.Form):
    outcome = forms.CharField(label=_("What was done (only the care team reads it)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AssignDutyForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Assign to"), queryset=None, empty_label=None)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda member: str(member)


class AbsenceForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Absent member"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("Acting deputy"), queryset=None)
    starts_on = RocDateField(label=_("From"))
    ends_on = RocDateField(label=_("Until"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("member", "deputy"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda member: str(member)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("member") and cleaned.get("member") == cleaned.get("deputy"):
            self.add_error("deputy", _("The deputy must be someone else."))
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The absence cannot end before it starts."))
        return cleaned
