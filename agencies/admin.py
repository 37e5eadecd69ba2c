import re

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import access, services
from agencies.admin_site import ScopedModelAdmin
from agencies.models import Agency, AgencyVersion, Employee, RoleAssignment
from core.crypto import normalise_identifier
from eap_portal.forms import RocDateField
from eap_portal.rocdates import format_roc_date

# Accounts come with the roster (a person's Employee row), and permissions come from roles, not
# Django groups; the unscoped User and Group admins would be a side door past both.
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


def roc_column(field, label):
    def column(obj):
        return format_roc_date(getattr(obj, field), "short") or "—"

    column.short_description = label
    column.admin_order_field = field
    return column


class AgencyVersionInline(admin.TabularInline):
    model = AgencyVersion
    fk_name = "agency"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["name", "parent", roc_column("valid_from", _("valid from")),
                                roc_column("valid_until", _("valid until")), "reason"]
    verbose_name_plural = _("names and places over time")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)


class AgencyForm(forms.ModelForm):
    effective = RocDateField(
        label=_("Effective date of a rename or move"), required=False,
        help_text=_("Renames and moves are kept with their date, so reports of past years use that year's tree."),
    )
    change_reason = forms.CharField(label=_("Reason for the rename or move"), required=False, max_length=200)

    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "parent", "is_high_stress", "contact_name", "contact_phone",
                  "contact_email", "address", "dissolved_on"]

    def clean(self):
        data = super().clean()
        if not data.get("effective"):
            data["effective"] = timezone.localdate()
        return data


@admin.register(Agency)
class AgencyAdmin(ScopedModelAdmin):
    form = AgencyForm
    list_display = ["name", "code", "kind", "parent", "is_high_stress"]
    list_filter = ["kind", "is_high_stress"]
    search_fields = ["name", "code"]
    inlines = [AgencyVersionInline]

    def can_add_anywhere(self, request):
        return access.has_role(request.user, *access.AGENCY_EDITORS) or request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # The root of one's own scope cannot be moved from here: its parent lies outside it.
        if obj is not None and obj.parent_id and not self.editable_queryset(request).filter(pk=obj.parent_id).exists():
            return ["parent"]
        return []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "parent" in form.base_fields:
            form.base_fields["parent"].required = not request.user.is_superuser
        return form

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            services.record_new_agency(obj, effective=data["effective"], by=request.user)
            return
        before = Agency.objects.get(pk=obj.pk)
        new_name, new_parent = obj.name, obj.parent
        obj.name, obj.parent = before.name, before.parent
        obj.save()
        if new_name != before.name:
            services.rename_agency(obj, name=new_name, effective=data["effective"], by=request.user,
                                   reason=data["change_reason"])
        if new_parent != before.parent:
            services.move_agency(obj, parent=new_parent, effective=data["effective"], by=request.user,
                                 reason=data["change_reason"])


class CurrentStaffFilter(admin.SimpleListFilter):
    title = _("employment")
    parameter_name = "employment"

    def lookups(self, request, model_admin):
        return [("current", _("Current staff")), ("left", _("Left"))]

    def queryset(self, request, queryset):
        current = queryset.current()
        if self.value() == "current":
            return current
        if self.value() == "left":
            return queryset.exclude(pk__in=current.values("pk"))
        return queryset


# A national ID number (letter, 1 or 2), or a resident certificate number (old: A–D, new: 8 or 9).
NATIONAL_ID = re.compile(r"^[A-Z][12ABCD89]\d{8}$")


class EmployeeForm(forms.ModelForm):
    email = forms.EmailField(label=_("e-mail"), required=False,
                             help_text=_("Optional: many workers have none."))
    # Write-only: the number is hashed (core.crypto.blind_index) and never stored or shown again.
    national_id = forms.CharField(label=_("national ID number"), required=False, max_length=20,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))

    class Meta:
        model = Employee
        exclude = ["user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
        self.fields["national_id"].help_text = (
            _("Kept only as a keyed hash, to find the person exactly; it is never shown again. A hash is on file.")
            if self.instance.national_id_hash else
            _("Kept only as a keyed hash, to find the person exactly; it is never shown again."))

    def clean_national_id(self):
        value = normalise_identifier(self.cleaned_data.get("national_id", ""))
        if value and not NATIONAL_ID.match(value):
            raise forms.ValidationError(_("Enter a national ID number such as A123456789."))
        if value and Employee.objects.with_national_id(value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another person on the roster has this national ID number."))
        if value:
            self.instance.set_national_id(value)
        return ""


@admin.register(Employee)
class EmployeeAdmin(ScopedModelAdmin):
    form = EmployeeForm
    list_display = ["employee_number", "full_name", "agency", "unit", "job_title", "category",
                    roc_column("hire_date", _("hire date")), roc_column("leave_date", _("leave date"))]
    list_filter = [CurrentStaffFilter, "category", "is_supervisor", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["employee_number", "full_name", "unit", "job_title"]
    autocomplete_fields = ["direct_supervisor"]
    list_select_related = ["agency"]

    def can_add_anywhere(self, request):
        return access.has_role(request.user, *access.ROSTER_KEEPERS) or request.user.is_superuser

    def scope_choices(self, db_field, request, queryset):
        if db_field.name == "direct_supervisor":
            return queryset.visible_to(request.user)
        if db_field.name == "agency":
            return Agency.objects.filter(access.subtree_q(request.user, access.ROSTER_KEEPERS, "path")) \
                if not request.user.is_superuser else queryset
        return super().scope_choices(db_field, request, queryset)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        email = form.cleaned_data.get("email", "")
        if not change:
            # An account without a usable password: activation comes with the roster import.
            user = get_user_model().objects.create_user(username=obj.employee_number, email=email)
            obj.user = user
        else:
            if obj.user.email != email:
                obj.user.email = email
                obj.user.save(update_fields=["email"])
            self._keep_unseen_supervisor(request, obj)
        obj.save()

    def _keep_unseen_supervisor(self, request, obj):
        # A supervisor outside the user's scope is not offered on the form (that would show their
        # name), so the form comes back empty: keep them — not theirs to see, so not theirs to clear.
        if obj.direct_supervisor_id is None:
            original = Employee.objects.filter(pk=obj.pk).values_list("direct_supervisor", flat=True).first()
            if original and not Employee.objects.visible_to(request.user).filter(pk=original).exists():
                obj.direct_supervisor_id = original


class RoleAssignmentForm(forms.ModelForm):
    person = forms.CharField(label=_("Person"), max_length=150,
                             help_text=_("Employee number or user name."))

    class Meta:
        model = RoleAssignment
        fields = ["role", "agency", "starts_on", "ends_on"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk and "person" in self.fields:
            self.fields["person"].initial = self.instance.user.username
        if "role" in self.fields:  # absent when the user may only look
            allowed = access.grantable_roles(request.user)
            self.fields["role"].choices = [("", "---------")] + [(r.value, r.label) for r in allowed]

    def clean_person(self):
        text = self.cleaned_data["person"].strip()
        users = access.users_assignable_by(self.request.user, get_user_model().objects.all())
        user = users.filter(username=text).first() or users.filter(employee__employee_number=text).first()
        if user is None:
            raise forms.ValidationError(_("No one with that employee number or user name in your agencies."))
        return user

    def save(self, commit=True):
        self.instance.user = self.cleaned_data["person"]
        return super().save(commit)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedModelAdmin):
    form = RoleAssignmentForm
    list_display = ["holder", "role", "agency", roc_column("starts_on", _("starts on")),
                    roc_column("ends_on", _("ends on"))]
    list_filter = ["role", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__employee__full_name", "user__employee__employee_number"]
    list_select_related = ["agency", "user__employee"]

    @admin.display(description=_("person"))
    def person(self, obj):
        return self.holder(obj)

    @admin.display(description=_("person"), ordering="user__username")
    def holder(self, obj):
        employee = getattr(obj.user, "employee", None)
        return str(employee) if employee else obj.user.username

    def can_add_anywhere(self, request):
        return bool(access.grantable_roles(request.user))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class FormWithRequest(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return FormWithRequest

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
from agencies import care_admin  # noqa: E402,F401  (registers the care-team admin)
