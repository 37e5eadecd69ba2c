"""Shared form fields: dates are typed and shown in ROC (民國) form, never ISO."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rocdates import InvalidRocDate, format_roc_date, parse_roc_date, to_local_date


def _short_roc(value):
    """Short ROC text for a date/datetime; anything else (e.g. rejected input) as is."""
    if isinstance(value, datetime.date):
        try:
            return format_roc_date(value, "short")
        except InvalidRocDate:  # before 1912: no ROC form, leave it to the field to reject
            return value
    return value


class RocDateInput(forms.TextInput):
    """Text box for ROC dates; a date value is rendered as `114/02/20`."""

    def __init__(self, attrs=None):
        # inputmode=numeric brings up a digit keypad; compact 1140220 is accepted for it.
        defaults = {"inputmode": "numeric", "placeholder": "114/02/20", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        return super().format_value(_short_roc(value))


class RocDateField(forms.DateField):
    """A DateField that reads and shows ROC dates (see rocdates.parse_roc_date)."""

    widget = RocDateInput
    default_error_messages = {
        "invalid": _("Enter a date such as 114/02/20 (ROC year/month/day)."),
        "invalid_date": _("There is no such date: %(value)s."),
        "invalid_year": _("The ROC year must be 1 or later."),
    }
    # parse_roc_date's codes mapped to this field's error message keys.
    _ERROR_KEYS = {
        "invalid_format": "invalid",
        "invalid_date": "invalid_date",
        "invalid_year": "invalid_year",
    }

    def prepare_value(self, value):
        # Done here as well as in the widget so that any widget (e.g. the hidden
        # initial input) gets the ROC text, not str(date) which is ISO.
        return _short_roc(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return to_local_date(value)
        try:
            return parse_roc_date(value)
        except InvalidRocDate as exc:
            key = self._ERROR_KEYS[exc.code]
            raise ValidationError(
                self.error_messages[key], code=key, params={"value": str(value).strip()}
            ) from None

    def has_changed(self, initial, data):
        # Compare dates: initial may be a date, a datetime or text such as "114/2/20".
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        try:
            initial = self.to_python(initial)
        except ValidationError:
            return True
        return initial != data
