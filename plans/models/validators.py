from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.models import Category


def refuse_unknown_codes(value, choices):
    """A JSON list of codes may hold only the codes of `choices`."""
    unknown = set(value or []) - set(choices.values)
    if unknown:
        raise ValidationError(_("Unknown codes: %(codes)s"), params={"codes": ", ".join(sorted(unknown))})


def validate_categories(value):
    refuse_unknown_codes(value, Category)
