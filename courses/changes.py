"""A session cancelled or moved: everyone in it hears of it, once per change (DOMAIN §5).

"Everyone" is every active enrolment, the waiting list included: they still mean to come. A
session moves when its start, end, venue or link changes. The notice's key names the change (the
time and place before and after), so a second move is a second notice, while the same change
announced twice — a retried save — is one. (So a session moved back and forth between the very
same two times twice is announced the first time only: a price of keys that need no counter.)
Cancelling is final: people are told once, and their enrolments stay as they were, so the record
keeps who had a seat in the session that did not take place; HR schedule a new session rather
than reopen a cancelled one.
"""
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import notify
from courses.enrolment import capacity_changed
from courses.models import CourseSession, SessionState

MOVE_FIELDS = ("starts_at", "ends_at", "venue", "online_link")


def was_moved(session, before):
    return any(getattr(session, name) != getattr(before, name) for name in MOVE_FIELDS)


def _tell_everyone_in(session, kind, key_for):
    told = []
    for enrolment in session.enrolments.active().select_related("employee__user"):
        user = enrolment.employee.user
        told.append(notify(user, kind=kind, key=key_for(user), link=reverse("my_courses")))
    return told


def _place_and_time(session):
    # Instants as timestamps: the same start read from the database (UTC) and from a form (Taipei)
    # must give the same text.
    return f"{session.starts_at.timestamp()}|{session.ends_at.timestamp()}|{session.venue}|{session.online_link}"


def session_moved(session, before):
    """After HR saved a new time or place for a scheduled session (`before`: the row as it was):
    tell everyone in it. Nothing for an unchanged session or one that is no longer scheduled."""
    if session.state != SessionState.OPEN or not was_moved(session, before):
        return []
    change = hashlib.sha256(f"{_place_and_time(before)}>{_place_and_time(session)}".encode()).hexdigest()[:16]
    start = int(session.starts_at.timestamp())
    return _tell_everyone_in(session, "course_changed",
                             lambda user: f"course-session:{session.pk}:moved:{start}:{change}:{user.pk}")


@transaction.atomic
def cancel_session(session, *, reason, by):
    """Cancel a scheduled session that `by` keeps, and tell everyone in it, once."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the session is cancelled."))
    # The row lock makes a cancellation and an enrolment queue behind each other: nobody gets a
    # seat in a session that has just been cancelled without hearing of it.
    session = CourseSession.objects.editable_by(by).select_for_update().filter(pk=session.pk).first()
    if session is None:
        raise PermissionDenied
    if session.state != SessionState.OPEN:
        raise ValidationError(_("Only a scheduled session can be cancelled."))
    session.state, session.cancel_reason = SessionState.CANCELLED, reason
    session.save(update_fields=["state", "cancel_reason"])
    _tell_everyone_in(session, "course_changed", lambda user: f"course-session:{session.pk}:cancelled:{user.pk}")
    return session


def save_session_edit(session, *, before, by):
    """HR's edit of a session in the admin, already validated (`before`: the row as it was, None
    for a new session). Saved, then each consequence through its own service: a cancellation is
    written by cancel_session alone, a raised capacity seats the waiting list, a new time or
    place is announced."""
    if before is None:
        session.save()
        return session
    cancelling = before.state == SessionState.OPEN and session.state == SessionState.CANCELLED
    if cancelling:
        reason = session.cancel_reason
        session.state, session.cancel_reason = before.state, before.cancel_reason
        session.save()
        return cancel_session(session, reason=reason, by=by)
    session.save()
    if session.capacity != before.capacity:
        capacity_changed(session)
    session_moved(session, before)
    return session
