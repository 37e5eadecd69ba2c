"""Outside-expert interviews (附件一): planned, held, advised on, followed up, paid for."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveRecord


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")


class InterviewState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ExpertInterview(SensitiveRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interviews")
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=InterviewMode.choices, default=InterviewMode.IN_PERSON)
    purpose = EncryptedTextField(_("purpose"), blank=True, default="")
    state = models.CharField(_("state"), max_length=12, choices=InterviewState.choices,
                             default=InterviewState.PLANNED)
    record = EncryptedTextField(_("interview record"), blank=True, default="")
    advice_to_employee = EncryptedTextField(_("advice to the employee"), blank=True, default="")
    advice_to_agency = EncryptedTextField(_("advice to the agency"), blank=True, default="")
    follow_up = EncryptedTextField(_("follow-up"), blank=True, default="")
    cancel_reason = EncryptedTextField(_("why it was cancelled"), blank=True, default="")
    fee = models.DecimalField(_("fee (NT$)"), max_digits=9, decimal_places=0, null=True, blank=True)
    procurement_reference = models.CharField(_("procurement reference"), max_length=80, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outside-expert interview")
        verbose_name_plural = _("outside-expert interviews")
        ordering = ["case", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fee__isnull=True) | models.Q(fee__gte=0),
                                   name="interview_fee_not_negative"),
        ]

    def __str__(self):
        return self.get_mode_display()


class Expert(models.Model):
    """An expert taking part: name, profession, licence and practice registration (附件一)."""

    interview = models.ForeignKey(ExpertInterview, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField(_("name"), max_length=60)
    profession = models.CharField(_("profession"), max_length=60)
    licence_number = models.CharField(_("licence number"), max_length=60)
    practice_registration = models.CharField(_("practice registration"), max_length=120)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["interview", "pk"]

    def __str__(self):
        return f"{self.name}（{self.profession}）"
