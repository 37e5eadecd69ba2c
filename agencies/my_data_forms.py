"""Forms of the person's own rights: asking for a correction, and the approver's answer."""
from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import CorrectionState, RecordCategory


class CorrectionForm(forms.Form):
    category = forms.ChoiceField(label=_("Which records"), choices=RecordCategory.choices)
    what_is_wrong = forms.CharField(label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    should_say = forms.CharField(label=_("What it should say"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    state = forms.ChoiceField(label=_("Answer"), widget=forms.RadioSelect, choices=[
        (CorrectionState.CORRECTED, _("Corrected")), (CorrectionState.REFUSED, _("Refused"))])
    answer = forms.CharField(label=_("What was done, or why it is refused"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("state") == CorrectionState.REFUSED and not (data.get("answer") or "").strip():
            self.add_error("answer", _("A refusal needs its reason."))
        return data
