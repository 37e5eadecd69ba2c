"""The person's own rights (PDPA arts. 3, 10, 11; DOMAIN §8): see their own records, who read
them, ask for a correction, withdraw a consent.

Every selector here takes the signed-in user and finds their own roster entry itself, so it can
only ever return that person's records. What a case about them shows is the bare fact — kind,
agency, open or closed — built here as plain values, so its content never reaches a template;
its content is for an access request of their own (issue 11, access requests).
"""
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.access import own_employee
from agencies.models import CorrectionRequest, CorrectionState, RoleAssignment
from agencies.roles import Role
from core import duties
from core.language import in_site_language
from core.models import AccessLog
from core.notifications import notify

CORRECTION_ASKED = "correction_asked"
CORRECTION_ANSWERED = "correction_answered"
# Neutral inbox lines (registered in agencies.apps): nothing of the request, nothing of EAP.
HEADLINES = {
    CORRECTION_ASKED: gettext_lazy("A request is waiting for your answer"),
    CORRECTION_ANSWERED: gettext_lazy("There is an answer to your request"),
}


class NothingToWithdraw(ValidationError):
    pass


# --- What the person sees of their own records ----------------------------------------------

def own_bookings(user):
    from counseling.models import Booking

    employee = own_employee(user)
    if employee is None:
        return Booking.objects.none()
    return (Booking.objects.visible_to(user).filter(employee=employee)
            .select_related("provider").order_by("-created_at", "-pk"))


def own_screenings(user):
    """Self-checks and the screenings the care team took of them: surveys.access already lets a
    person read every screening about themselves."""
    from surveys.models import Screening

    employee = own_employee(user)
    if employee is None:
        return Screening.objects.none()
    return Screening.objects.visible_to(user).filter(employee=employee).order_by("-taken_on", "-pk")


def result_label(screening):
    """The band (BSRS-5) or the level (checklist): never the answers or the total."""
    from surveys import bsrs5
    from surveys.models import RiskLevel

    result = screening.result or {}
    if result.get("band") in bsrs5.Band.values:
        return bsrs5.Band(result["band"]).label
    if result.get("level") in RiskLevel.values:
        return RiskLevel(result["level"]).label
    return "—"


def own_survey_answers(user):
    """Identified answers they gave; anonymous ones carry no user and cannot be found (by design)."""
    from surveys.models import Response

    if own_employee(user) is None:
        return Response.objects.none()
    return (Response.objects.filter(respondent=user, survey__anonymous=False)
            .select_related("survey").order_by("-submitted_on"))


def own_enrolments(user):
    from courses.models import Enrolment

    employee = own_employee(user)
    if employee is None:
        return Enrolment.objects.none()
    return (Enrolment.objects.visible_to(user).filter(employee=employee).select_related("session__course")
            .order_by("-session__starts_at", "-pk"))


@dataclass(frozen=True)
class CaseFact:
    kind: str
    agency: str
    is_open: bool


def cases_about(user):
    """The bare fact of each case about the person: its subject, or someone a crisis affects.
    A misconduct complaint naming them as respondent is not about them and never appears."""
    from cases.models import Case

    employee = own_employee(user)
    if employee is None:
        return [], []
    cases = list(Case.objects.filter(Q(subject=employee) | Q(affected__employee=employee)).distinct()
                 .select_related("agency").order_by("-opened_at", "-pk"))
    facts = [CaseFact(case.get_kind_display(), case.agency.name, case.is_open) for case in cases]
    return facts, cases


def own_corrections(user):
    employee = own_employee(user)
    if employee is None:
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.visible_to(user).filter(employee=employee)


def consents(user):
    """Self-checks where the person gave (or withdrew) a consent that can be withdrawn."""
    from surveys.models import Setting

    return own_screenings(user).filter(setting=Setting.SELF_CHECK).filter(
        Q(contact_accepted_at__isnull=False) | Q(answers_shared_at__isnull=False)
        | Q(sharing_withdrawn_at__isnull=False)).select_related("duty")


# --- Who read their records -------------------------------------------------------------------

def access_history(user):
    """Every logged read of the person's records by someone else, newest first. Their own reads
    are left out: the page answers "who else has seen my records"."""
    employee = own_employee(user)
    if employee is None:
        return AccessLog.objects.none()
    return (AccessLog.objects.filter(person=employee).exclude(actor=user)
            .select_related("actor__employee", "record_type"))


def _role_label(value):
    from cases.models import AssignmentRole

    for choices in (Role, AssignmentRole):
        if value in choices.values:
            return choices(value).label
    return ""


@dataclass(frozen=True)
class AccessLine:
    at: datetime.datetime
    who: str
    role: str
    purpose: str
    record_type: str
    action: str


def access_lines(entries):
    """What the person sees of each log row: who (for provider staff, the provider), in which
    role, why, what kind of record, what was done — not the address, the page or the record ids."""
    from plans.models import Provider

    entries = list(entries)
    providers = dict(Provider.objects.filter(staff__in={entry.actor_id for entry in entries})
                     .values_list("staff", "name"))
    lines = []
    for entry in entries:
        if entry.actor_id in providers:
            who = providers[entry.actor_id]
        else:
            profile = getattr(entry.actor, "employee", None)
            who = profile.full_name if profile else (entry.actor.get_full_name() or _("Portal staff"))
        lines.append(AccessLine(at=entry.at, who=who, role=str(_role_label(entry.purpose_role)),
                                purpose=str(entry.get_purpose_kind_display()), record_type=str(entry.record_type_label),
                                action=str(entry.get_action_display())))
    return lines


# --- Corrections ------------------------------------------------------------------------------

def _approvers_of(employee):
    """The access approvers whose subtree holds the person's agency (not the person themselves)."""
    path = employee.agency.path
    assignments = (RoleAssignment.objects.filter(role=Role.ACCESS_APPROVER).active()
                   .select_related("agency", "user"))
    return {a.user for a in assignments if path.startswith(a.agency.path) and a.user_id != employee.user_id}


@transaction.atomic
def ask_for_correction(employee, *, category, what_is_wrong, should_say="", by):
    correction = CorrectionRequest.objects.create(employee=employee, category=category,
                                                  what_is_wrong=what_is_wrong, should_say=should_say)
    link = reverse("correction_detail", args=[correction.pk])
    for approver in _approvers_of(employee):
        notify(approver, kind=CORRECTION_ASKED, key=f"correction:{correction.pk}:asked:{approver.pk}", link=link)
    return correction


@transaction.atomic
def answer_correction(correction, *, state, answer, by, now=None):
    """The approver's answer: corrected (saying what was done) or refused with its reason. The
    person is told neutrally; the answer itself is on their page."""
    correction = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if not CorrectionRequest.objects.answerable_by(by).filter(pk=correction.pk).exists():
        raise ValidationError(_("You cannot answer this request."))
    if not correction.is_open:
        raise ValidationError(_("This request has already been answered."))
    if state not in (CorrectionState.CORRECTED, CorrectionState.REFUSED):
        raise ValidationError(_("Choose corrected or refused."))
    if state == CorrectionState.REFUSED and not answer.strip():
        raise ValidationError(_("A refusal needs its reason."))
    correction.state, correction.answer = state, answer
    correction.answered_by, correction.answered_at = by, now or timezone.now()
    correction.save()
    notify(correction.employee.user, kind=CORRECTION_ANSWERED, key=f"correction:{correction.pk}:answered",
           link=reverse("my_data"))
    return correction


# --- Withdrawing a consent ---------------------------------------------------------------------

def _locked_own(screening):
    from surveys.models import Screening

    return Screening.objects.select_for_update(of=("self",)).select_related("duty").get(pk=screening.pk)


@transaction.atomic
def withdraw_sharing(screening, *, by, now=None):
    """From now on the care team no longer reads the answers: surveys.access lets them read a
    self-check only while `answers_shared_at` is set. Reads before stay lawful and in the log."""
    screening = _locked_own(screening)
    if screening.answers_shared_at is None:
        raise NothingToWithdraw(_("Your answers are not shared."))
    screening.answers_shared_at = None
    screening.sharing_withdrawn_at = now or timezone.now()
    screening.save()
    return screening


@transaction.atomic
def withdraw_contact(screening, *, by, now=None):
    """The care team no longer contacts them about this self-check: its open duty is cancelled
    (a duty already done stays done) and the sharing of the answers, which served that contact,
    ends with it."""
    now = now or timezone.now()
    screening = _locked_own(screening)
    if screening.contact_accepted_at is None or screening.contact_withdrawn_at is not None:
        raise NothingToWithdraw(_("There is no consent to be contacted to withdraw."))
    if screening.duty is not None and screening.duty.is_open:
        duties.cancel_duty(screening.duty, reason=in_site_language(
            gettext_lazy("The person withdrew their consent to be contacted.")))
    screening.contact_withdrawn_at = now
    if screening.answers_shared_at is not None:
        screening.answers_shared_at, screening.sharing_withdrawn_at = None, now
    screening.save()
    return screening
