"""The admin as HR uses it: entry by role, every model scoped through its visible_to/editable_by.

Every ModelAdmin of the project derives from ScopedModelAdmin, which closes the admin's side
doors: change list, change and delete pages, history, autocomplete, raw-id popups, list-filter
choices, search and `_to_field` all start from the scoped queryset, and foreign-key choices
offer only what the user may see."""
from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import display_for_field as _django_display_for_field
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies import access
from eap_portal.forms import RocDateField, RocDateInput
from eap_portal.rocdates import format_roc_date, format_roc_datetime


def roc_display_for_field(value, field, empty_value_display, avoid_link=False):
    """Django's admin shows read-only dates with the locale's DATE_FORMAT, which has no ROC year;
    every read-only cell and change-list column goes through display_for_field, so dates are
    formatted here and everything else is left to Django."""
    if value is not None and isinstance(field, models.DateTimeField):
        return format_roc_datetime(value)
    if value is not None and isinstance(field, models.DateField):
        return format_roc_date(value, "short")
    return _django_display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def use_roc_dates_in_the_admin():
    from django.contrib.admin import helpers
    from django.contrib.admin.templatetags import admin_list

    helpers.display_for_field = roc_display_for_field
    admin_list.display_for_field = roc_display_for_field


class PortalAdminAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login admits only is_staff accounts; ours admits by role, like the site."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # still refuses inactive accounts
        if not access.can_use_admin(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class PortalAdminSite(admin.AdminSite):
    login_form = PortalAdminAuthenticationForm
    site_header = _("Employee Assistance Program administration")
    site_title = _("Employee Assistance Program")
    index_title = _("Administration")

    def has_permission(self, request):
        return access.can_use_admin(request.user)

    def get_urls(self):
        # Django's "view on site" shortcut redirects to any object's page, whatever its model and
        # whether the user may see it: that would tell an HR user that case 123 exists. Ours serves
        # only registered models, through the model admin's scoped queryset.
        from django.urls import path, reverse_lazy

        view = self.admin_view(self.scoped_view_on_site)
        view.login_url = reverse_lazy("admin:login", current_app=self.name)  # as Django's own admin views
        urls = super().get_urls()
        return [path("r/<path:content_type_id>/<path:object_id>/", view, name="view_on_site")
                if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def scoped_view_on_site(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut
        from django.http import Http404

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            model_admin = self._registry.get(model)
            if model_admin is None or not model_admin.get_queryset(request).filter(pk=object_id).exists():
                raise Http404
        except (ValueError, TypeError, ValidationError, ContentType.DoesNotExist):
            raise Http404 from None
        return shortcut(request, content_type_id, object_id)

    def get_log_entries(self, request):
        # The recent-actions panel lists only the user's own actions, and of those only the
        # objects they can still see: a role taken away must not leave names behind.
        if not access.can_use_admin(request.user):
            return super().get_log_entries(request).none()
        entries = super().get_log_entries(request).filter(user=request.user).select_related("content_type")[:30]
        by_type = defaultdict(list)
        for entry in entries:
            if entry.content_type_id and entry.object_id:
                by_type[entry.content_type].append(entry)
        visible = []
        for content_type, typed in by_type.items():
            model = content_type.model_class()
            scoped = model._default_manager.all() if model else None
            if scoped is None or not hasattr(scoped, "visible_to"):
                continue
            seen = {str(pk) for pk in scoped.visible_to(request.user).filter(
                pk__in=[e.object_id for e in typed]).values_list("pk", flat=True)}
            visible += [e.pk for e in typed if e.object_id in seen]
        return super().get_log_entries(request).filter(pk__in=visible)


class ScopedChoicesMixin:
    """Foreign-key choices offer only what the user may edit (see scope_choices)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = self.scope_choices(db_field, request, field.queryset)
        return field

    def scope_choices(self, db_field, request, queryset):
        return queryset.editable_by(request.user)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """Inlines are edited through their parent's permission; their own choices are scoped too."""

    extra = 0
    formfield_overrides = {models.DateField: {"form_class": RocDateField, "widget": RocDateInput}}

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return obj is None or self._parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or self._parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._parent_editable(request, obj)

    def _parent_editable(self, request, obj):
        return type(obj)._default_manager.all().editable_by(request.user).filter(pk=obj.pk).exists()


class ScopedModelAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Base for every admin model. Subclasses may narrow, never widen, the scope."""

    # ROC text boxes instead of the admin's calendar widget, whose "Today" link writes ISO dates.
    formfield_overrides = {models.DateField: {"form_class": RocDateField, "widget": RocDateInput}}
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def editable_queryset(self, request):
        return self.model._default_manager.all().editable_by(request.user)

    def _per_request(self, request, question, answer):
        # The admin asks the same model-wide question many times per page (app list, buttons,
        # actions); each answer is a query, so it is kept for the rest of the request.
        answers = request.__dict__.setdefault("_eap_admin_answers", {})
        key = (self.model, question)
        if key not in answers:
            answers[key] = answer()
        return answers[key]

    def _editable(self, request, obj):
        if obj is None:
            return self._per_request(request, "change", lambda: self.editable_queryset(request).exists()
                                     or self.can_add_anywhere(request))
        return self.editable_queryset(request).filter(pk=obj.pk).exists()

    def can_add_anywhere(self, request):
        return False

    def has_module_permission(self, request):
        return access.can_use_admin(request.user) and self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if not access.can_use_admin(request.user):
            return False
        if obj is None:
            return self._per_request(request, "view", lambda: self.get_queryset(request).exists()
                                     or self.has_add_permission(request))
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user) and self._editable(request, obj)

    def has_add_permission(self, request):
        return access.can_use_admin(request.user) and self.can_add_anywhere(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete builds its queryset from the *remote* admin's get_queryset; make sure the
        # answer is scoped even if a subclass passes another queryset in.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.visible_to(request.user), may_have_duplicates
