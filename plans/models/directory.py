from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web site or online form")
    LINE = "line", _("LINE")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("In person")


class ResourceEntryQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                           Q(valid_until__isnull=True) | Q(valid_until__gte=day))


class ResourceEntry(models.Model):
    """The plan's resource directory: lines and services outside the contracted providers."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="directory")
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contact = models.CharField(_("phone or link"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_hours = models.CharField(_("service hours"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    min_age = models.PositiveSmallIntegerField(_("eligible from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("eligible up to age"), null=True, blank=True)
    free_sessions = models.PositiveSmallIntegerField(_("free sessions"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    review_needed = models.BooleanField(
        _("review needed"), default=False,
        help_text=_("Set when the entry was copied from last year's plan after its validity had ended."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ResourceEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("resource directory")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_age__isnull=True) | Q(max_age__isnull=True)
                                   | Q(max_age__gte=models.F("min_age")), name="age_range_in_order"),
            models.CheckConstraint(condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                                   | Q(valid_until__gte=models.F("valid_from")), name="validity_in_order"),
        ]

    def __str__(self):
        return self.name

    def is_expired(self, on):
        return self.valid_until is not None and self.valid_until < on
