"""The retention purge (DOMAIN §8, 玖.二.(四)): every record is destroyed 10 years after its clock
starts, unless a legal hold keeps it.

The rule in plain words: a record is due when `localdate() >= start + EAP_RETENTION_YEARS years`
(a start on 29 February is due on 28 February). `purge_expired` destroys exactly the due records
that no active legal hold covers — their rows, their write-history rows and their files — and
writes one destruction-register line per kind of record it destroyed, with a count and no person.
It works in keyset batches (by primary key), each a short transaction of its own inside
`maintenance_writes("purge_expired")`, so it can be stopped and run again: a second run finds
nothing due and writes nothing. A dry run computes the same due sets and writes nothing at all.

Each app registers its record types in its own `retention.py` (found on first use), with
`register(RecordType(...))`.
"""
import datetime
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from core import maintenance
from core.maintenance import maintenance_writes

JOB = "purge_expired"
_registry = {}
_discovered = False


@dataclass(frozen=True)
class RecordType:
    """One kind of record the purge destroys.

    kind: the register's name for it (stable: holds and register lines refer to it).
    candidates: a function returning the queryset of rows of this kind, due or not.
    clock: the path of the date (or date-time, read in local time) when the clock starts.
    person: the path to the Employee the row is about, for holds on a whole person ("" if none).
    runs_last: True for a kind due only once the others about its person are gone.
    destroy: a function (model, primary keys, maintenance batch) → (rows destroyed, file names),
        called inside the batch's transaction; `destroy_rows` unless the kind has more to remove.
    """

    kind: str
    label: str
    candidates: object
    clock: str
    person: str = ""
    destroy: object = None
    runs_last: bool = False  # after every other kind, so one run can clear a person completely

    @property
    def model(self):
        return self.candidates().model


def register(record_type):
    _registry[record_type.kind] = record_type
    return record_type


def record_types():
    global _discovered
    if not _discovered:
        autodiscover_modules("retention")
        _discovered = True
    return sorted(_registry.values(), key=lambda record_type: record_type.runs_last)


def retention_years():
    return settings.EAP_RETENTION_YEARS


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def due_on(start, years=None):
    """The day a record whose clock started on `start` is due for destruction."""
    return _years_later(start, retention_years() if years is None else years)


def last_due_start(today, years=None):
    """The latest start date that is due on `today`: due_on(start) <= today exactly when start <= this."""
    years = retention_years() if years is None else years
    start = _years_later(today, -years)
    # 29 February starts fall due with 28 February ones: one step covers it.
    following = start + datetime.timedelta(days=1)
    return following if due_on(following, years) <= today else start


def _clock_filter(record_type, cutoff):
    model = record_type.model
    field_ = model._meta.get_field(record_type.clock.split("__")[0])
    for part in record_type.clock.split("__")[1:]:
        field_ = field_.related_model._meta.get_field(part)
    if isinstance(field_, models.DateTimeField):
        # The local day the row was written: before the local midnight that ends the cutoff day.
        end = datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min)
        return {f"{record_type.clock}__lt": timezone.make_aware(end)}
    return {f"{record_type.clock}__lte": cutoff}


def _held_pks(record_type, due):
    from core.models import LegalHold

    holds = LegalHold.objects.active()
    pk_field = record_type.model._meta.pk
    held = set()
    for raw in holds.filter(kind=record_type.kind).values_list("record_id", flat=True):
        try:
            held.add(pk_field.to_python(raw))
        except ValidationError:  # a mistyped id holds nothing; it must not stop the purge
            continue
    query = models.Q(pk__in=held)
    if record_type.person:
        query |= models.Q(**{f"{record_type.person}__in": holds.filter(person__isnull=False).values("person_id")})
    return set(due.filter(query).values_list("pk", flat=True))


def due_records(record_type, today):
    """(the queryset of due rows no hold covers, the primary keys of due rows held back)."""
    all_due = record_type.candidates().filter(**_clock_filter(record_type, last_due_start(today)))
    held = _held_pks(record_type, all_due)
    return all_due.exclude(pk__in=held), held


@dataclass
class Report:
    kind: str
    label: str
    due: int = 0
    destroyed: int = 0
    held: int = 0
    held_ids: list = field(default_factory=list)


def purge_expired(*, dry_run=False, today=None, batch_size=500):
    """Destroy every due record of every registered kind (see the module docstring); a list of Reports."""
    today = today or timezone.localdate()
    reports = []
    for record_type in record_types():
        due, held = due_records(record_type, today)
        report = Report(record_type.kind, str(record_type.label), due=due.count(), held=len(held),
                        held_ids=sorted(str(pk) for pk in held))
        if not dry_run:
            report.destroyed = _destroy_in_batches(record_type, due, today, batch_size)
        reports.append(report)
    return reports


def _destroy_in_batches(record_type, due, today, batch_size):
    destroy = record_type.destroy or destroy_rows
    model, entry, last, total = record_type.model, None, None, 0
    while True:
        with maintenance_writes(JOB) as batch:
            page = due if last is None else due.filter(pk__gt=last)
            pks = list(page.order_by("pk").values_list("pk", flat=True)[:batch_size])
            destroyed, files = destroy(model, pks, batch) if pks else (0, [])
            entry = _register(entry, record_type, destroyed, today)
            # Files go only once the rows are gone for good: a batch rolled back keeps both.
            transaction.on_commit(partial(_delete_files, model, files))
        total += destroyed
        if len(pks) < batch_size:
            return total
        last = pks[-1]


def _delete_files(model, files):
    for field_name, file_name in files:
        model._meta.get_field(field_name).storage.delete(file_name)


def _register(entry, record_type, count, today):
    """One register line per kind and run, added up batch by batch in each batch's transaction, so the
    register never counts less than was destroyed."""
    from core.models import DestructionEntry, DestructionJob

    if not count:
        return entry
    if entry is None:
        return DestructionEntry.objects.create(kind=record_type.kind, count=count, destroyed_on=today,
                                               job=DestructionJob.PURGE_EXPIRED)
    DestructionEntry.objects.filter(pk=entry.pk).update(count=F("count") + count)
    return entry


def record_destruction(*, job, kind, count, by, note=""):
    """HR's line in the register for what the portal did not destroy itself: a paper file shredded,
    or a provider's confirmation that it destroyed its records. The note says which cabinet or
    which provider, never whose records."""
    from core.models import DestructionEntry, DestructionJob

    if job not in (DestructionJob.PAPER_FILE, DestructionJob.PROVIDER_CONFIRMATION):
        raise ValueError(f"{job!r} is not recorded by hand: the purge writes its own lines.")
    if count < 1:
        raise ValueError("A destruction counts at least one record.")
    return DestructionEntry.objects.create(job=job, kind=kind, count=count, recorded_by=by, note=note)


def destroy_rows(model, pks, batch):
    """Delete the rows (with what cascades from them) and their write history; return the count and
    their files as (field name, file name) pairs, to delete after the transaction."""
    from core.models import RecordHistory
    from core.models.sensitive import SensitiveRecord

    file_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    files = []
    for row in model._base_manager.filter(pk__in=pks).values(*file_fields) if file_fields else ():
        files += [(name, row[name]) for name in file_fields if row[name]]
    if issubclass(model, SensitiveRecord):
        record_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        history = delete_where(RecordHistory, record_type=record_type, record_id__in=[str(pk) for pk in pks])
        batch.wrote(RecordHistory, history)
    destroyed = delete_where(model, pk__in=pks)
    batch.wrote(model, destroyed)
    return destroyed, files


def delete_where(model, **lookups):
    """A set-based delete for the record types' destroyers (the apps' `retention.py`), only inside this
    job; through the base manager, so guarded and plain models alike. PostgreSQL's triggers still check
    the job's pass."""
    if maintenance._job.get() != JOB:
        raise RuntimeError("Records are destroyed only inside the purge's maintenance_writes.")
    _total, per_model = model._base_manager.filter(**lookups).delete()
    return per_model.get(model._meta.label, 0)


def _register_access_log():
    from django.utils.translation import gettext_lazy as _

    from core.models import AccessLog

    register(RecordType(kind="access_log", label=_("Access-log rows"), candidates=AccessLog.objects.all,
                        clock="at", person="person"))


_register_access_log()
