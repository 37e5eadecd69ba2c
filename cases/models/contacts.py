"""The single window (單一服務窗口): every contact the agency's EAP officer takes, and what became
of it — a general case, a counseling booking for the person, or information given."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.models.sensitive import SensitiveQuerySet, SensitiveRecord


class ContactChannel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in")
    OTHER = "other", _("Other")


class ContactOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    CASE = "case", _("Became a case")
    BOOKING = "booking", _("Booked counseling")
    INFORMATION = "information", _("Information given")


class ContactQuerySet(SensitiveQuerySet):
    def visible_to(self, user):
        from cases import access

        return access.contacts_visible_to(user, self)


class Contact(SensitiveRecord):
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="window_contacts")
    received_on = models.DateField(_("date"), default=timezone.localdate)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    # Someone may call without giving a name: they can be informed, not served through a case.
    person = models.ForeignKey("agencies.Employee", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="window_contacts")
    summary = EncryptedTextField(_("summary"))
    problem_categories = models.ManyToManyField("plans.ProblemCategory", verbose_name=_("problem categories"),
                                                blank=True, related_name="window_contacts")
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices,
                               default=ContactOutcome.OPEN, db_index=True)
    outcome_note = EncryptedTextField(_("information given"), blank=True, default="")
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="window_contact")
    booking = models.OneToOneField("counseling.Booking", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="window_contact")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("single-window contact")
        verbose_name_plural = _("single-window contacts")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(outcome="case") | Q(case__isnull=False), name="contact_case_linked"),
            models.CheckConstraint(condition=~Q(outcome="booking") | Q(booking__isnull=False),
                                   name="contact_booking_linked"),
        ]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return f"{format_roc_date(self.received_on)} {self.get_channel_display()}"

    @property
    def is_open(self):
        return self.outcome == ContactOutcome.OPEN
