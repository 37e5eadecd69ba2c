import unicodedata

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from agencies.activation import agencies_for_codes
from agencies.models import Agency, Employee


class ActivationForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), max_length=30,
                                      widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    code = forms.CharField(label=_("Activation code"), max_length=30, help_text=_("As printed: XXXX-XXXX-XXXX."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        elif first:
            # The validators that need no account; the service checks the rest once the code is right.
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class AgencyChoiceField(forms.ModelChoiceField):
    """Agencies indented under their parents, from the top of the user's subtree."""

    base_depth = 0

    def label_from_instance(self, agency):
        return "\u3000" * (agency.depth - self.base_depth) + agency.name


class ActivationCodesForm(forms.Form):
    """Whom to print codes for. Validates the choice; the view counts and prints."""

    agency = AgencyChoiceField(label=_("Agency (with its sub-agencies)"), queryset=Agency.objects.none())
    unit = forms.CharField(label=_("Unit"), max_length=80, required=False,
                           help_text=_("Optional: the unit's name exactly as on the roster."),
                           widget=forms.TextInput(attrs={"list": "unit-names"}))
    not_activated = forms.BooleanField(label=_("Only people who have not activated their account yet"),
                                       required=False)
    without_email = forms.BooleanField(label=_("Only people without an e-mail address"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = agencies_for_codes(user).order_by("path")
        self.fields["agency"].queryset = agencies
        self.fields["agency"].base_depth = min(agencies.values_list("depth", flat=True), default=0)
        self.unit_names = list(Employee.objects.filter(agency__in=self.fields["agency"].queryset).exclude(unit="")
                               .order_by("unit").values_list("unit", flat=True).distinct()[:500])


def _same_address(one, other):
    return unicodedata.normalize("NFKC", one).casefold() == unicodedata.normalize("NFKC", other).casefold()


class PortalPasswordResetForm(PasswordResetForm):
    """Django mails only accounts with a usable password. Imported staff have none until they first
    set one, yet those whose e-mail address is on the roster may set it by e-mail: current staff
    with no usable password are included too."""

    def get_users(self, email):
        user_model = get_user_model()
        field = user_model.get_email_field_name()
        current_staff = Employee.objects.current().values("user_id")
        candidates = user_model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        for user in candidates:
            if not _same_address(email, getattr(user, field)):
                continue
            if user.has_usable_password():
                yield user
            elif not user.is_superuser and current_staff.filter(user_id=user.pk).exists():
                yield user
