"""The retention purge's two tables (DOMAIN §8): the destruction register, kept forever, and the
legal holds that keep a due record from being destroyed while they stand.

The register says what kind of record was destroyed, how many, when and by which job; it never
says whose, so it can outlive everything it counts.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models.audit import AppendOnlyModel


class DestructionJob(models.TextChoices):
    PURGE_EXPIRED = "purge_expired", _("Retention purge")
    PAPER_FILE = "paper_file", _("Paper file destroyed")
    PROVIDER_CONFIRMATION = "provider_confirmation", _("Provider's destruction confirmation")


class DestructionEntry(AppendOnlyModel):
    """One line of the destruction register. Append-only: a line is never changed or removed, except
    by the purge adding up the batches of the run that wrote it."""

    kind = models.CharField(_("kind of record"), max_length=60)
    count = models.PositiveIntegerField(_("how many"))
    destroyed_on = models.DateField(_("destroyed on"), default=timezone.localdate)
    destroyed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    job = models.CharField(_("job"), max_length=30, choices=DestructionJob.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # Free text from HR for paper files and confirmations: which cabinet, which provider — never whose.
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("destruction register entry")
        verbose_name_plural = _("destruction register")
        ordering = ["-destroyed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="destruction_counts_something")]

    def __str__(self):
        return f"{self.kind} × {self.count}"


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Keeps due records from the purge: one record (its register kind and id), or everything about
    one person."""

    kind = models.CharField(_("kind of record"), max_length=60, blank=True,
                            help_text=_("With a record id: the kind of record held."))
    record_id = models.CharField(_("record"), max_length=40, blank=True)
    person = models.ForeignKey("agencies.Employee", verbose_name=_("everything about"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=True) & ~Q(kind="") & ~Q(record_id=""))
                | (Q(person__isnull=False) & Q(kind="") & Q(record_id="")),
                name="legal_hold_one_record_or_one_person"),
        ]

    def __str__(self):
        return f"{self.kind} {self.record_id}" if self.record_id else f"person {self.person_id}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from core.retention import record_types

        # A hold naming a kind the purge does not know would hold nothing, silently.
        if self.kind and self.kind not in {record_type.kind for record_type in record_types()}:
            raise ValidationError({"kind": _("The purge destroys no records of this kind.")})
