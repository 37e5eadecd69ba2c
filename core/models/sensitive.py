"""The base of every sensitive record (case notes, screenings, bookings, duties about a person).

Each write goes through `save()` or `delete()` and leaves a RecordHistory row naming its actor,
in the same transaction. Queryset-wide update, delete and bulk writes would skip that row, so they
are refused outside a maintenance job; features write one record at a time through services.
"""
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from core.actors import current_actor


class SensitiveWriteRefused(Exception):
    pass


class SensitiveQuerySet(models.QuerySet):
    def _refuse(self, what):
        from core.maintenance import _job

        if _job.get() is None:
            raise SensitiveWriteRefused(
                f"{self.model._meta.label}: {what} would skip the write history; save records one by one."
            )

    def update(self, **kwargs):
        self._refuse("a queryset update")
        return super().update(**kwargs)

    def delete(self):
        self._refuse("a queryset delete")
        return super().delete()

    def bulk_create(self, *args, **kwargs):
        self._refuse("bulk_create")
        return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        self._refuse("bulk_update")
        return super().bulk_update(*args, **kwargs)


def _tracked(model):
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _record(instance, action, changed, previous):
    from core.models.audit import RecordHistory

    actor = current_actor()
    RecordHistory.objects.create(
        actor=actor.user, actor_label=actor.label,
        record_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        record_id=str(instance.pk), action=action, changed_fields=changed, previous_values=previous or None,
    )


class SensitiveRecord(models.Model):
    objects = SensitiveQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from core.models.audit import HistoryAction

        current_actor()  # refuse before writing anything
        fields = _tracked(type(self))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = [field for field in fields if field.name in update_fields or field.attname in update_fields]
        adding = self._state.adding or self.pk is None
        before = None
        if not adding:
            before = type(self)._base_manager.filter(pk=self.pk).values(*[f.attname for f in fields]).first()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding or before is None:
                _record(self, HistoryAction.CREATED, [f.name for f in fields], None)
                return
            changed = [f for f in fields if before[f.attname] != getattr(self, f.attname)]
            if changed:
                _record(self, HistoryAction.CHANGED, [f.name for f in changed],
                        {f.name: before[f.attname] for f in changed})

    def delete(self, *args, **kwargs):
        from core.models.audit import HistoryAction

        current_actor()
        fields = _tracked(type(self))
        previous = {f.name: getattr(self, f.attname) for f in fields}
        pk = self.pk
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.pk = pk
            _record(self, HistoryAction.DELETED, [f.name for f in fields], previous)
            self.pk = None
        return result
