"""The course catalogue in the admin (DOMAIN §5): HR keep the courses their subtree runs, city HR
the plan's series, topic categories and targets.

The course list shows what the user keeps, not every course they may browse: an agency's EAP
officer and HR staff keep the courses their subtree runs, in their own plan or the city's; city HR
keep all. A session is edited here, but never deleted (cancelling is the way, and people hear of
it), and every consequence of an edit — seats for the waiting list, the notice of a move or a
cancellation — goes through courses.changes. A cancelled or closed session is shown as it was.
"""
import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies import access
from agencies.admin_site import ScopedInline, ScopedModelAdmin
from agencies.models import Agency, Category
from courses.access import COURSE_KEEPERS, is_course_keeper
from courses.changes import save_session_edit
from courses.enrolment import check_new_capacity
from courses.models import (
    Course,
    CourseSeries,
    CourseSession,
    CourseTarget,
    EnrolmentState,
    SessionState,
    TopicCategory,
)
from eap_portal.forms import RocDateField, RocDateInput
from eap_portal.rocdates import TAIPEI
from plans.access import PLAN_KEEPERS
from plans.models import Plan

# --- Date and time in ROC form ------------------------------------------------------------------

class RocDateTimeWidget(forms.MultiWidget):
    """An ROC date box and a time box: the admin's own split widget writes ISO dates."""

    def __init__(self, attrs=None):
        super().__init__([RocDateInput(), forms.TimeInput(attrs={"type": "time"}, format="%H:%M")], attrs)

    def decompress(self, value):
        if value is None:
            return [None, None]
        local = timezone.localtime(value, TAIPEI) if timezone.is_aware(value) else value
        return [local.date(), local.time().replace(second=0, microsecond=0)]


class RocDateTimeField(forms.MultiValueField):
    widget = RocDateTimeWidget
    default_error_messages = {"incomplete": _("Enter both a date and a time.")}

    def __init__(self, **kwargs):
        fields = (RocDateField(), forms.TimeField(input_formats=["%H:%M", "%H:%M:%S"]))
        super().__init__(fields, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return None
        day, time = data_list
        if day in self.empty_values or time in self.empty_values:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return timezone.make_aware(datetime.datetime.combine(day, time), TAIPEI)


ROC_FIELDS = {**ScopedModelAdmin.formfield_overrides,
              models.DateTimeField: {"form_class": RocDateTimeField, "widget": RocDateTimeWidget}}


# --- Filters built on the user's own list -----------------------------------------------------------

class ScopedPlanFilter(admin.SimpleListFilter):
    """The plans of the rows the user's list holds, never a plan they cannot see."""

    title = _("plan")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        rows = model_admin.get_queryset(request)
        return [(plan.pk, str(plan)) for plan in Plan.objects.filter(pk__in=rows.values("plan")).order_by("-year")]

    def queryset(self, request, queryset):
        return queryset.filter(plan=self.value()) if self.value() else queryset


class ScopedSeriesFilter(admin.SimpleListFilter):
    title = _("series")
    parameter_name = "series"

    def lookups(self, request, model_admin):
        rows = model_admin.get_queryset(request)
        return [(series.pk, f"{series} ({series.plan.year})")
                for series in CourseSeries.objects.filter(pk__in=rows.values("series")).select_related("plan")]

    def queryset(self, request, queryset):
        return queryset.filter(series=self.value()) if self.value() else queryset


# --- Courses and their sessions ----------------------------------------------------------------------

class CourseSessionForm(forms.ModelForm):
    # A meeting link typed without a scheme is on https.
    online_link = forms.URLField(label=CourseSession._meta.get_field("online_link").verbose_name, required=False,
                                 max_length=200, assume_scheme="https")

    class Meta:
        model = CourseSession
        fields = ["number", "starts_at", "ends_at", "venue", "online_link", "capacity", "registration_deadline",
                  "hours", "state", "cancel_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._is_history():
            for field in self.fields.values():
                field.disabled = True
        else:
            # Closing happens on the roll, once attendance is marked; here a session is scheduled or cancelled.
            self.fields["state"].choices = [(state.value, state.label)
                                            for state in (SessionState.OPEN, SessionState.CANCELLED)]

    def _is_history(self):
        return self.instance.pk is not None and self.instance.state != SessionState.OPEN

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < 1:
            raise ValidationError(_("A session has at least one seat."))
        return capacity

    def clean(self):
        data = super().clean()
        if self._is_history():
            return data
        state, reason = data.get("state"), (data.get("cancel_reason") or "").strip()
        if state == SessionState.CANCELLED and self.instance.pk is None:
            self.add_error("state", _("A new session is scheduled: there is nothing to cancel yet."))
        elif state == SessionState.CANCELLED and not reason:
            self.add_error("cancel_reason", _("Say why the session is cancelled: the people in it are told."))
        elif state == SessionState.OPEN and reason:
            self.add_error("cancel_reason", _("Only a cancelled session has a reason for it."))
        starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("registration_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session ends after it starts."))
        if starts and deadline and deadline > starts:
            self.add_error("registration_deadline", _("Registration closes at or before the start."))
        if self.instance.pk and "capacity" in self.changed_data and data.get("capacity"):
            # The admin validates and saves a POST in one transaction: the row lock taken here holds
            # until the new capacity is saved, so no seat is given between the check and the save.
            locked = CourseSession.objects.select_for_update().get(pk=self.instance.pk)
            try:
                check_new_capacity(locked, data["capacity"])
            except ValidationError as error:
                self.add_error("capacity", error)
        return data


class CourseSessionInline(ScopedInline):
    model = CourseSession
    form = CourseSessionForm
    template = "admin/edit_inline/stacked.html"  # a session has too many fields for one table row
    formfield_overrides = ROC_FIELDS
    fieldsets = [(None, {"fields": [("number", "state"), ("starts_at", "ends_at"), ("venue", "online_link"),
                                    ("capacity", "registration_deadline", "hours"), "cancel_reason",
                                    ("seats_taken", "waiting")]})]
    readonly_fields = ["seats_taken", "waiting"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            taken=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED)),
            waitlisted=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.WAITLISTED)))

    @admin.display(description=_("seats taken"))
    def seats_taken(self, session):
        return getattr(session, "taken", 0)

    @admin.display(description=_("on the waiting list"))
    def waiting(self, session):
        return getattr(session, "waitlisted", 0)

    def has_delete_permission(self, request, obj=None):
        return False


class CourseForm(forms.ModelForm):
    audience_categories = forms.MultipleChoiceField(
        label=_("only these employee categories"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every category."))

    class Meta:
        model = Course
        fields = "__all__"


@admin.register(Course)
class CourseAdmin(ScopedModelAdmin):
    form = CourseForm
    formfield_overrides = ROC_FIELDS
    list_display = ["topic", "plan", "facet", "series", "format", "agency", "planned_sessions", "sessions_scheduled"]
    list_select_related = ["plan", "series", "agency"]
    list_filter = [ScopedPlanFilter, "facet", ScopedSeriesFilter, "format"]
    search_fields = ["topic"]
    filter_horizontal = ["audience_agencies"]
    inlines = [CourseSessionInline]
    readonly_fields = ["date_warning"]
    fieldsets = [
        (None, {"fields": ["plan", "agency", "facet", "series", "category", "section", "number", "topic", "format",
                           "purpose"]}),
        (pgettext_lazy("course", "Audience"), {"fields": [
            "audience_text", "audience_categories", ("min_grade", "max_grade"), "audience_agencies", "hired_after",
            "supervisors_only"],
                         "description": _("The plan's words, and the rules that decide who may enrol. "
                                          "No rule: everyone the plan covers.")}),
        (_("What the plan planned"), {"fields": ["planned_dates", ("first_date", "last_date"), "planned_sessions",
                                                 "expected_per_session", "date_warning"]}),
    ]

    def get_queryset(self, request):
        # What the user keeps: the catalogue they may browse is on the portal's own pages.
        return super().get_queryset(request).editable_by(request.user).annotate(
            scheduled=Count("sessions", filter=~Q(sessions__state=SessionState.CANCELLED), distinct=True))

    @admin.display(description=_("sessions scheduled"), ordering="scheduled")
    def sessions_scheduled(self, course):
        return course.scheduled

    def can_add_anywhere(self, request):
        return is_course_keeper(request.user)

    def scope_choices(self, db_field, request, queryset):
        if db_field.name == "agency":
            return queryset if request.user.is_superuser else queryset.filter(
                access.subtree_q(request.user, COURSE_KEEPERS, "path"))
        if db_field.name == "plan":
            # An agency runs courses in the city's plan as well as in its own.
            return Plan.objects.visible_to(request.user).select_related("owner")
        if db_field.name in ("series", "category"):
            return queryset.visible_to(request.user).select_related("plan")
        return super().scope_choices(db_field, request, queryset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "audience_agencies":
            field.queryset = Agency.objects.visible_to(request.user)
        return field

    def save_related(self, request, form, formsets, change):
        # Audience agencies the user cannot see (city HR opened A's course to B's staff) are not
        # offered on their form; saving it must not drop them.
        hidden = list(form.instance.audience_agencies.exclude(
            pk__in=Agency.objects.visible_to(request.user).values("pk"))) if change else []
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.audience_agencies.add(*hidden)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CourseSession:
            return super().save_formset(request, form, formset, change)
        edited = [session_form.instance.pk for session_form in formset.initial_forms if session_form.has_changed()]
        before = CourseSession.objects.in_bulk(edited)
        for session in formset.save(commit=False):
            save_session_edit(session, before=before.get(session.pk), by=request.user)


# --- The plan's series, topic categories and targets: city HR keep them --------------------------------

class PlanPartAdmin(ScopedModelAdmin):
    list_filter = [ScopedPlanFilter, "facet"]
    search_fields = ["name"]
    list_select_related = ["plan"]

    def has_view_permission(self, request, obj=None):
        # HR look at their plans' series and categories even before there is one.
        if obj is None:
            return access.can_use_admin(request.user)
        return super().has_view_permission(request, obj)

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *PLAN_KEEPERS)

    def get_readonly_fields(self, request, obj=None):
        # Courses point at their plan's series and categories: one moved to another plan would
        # leave them pointing across plans.
        return ["plan"] if obj is not None else []


@admin.register(CourseSeries)
class CourseSeriesAdmin(PlanPartAdmin):
    list_display = ["name", "plan", "facet", "order"]
    fields = ["plan", "name", "facet", "order"]


class CourseTargetInline(ScopedInline):
    model = CourseTarget
    fk_name = "category"
    fields = ["format", "sessions", "participants"]
    verbose_name_plural = _("targets of the plan's summary table")


@admin.register(TopicCategory)
class TopicCategoryAdmin(PlanPartAdmin):
    list_display = ["name", "plan", "facet", "order"]
    fields = ["plan", "facet", "name", "goals", "order"]
    inlines = [CourseTargetInline]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.courses.exists():
            fields = [*fields, "facet"]  # its courses are of that facet
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not CourseTarget:
            return super().save_formset(request, form, formset, change)
        for target in formset.save(commit=False):
            target.plan_id = form.instance.plan_id  # a target is of its category's plan
            target.save()
        for target in formset.deleted_objects:
            target.delete()
