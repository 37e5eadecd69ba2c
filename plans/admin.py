from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from agencies import access
from agencies.admin import roc_column
from agencies.admin_site import ScopedInline, ScopedModelAdmin
from plans import services
from plans.access import PLAN_KEEPERS
from plans.models import (
    Amendment, Contract, ContractChannel, Counselor, Mode, Plan, ProblemCategory, Provider, QuotaChange, QuotaPool,
    ResourceEntry, Service, UnlimitedLine, WorkCircleGroup, WorkCircleMeeting, WorkItem,
)
from agencies.models import Category


class WorkItemInline(ScopedInline):
    model = WorkItem
    fields = ["order", "area", "title", "schedule", "status"]


class PoolInline(ScopedInline):
    model = QuotaPool
    fields = ["name", "kind", "hours", "provider", "family_charge_hours", "max_relatives", "no_show_rule",
              "late_cancel_rule", "late_cancel_hours"]


class UnlimitedLineInline(ScopedInline):
    model = UnlimitedLine
    fields = ["name", "phone", "provider", "notes"]


class ProblemCategoryInline(ScopedInline):
    model = ProblemCategory
    fields = ["order", "code", "name"]


class ResourceEntryInline(ScopedInline):
    model = ResourceEntry
    fields = ["order", "name", "channel", "contact", "service_hours", "region", "min_age", "max_age",
              "free_sessions", "valid_from", "valid_until", "review_needed"]


class WorkCircleGroupInline(ScopedInline):
    model = WorkCircleGroup
    fields = ["order", "name", "duties", "leader", "leader_agency"]

    def scope_choices(self, db_field, request, queryset):
        return queryset.visible_to(request.user)


class WorkCircleMeetingInline(ScopedInline):
    model = WorkCircleMeeting
    fields = ["held_on", "group", "title", "minutes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "group":
            field.queryset = WorkCircleGroup.objects.filter(plan__in=Plan.objects.editable_by(request.user))
        return field


class PlanForm(forms.ModelForm):
    covered_categories = forms.MultipleChoiceField(
        label=_("covered employee categories"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: everyone on the roster."))

    class Meta:
        model = Plan
        exclude = ["copied_from"]


class NextYearForm(forms.Form):
    # Read when the form is built: apps add their parts in ready(), after this module is imported.
    parts = forms.MultipleChoiceField(label=_("Copy these parts"), widget=forms.CheckboxSelectMultiple,
                                      choices=lambda: list(services.COPYABLE_PARTS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parts"].initial = list(services.COPYABLE_PARTS)


@admin.register(Plan)
class PlanAdmin(ScopedModelAdmin):
    form = PlanForm
    list_display = ["year", "title", "owner", roc_column("period_start", _("period start")),
                    roc_column("period_end", _("period end"))]
    list_filter = ["year"]
    search_fields = ["title", "document_number"]
    filter_horizontal = ["draws_on"]
    inlines = [WorkItemInline, PoolInline, UnlimitedLineInline, ProblemCategoryInline, ResourceEntryInline,
               WorkCircleGroupInline, WorkCircleMeetingInline]
    actions = ["start_next_year"]
    fieldsets = [
        (None, {"fields": ["owner", "year", "title", "slogan", "document_number", "document_date", "follows"]}),
        (_("Basis, purposes and goals"), {"fields": ["basis", "purposes", "goals"]}),
        (_("Who is covered, and when"), {"fields": ["covered_categories", "covered_text", "period_start",
                                                    "period_end"]}),
        (_("Single window"), {"fields": ["hotline", "email", "window_services"]}),
        (_("Confidentiality"), {"fields": ["access_grant_days"]}),
        (_("Quotas, screening and care officers"), {"fields": ["draws_on", "screening_threshold",
                                                               "certification_target", "certified_so_far"]}),
    ]
    readonly_fields = ["certified_so_far"]

    @admin.display(description=_("certified so far"))
    def certified_so_far(self, plan):
        if plan is None or plan.pk is None:
            return "—"
        target, certified = services.certification_progress(plan)
        return f"{certified} / {target}" if target else str(certified)

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *PLAN_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        if db_field.name == "owner":
            return queryset.filter(access.subtree_q(request.user, PLAN_KEEPERS, "path")) \
                if not request.user.is_superuser else queryset
        if db_field.name == "follows":
            return queryset.visible_to(request.user)
        return super().scope_choices(db_field, request, queryset)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "draws_on":
            field.queryset = QuotaPool.objects.filter(plan__in=Plan.objects.visible_to(request.user))
        return field

    @admin.action(description=_("Start next year from the selected plan"), permissions=["change"])
    def start_next_year(self, request, queryset):
        editable = queryset.editable_by(request.user)
        if editable.count() != 1:
            self.message_user(request, _("Choose exactly one plan you keep."), messages.ERROR)
            return None
        plan = editable.get()
        form = NextYearForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            if Plan.objects.filter(owner=plan.owner, year=plan.year + 1).exists():
                self.message_user(request, _("The next year's plan already exists."), messages.ERROR)
                return None
            new = services.start_next_year(plan, parts=form.cleaned_data["parts"], by=request.user)
            flagged = new.directory.filter(review_needed=True).count()
            self.message_user(request, _("Plan %(year)s started; %(count)s directory entries need review.")
                              % {"year": new.year, "count": flagged}, messages.SUCCESS)
            return redirect("admin:plans_plan_change", new.pk)
        return render(request, "admin/plans/start_next_year.html", {
            **self.admin_site.each_context(request), "plan": plan, "form": form, "opts": self.model._meta,
            "action": "start_next_year", "selected": [plan.pk],
        })


class QuotaChangeInline(ScopedInline):
    model = QuotaChange
    fields = ["pool", "hours", "family_charge_hours"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "pool":
            field.queryset = QuotaPool.objects.filter(plan__in=Plan.objects.editable_by(request.user))
        return field


@admin.register(Amendment)
class AmendmentAdmin(ScopedModelAdmin):
    list_display = ["plan", roc_column("effective_on", _("effective on")), "document_number", "summary"]
    list_select_related = ["plan"]
    search_fields = ["summary", "document_number"]
    inlines = [QuotaChangeInline]

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *PLAN_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        return queryset.editable_by(request.user)


class CounselorInline(ScopedInline):
    model = Counselor
    fields = ["name", "gender", "specialties", "license_number", "active"]


@admin.register(Provider)
class ProviderAdmin(ScopedModelAdmin):
    list_display = ["name", "phone", "email"]
    search_fields = ["name"]
    inlines = [CounselorInline]
    exclude = ["staff"]

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *PLAN_KEEPERS)


class ContractChannelInline(ScopedInline):
    model = ContractChannel
    fields = ["channel", "value", "hours"]


class ContractForm(forms.ModelForm):
    services = forms.MultipleChoiceField(label=_("services"), choices=Service.choices,
                                         widget=forms.CheckboxSelectMultiple)
    modes = forms.MultipleChoiceField(label=_("modes"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Contract
        fields = "__all__"


@admin.register(Contract)
class ContractAdmin(ScopedModelAdmin):
    form = ContractForm
    list_display = ["plan", "provider", "contract_type", "price_per_hour"]
    list_select_related = ["plan", "provider"]
    list_filter = ["contract_type"]
    search_fields = ["provider__name"]
    inlines = [ContractChannelInline]

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *PLAN_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        if db_field.name == "provider":
            return queryset.editable_by(request.user)
        return super().scope_choices(db_field, request, queryset)
