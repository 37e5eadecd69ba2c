"""Re-encrypt every encrypted value to the newest key (the first of EAP_FIELD_KEYS).

Run it after putting a new key first in EAP_FIELD_KEYS (keeping the old ones after it); when it
reports 0, the old keys can be removed. It works in batches, each its own transaction, so it can be
stopped and run again: values already under the newest key are skipped, and a second run changes
nothing. The write history keeps previous values encrypted too, so it passes the audit tables'
guard as the maintenance job "rotate_keys", which records each batch that wrote.
"""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from core import crypto
from core.actors import acting_as
from core.fields import encrypted_fields
from core.maintenance import maintenance_writes


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value to the newest key, in batches; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        current = crypto.current_key_id()
        total = 0
        with acting_as("command:rotate_keys"):
            for model in apps.get_models():
                fields = encrypted_fields(model)
                if fields:
                    rotated = self.rotate_model(model, fields, current, batch_size)
                    if rotated:
                        self.stdout.write(f"{model._meta.label}: {rotated} values")
                    total += rotated
        self.stdout.write(self.style.SUCCESS(f"rotated {total} values to key {current}"))

    def rotate_model(self, model, fields, current, batch_size):
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = [quote(field.column) for field in fields]
        select = (f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s")
        last, rotated = None, 0
        while True:
            with maintenance_writes("rotate_keys") as batch, connection.cursor() as cursor:
                cursor.execute(select.replace(f"WHERE {pk} > %s ", "" if last is None else f"WHERE {pk} > %s "),
                               ([] if last is None else [last]) + [batch_size])
                rows = cursor.fetchall()
                changed = 0
                for row in rows:
                    updates = {}
                    for column, value in zip(columns, row[1:]):
                        if value is not None and crypto.key_id_of(value) != current:
                            updates[column] = crypto.encrypt(crypto.decrypt(value))
                    if updates:
                        assignments = ", ".join(f"{column} = %s" for column in updates)
                        cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                                       [*updates.values(), row[0]])
                        changed += 1
                        rotated += len(updates)
                batch.wrote(model, changed)
            if len(rows) < batch_size:
                return rotated
            last = rows[-1][0]
