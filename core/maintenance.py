"""The only way past the audit tables' guard: a named maintenance job, recorded as it passes.

Key rotation re-encrypts the previous values kept in the write history; the retention purge
(issue 11) destroys due rows. Both run their batches inside `maintenance_writes(job)`, which:
- on PostgreSQL sets `eap.maintenance` for the transaction, the one thing the append-only
  triggers let through (SET LOCAL: it ends with the transaction, so it cannot leak to a pooled
  connection);
- lets the application-level guard through for the same transaction;
- writes a MaintenanceRun row in that transaction, saying which job wrote how many rows where.
"""
import contextvars
from collections import Counter
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from core.actors import current_actor

_job = contextvars.ContextVar("eap_maintenance_job", default=None)
JOBS = frozenset({"rotate_keys", "purge_expired"})


def require_maintenance(model):
    if _job.get() is None:
        from core.models.audit import AppendOnlyError

        raise AppendOnlyError(f"{model._meta.label} is append-only: its rows are never changed or deleted.")


class MaintenanceBatch:
    def __init__(self, job):
        self.job = job
        self.tables = Counter()

    def wrote(self, model, rows):
        if rows:
            self.tables[model._meta.db_table] += rows


def _set_database_pass(job):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('eap.maintenance', %s, true)", [job])


@contextmanager
def maintenance_writes(job):
    if job not in JOBS:
        raise ValueError(f"{job!r} is not a maintenance job allowed past the audit guard.")
    from core.models.audit import MaintenanceRun

    actor = current_actor(required=False)
    batch = MaintenanceBatch(job)
    with transaction.atomic():
        _set_database_pass(job)
        token = _job.set(job)
        try:
            yield batch
        finally:
            _job.reset(token)
            # Closed explicitly too: inside an outer transaction SET LOCAL would outlive this block.
            # After an error the savepoint's rollback undoes the setting anyway.
            try:
                _set_database_pass("")
            except DatabaseError:
                pass
        if batch.tables:
            MaintenanceRun.objects.create(job=job, actor_label=str(actor or f"command:{job}"),
                                          tables=dict(batch.tables))
