"""Forms of the access requests (core.access_requests)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import AccessCategory, LegalException
from eap_portal.forms import RocDateField


class AccessRequestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Whose records"), queryset=None, empty_label=None)
    categories = forms.MultipleChoiceField(label=_("Data categories"), choices=AccessCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    period_from = RocDateField(label=_("Records from"))
    period_until = RocDateField(label=_("Records until"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    purpose = forms.CharField(label=_("Purpose (the records are used only for it)"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_until")
        if start and end and start > end:
            self.add_error("period_until", _("The period must start before it ends."))
        return data


class MoveForm(forms.Form):
    move = forms.CharField(max_length=30)
    reason = forms.CharField(label=_("Reason for the decision"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    agreement = forms.BooleanField(label=_("I accept the confidentiality agreement above."), required=False)


class LegalExceptionForm(forms.Form):
    exception = forms.ChoiceField(label=_("Which exception"), choices=LegalException.choices,
                                  widget=forms.RadioSelect)
    note = forms.CharField(label=_("What was disclosed, to whom, and why"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
