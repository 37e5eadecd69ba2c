"""Case records the retention purge destroys (DOMAIN §8).

Single-window contacts that never became a case go ten years after the day logged (their date in
the window's log). A contact that became a case goes with the case, on the case's clock.

A case goes ten years after it closed, but not all of it: the Decision keeps a person-free skeleton
(kind, origin, agency, year opened and closed, problem categories) so past years' statistics
survive. Everything else about it — its notes, the people in it, the screenings attached, the duties
and notifications about it, the write history of all of these — is destroyed, and the row is marked
`purged_on` so it is never a candidate again. The paper-file list goes too: HR records shredding the
paper itself in the destruction register (`core.retention.record_destruction`).
"""
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AffectedPerson,
    Case,
    CaseAction,
    CaseAssignment,
    CaseService,
    CaseState,
    CrisisLevelEntry,
    ExpertInterview,
    FollowUp,
    PaperFile,
    SuicideReport,
    TimelineEntry,
)
from cases.models.contacts import Contact
from core.models import Duty, Notification, RecordHistory
from core.retention import RecordType, delete_where, destroy_rows, register
from surveys.models import Screening

# Children destroyed row by row with their write history, in an order the PROTECT links allow
# (actions and services point at affected people).
CASE_CONTENT = [TimelineEntry, FollowUp, CaseService, CaseAction, AffectedPerson, CrisisLevelEntry,
                SuicideReport, ExpertInterview]
# Children without write history: removed with the rows.
CASE_LISTS = [CaseAssignment, PaperFile]
# The encrypted free text on the case row itself, and the links to people.
BLANKED = {"summary": "", "management_advice": "", "assessment": "", "escalation_reason": "",
           "early_close_reason": "", "subject": None, "referring_supervisor": None,
           "early_close_requested_by": None, "early_close_approved_by": None}


def contacts_without_case():
    return Contact.objects.filter(case__isnull=True)


def closed_cases():
    return Case.objects.filter(state=CaseState.CLOSED, purged_on__isnull=True)


def _pks(model, *query, **lookups):
    return list(model._base_manager.filter(*query, **lookups).values_list("pk", flat=True))


def _content_type(model):
    return ContentType.objects.get_for_model(model, for_concrete_model=False)


def _destroy(model, pks, batch):
    return destroy_rows(model, pks, batch)[1] if pks else []


def _destroy_duties_about(subjects, batch):
    """Duties about any of the rows destroyed ({model: pks}); returns their primary keys."""
    about = [Q(subject_type=_content_type(model), subject_id__in=[str(pk) for pk in pks])
             for model, pks in subjects.items() if pks]
    duty_ids = _pks(Duty, reduce(or_, about)) if about else []
    if duty_ids:
        destroy_rows(Duty, duty_ids, batch)
    return duty_ids


def _destroy_notifications(prefixes, batch):
    """Notifications carry ids in their keys ("case:12:assigned:3"); a notification about a destroyed
    record would still say that it existed and who was told."""
    if prefixes:
        keys = reduce(or_, [Q(key__startswith=prefix) for prefix in prefixes])
        batch.wrote(Notification, delete_where(Notification, pk__in=_pks(Notification, keys)))


def _forget_case_rows(pks, batch):
    """The case rows' own history holds every earlier value of what is blanked: it goes too."""
    history = delete_where(RecordHistory, record_type=_content_type(Case), record_id__in=[str(pk) for pk in pks])
    batch.wrote(RecordHistory, history)


def purge_cases(model, pks, batch):
    """Destroy the content and identity of the cases `pks`, keeping the skeleton (module docstring)."""
    files = []
    subjects = {Case: pks}
    for child in CASE_CONTENT:
        child_pks = _pks(child, case_id__in=pks)
        subjects[child] = child_pks
        files += [(child, name) for name in _destroy(child, child_pks, batch)]
    for child in CASE_LISTS:
        batch.wrote(child, delete_where(child, case_id__in=pks))
    screening_pks = _pks(Screening, case_type=_content_type(Case), case_id__in=[str(pk) for pk in pks])
    subjects[Screening] = screening_pks
    files += [(Screening, name) for name in _destroy(Screening, screening_pks, batch)]
    _destroy(Contact, _pks(Contact, case_id__in=pks), batch)
    duty_ids = _destroy_duties_about(subjects, batch)
    _destroy_notifications([f"case:{pk}:" for pk in pks]
                           + [f"suicide_report:{pk}:" for pk in subjects[SuicideReport]]
                           + [f"duty:{pk}:" for pk in duty_ids], batch)
    _forget_case_rows(pks, batch)
    respondents = Case.respondents.through
    batch.wrote(respondents, respondents._base_manager.filter(case_id__in=pks).delete()[0])
    purged = Case._base_manager.filter(pk__in=pks, purged_on__isnull=True).update(
        purged_on=timezone.localdate(), **BLANKED)
    batch.wrote(Case, purged)
    # The files of the children are deleted after the commit by the engine, which knows only the
    # case model: delete them here on commit instead.
    _delete_files_on_commit(files)
    return purged, []


def _delete_files_on_commit(files):
    for model, (field_name, file_name) in files:
        transaction.on_commit(lambda m=model, f=field_name, n=file_name: m._meta.get_field(f).storage.delete(n))


register(RecordType(kind="single_window_contact", label=_("Single-window contacts not turned into a case"),
                    candidates=contacts_without_case, clock="received_on", person="person"))
register(RecordType(kind="case", label=_("Cases (content and identity; the statistical skeleton is kept)"),
                    candidates=closed_cases, clock="closed_at", person="subject", destroy=purge_cases))
