from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import access
from agencies.admin_site import ScopedInline, ScopedModelAdmin
from agencies.care_teams import check_composition, sync_care_roles
from agencies.models import CareTeam, CareTeamMember, ReviewMeeting, Training


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        employee = getattr(user, "employee", None)
        return str(employee) if employee else user.username


class MemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        today = timezone.localdate()

        def current(until):
            return until is None or until > today

        # The team as it will be: members not on the page stay as they are; the page's rows as posted.
        posted = [form.instance.pk for form in self.initial_forms]
        kept = self.instance.members.exclude(pk__in=posted) if self.instance.pk else CareTeamMember.objects.none()
        positions = [member.position for member in kept if current(member.until)]
        positions += [form.cleaned_data["position"] for form in self.forms
                      if form.cleaned_data and not form.cleaned_data.get("DELETE")
                      and current(form.cleaned_data.get("until"))]
        check_composition(positions)


class MemberInline(ScopedInline):
    model = CareTeamMember
    formset = MemberFormSet
    fields = ["user", "position", "unit", "phone", "email", "since", "until"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            users = access.users_assignable_by(request.user, get_user_model().objects.all())
            return PersonChoiceField(queryset=users.select_related("employee").order_by("username"),
                                     label=_("person"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewMeetingInline(ScopedInline):
    model = ReviewMeeting
    fields = ["held_on", "summary"]


@admin.register(CareTeam)
class CareTeamAdmin(ScopedModelAdmin):
    list_display = ["name", "agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "agency__name"]
    inlines = [MemberInline, ReviewMeetingInline]
    filter_horizontal = ["covers"]

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *access.CARE_TEAM_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        return queryset.filter(access.subtree_q(request.user, access.CARE_TEAM_KEEPERS, "path")) \
            if not request.user.is_superuser else queryset

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "covers":
            field.queryset = self.scope_choices(db_field, request, field.queryset)
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_care_roles(form.instance, by=request.user)
        access.forget_roles(request.user)


@admin.register(Training)
class TrainingAdmin(ScopedModelAdmin):
    list_display = ["member", "title", "completed_on", "certification", "certified_on"]
    list_select_related = ["member__team", "member__user__employee"]
    search_fields = ["title", "certification", "member__user__employee__full_name"]

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *access.CARE_TEAM_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        return queryset.editable_by(request.user)
