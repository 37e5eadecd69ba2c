"""Destroy every record past its retention period (core.retention), or with --dry-run only say what
would go. Safe to run again: a second run finds nothing due. The daily Celery task core.purge_expired
does the same."""
from django.core.management.base import BaseCommand

from core import retention
from core.actors import acting_as


class Command(BaseCommand):
    help = "Destroy the records whose retention period has ended (DOMAIN §8); --dry-run only reports."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what is due; change nothing.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run, batch_size, **options):
        with acting_as("command:purge_expired"):
            reports = retention.purge_expired(dry_run=dry_run, batch_size=batch_size)
        for report in reports:
            line = f"{report.kind}: due {report.due}"
            if not dry_run:
                line += f", destroyed {report.destroyed}"
            if report.held:
                line += f", held back {report.held} ({', '.join(report.held_ids)})"
            self.stdout.write(line)
        total = sum(report.due if dry_run else report.destroyed for report in reports)
        summary = f"dry run: {total} records due" if dry_run else f"destroyed {total} records"
        self.stdout.write(self.style.SUCCESS(summary))
