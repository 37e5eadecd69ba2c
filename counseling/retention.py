"""Counseling records the retention purge destroys (DOMAIN §8): a booking with its sessions, notes and
ledger entries, ten years after it closed (a booking is closed or withdrawn after its last session,
so its closing is the later of the two clocks the Decision names; an open booking is never due).

The Decision keeps a person-free skeleton so past years' usage and reconciliation survive: provider,
contract, service, agency, month, hours, problem categories, and the sessions' dates, lengths,
states and charges with their ledger movements. The person goes: the employee link, the applicant's
details, the problem description, intake, session notes, the creator and actors who may be the
employee, the analysis report, the notifications, the write history, and the employee's quota
account of that year once nothing unpurged draws on it.

Statistics hide a cell about fewer than K people, so they must still tell one person's sessions from
another's. `person_token` stands in for the employee: a keyed digest of the employee's id, the same
before and after the purge, so the figures do not move. It is not a name; once the leaver's profile
is destroyed too, nothing maps it back to anybody.
"""
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.models import Notification, RecordHistory
from core.retention import RecordType, delete_where, register
from counseling.models import Booking, LedgerEntry, QuotaAccount, Session

BLANKED = {"applicant": {}, "description": "", "intake_times": "", "intake_outcome": "", "preferred_gender": "",
           "preferred_specialty": "", "analysis_report": "", "employee": None, "created_by": None}


def person_token(employee_id):
    return salted_hmac("counseling.retention.person", str(employee_id)).hexdigest()[:32]


def statistics_person(employee_id, token, agency_id):
    """Who a figure is about, for counting people: the employee (as their token), or the agency for
    group counseling."""
    if employee_id:
        return ("person", person_token(employee_id))
    return ("person", token) if token else ("agency", agency_id)


def closed_bookings():
    return Booking.objects.filter(closed_at__isnull=False, purged_on__isnull=True)


def _history(model, pks, batch):
    kind = ContentType.objects.get_for_model(model, for_concrete_model=False)
    batch.wrote(RecordHistory, delete_where(RecordHistory, record_type=kind, record_id__in=[str(pk) for pk in pks]))


def purge_bookings(model, pks, batch):
    """Destroy the person and the content of the bookings `pks`, keeping the skeleton (module docstring)."""
    session_pks = list(Session._base_manager.filter(booking_id__in=pks).values_list("pk", flat=True))
    files = [name for name in Booking._base_manager.filter(pk__in=pks).values_list("analysis_report", flat=True)
             if name]
    prefixes = [f"booking:{pk}:" for pk in pks] + [f"session:{pk}:" for pk in session_pks]
    if prefixes:
        keys = reduce(or_, [Q(key__startswith=prefix) for prefix in prefixes])
        notifications = Notification._base_manager.filter(keys).values_list("pk", flat=True)
        batch.wrote(Notification, delete_where(Notification, pk__in=list(notifications)))
    _history(Booking, pks, batch)
    _history(Session, session_pks, batch)
    batch.wrote(LedgerEntry, LedgerEntry._base_manager.filter(session_id__in=session_pks, actor__isnull=False)
                .update(actor=None))
    batch.wrote(Session, Session._base_manager.filter(pk__in=session_pks).update(note=""))
    purged = 0
    for employee_id in set(Booking._base_manager.filter(pk__in=pks).values_list("employee_id", flat=True)):
        rows = Booking._base_manager.filter(pk__in=pks, employee_id=employee_id, purged_on__isnull=True)
        purged += rows.update(purged_on=timezone.localdate(),
                              person_token=person_token(employee_id) if employee_id else "", **BLANKED)
    batch.wrote(Booking, purged)
    _forget_accounts(session_pks, batch)
    storage = Booking._meta.get_field("analysis_report").storage
    for name in files:
        transaction.on_commit(lambda n=name: storage.delete(n))
    return purged, []


def _forget_accounts(session_pks, batch):
    """An employee's quota account of a past year says whose hours they were. Once every session it
    served belongs to a purged booking, the sessions and ledger entries let go of it and it goes."""
    accounts = set(QuotaAccount._base_manager.filter(
        employee__isnull=False, pk__in=Session._base_manager.filter(pk__in=session_pks).values("account_id"))
        .values_list("pk", flat=True))
    if not accounts:
        return
    accounts -= set(Session._base_manager.filter(account_id__in=accounts, booking__purged_on__isnull=True)
                    .values_list("account_id", flat=True))
    accounts -= set(LedgerEntry._base_manager.filter(account_id__in=accounts)
                    .filter(Q(session__isnull=True) | Q(session__booking__purged_on__isnull=True))
                    .values_list("account_id", flat=True))
    batch.wrote(LedgerEntry, LedgerEntry._base_manager.filter(account_id__in=accounts).update(account=None))
    batch.wrote(Session, Session._base_manager.filter(account_id__in=accounts).update(account=None))
    batch.wrote(QuotaAccount, QuotaAccount._base_manager.filter(pk__in=accounts).delete()[0])


register(RecordType(kind="booking", label=_("Counseling bookings (the person and content; the statistical "
                                            "skeleton is kept)"),
                    candidates=closed_bookings, clock="closed_at", person="employee", destroy=purge_bookings))
