from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkCircleGroup(models.Model):
    """A group of the city's work circle (工作圈), led by a first-level agency's HR head."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="work_circle_groups")
    name = models.CharField(_("name"), max_length=80)
    duties = models.TextField(_("duties"), blank=True)
    leader = models.CharField(_("leader"), max_length=120, blank=True)
    leader_agency = models.ForeignKey("agencies.Agency", verbose_name=_("leading agency"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("work-circle group")
        verbose_name_plural = _("work-circle groups")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.name


class WorkCircleMeeting(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="work_circle_meetings")
    group = models.ForeignKey(WorkCircleGroup, verbose_name=_("group (empty: the whole circle)"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="meetings")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("work-circle meeting")
        verbose_name_plural = _("work-circle meetings")
        ordering = ["plan", "held_on"]

    def __str__(self):
        return self.title
