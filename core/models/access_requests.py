"""Access requests (資料調閱, DOMAIN §8): someone asks to read a person's records; the person
consents (unless they ask about themselves), the access approver decides, the requester signs the
confidentiality agreement, and a read-only grant opens until it expires.

The moves between states are one table in core.access_requests; nothing else changes `state`.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveQuerySet, SensitiveRecord


class AccessCategory(models.TextChoices):
    TIMELINE = "timeline", _("Case timeline")
    FOLLOW_UPS = "follow_ups", _("Follow-up notes")
    SCREENINGS = "screenings", _("Screenings")
    COUNSELING_NOTES = "counseling_notes", _("Counseling session notes")
    EXPERT_RECORDS = "expert_records", _("Outside-expert records")
    NOTIFICATIONS = "notifications", _("Notifications")


class RequestState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting the person's consent")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved: awaiting the confidentiality agreement")
    GRANTED = "granted", _("Granted")
    EXPIRED = "expired", _("Expired")
    CONSENT_REFUSED = "consent_refused", _("Consent refused")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AccessRequestQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from core import access

        return access.access_requests_visible_to(user, self)


class AccessRequest(SensitiveRecord):
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                  on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("agencies.Employee", verbose_name=_("whose records"), on_delete=models.PROTECT,
                               related_name="+")
    reason = EncryptedTextField(_("reason"))
    categories = models.JSONField(_("data categories"), default=list)
    purpose = EncryptedTextField(_("purpose"))
    period_from = models.DateField(_("records from"))
    period_until = models.DateField(_("records until"))
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices, db_index=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True, default="")
    agreement_accepted_at = models.DateTimeField(_("confidentiality agreement accepted"), null=True, blank=True)
    grant_expires_at = models.DateTimeField(_("access expires"), null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(period_from__lte=models.F("period_until")),
                                              name="access_request_period_in_order")]

    def __str__(self):
        return f"{self.get_state_display()} #{self.pk}"

    @property
    def is_own(self):
        return self.requester_id == self.person.user_id

    def category_labels(self):
        return [AccessCategory(value).label for value in self.categories if value in AccessCategory.values]


class LegalException(models.TextChoices):
    SUICIDE_SELF_HARM = "suicide_self_harm", _("Intent of suicide or self-harm")
    HARM_TO_OTHERS = "harm_to_others", _("Intent of harming others")
    CRIMINAL_CODE = "criminal_code", _("Duty under the Criminal Code")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Duty under the Domestic Violence Prevention Act")
    SEXUAL_HARASSMENT = "sexual_harassment", _("Duty under the Sexual Harassment Prevention Act")
    SEXUAL_ASSAULT = "sexual_assault", _("Duty under the Sexual Assault Crime Prevention Act")
    CHILD_YOUTH_WELFARE = "child_youth_welfare", _("Duty under the Child and Youth Welfare Act")


class LegalExceptionUse(SensitiveRecord):
    """A disclosure without consent under an exception of DOMAIN §8: who, when, which, about whom.
    The case is named by reference, not by a key, so the record outlives nothing it points to."""

    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                                related_name="+")
    used_at = models.DateTimeField(_("when"), auto_now_add=True)
    exception = models.CharField(_("exception"), max_length=30, choices=LegalException.choices)
    person = models.ForeignKey("agencies.Employee", verbose_name=_("whose records"), on_delete=models.PROTECT,
                               related_name="+")
    case_ref = models.CharField(_("case"), max_length=40, blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("legal exception used")
        verbose_name_plural = _("legal exceptions used")
        ordering = ["-used_at", "-pk"]

    def __str__(self):
        return self.get_exception_display()
