"""Follow-ups (DOMAIN §6): each entry records the date, the contact, what happened and the
person's state; its next date becomes a duty for the person who follows up, reminded on the day
and escalated to the convener when overdue. A next date on a day off moves to the next working day."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.models import CaseAssignment, EntryKind, FollowUp, PaperFile
from cases.opening import due_end_of, duty_holders, open_duties_of
from cases.timeline import add_entry
from core import duties
from core.language import in_site_language
from core.models import EscalationTarget
from core.working_days import is_working_day, next_working_day

FOLLOW_UP_KIND = "case_follow_up"
FOLLOW_UP_TITLE = gettext_lazy("A follow-up is due")
# Reminded at 08:30 of the day it is due (due 17:30); escalated at 09:00 the next morning.
REMIND_BEFORE = datetime.timedelta(hours=9)
ESCALATE_AFTER = datetime.timedelta(hours=15, minutes=30)


def working_date(day, agency):
    return day if is_working_day(day, agency) else next_working_day(day, agency)


def follow_up_holder(case, by):
    """Who the next follow-up is for: whoever logged this one if they are assigned, else the
    first current member assigned to the case, else the team's intake."""
    current = CaseAssignment.objects.current().filter(case=case).order_by("since", "pk")
    if current.filter(user=by).exists():
        return by
    first = current.filter(role="member").first() or current.first()
    return first.user if first else None


@transaction.atomic
def log_follow_up(case, *, by, on, contact_type, what_happened, person_state="", next_on=None):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(_("Reopen the case before logging a follow-up."))
    today = timezone.localdate()
    if on > today:
        raise ValidationError(_("A follow-up is logged after it happened: the date cannot be in the future."))
    if not what_happened.strip():
        raise ValidationError(_("Write what happened."))
    if next_on is not None and next_on <= today:
        raise ValidationError(_("The next follow-up must be after today."))
    moved_to = working_date(next_on, case.agency) if next_on else None
    entry = FollowUp(case=case, on=on, contact_type=contact_type, what_happened=what_happened,
                     person_state=person_state, next_on=moved_to,
                     next_asked_for=next_on if moved_to and moved_to != next_on else None, by=by)
    for duty in open_duties_of(case).filter(kind=FOLLOW_UP_KIND):
        duties.settle_duty(duty, by=by, outcome=in_site_language(_("Follow-up logged")))
    if moved_to is not None:
        holder = follow_up_holder(case, by)
        common = dict(kind=FOLLOW_UP_KIND, title=in_site_language(FOLLOW_UP_TITLE), due_at=due_end_of(moved_to),
                      person=case.subject, subject=case, agency=case.agency, remind_before=REMIND_BEFORE,
                      escalate_after=ESCALATE_AFTER, escalate_to=EscalationTarget.CONVENER)
        # The team is named either way, so its convener oversees the duty and receives the escalation
        # (unless the convener is recused from the case: duty_holders).
        entry.duty = duties.create_duty(**duty_holders(case, holder), **common)
    entry.save()
    add_entry(case, by=by, kind=EntryKind.FOLLOW_UP, reason=entry.get_contact_type_display())
    return entry


@transaction.atomic
def list_paper_file(case, *, by, description, location):
    if not access.can_work_on(by, case):
        raise PermissionDenied
    if not description.strip() or not location.strip():
        raise ValidationError(_("Say what the file is and where it is kept."))
    paper = PaperFile.objects.create(case=case, description=description, location=location, listed_by=by)
    add_entry(case, by=by, kind=EntryKind.PAPER_FILE)  # what and where are on the file's own line
    return paper
