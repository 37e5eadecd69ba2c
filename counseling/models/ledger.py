"""The hour ledger (DOMAIN §4, Decision): one account per quota pool, plan year and holder — an
employee for individual and fee-subsidy pools, an agency for group pools.

`available = quota − consumed − held`. The quota is not stored: it is the pool's hours in force on
the session's date (amendments apply to sessions scheduled after them), passed into the one
conditional UPDATE that holds hours, so the balance cannot go below zero however many requests race.
Every change is also an entry, so the ledger can be summed and explained.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuotaAccount(models.Model):
    pool = models.ForeignKey("plans.QuotaPool", verbose_name=_("quota pool"), on_delete=models.PROTECT,
                             related_name="accounts")
    year = models.PositiveSmallIntegerField(_("ROC year"))
    employee = models.ForeignKey("agencies.Employee", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="quota_accounts")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="quota_accounts")
    held = models.DecimalField(_("held hours"), max_digits=6, decimal_places=1, default=0)
    consumed = models.DecimalField(_("consumed hours"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("quota account")
        verbose_name_plural = _("quota accounts")
        constraints = [
            models.UniqueConstraint(fields=["pool", "year", "employee"], condition=Q(employee__isnull=False),
                                    name="one_account_per_pool_year_employee"),
            models.UniqueConstraint(fields=["pool", "year", "agency"], condition=Q(agency__isnull=False),
                                    name="one_account_per_pool_year_agency"),
            models.CheckConstraint(condition=Q(employee__isnull=True) ^ Q(agency__isnull=True),
                                   name="account_has_one_holder"),
            models.CheckConstraint(condition=Q(held__gte=0) & Q(consumed__gte=0), name="account_never_negative"),
        ]

    def __str__(self):
        return f"{self.pool} · {self.year}"


class EntryKind(models.TextChoices):
    HOLD = "hold", _("Held for a scheduled session")
    CONSUME = "consume", _("Consumed by a session held")
    RELEASE = "release", _("Released")
    NO_SHOW = "no_show", _("Charged for a no-show")
    LATE_CANCEL = "late_cancel", _("Charged for a late cancellation")


class LedgerEntry(models.Model):
    """One movement of hours; `held` and `consumed` are the changes to the account's two columns."""

    # Null once the retention purge has removed an employee's account of a past year: the entry
    # still counts for its session's statistics, but no longer says whose hours they were.
    account = models.ForeignKey(QuotaAccount, null=True, on_delete=models.PROTECT, related_name="entries")
    session = models.ForeignKey("counseling.Session", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    held = models.DecimalField(_("change to held"), max_digits=6, decimal_places=1, default=0)
    consumed = models.DecimalField(_("change to consumed"), max_digits=6, decimal_places=1, default=0)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held}/{self.consumed}"
