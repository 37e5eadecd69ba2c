from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off (e.g. a typhoon day)")
    WORKING_DAY = "working_day", _("Working day (e.g. a make-up working Saturday)")


class DayExceptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from core import access

        return access.day_exceptions_visible_to(user, self)

    def editable_by(self, user):
        from core import access

        return access.day_exceptions_editable_by(user, self)


class DayException(models.Model):
    """A day HR declares off or on, over the national calendar: typhoon days (停班), a city's own
    holidays, a make-up working day the national calendar does not know. It applies to an agency's
    subtree, or to every agency when no agency is given."""

    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=DayKind.choices, default=DayKind.DAY_OFF)
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("for agency (and below)"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="day_exceptions")
    reason = models.CharField(_("reason"), max_length=120)

    objects = DayExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("declared day off or working day")
        verbose_name_plural = _("declared days off and working days")
        ordering = ["-day", "pk"]
        constraints = [models.UniqueConstraint(fields=["day", "agency"], name="one_declaration_per_day_and_agency"),
                       models.UniqueConstraint(fields=["day"], condition=models.Q(agency__isnull=True),
                                               name="one_citywide_declaration_per_day")]

    def __str__(self):
        from eap_portal.rocdates import format_roc_date

        return f"{format_roc_date(self.day)} {self.get_kind_display()}"
