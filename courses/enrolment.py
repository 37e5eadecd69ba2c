"""Enrolling in a session, the waiting list, and cancelling.

Capacity is kept by the session's row lock: every change to who holds a seat (enrol, cancel, a
capacity change, a promotion) first locks the session row, then counts. Concurrent enrolments
therefore queue on the lock and each sees the seats the previous ones took; the seats never exceed
the capacity, whatever races. A freed seat goes at once to the first on the waiting list."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from courses.audience import refusal
from courses.models import CourseSession, Enrolment, EnrolmentState, SessionState


def _locked(session):
    return CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)


def seats_taken(session):
    return session.enrolments.filter(state=EnrolmentState.ENROLLED).count()


@transaction.atomic
def enrol(employee, session, *, now=None):
    """A seat if one is free and nobody waits before the person, else a place on the waiting list.
    Raises ValidationError (nothing changes) when the person may not enrol."""
    now = now or timezone.now()
    session = _locked(session)
    if not employee.is_current(timezone.localdate(now)):
        raise ValidationError(_("Only current staff may enrol."))
    if session.state == SessionState.CANCELLED:
        raise ValidationError(_("This session has been cancelled."))
    if session.state != SessionState.OPEN or now > session.registration_deadline:
        raise ValidationError(_("Registration for this session has closed."))
    reason = refusal(session.course, employee)
    if reason:
        raise ValidationError(reason)
    if session.enrolments.active().filter(employee=employee).exists():
        raise ValidationError(_("You are already enrolled in this session or on its waiting list."))
    free = seats_taken(session) < session.capacity and not session.enrolments.waiting_order().exists()
    return Enrolment.objects.create(
        session=session, employee=employee, requested_at=now,
        state=EnrolmentState.ENROLLED if free else EnrolmentState.WAITLISTED, seated_at=now if free else None)


@transaction.atomic
def cancel_enrolment(enrolment, *, now=None):
    """The person leaves the session or its waiting list; a freed seat goes to the next in line."""
    now = now or timezone.now()
    session = _locked(enrolment.session)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.state == EnrolmentState.CANCELLED:
        raise ValidationError(_("This enrolment is already cancelled."))
    if session.state == SessionState.CANCELLED:
        raise ValidationError(_("This session has been cancelled: there is nothing to give up."))
    if session.state == SessionState.CLOSED or now >= session.starts_at:
        raise ValidationError(_("The session has started: it can no longer be cancelled here."))
    had_seat = enrolment.state == EnrolmentState.ENROLLED
    enrolment.state, enrolment.cancelled_at = EnrolmentState.CANCELLED, now
    enrolment.save(update_fields=["state", "cancelled_at"])
    if had_seat:
        fill_free_seats(session, now=now)
    return enrolment


def fill_free_seats(session, *, now=None):
    """Give free seats to the waiting list in order, each with a notification. Call it with the
    session row locked (inside enrol/cancel, or after HR raises the capacity)."""
    now = now or timezone.now()
    if session.state != SessionState.OPEN or now >= session.starts_at:
        return []
    free = session.capacity - seats_taken(session)
    promoted = []
    for enrolment in session.enrolments.waiting_order().select_related("employee__user")[:max(free, 0)]:
        enrolment.state, enrolment.seated_at = EnrolmentState.ENROLLED, now
        enrolment.save(update_fields=["state", "seated_at"])
        notify(enrolment.employee.user, kind="course_seat_offered", key=f"course-enrolment:{enrolment.pk}:seated",
               link=reverse("my_courses"))
        promoted.append(enrolment)
    return promoted


@transaction.atomic
def capacity_changed(session, *, now=None):
    """After HR changes a session's capacity: a raise seats the waiting list."""
    return fill_free_seats(_locked(session), now=now)


def check_new_capacity(session, capacity):
    """A session cannot shrink below the seats already given: nobody loses a seat."""
    if session.pk and capacity < seats_taken(session):
        raise ValidationError(_("%(taken)s people already hold a seat: the capacity cannot be lower.")
                              % {"taken": seats_taken(session)})
