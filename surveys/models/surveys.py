"""Surveys (DOMAIN §7). A survey has questions, an audience and open and close dates. Anonymous
means unlinkable: a Response carries no user, a random id, and only the day; a Participation says
that someone was invited or answered (so they answer once) and carries no answer, no time and
nothing in common with the response that could pair them."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField, EncryptedTextField


class SurveyKind(models.TextChoices):
    NEEDS = "needs", _("Needs survey")
    SERVICE_SATISFACTION = "service_satisfaction", _("Satisfaction with a service")
    COUNSELING_SATISFACTION = "counseling_satisfaction", _("Counseling satisfaction (always anonymous)")
    COURSE_SATISFACTION = "course_satisfaction", _("Satisfaction with a course session")
    ACTIVITY_SATISFACTION = "activity_satisfaction", _("Satisfaction with an activity")
    SUPERVISOR_SATISFACTION = "supervisor_satisfaction", _("Supervisor's satisfaction after a referral")
    AWARENESS = "awareness", _("Awareness (知悉度)")


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        from surveys import access

        return access.surveys_visible_to(user, self)

    def editable_by(self, user):
        from surveys import access

        return access.surveys_editable_by(user, self)


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=SurveyKind.choices, default=SurveyKind.NEEDS)
    introduction = models.TextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True,
                                    help_text=_("Anonymous answers cannot be traced to anyone, ever."))
    owner = models.ForeignKey("agencies.Agency", verbose_name=_("run by"), on_delete=models.PROTECT,
                              related_name="surveys")
    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="surveys")
    # Audience: everyone covered by the plan, or an agency subtree, narrowed by roster-derived segments.
    audience_plan = models.ForeignKey("plans.Plan", verbose_name=_("everyone covered by plan"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    audience_agency = models.ForeignKey("agencies.Agency", verbose_name=_("everyone in agency (and below)"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    audience_segments = models.JSONField(_("only these segments"), default=list, blank=True)
    named_respondent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent to one person"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    # The people a service invited (a course session's attendees), each through a Participation
    # written by surveys.answering.invite_to_survey; the plan, agency and segments then play no part.
    invited_only = models.BooleanField(_("invited people only"), default=False, editable=False,
                                       help_text=_("Only the people invited to it may answer."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    invite_follow_up = models.BooleanField(
        _("offer a follow-up conversation when satisfaction is low"), default=False,
        help_text=_("Identified surveys only: respondents may opt in to be contacted."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening"),
            models.CheckConstraint(condition=~Q(kind="counseling_satisfaction") | Q(anonymous=True),
                                   name="counseling_satisfaction_is_anonymous"),
            models.CheckConstraint(condition=Q(anonymous=False) | Q(invite_follow_up=False),
                                   name="follow_up_only_when_identified"),
            models.CheckConstraint(condition=Q(invited_only=False) | Q(named_respondent__isnull=True),
                                   name="invited_or_named_not_both"),
        ]

    def __str__(self):
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale (1–5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    choices = models.JSONField(_("choices"), default=list, blank=True,
                               help_text=_("For single and multiple choice: the options, in order."))
    required = models.BooleanField(_("required"), default=True)
    # A self-reported segment ("I am a new colleague", "LGBTQ+"): results may break down by it, and it
    # is never stored anywhere but in the anonymous answers (DOMAIN §2, Decision).
    is_segment = models.BooleanField(_("self-reported segment question"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text


class Participation(models.Model):
    """That a person was invited, reminded or answered: nothing else. For anonymous surveys it is the
    only trace of them."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reminded = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_participation_per_person")]


class Response(models.Model):
    """One set of answers. Anonymous: no user, a random id, the day only, and the respondent's
    first-level agency (for breakdowns behind suppression) — never their own agency or unit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    submitted_on = models.DateField(_("day"))
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    follow_up_wanted = models.BooleanField(_("may be contacted for a follow-up"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], condition=Q(respondent__isnull=False),
                                    name="one_identified_response_per_person"),
        ]


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True)   # scale 1–5, single choice index
    choices = models.JSONField(default=list, blank=True)               # multiple choice indexes
    text = EncryptedTextField(blank=True, default="")                  # free text

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from surveys import access

        return access.suggestions_visible_to(user, self)


class Suggestion(models.Model):
    """The suggestion mailbox (交流意見信箱), for next year's plan: anonymous or named."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("from"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("suggestion"))
    submitted_on = models.DateField(_("day"))

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-submitted_on"]

    def __str__(self):
        return str(self.submitted_on)


class PendingResponse(models.Model):
    """An anonymous response waiting to be mixed in. Anonymous answers are written out in shuffled
    batches (surveys.answering.flush_pending): rows written as people answer, in the same transaction
    as their participation, could otherwise be lined up with the participations by the order the
    database keeps them in, or by the transaction that wrote them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pending_responses")
    # {"day": ISO date, "agency": first-level agency id or None, "answers": [[question id, number, choices, text]]}
    payload = EncryptedJSONField()
