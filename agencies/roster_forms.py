from django import forms
from django.utils.translation import gettext_lazy as _

from agencies import access
from agencies.models import Agency

ENCODING_CHOICES = [
    ("", _("Tell from the file")),
    ("utf-8", "UTF-8"),
    ("cp950", _("Big5 (CP950)")),
]


class RosterUploadForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("For agency (and every agency under it)"), queryset=Agency.objects.none())
    file = forms.FileField(label=_("Roster file"), help_text=_("CSV (UTF-8 or Big5) or Excel (.xlsx), as exported "
                                                              "by the personnel system; 50 MB at most."))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=ENCODING_CHOICES, required=False)
    is_full = forms.BooleanField(
        label=_("This is the full roster of the agency"), required=False,
        help_text=_("Anyone now on the roster of this agency and below who is missing from the file is marked as a "
                    "leaver: their account is closed and their records follow the retention rules."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = access.agencies_importable_by(user, Agency.objects.filter(
            dissolved_on__isnull=True))
