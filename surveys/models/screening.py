"""Screenings (DOMAIN §7, Decision): a self-check is the employee's own; an office tour or a case
screening is the care team's or a professional's, recorded against the tour (or, later, the case).
Answers and results are encrypted; only the workflow columns stay plain."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField, EncryptedTextField
from core.models import SensitiveRecord
from core.models.sensitive import SensitiveQuerySet


class Instrument(models.TextChoices):
    BSRS5 = "bsrs5", _("Mood thermometer (BSRS-5)")
    RISK_CHECKLIST = "risk_checklist", _("Mental-health risk-factor checklist")


class Setting(models.TextChoices):
    SELF_CHECK = "self_check", _("Self-check")
    OFFICE_TOUR = "office_tour", _("Office tour")
    PROFESSIONAL = "professional", _("By a professional")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class OfficeTourQuerySet(models.QuerySet):
    def visible_to(self, user):
        from surveys import access

        return access.tours_visible_to(user, self)


class OfficeTour(models.Model):
    """「定期辦公室巡迴協助同仁檢測」: the care team visits a unit and screens those who wish."""

    team = models.ForeignKey("agencies.CareTeam", verbose_name=_("care team"), on_delete=models.PROTECT,
                             related_name="office_tours")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="office_tours")
    unit = models.CharField(_("unit"), max_length=80)
    held_on = models.DateField(_("date"))
    screened_by = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("screened by"),
                                         related_name="office_tours")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfficeTourQuerySet.as_manager()

    class Meta:
        verbose_name = _("office tour")
        verbose_name_plural = _("office tours")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return f"{format_roc_date(self.held_on)} {self.unit}"


class ScreeningQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from surveys import access

        return access.screenings_visible_to(user, self)


class Screening(SensitiveRecord):
    employee = models.ForeignKey("agencies.Employee", verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="screenings")
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, default=Instrument.BSRS5)
    setting = models.CharField(_("taken"), max_length=20, choices=Setting.choices, default=Setting.SELF_CHECK)
    taken_on = models.DateField(_("date"), db_index=True)
    # BSRS-5: {"ratings": [five 0–4], "star": 0–4}; nothing for the checklist (its items are not ours).
    answers = EncryptedJSONField(_("answers"), null=True, blank=True)
    # BSRS-5: {"total", "band", "star"}; checklist: {"level"}.
    result = EncryptedJSONField(_("result"), default=dict)
    tour = models.ForeignKey(OfficeTour, verbose_name=_("office tour"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="screenings")
    # The care team that took it (a tour's team, or the team a checklist was recorded for): its
    # convener reads it. None for a self-check, which is the employee's.
    team = models.ForeignKey("agencies.CareTeam", verbose_name=_("care team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="screenings")
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("screened by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The case it attaches to, once cases exist (issue 7): any record, by content type and id.
    case_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case_id = models.CharField(max_length=40, blank=True)
    case = GenericForeignKey("case_type", "case_id")
    scanned_form = models.FileField(_("scanned form"), upload_to="surveys/checklists/%Y/", blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")
    # Self-check consent (DOMAIN §7): contact offered, accepted, answers shared — each with effect from then.
    contact_offered = models.BooleanField(_("contact by the care team offered"), default=False)
    contact_accepted_at = models.DateTimeField(_("contact accepted"), null=True, blank=True)
    answers_shared_at = models.DateTimeField(_("answers shared with the care team"), null=True, blank=True)
    # Withdrawals (agencies.my_data), with effect from then on: the open contact duty is cancelled;
    # withdrawing the sharing clears `answers_shared_at` (its old value stays in the write history).
    contact_withdrawn_at = models.DateTimeField(_("contact withdrawn"), null=True, blank=True)
    sharing_withdrawn_at = models.DateTimeField(_("sharing of the answers withdrawn"), null=True, blank=True)
    duty = models.ForeignKey("core.Duty", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-taken_on", "-pk"]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return f"{self.get_instrument_display()} {format_roc_date(self.taken_on)}"

    def get_absolute_url(self):
        # The care team's page of the screening (a duty links to it); a self-check is the employee's
        # and opens there only once they shared it (the page checks who may see it either way).
        from django.urls import reverse

        return reverse("screening_detail", args=[self.pk])
