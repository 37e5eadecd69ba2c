"""The survey builder (DOMAIN §7): HR builds surveys in the admin, scoped like every admin model.

City HR builds surveys for the whole city, an EAP officer for their subtree; agency HR look at
those of their subtree. A survey's owner and audience agency lie in the builder's subtree, its
plans among those they may see, its named respondent among the staff they may name. Counseling
satisfaction surveys are always anonymous. Once people have answered, the questions and what the
answers mean (kind, anonymity) are fixed. Who answered is never shown here."""
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from agencies import access
from agencies.admin import roc_column
from agencies.admin_site import ScopedInline, ScopedModelAdmin
from agencies.models import Agency, Segment
from plans.models import Plan
from surveys.access import SURVEY_KEEPERS, SURVEY_READERS
from surveys.models import Question, QuestionKind, Survey, SurveyKind

LOCKED_ONCE_ANSWERED = ["kind", "anonymous"]


def is_locked(survey):
    """Whether the questions, the kind and anonymity are fixed: once anyone answered, including an
    anonymous answer still held back for mixing (not yet a Response)."""
    if survey is None or survey.pk is None:
        return False
    return (survey.responses.exists() or survey.pending_responses.exists()
            or survey.participations.filter(answered=True).exists())


class QuestionForm(forms.ModelForm):
    choices = forms.CharField(
        label=_("choices"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text=_("Single and multiple choice only: one option a line. Scale and text questions have none."))

    class Meta:
        model = Question
        fields = ["order", "text", "kind", "choices", "required", "is_segment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.choices, list):
            self.initial["choices"] = "\n".join(self.instance.choices)

    def clean_choices(self):
        text = self.cleaned_data.get("choices") or ""
        if isinstance(text, list):
            return text
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        kind, choices = data.get("kind"), data.get("choices") or []
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            if len(choices) < 2:
                self.add_error("choices", _("A choice question needs at least two options."))
            elif len(set(choices)) != len(choices):
                self.add_error("choices", _("Each option must be different."))
        elif choices:
            self.add_error("choices", _("Scale and free-text questions have no options."))
        if data.get("is_segment") and kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            self.add_error("is_segment", _("A self-reported segment is asked as a choice question."))
        return data


class QuestionInline(ScopedInline):
    model = Question
    form = QuestionForm
    fields = ["order", "text", "kind", "choices", "required", "is_segment"]
    extra = 1

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 1

    def _answered(self, obj):
        return is_locked(obj)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if self._answered(obj) else []

    def has_add_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


class SurveyForm(forms.ModelForm):
    audience_segments = forms.MultipleChoiceField(
        label=_("only these segments"), choices=Segment.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Segments from the roster. None ticked: everyone in the audience. Sensitive groups are "
                    "never on the roster: ask about them in an anonymous question instead."))
    # The named respondent is typed, not picked from a list of every colleague's name.
    respondent = forms.CharField(
        label=_("sent to one person"), max_length=150, required=False,
        help_text=_("Employee number or user name, for a survey sent to one person (the supervisor's "
                    "satisfaction after a referral). Leave empty to send it to an audience."))

    class Meta:
        model = Survey
        fields = ["title", "kind", "introduction", "anonymous", "owner", "plan", "audience_plan", "audience_agency",
                  "audience_segments", "opens_on", "closes_on", "invite_follow_up"]
        help_texts = {
            "anonymous": _("Anonymous answers cannot be traced to anyone, ever: no name, no unit, no time. "
                           "Counseling satisfaction surveys are always anonymous."),
            "kind": _("Counseling satisfaction surveys are always anonymous, with no list of who answered."),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk and self.instance.named_respondent_id and "respondent" in self.fields:
            self.fields["respondent"].initial = self.instance.named_respondent.username

    def clean_respondent(self):
        text = (self.cleaned_data.get("respondent") or "").strip()
        if not text:
            return None
        users = access.users_assignable_by(self.request.user, get_user_model().objects.filter(employee__isnull=False))
        user = users.filter(username=text).first() or users.filter(employee__employee_number=text).first()
        if user is None:
            raise forms.ValidationError(_("No one with that employee number or user name in your agencies."))
        return user

    def clean(self):
        data = super().clean()
        instance = self.instance
        kind = data.get("kind", instance.kind)
        anonymous = data.get("anonymous", instance.anonymous)
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("A survey closes on or after the day it opens."))
        if kind == SurveyKind.COUNSELING_SATISFACTION and not anonymous:
            self.add_error("anonymous" if "anonymous" in self.fields else None,
                           _("Counseling satisfaction surveys are always anonymous: HR must not learn who uses "
                             "counseling."))
        if data.get("invite_follow_up") and anonymous:
            self.add_error("invite_follow_up", _("Only an identified survey can offer a follow-up conversation: "
                                                 "an anonymous answer cannot be followed up."))
        plan = data.get("audience_plan")
        if plan and not data.get("audience_agency") and not self._builds_for(plan.owner):
            self.add_error("audience_plan", _("This plan covers staff beyond the agencies you run surveys for: "
                                              "also choose one of your agencies as the audience."))
        respondent = data.get("respondent")
        if instance.pk and instance.responses.exists() and respondent != instance.named_respondent:
            self.add_error("respondent", _("People have answered already: the survey cannot be sent to someone "
                                           "else now."))
        if respondent and anonymous:
            self.add_error("respondent", _("A survey sent to one person cannot be anonymous: the answers could only "
                                           "be theirs. Make it identified (counseling satisfaction is never sent "
                                           "to one person)."))
        if respondent and (data.get("audience_plan") or data.get("audience_agency") or data.get("audience_segments")):
            self.add_error("respondent", _("A survey sent to one person has no other audience: clear the plan, "
                                           "agency and segments."))
        return data

    def _builds_for(self, agency):
        """Whether the builder runs surveys for `agency` and all below it (a plan's audience)."""
        user = getattr(self.request, "user", None)
        if user is None:
            return False
        if user.is_superuser:
            return True
        return Agency.objects.filter(pk=agency.pk).filter(access.subtree_q(user, SURVEY_KEEPERS, "path")).exists()

    def save(self, commit=True):
        if "respondent" in self.cleaned_data:
            self.instance.named_respondent = self.cleaned_data["respondent"]
        return super().save(commit)


@admin.register(Survey)
class SurveyAdmin(ScopedModelAdmin):
    form = SurveyForm
    list_display = ["title", "kind", "anonymous", "owner", roc_column("opens_on", _("opens on")),
                    roc_column("closes_on", _("closes on")), "answer_count"]
    list_select_related = ["owner"]
    list_filter = ["kind", "anonymous"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "introduction", "anonymous", "owner", "plan"]}),
        (_("Audience"), {"fields": ["audience_plan", "audience_agency", "audience_segments", "respondent",
                                    "invited_people"],
                         "description": _("Everyone covered by a plan, an agency and the agencies below it, or both; "
                                          "with neither, everyone in the agency that runs the survey. Segments "
                                          "narrow the audience.")}),
        (_("When"), {"fields": ["opens_on", "closes_on"]}),
        (_("Follow-up"), {"fields": ["invite_follow_up"]}),
        (_("Answers"), {"fields": ["answers_so_far"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answers=Count("responses"))

    @admin.display(description=_("answers"), ordering="answers")
    def answer_count(self, survey):
        # The published figure of the results pages (small-cell suppression), never the raw count:
        # a number those pages hide as a complement would give hidden cells back.
        from surveys.results import response_counts

        return response_counts([survey])[survey.pk]

    @admin.display(description=_("sent to one person"))
    def respondent(self, survey):
        # Shown to those who only look (the form field of the same name is for those who build).
        user = survey.named_respondent if survey and survey.named_respondent_id else None
        if user is None:
            return "—"
        employee = getattr(user, "employee", None)
        return str(employee) if employee else user.username

    @admin.display(description=_("only the people invited"))
    def invited_people(self, survey):
        # A course session's satisfaction survey is for its attendees alone, whatever the fields above say.
        if survey is None or not survey.invited_only:
            return "—"
        return _("Yes: only the people invited (a course session's attendees) may answer.")

    @admin.display(description=_("answers so far"))
    def answers_so_far(self, survey):
        if survey is None or survey.pk is None:
            return "—"
        if is_locked(survey):
            from surveys.results import response_counts

            return _("%(count)s. The questions, the kind and anonymity can no longer be changed: the answers "
                     "given would no longer match them.") % {"count": response_counts([survey])[survey.pk]}
        return "0"

    def get_readonly_fields(self, request, obj=None):
        fields = ["answers_so_far", "invited_people"]
        if is_locked(obj):
            fields += LOCKED_ONCE_ANSWERED
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class FormWithRequest(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return FormWithRequest

    def has_view_permission(self, request, obj=None):
        # Agency HR look at the surveys of their subtree, even before there is one.
        if obj is None:
            return access.can_use_admin(request.user) and (
                request.user.is_superuser or access.has_role(request.user, *SURVEY_READERS))
        return super().has_view_permission(request, obj)

    def can_add_anywhere(self, request):
        return request.user.is_superuser or access.has_role(request.user, *SURVEY_KEEPERS)

    def scope_choices(self, db_field, request, queryset):
        if db_field.name in ("owner", "audience_agency"):
            return queryset.filter(access.subtree_q(request.user, SURVEY_KEEPERS, "path")) \
                if not request.user.is_superuser else queryset
        if db_field.name in ("plan", "audience_plan"):
            return Plan.objects.visible_to(request.user).select_related("owner")
        return super().scope_choices(db_field, request, queryset)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
