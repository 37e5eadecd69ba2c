"""A person's request to correct their own records (PDPA art. 10–11, DOMAIN §8): what is wrong
and what it should say, both encrypted. The access approver answers it: corrected, or refused
with a reason. Every write leaves a history row (SensitiveRecord)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveQuerySet, SensitiveRecord


class RecordCategory(models.TextChoices):
    PROFILE = "profile", _("My staff record")
    BOOKINGS = "bookings", _("Counseling bookings")
    SCREENINGS = "screenings", _("Screenings")
    SURVEYS = "surveys", _("Survey answers")
    CASE = "case", _("A case about me")
    COURSES = "courses", _("Courses")
    OTHER = "other", _("Something else")


class CorrectionState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    CORRECTED = "corrected", _("Corrected")
    REFUSED = "refused", _("Refused")


class CorrectionRequestQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from agencies import access

        return access.correction_requests_visible_to(user, self)

    def answerable_by(self, user):
        from agencies import access

        return access.correction_requests_answerable_by(user, self)


class CorrectionRequest(SensitiveRecord):
    employee = models.ForeignKey("agencies.Employee", verbose_name=_("person"), on_delete=models.PROTECT,
                                 related_name="correction_requests")
    category = models.CharField(_("which records"), max_length=20, choices=RecordCategory.choices)
    what_is_wrong = EncryptedTextField(_("what is wrong"))
    should_say = EncryptedTextField(_("what it should say"), blank=True, default="")
    state = models.CharField(_("state"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.OPEN,
                             db_index=True)
    answer = EncryptedTextField(_("answer"), blank=True, default="")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state="open") | Q(answered_at__isnull=False),
                                   name="an_answered_correction_has_its_time"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_open(self):
        return self.state == CorrectionState.OPEN
