"""Recording that a listed paper file was shredded (DOMAIN §8): the file's own line says when, and
the destruction register counts it — by where it was kept, never by whose case it belonged to."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import PaperFile
from core.models import DestructionJob
from core.retention import record_destruction


def record_paper_file_destroyed(paper, *, on, by):
    with transaction.atomic():
        # Locked, so two managers recording at once cannot both write a register line.
        paper = PaperFile.objects.select_for_update().get(pk=paper.pk)
        if paper.destroyed_on:
            raise ValidationError(_("This paper file was already recorded as destroyed."))
        if on > timezone.localdate():
            raise ValidationError(_("A destruction cannot be recorded for a future date."))
        paper.destroyed_on = on
        paper.save(update_fields=["destroyed_on"])
        record_destruction(job=DestructionJob.PAPER_FILE, kind="paper_file", count=1, by=by,
                           note=paper.location[:200])
    return paper
