"""Forms of the destruction register and the legal holds (core.legal_holds)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eap_portal.forms import RocDateField


class ProviderConfirmationForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    on = RocDateField(label=_("Destroyed on"), initial=timezone.localdate)
    count = forms.IntegerField(label=_("How many records"), min_value=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=150, required=False,
                           help_text=_("What was destroyed, never whose records."))

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers

    def clean(self):
        data = super().clean()
        if not data.get("count") and not data.get("note"):
            raise forms.ValidationError(_("Give how many records were destroyed, or a note."))
        return data


class LegalHoldForm(forms.Form):
    employee_number = forms.CharField(label=_("Everything about the person with employee number"), max_length=30,
                                      required=False)
    kind = forms.ChoiceField(label=_("Or one record of the kind"), required=False)
    record_id = forms.CharField(label=_("Record"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, people, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["kind"].choices = [("", "---------")] + kinds

    def clean(self):
        data = super().clean()
        number, kind, record_id = data.get("employee_number"), data.get("kind"), data.get("record_id")
        if number and (kind or record_id):
            raise forms.ValidationError(_("Hold either a person or one record, not both."))
        if number:
            # Only people the user may see: any other number reads as unknown, and tells nothing.
            data["person"] = self.people.filter(employee_number=number).first()
            if data["person"] is None:
                self.add_error("employee_number", _("No one you may place a hold on has this employee number."))
        elif not (kind and record_id):
            raise forms.ValidationError(_("Name a person, or a kind of record and its id."))
        return data
