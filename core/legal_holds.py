"""HR's side of the destruction register and the legal holds (DOMAIN §8): who reads and writes
them, and the few rules the pages apply. The register counts records and names no one, so EAP
officers read it too; a hold names a person, so only those who place holds see holds."""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import access
from agencies.models import Employee
from agencies.roles import Role
from core.models import DestructionEntry, DestructionJob, LegalHold
from core.retention import record_destruction
from eap_portal.rocdates import format_roc_date

REGISTER_READERS = frozenset({Role.CITY_HR, Role.EAP_OFFICER})
CONFIRMERS = frozenset({Role.CITY_HR})
HOLD_PLACERS = frozenset({Role.ACCESS_APPROVER, Role.CITY_HR})


def register_entries():
    return DestructionEntry.objects.select_related("recorded_by")


def holdable_people(user):
    """The roster the user keeps, and for an access approver the people of the agencies they
    approve for: whoever's records they may have to keep from the purge."""
    visible = access.employees_visible_to(user, Employee.objects.all())
    approved = Employee.objects.filter(access.subtree_q(user, {Role.ACCESS_APPROVER}, "agency__path"))
    return Employee.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=approved.values("pk")))


def holds_visible_to(user):
    if not access.has_role(user, *HOLD_PLACERS):
        return LegalHold.objects.none()
    return LegalHold.objects.filter(Q(person__isnull=True) | Q(person__in=holdable_people(user).values("pk")))


def place_hold(*, by, reason, person=None, kind="", record_id=""):
    hold = LegalHold(person=person, kind=kind, record_id=record_id, reason=reason, placed_by=by)
    hold.full_clean()
    hold.save()
    return hold


def release_hold(hold):
    # Kept, not deleted: the list shows what was held, and until when.
    updated = LegalHold.objects.active().filter(pk=hold.pk).update(released_at=timezone.now())
    if not updated:
        raise ValidationError(_("This hold was already released."))
    hold.refresh_from_db()
    return hold


def record_provider_confirmation(*, provider, on, count, note, by):
    """The provider's letter confirming it destroyed its records: its name, the date it gives and
    how many, in the register — the register line's own date is the day it is recorded."""
    if on > timezone.localdate():
        raise ValidationError(_("A destruction cannot be recorded for a future date."))
    text = f"{provider.name} {format_roc_date(on, 'short')}"
    if note:
        text = f"{text}: {note}"
    return record_destruction(job=DestructionJob.PROVIDER_CONFIRMATION, kind="provider_records",
                              count=count or 1, by=by, note=text[:200])
