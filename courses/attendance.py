"""The roll, learning hours, closing a session, and the satisfaction invitation (DOMAIN §5, §7).

The roll is the session's seated people: the waiting list and cancelled enrolments are not on it.
It is marked from the session's start until the session is closed; closing is final and needs
every seated person marked present or absent, so that the attendance reports never count a
session whose roll was left half done.

Closing invites those who attended — and no one else — to the session's own satisfaction survey:
anonymous (the answers cannot be traced to anyone, surveys.answering) and for the invited people
only. The survey is written in the site language, whoever closes the session. Everything happens in
one transaction under the session's row lock, so a session is closed and its attendees invited
once, whatever runs at the same time."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.language import in_site_language
from courses.models import CourseSession, Enrolment, EnrolmentState, SessionState
from eap_portal.rocdates import format_roc_date

SURVEY_OPEN_DAYS = 14
SURVEY_TITLE = gettext_lazy("Your opinion of “%(topic)s” (%(date)s)")
SURVEY_INTRODUCTION = gettext_lazy(
    "Thank you for attending. Your answers are anonymous: nobody, not even the organisers, can tell "
    "which answers are yours. They help us plan next year's courses.")
SURVEY_QUESTIONS = [
    (gettext_lazy("How satisfied are you with the content of the course?"), "scale"),
    (gettext_lazy("How satisfied are you with the lecturer?"), "scale"),
    (gettext_lazy("How useful is what you learned for your work?"), "scale"),
    (gettext_lazy("How satisfied are you with the arrangements (venue, time, registration)?"), "scale"),
    (gettext_lazy("Overall, how satisfied are you with the course?"), "scale"),
    (gettext_lazy("What would you suggest for future courses?"), "text"),
]


def roll_of(session):
    """The people on the roll: the session's seats, by name."""
    return (session.enrolments.filter(state=EnrolmentState.ENROLLED)
            .select_related("employee__agency").order_by("employee__full_name", "pk"))


def unmarked(session):
    return roll_of(session).filter(attended__isnull=True)


def marking_refusal(session, now=None):
    """Why the roll cannot be marked now, or None when it can."""
    now = now or timezone.now()
    if session.state == SessionState.CANCELLED:
        return _("This session was cancelled: it has no roll to mark.")
    if session.state == SessionState.CLOSED:
        return _("This session is closed: its roll can no longer be changed.")
    if now < session.starts_at:
        return _("The roll can be marked from the start of the session.")
    return None


def hours_text(hours):
    """3 for 3.0, 2.5 for 2.5: the hours as people write them."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_hours(session, hours):
    """A present person's learning hours: tenths of an hour from 0 to the session's own hours."""
    if hours is None:
        raise ValidationError(_("Enter the learning hours of someone present."), code="hours_missing")
    hours = Decimal(hours)
    if hours < 0 or hours > session.hours:
        raise ValidationError(_("Learning hours are between 0 and %(max)s, the length of the session.")
                              % {"max": hours_text(session.hours)}, code="hours_range")
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError(_("Learning hours are counted in tenths of an hour."), code="hours_precision")
    return hours


def _locked(session):
    return CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)


@transaction.atomic
def mark_attendance(session, marks, *, by, now=None):
    """Save the roll: `marks` maps each seated enrolment's id to (present, learning hours). The roll
    is saved whole or not at all: a ValidationError (nothing changes) names what is wrong. An
    absent person learned nothing (0 hours), whatever hours were typed. Only rows whose marks
    change record who marked them and when. Returns how many rows changed."""
    now = now or timezone.now()
    session = _locked(session)
    refusal = marking_refusal(session, now)
    if refusal:
        raise ValidationError(refusal, code="roll_closed")
    # Who holds a seat changes only under the session's lock (courses.enrolment), held here too.
    seated = {enrolment.pk: enrolment for enrolment in roll_of(session)}
    if set(marks) != set(seated):
        raise ValidationError(_("The roll has changed since it was opened: check it and save again."),
                              code="roll_changed")
    changed = []
    for pk, (present, hours) in marks.items():
        present = bool(present)
        hours = check_hours(session, hours) if present else Decimal("0")
        enrolment = seated[pk]
        if enrolment.attended is present and enrolment.learning_hours == hours:
            continue
        enrolment.attended, enrolment.learning_hours = present, hours
        enrolment.marked_by, enrolment.marked_at = by, now
        changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["attended", "learning_hours", "marked_by", "marked_at"])
    return len(changed)


@transaction.atomic
def close_session(session, *, by, now=None):
    """Close a held session: its roll is final, and those who attended are invited to its
    satisfaction survey. Refused (ValidationError, nothing changes) before the session starts,
    for a cancelled or already closed session, and while anyone on the roll is unmarked."""
    now = now or timezone.now()
    session = _locked(session)
    if session.state == SessionState.CLOSED:
        raise ValidationError(_("This session is already closed."), code="closed")
    if session.state == SessionState.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be closed."), code="cancelled")
    if now < session.starts_at:
        raise ValidationError(_("A session can be closed once it has started."), code="not_started")
    missing = unmarked(session).count()
    if missing:
        raise ValidationError(ngettext(
            "%(count)s person on the roll is not marked yet: mark everyone present or absent before closing.",
            "%(count)s people on the roll are not marked yet: mark everyone present or absent before closing.",
            missing) % {"count": missing}, code="unmarked")
    session.state, session.closed_at, session.closed_by = SessionState.CLOSED, now, by
    session.save(update_fields=["state", "closed_at", "closed_by"])
    invite_to_satisfaction(session, by=by, day=timezone.localdate(now))
    return session


def attendees(session):
    return roll_of(session).filter(attended=True)


def invite_to_satisfaction(session, *, by, day=None):
    """Invite a closed session's attendees to its satisfaction survey, writing the survey the first
    time. Idempotent: each attendee is invited once (surveys.answering.invite_to_survey). A session
    nobody attended gets no survey. Returns the survey, or None."""
    from surveys.answering import invite_to_survey

    if session.state != SessionState.CLOSED:
        raise ValueError("Only a closed session's attendees are invited to its satisfaction survey.")
    users = [enrolment.employee.user for enrolment in attendees(session).select_related("employee__user")]
    if not users:
        return None
    survey = session.satisfaction_survey
    if survey is None:
        survey = _write_survey(session, by=by, day=day or timezone.localdate())
        session.satisfaction_survey = survey
        session.save(update_fields=["satisfaction_survey"])
    invite_to_survey(survey, users)
    return survey


def _write_survey(session, *, by, day):
    from surveys.models import Question, Survey, SurveyKind

    course = session.course
    held_on = format_roc_date(timezone.localdate(session.starts_at), "long")
    title = in_site_language(SURVEY_TITLE) % {"topic": course.topic, "date": held_on}
    survey = Survey.objects.create(
        title=title[:200], kind=SurveyKind.COURSE_SATISFACTION, introduction=in_site_language(SURVEY_INTRODUCTION),
        anonymous=True, invited_only=True, owner=course.agency, plan=course.plan, opens_on=day,
        closes_on=day + datetime.timedelta(days=SURVEY_OPEN_DAYS), created_by=by)
    Question.objects.bulk_create([
        Question(survey=survey, order=order, text=in_site_language(text), kind=kind, required=kind != "text")
        for order, (text, kind) in enumerate(SURVEY_QUESTIONS, start=1)])
    return survey
