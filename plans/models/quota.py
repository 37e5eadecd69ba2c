

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PoolKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual hours per employee")
    GROUP = "group", _("Group hours per agency")
    FEE_SUBSIDY = "fee_subsidy", _("Fee subsidy hours per employee")


class LateRule(models.TextChoices):
    CHARGE = "charge", _("Charged as held")
    RELEASE = "release", _("Released")


class QuotaPool(models.Model):
    """One quota, defined once on the plan that pays for it (DOMAIN §3, Decision). Sub-plans name
    the pools their people draw on (Plan.draws_on); an employee sees one balance per pool."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("paid by plan"), on_delete=models.CASCADE,
                             related_name="pools")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=PoolKind.choices)
    hours = models.DecimalField(_("hours per year"), max_digits=5, decimal_places=1)
    provider = models.ForeignKey("plans.Provider", verbose_name=_("provider"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="pools")
    family_charge_hours = models.DecimalField(
        _("family session charge (hours)"), max_digits=4, decimal_places=1, null=True, blank=True,
        help_text=_("Hours a family session costs; empty: family sessions are not offered."))
    max_relatives = models.PositiveSmallIntegerField(_("relatives at most"), null=True, blank=True)
    no_show_rule = models.CharField(_("a no-show is"), max_length=10, choices=LateRule.choices,
                                    default=LateRule.CHARGE)
    late_cancel_rule = models.CharField(_("a late cancellation is"), max_length=10, choices=LateRule.choices,
                                        default=LateRule.CHARGE)
    late_cancel_hours = models.PositiveSmallIntegerField(
        _("late means fewer hours before the session than"), default=24)
    notes = models.TextField(_("as the plan says"), blank=True)

    class Meta:
        verbose_name = _("quota pool")
        verbose_name_plural = _("quota pools")
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="pool_hours_not_negative"),
            models.CheckConstraint(condition=Q(family_charge_hours__isnull=True) | Q(family_charge_hours__gt=0),
                                   name="family_charge_positive"),
        ]

    def __str__(self):
        return f"{self.plan.year}年 {self.name}"

    def terms_on(self, day):
        """(hours, family charge) in force for a session scheduled on `day`: the latest amendment
        dated on or before it, else the plan as issued."""
        change = (self.changes.filter(amendment__effective_on__lte=day)
                  .order_by("-amendment__effective_on", "-pk").first())
        if change is None:
            return self.hours, self.family_charge_hours
        return (change.hours if change.hours is not None else self.hours,
                change.family_charge_hours if change.family_charge_hours is not None else self.family_charge_hours)


class AmendmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from plans.models import Plan

        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        from plans.models import Plan

        return self.filter(plan__in=Plan.objects.editable_by(user).values("pk"))


class Amendment(models.Model):
    """A dated mid-year change to the plan (「得隨時修正」)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="amendments")
    effective_on = models.DateField(_("effective on"))
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    summary = models.TextField(_("what changed"))

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["plan", "effective_on"]

    def __str__(self):
        return self.summary[:40]


class QuotaChange(models.Model):
    """A quota change made by an amendment; it applies to sessions scheduled after it."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="quota_changes")
    pool = models.ForeignKey(QuotaPool, on_delete=models.CASCADE, related_name="changes")
    hours = models.DecimalField(_("new hours per year"), max_digits=5, decimal_places=1, null=True, blank=True)
    family_charge_hours = models.DecimalField(_("new family session charge"), max_digits=4, decimal_places=1,
                                              null=True, blank=True)

    class Meta:
        verbose_name = _("quota change")
        verbose_name_plural = _("quota changes")

    def __str__(self):
        return self.pool.name


class UnlimitedLine(models.Model):
    """A line the plan offers without limit (e.g. the 1980 hotline): it never touches the ledger."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="unlimited_lines")
    name = models.CharField(_("name"), max_length=80)
    phone = models.CharField(_("phone or link"), max_length=120)
    provider = models.ForeignKey("plans.Provider", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    notes = models.TextField(_("as the plan says"), blank=True)

    class Meta:
        verbose_name = _("unlimited line")
        verbose_name_plural = _("unlimited lines")

    def __str__(self):
        return self.name


