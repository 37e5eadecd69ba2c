from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies import access as agency_access
from agencies.admin_site import ScopedModelAdmin
from agencies.roles import Role
from core.access import CALENDAR_KEEPERS
from core.models import DayException


class DayExceptionForm(forms.ModelForm):
    class Meta:
        model = DayException
        fields = ["day", "kind", "agency", "reason"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_agency(self):
        agency = self.cleaned_data.get("agency")
        if agency is None and not agency_access.has_role(self.user, Role.CITY_HR):
            raise forms.ValidationError(_("Choose the agency (and below) the declaration is for."))
        return agency


@admin.register(DayException)
class DayExceptionAdmin(ScopedModelAdmin):
    """Days HR declares off (a typhoon day) or on, over the national calendar (core.working_days)."""

    list_display = ["day", "kind", "agency", "reason"]
    list_filter = ["kind"]
    list_select_related = ["agency"]
    search_fields = ["reason", "agency__name"]
    form = DayExceptionForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class FormForUser(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return FormForUser

    def has_view_permission(self, request, obj=None):
        # Every HR role plans with the calendar, even before any day has been declared.
        if obj is None and agency_access.is_hr(request.user):
            return True
        return super().has_view_permission(request, obj)

    def can_add_anywhere(self, request):
        return agency_access.has_role(request.user, *CALENDAR_KEEPERS)
