"""Access requests (資料調閱, DOMAIN §8): the services and the one table of allowed moves.

    request = file_request(user, person=..., reason=..., categories=[...], purpose=..., period_from=...,
                           period_until=...)
    move(request, "consent", by=person_user)           # the person agrees; the approver reviews next
    move(request, "approve", by=approver, reason="…")  # the requester signs the agreement next
    move(request, "accept_agreement", by=requester)    # the grant opens for EAP_ACCESS_GRANT_DAYS
    sections = granted_sections(request)               # what the grant page shows, nothing more

A request by the person about themselves skips consent: nobody else's privacy is at stake.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.access import has_role, held_roles
from agencies.roles import Role
from core.models import AccessCategory, AccessRequest, RequestState
from core.notifications import notify

# Neutral inbox lines (registered in core.apps): nothing of the request, nothing of EAP.
CONSENT_ASKED = "access_consent_asked"
REVIEW_ASKED = "access_review_asked"
REQUEST_ANSWERED = "access_request_answered"
HEADLINES = {
    CONSENT_ASKED: gettext_lazy("A request is waiting for your answer"),
    REVIEW_ASKED: gettext_lazy("A request is waiting for your decision"),
    REQUEST_ANSWERED: gettext_lazy("There is an answer to your request"),
}

S = RequestState
# The whole state machine: (state, move) → (next state, who may make the move). Anything else is refused.
MOVES = {
    (S.AWAITING_CONSENT, "consent"): (S.UNDER_REVIEW, "person"),
    (S.AWAITING_CONSENT, "refuse_consent"): (S.CONSENT_REFUSED, "person"),
    (S.AWAITING_CONSENT, "withdraw"): (S.WITHDRAWN, "requester"),
    (S.UNDER_REVIEW, "approve"): (S.APPROVED, "approver"),
    (S.UNDER_REVIEW, "refuse"): (S.REFUSED, "approver"),
    (S.UNDER_REVIEW, "withdraw"): (S.WITHDRAWN, "requester"),
    (S.APPROVED, "accept_agreement"): (S.GRANTED, "requester"),
    (S.APPROVED, "withdraw"): (S.WITHDRAWN, "requester"),
    (S.GRANTED, "withdraw"): (S.WITHDRAWN, "requester"),
    (S.GRANTED, "expire"): (S.EXPIRED, "system"),
}
ENDED = frozenset({S.EXPIRED, S.CONSENT_REFUSED, S.REFUSED, S.WITHDRAWN})
# Moves whose reason is required: a refusal or an approval is explained to the requester.
NEEDS_REASON = frozenset({"approve", "refuse"})


class MoveRefused(ValidationError):
    pass


def approves_for(user, person):
    """The access approver of a subtree holding the person's agency decides, never about a request
    of their own or about their own records."""
    path = person.agency.path
    return any(held.role == Role.ACCESS_APPROVER and path.startswith(held.agency_path) for held in held_roles(user))


def _is(user, who, request):
    if who == "person":
        return user.pk == request.person.user_id
    if who == "requester":
        return user.pk == request.requester_id
    if who == "approver":
        return (approves_for(user, request.person) and user.pk != request.requester_id
                and user.pk != request.person.user_id)
    return False


def allowed_moves(request, user):
    """The moves this user may make now, for the page's buttons."""
    return [name for (state, name), (_next, who) in MOVES.items() if state == request.state and _is(user, who, request)]


def people_for(user):
    """Whom a user may file a request about: the people visible to them, and themselves."""
    from agencies.models import Employee

    return Employee.objects.visible_to(user).filter(user__is_active=True).select_related("agency")


@transaction.atomic
def file_request(user, *, person, reason, categories, purpose, period_from, period_until):
    if not people_for(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    if period_from > period_until:
        raise ValidationError(_("The period must start before it ends."))
    unknown = set(categories) - set(AccessCategory.values)
    if not categories or unknown:
        raise ValidationError(_("Choose at least one data category."))
    own = person.user_id == user.pk
    request = AccessRequest(
        requester=user, person=person, reason=reason, purpose=purpose, period_from=period_from,
        period_until=period_until, categories=[value for value in AccessCategory.values if value in categories],
        state=S.UNDER_REVIEW if own else S.AWAITING_CONSENT,
    )
    request.save()
    if own:
        _ask_approvers(request)
    else:
        notify(person.user, kind=CONSENT_ASKED, key=f"access_request:{request.pk}:consent",
               link=request_link(request))
    return request


@transaction.atomic
def move(request, name, *, by=None, reason="", now=None):
    """Make one move of MOVES. `by` is the user acting; None for the system (expiry)."""
    request = AccessRequest.objects.select_for_update().select_related("person__agency").get(pk=request.pk)
    step = MOVES.get((request.state, name))
    if step is None:
        raise MoveRefused(_("This request cannot be changed that way now."))
    next_state, who = step
    if (by is None) != (who == "system") or (by is not None and not _is(by, who, request)):
        raise PermissionDenied
    if name in NEEDS_REASON and not reason.strip():
        raise MoveRefused(_("Give the reason for the decision."))
    now = now or timezone.now()
    request.state = next_state
    if name == "consent":
        request.consented_at = now
    elif name in NEEDS_REASON:
        request.approver, request.decided_at, request.decision_reason = by, now, reason.strip()
    elif name == "accept_agreement":
        request.agreement_accepted_at = now
        request.grant_expires_at = now + datetime.timedelta(days=grant_days(request.person, now))
    if next_state in ENDED:
        request.ended_at = now
    request.save()
    _after(request, name)
    return request


def grant_days(person, now):
    """How long a grant stays open: what the plan covering the person says (HR set it), else the setting."""
    from eap_portal.rocdates import roc_year
    from plans.services import plans_covering

    for plan in plans_covering(person, roc_year(now)):
        if plan.access_grant_days:
            return plan.access_grant_days
    return settings.EAP_ACCESS_GRANT_DAYS


def _after(request, name):
    if name == "consent":
        _ask_approvers(request)
    elif name in {"approve", "refuse", "refuse_consent"}:
        notify(request.requester, kind=REQUEST_ANSWERED, key=f"access_request:{request.pk}:{name}",
               link=request_link(request))


def _ask_approvers(request):
    from agencies.models import RoleAssignment

    path = request.person.agency.path
    held = RoleAssignment.objects.active().filter(role=Role.ACCESS_APPROVER).select_related("user", "agency")
    for assignment in held:
        user = assignment.user
        if path.startswith(assignment.agency.path) and user.is_active and _is(user, "approver", request):
            notify(user, kind=REVIEW_ASKED, key=f"access_request:{request.pk}:review:{user.pk}",
                   link=request_link(request))


def request_link(request):
    from django.urls import reverse

    return reverse("access_request_detail", args=[request.pk])


def expire_grants(now=None):
    """Close every grant whose time is up. Run by the periodic task; a second run finds nothing."""
    now = now or timezone.now()
    due = AccessRequest.objects.filter(state=S.GRANTED, grant_expires_at__lte=now).values_list("pk", flat=True)
    expired = 0
    for pk in list(due[:1000]):
        try:
            move(AccessRequest(pk=pk), "expire", now=now)
        except MoveRefused:  # ended by its requester meanwhile
            continue
        expired += 1
    return expired


def open_grant(request, user, now=None):
    """The request if `user` may read its grant now: its requester, agreement signed, not expired.
    The expiry time decides even before the periodic task has run."""
    now = now or timezone.now()
    return (request.state == S.GRANTED and request.requester_id == user.pk and request.grant_expires_at is not None
            and request.grant_expires_at > now)


# --- What a grant shows ------------------------------------------------------------------------

@dataclass(frozen=True)
class GrantRow:
    when: object
    what: str
    text: tuple = ()

    @property
    def timed(self):
        return isinstance(self.when, datetime.datetime)


@dataclass(frozen=True)
class GrantSection:
    category: str
    label: str
    model: type
    ids: tuple
    rows: tuple


def granted_sections(request, only=None):
    """Exactly the granted categories of exactly the request's person, within its period, as plain
    values. The grant itself is the justification: the requester holds no role over these records."""
    categories = [value for value in request.categories if only is None or value == only]
    return [_SECTIONS[value](request) for value in categories]


def _subject_cases(request):
    # Only cases the person is the subject of: a crisis case lists other people, whose records
    # this grant does not open.
    from cases.models import Case

    return Case.objects.filter(subject=request.person)


def _section(category, model, records, build):
    records = list(records)
    return GrantSection(category, AccessCategory(category).label, model, tuple(r.pk for r in records),
                        tuple(build(r) for r in records))


def _timeline(request):
    from cases.models import TimelineEntry

    entries = TimelineEntry.objects.filter(case__in=_subject_cases(request),
                                           at__date__range=(request.period_from, request.period_until))
    return _section(AccessCategory.TIMELINE, TimelineEntry, entries.order_by("at", "pk"), lambda entry: GrantRow(
        entry.at, entry.get_kind_display(),
        tuple(line for line in (" → ".join(filter(None, [entry.get_from_state_display(),
                                                         entry.get_to_state_display()])), entry.reason) if line)))


def _follow_ups(request):
    from cases.models import FollowUp

    notes = FollowUp.objects.filter(case__in=_subject_cases(request),
                                    on__range=(request.period_from, request.period_until))
    return _section(AccessCategory.FOLLOW_UPS, FollowUp, notes.order_by("on", "pk"), lambda note: GrantRow(
        note.on, note.get_contact_type_display(), tuple(filter(None, [note.what_happened, note.person_state]))))


def _screenings(request):
    from agencies.my_data import result_label
    from surveys.models import Screening

    screenings = Screening.objects.filter(employee=request.person,
                                          taken_on__range=(request.period_from, request.period_until))
    return _section(AccessCategory.SCREENINGS, Screening, screenings.order_by("taken_on", "pk"),
                    lambda screening: GrantRow(screening.taken_on, screening.get_instrument_display(),
                                               (str(result_label(screening)),)))


def _counseling_notes(request):
    from counseling.models import Session

    sessions = Session.objects.filter(booking__employee=request.person,
                                      starts_at__date__range=(request.period_from, request.period_until))
    return _section(AccessCategory.COUNSELING_NOTES, Session, sessions.order_by("starts_at", "pk"),
                    lambda session: GrantRow(session.starts_at, session.get_state_display(),
                                             tuple(filter(None, [session.note]))))


def _expert_records(request):
    from cases.models import ExpertInterview

    interviews = ExpertInterview.objects.filter(case__in=_subject_cases(request),
                                                starts_at__date__range=(request.period_from, request.period_until))
    return _section(AccessCategory.EXPERT_RECORDS, ExpertInterview, interviews.order_by("starts_at", "pk"),
                    lambda interview: GrantRow(interview.starts_at, interview.get_state_display(), tuple(filter(
                        None, [interview.record, interview.advice_to_employee, interview.advice_to_agency,
                               interview.follow_up]))))


def _notifications(request):
    from core.models import Notification

    notifications = Notification.objects.filter(recipient_id=request.person.user_id,
                                                created_at__date__range=(request.period_from, request.period_until))
    return _section(AccessCategory.NOTIFICATIONS, Notification, notifications.order_by("created_at", "pk"),
                    lambda notification: GrantRow(notification.created_at, str(notification.headline)))


_SECTIONS = {
    AccessCategory.TIMELINE: _timeline,
    AccessCategory.FOLLOW_UPS: _follow_ups,
    AccessCategory.SCREENINGS: _screenings,
    AccessCategory.COUNSELING_NOTES: _counseling_notes,
    AccessCategory.EXPERT_RECORDS: _expert_records,
    AccessCategory.NOTIFICATIONS: _notifications,
}


def is_approver(user):
    return has_role(user, Role.ACCESS_APPROVER)


# --- Legal exceptions -------------------------------------------------------------------------

@transaction.atomic
def record_legal_exception(web_request, case, *, exception, note=""):
    """Someone working on a case about a person discloses without consent under an exception of
    DOMAIN §8. The use is kept, and logged as an access so the person's "my data" page lists it."""
    from cases.access import can_work_on
    from core.access_log import AccessAction, Purpose, record_access
    from core.models import LegalException, LegalExceptionUse

    user = web_request.user
    if case.subject_id is None or not can_work_on(user, case):
        raise PermissionDenied
    if exception not in LegalException.values:
        raise ValidationError(_("Choose the exception."))
    use = LegalExceptionUse(used_by=user, exception=exception, person=case.subject, case_ref=f"case:{case.pk}",
                            note=note.strip())
    use.save()
    record_access(web_request, AccessAction.READ, use, person=case.subject,
                  purpose=Purpose.legal_exception(f"legal_exception:{use.pk}"))
    return use
