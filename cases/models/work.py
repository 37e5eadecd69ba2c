"""What the care team does on a case: follow-ups, services arranged, and the paper files kept."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveRecord


class ContactType(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting in person")
    MESSAGE = "message", _("Message or e-mail")
    FAMILY = "family", _("Contact with family")
    OTHER = "other", _("Other")


class FollowUp(SensitiveRecord):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("date"))
    contact_type = models.CharField(_("contact"), max_length=20, choices=ContactType.choices)
    what_happened = EncryptedTextField(_("what happened"))
    person_state = EncryptedTextField(_("the person's state"), blank=True, default="")
    next_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # When the date asked for fell on a day off, the date it moved from (shown so nobody is surprised).
    next_asked_for = models.DateField(_("next follow-up asked for"), null=True, blank=True)
    duty = models.ForeignKey("core.Duty", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                           related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["case", "-on", "-pk"]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return format_roc_date(self.on)


class ServiceKind(models.TextChoices):
    BOOKING = "booking", _("Counseling booking (draws on the person's hours)")
    INTERNAL = "internal", _("Internal resource (care team, HR, the unit)")
    OUTSIDE_FREE = "outside_free", _("Outside free resource")
    OUTSIDE_PAID = "outside_paid", _("Outside paid resource")


class CaseService(SensitiveRecord):
    """A service arranged for the person: a booking through the counseling module, or a resource."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    booking = models.OneToOneField("counseling.Booking", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="case_service")
    # In a crisis, the affected employee the service is for (else the case's person).
    affected = models.ForeignKey("cases.AffectedPerson", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="services")
    resource = models.CharField(_("resource"), max_length=200, blank=True)
    details = EncryptedTextField(_("details"), blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    arranged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service arranged")
        verbose_name_plural = _("services arranged")
        ordering = ["case", "arranged_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind="booking", booking__isnull=False)
                                   | (~models.Q(kind="booking") & models.Q(booking__isnull=True)),
                                   name="a_booking_service_has_its_booking"),
        ]

    def __str__(self):
        return self.resource or self.get_kind_display()


class PaperFile(models.Model):
    """A paper file that exists for a case (DOMAIN §8): what it is and where it is locked away, so
    its destruction can be recorded when the case's retention ends."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="paper_files")
    description = models.CharField(_("what"), max_length=200)
    location = models.CharField(_("where it is kept"), max_length=200)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(auto_now_add=True)
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("paper file")
        verbose_name_plural = _("paper files")
        ordering = ["case", "listed_at", "pk"]

    def __str__(self):
        return self.description
