import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency
from courses.importing import ImportFileError, import_file
from plans.models import Plan


class Command(BaseCommand):
    help = ("Import a plan's course catalogue, course targets or topic category goals from a CSV file; "
            "the header tells which. Nothing is imported if any row is bad.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8 with or without BOM")
        parser.add_argument("--plan", required=True, metavar="CODE:YEAR",
                            help="the plan's owner agency code and ROC year, e.g. KHH:111")
        parser.add_argument("--agency", metavar="CODE", help="code of the agency that runs the courses; "
                                                             "default: the plan's owner")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, plan, agency, dry_run, **options):
        plan = _plan(plan)
        agency = _agency(agency) if agency else None
        try:
            report = import_file(file, plan, agency=agency, dry_run=dry_run)
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror})
        except ImportFileError as error:
            raise CommandError(f"{file}: {error.message}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("line %(line)s: %(message)s")
                                                 % {"line": warning.line, "message": warning.message}))
        if report.errors:
            for error in report.errors:
                self.stderr.write(_("line %(line)s, %(column)s: %(reason)s")
                                  % {"line": error.line, "column": error.column or "-", "reason": error.reason})
            lines = len({error.line for error in report.errors})
            raise CommandError(ngettext("%(count)s bad row; nothing was imported.",
                                        "%(count)s bad rows; nothing was imported.", lines) % {"count": lines})
        self.stdout.write(self.style.SUCCESS(report.summary()))


def _plan(text):
    match = re.fullmatch(r"\s*([^:\s]+)\s*:\s*(\d{1,3})\s*", text)
    if not match:
        raise CommandError(_("Give the plan as CODE:YEAR, e.g. KHH:111."))
    code, year = match.group(1), int(match.group(2))
    found = Plan.objects.select_related("owner").filter(owner__code=code, year=year).first()
    if found is None:
        raise CommandError(_("There is no plan of %(code)s for year %(year)s.") % {"code": code, "year": year})
    return found


def _agency(code):
    found = Agency.objects.filter(code=code).first()
    if found is None:
        raise CommandError(_("There is no agency with the code %(code)s.") % {"code": code})
    return found
