"""The self-check form: the five BSRS-5 items, then the ★ item, each a radio group of the
instrument's own 0–4 labels (in Chinese, untranslated, as the instrument is validated)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from surveys import bsrs5

ITEM_FIELDS = [f"item_{key}" for key, _text in bsrs5.ITEMS]
STAR_FIELD = "item_star"


def _rating_field(label):
    return forms.TypedChoiceField(
        label=label, choices=[(value, f"{value} {text}") for value, text in bsrs5.RATINGS], coerce=int,
        widget=forms.RadioSelect, error_messages={"required": _("Please choose one answer.")})


class SelfCheckForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, ((_key, text), name) in enumerate(zip(bsrs5.ITEMS, ITEM_FIELDS), start=1):
            self.fields[name] = _rating_field(f"{number}. {text}")
        self.fields[STAR_FIELD] = _rating_field(f"★ {bsrs5.STAR_ITEM[1]}")
        self.fields[STAR_FIELD].help_text = _("Rated the same way, but not added to the total.")

    def item_fields(self):
        return [self[name] for name in ITEM_FIELDS]

    def star_field(self):
        return self[STAR_FIELD]

    def ratings(self):
        return [self.cleaned_data[name] for name in ITEM_FIELDS]

    def star(self):
        return self.cleaned_data[STAR_FIELD]


class ContactForm(forms.Form):
    share_answers = forms.BooleanField(
        label=_("Also share my answers with the care team"), required=False,
        help_text=_("Without this, the care team learns only the band of your result, never your answers."))
