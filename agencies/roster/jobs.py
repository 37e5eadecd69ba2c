"""One roster import from upload to commit. The web page starts it and polls it; the work runs as
Celery tasks (agencies.tasks), in-process in the embedded default.

upload → QUEUED → READING → PREVIEW (or REFUSED with row errors) → COMMITTING → DONE
                                   ↘ DISCARDED (HR changed their mind, or the preview went stale)
The upload is kept encrypted only until it is read; the staged rows (national IDs already hashed)
only until the commit or the discard. A commit re-checks the rows against the roster as it is then
and writes everything in one transaction, so a failure half-way leaves the roster untouched."""
import base64
import json
import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import access
from agencies.models import Agency, ImportState, RosterImport
from agencies.roster import changes, staging
from agencies.roster.reading import UnreadableFile, read_table
from core.crypto import decrypt, encrypt

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_STORED_ERRORS = 2000
STALE_AFTER = timedelta(days=2)
PROGRESS_TTL = 60 * 60


def _progress_key(pk):
    return f"roster-import:{pk}:progress"


def live_progress(roster_import):
    """Rows done so far: the worker reports to the cache, since its transaction hides the row."""
    return cache.get(_progress_key(roster_import.pk), roster_import.processed_rows)


def _reporter(pk):
    def report(done):
        cache.set(_progress_key(pk), done, PROGRESS_TTL)
    return report


def start_import(*, agency, data, file_name, by, is_full=False, encoding=""):
    """Store the upload (encrypted) and queue its reading."""
    roster_import = store_upload(agency=agency, data=data, file_name=file_name, by=by, is_full=is_full,
                                 encoding=encoding)
    from agencies.tasks import read_roster_import

    transaction.on_commit(lambda: read_roster_import.delay(roster_import.pk))
    return roster_import


def store_upload(*, agency, data, file_name, by, is_full=False, encoding=""):
    """Keep the upload, encrypted, until it is read (start_import then queues the reading)."""
    if not access.agencies_importable_by(by, Agency.objects.filter(pk=agency.pk)).exists():
        raise PermissionDenied
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 50 MB: split it by agency."))
    roster_import = RosterImport.objects.create(
        agency=agency, is_full=is_full, file_name=file_name[:200], encoding=encoding, uploaded_by=by,
        upload=encrypt(base64.b64encode(data).decode("ascii")))
    return roster_import


def _claim(pk, from_state, to_state):
    return RosterImport.objects.filter(pk=pk, state=from_state).update(state=to_state) == 1


def _refuse(roster_import, errors, warnings=()):
    roster_import.state = ImportState.REFUSED
    roster_import.errors = list(errors)[:MAX_STORED_ERRORS]
    roster_import.warnings = list(warnings)[:MAX_STORED_ERRORS]
    roster_import.staged = roster_import.upload = ""
    roster_import.save()


def read_import(pk, *, today=None):
    """Read and check the file, and work out what it would change. Runs once per upload."""
    if not _claim(pk, ImportState.QUEUED, ImportState.READING):
        return
    roster_import = RosterImport.objects.select_related("agency", "uploaded_by").get(pk=pk)
    today = today or timezone.localdate()
    try:
        data = base64.b64decode(decrypt(roster_import.upload))
        try:
            table = read_table(data, file_name=roster_import.file_name, encoding=roster_import.encoding or None)
        except UnreadableFile as error:
            return _refuse(roster_import, [[0, "", error.message]])
        roster_import.file_format, roster_import.encoding = table.file_format, table.encoding
        roster_import.total_rows = len(table.rows)
        RosterImport.objects.filter(pk=pk).update(total_rows=len(table.rows))
        staged = staging.stage(table, roster_import.agency, progress=_reporter(pk))
        if staged.errors:
            return _refuse(roster_import, staged.errors, staged.warnings)
        plan = changes.plan_changes(staged.rows, staged.present, roster_import.agency, is_full=roster_import.is_full,
                                    today=today, importer=roster_import.uploaded_by)
        if plan.errors:
            return _refuse(roster_import, plan.errors, staged.warnings + plan.warnings)
        _record_plan(roster_import, plan, staged.warnings + plan.warnings)
        roster_import.staged = encrypt(json.dumps({"present": staged.present, "rows": staged.rows},
                                                  ensure_ascii=False, separators=(",", ":")))
        roster_import.upload = ""
        roster_import.processed_rows = roster_import.total_rows
        roster_import.state = ImportState.PREVIEW
        roster_import.save()
    except Exception:
        log.exception("roster import %s could not be read", pk)
        RosterImport.objects.filter(pk=pk).update(state=ImportState.FAILED, upload="", staged="",
                                                  failure=_("The file could not be read: nothing was imported."))
    finally:
        cache.delete(_progress_key(pk))


def _record_plan(roster_import, plan, warnings):
    roster_import.created, roster_import.updated = len(plan.new), plan.updated
    roster_import.transferred, roster_import.deactivated = plan.transferred, len(plan.leavers)
    roster_import.unchanged = plan.unchanged
    roster_import.warnings = list(warnings)[:MAX_STORED_ERRORS]
    ids = [row["agency_code"] for row in plan.new[:changes.SAMPLE]]
    ids += [a for change in plan.changes for a in (change.from_agency, change.to_agency) if a]
    ids += [leaver[3] for leaver in plan.leavers[:changes.SAMPLE]]
    roster_import.preview = plan.preview(changes.agency_names(ids))
    if roster_import.is_full and plan.leavers:
        # A partial export uploaded as a full roster would close many accounts: say so plainly.
        scope_size = plan.unchanged + len(plan.changes) + len(plan.leavers)
        if len(plan.leavers) * 5 > scope_size:
            roster_import.warnings.insert(0, [0, "", _(
                "%(leavers)s of the %(total)s people on the roster of %(agency)s are not in this file and would "
                "be marked as leavers. Check that the file is the full roster.") % {
                "leavers": len(plan.leavers), "total": scope_size, "agency": roster_import.agency.name}])


def can_commit(user, roster_import):
    return (roster_import.state == ImportState.PREVIEW
            and RosterImport.objects.visible_to(user).filter(pk=roster_import.pk).exists())


def commit_import(roster_import, *, by, queue=True):
    """Mark a previewed import for commit and queue the task that writes it (apply_import)."""
    if not RosterImport.objects.visible_to(by).filter(pk=roster_import.pk).exists():
        raise PermissionDenied
    updated = RosterImport.objects.filter(pk=roster_import.pk, state=ImportState.PREVIEW).update(
        state=ImportState.COMMITTING, committed_by=by, processed_rows=0, failure="")
    if not updated:
        raise ValidationError(_("This import is not waiting to be confirmed."))
    if queue:
        from agencies.tasks import commit_roster_import

        transaction.on_commit(lambda: commit_roster_import.delay(roster_import.pk))


def apply_import(pk, *, today=None):
    """Write a committed import, all or nothing. Safe to run twice: the second run finds it done."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            roster_import = (RosterImport.objects.select_for_update(of=("self",))
                             .select_related("agency", "committed_by").get(pk=pk))
            if roster_import.state != ImportState.COMMITTING:
                return
            # Imports of one city are written one at a time: lock the root of the tree.
            Agency.objects.select_for_update().filter(pk=roster_import.agency.ancestor_ids()[0]).exists()
            content = json.loads(decrypt(roster_import.staged))
            plan = changes.plan_changes(content["rows"], content["present"], roster_import.agency,
                                        is_full=roster_import.is_full, today=today,
                                        importer=roster_import.committed_by)
            if plan.errors:
                roster_import.errors = plan.errors[:MAX_STORED_ERRORS]
                roster_import.state, roster_import.staged = ImportState.REFUSED, ""
                roster_import.save()
                return
            changes.apply_plan(plan, roster_import=roster_import, by=roster_import.committed_by, today=today,
                               progress=_reporter(pk))
            roster_import.created, roster_import.updated = len(plan.new), plan.updated
            roster_import.transferred, roster_import.deactivated = plan.transferred, len(plan.leavers)
            roster_import.unchanged = plan.unchanged
            roster_import.processed_rows = roster_import.total_rows
            roster_import.state, roster_import.staged = ImportState.DONE, ""
            roster_import.committed_at = timezone.now()
            roster_import.save()
    except Exception:
        log.exception("roster import %s could not be committed", pk)
        RosterImport.objects.filter(pk=pk, state=ImportState.COMMITTING).update(
            state=ImportState.PREVIEW,
            failure=_("The import stopped before it finished, and nothing was changed. You can try again."))
    finally:
        cache.delete(_progress_key(pk))


def discard_import(roster_import, *, by):
    if not RosterImport.objects.visible_to(by).filter(pk=roster_import.pk).exists():
        raise PermissionDenied
    RosterImport.objects.filter(pk=roster_import.pk, state__in=[ImportState.PREVIEW, ImportState.REFUSED,
                                                                ImportState.FAILED]).update(
        state=ImportState.DISCARDED, staged="", upload="")


def discard_stale_imports(now=None):
    """Previews nobody confirmed within two days are dropped, with the staged rows they hold."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return RosterImport.objects.filter(state=ImportState.PREVIEW, uploaded_at__lt=cutoff).update(
        state=ImportState.DISCARDED, staged="", upload="")
