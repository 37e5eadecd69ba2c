"""The audit tables: who read which sensitive records and why (AccessLog), who wrote them
(RecordHistory), and every pass of a maintenance job past the tables' guard (MaintenanceRun).

All three are append-only. The application refuses to change or delete their rows; on PostgreSQL
a trigger refuses it too (migration 0002), so a raw UPDATE or a bulk delete cannot rewrite the
past. Only key rotation and the retention purge pass the guard, inside `maintenance_writes`.
"""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        from core.maintenance import require_maintenance

        require_maintenance(self.model)
        return super().update(**kwargs)

    def delete(self):
        from core.maintenance import require_maintenance

        require_maintenance(self.model)
        return super().delete()

    def _raw_delete(self, using):
        # The fast path Django's collector takes for rows nothing points to: guarded the same way.
        from core.maintenance import require_maintenance

        require_maintenance(self.model)
        return super()._raw_delete(using)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            from core.maintenance import require_maintenance

            require_maintenance(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from core.maintenance import require_maintenance

        require_maintenance(type(self))
        return super().delete(*args, **kwargs)


class AccessAction(models.TextChoices):
    READ = "read", _("Read")
    LIST = "list", _("List")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")


class PurposeKind(models.TextChoices):
    DUTY = "duty", _("Assigned duty")
    CASE_ASSIGNMENT = "case_assignment", _("Case assignment")
    GRANT = "grant", _("Access grant")
    ROLE = "role", _("Role")
    OWN_RECORDS = "own_records", _("Own records")
    LEGAL_EXCEPTION = "legal_exception", _("Legal exception")
    AUDIT = "audit", _("Audit")


class AccessLogQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        from core import access

        return access.access_log_visible_to(user, self)


class AccessLog(AppendOnlyModel):
    """One read, list, export or print of sensitive records."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                              related_name="+")
    # The person the records are about. Not a database constraint: a log row outlives the profile
    # it names when the retention purge removes a leaver, and the log is never rewritten.
    person = models.ForeignKey("agencies.Employee", verbose_name=_("whose records"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    record_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.PROTECT,
                                    related_name="+")
    record_ids = models.JSONField(_("records"), default=list)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    purpose_kind = models.CharField(_("purpose"), max_length=20, choices=PurposeKind.choices)
    purpose_ref = models.CharField(_("purpose reference"), max_length=80, blank=True)
    purpose_role = models.CharField(_("in the role of"), max_length=30, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.record_type.model} · {self.rows}"

    @property
    def record_type_label(self):
        model = self.record_type.model_class()
        return model._meta.verbose_name if model else self.record_type.model

    @property
    def purpose_role_display(self):
        from agencies.roles import Role

        return Role(self.purpose_role).label if self.purpose_role in Role.values else self.purpose_role


class HistoryAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")


class RecordHistory(AppendOnlyModel):
    """One write of a sensitive record: who, when, which fields, and their previous values
    (encrypted like the record itself)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("system actor"), max_length=80, blank=True)
    record_type = models.ForeignKey(ContentType, verbose_name=_("record type"), on_delete=models.PROTECT,
                                    related_name="+")
    record_id = models.CharField(_("record"), max_length=40)
    action = models.CharField(_("action"), max_length=10, choices=HistoryAction.choices)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    previous_values = EncryptedJSONField(_("previous values"), null=True, blank=True)

    class Meta:
        verbose_name = _("record history")
        verbose_name_plural = _("record history")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.record_type.model} {self.record_id}"


class MaintenanceRun(AppendOnlyModel):
    """A maintenance job that wrote past the audit tables' guard: key rotation, the retention purge."""

    job = models.CharField(_("job"), max_length=40)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    actor_label = models.CharField(_("run by"), max_length=80, blank=True)
    tables = models.JSONField(_("tables written"), default=dict)

    class Meta:
        verbose_name = _("maintenance run")
        verbose_name_plural = _("maintenance runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return self.job
