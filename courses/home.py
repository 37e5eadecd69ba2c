"""What a person holds in courses: their seats, their places on waiting lists and the sessions they
took, for the My courses page, the calendar file and the home page card. Always the signed-in
person's own rows, read through Enrolment.objects.visible_to(user)."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from agencies.access import own_employee
from courses.filters import month_bounds
from courses.models import Enrolment, EnrolmentState, SessionState
from eap_portal.rocdates import roc_year


def waiting_position():
    """The outer enrolment's place on its session's waiting list (1: the next seat is theirs).
    Only meaningful for a waitlisted enrolment; the order is the one fill_free_seats follows."""
    up_to_me = Enrolment.objects.filter(session=OuterRef("session"), state=EnrolmentState.WAITLISTED).filter(
        Q(requested_at__lt=OuterRef("requested_at")) | Q(requested_at=OuterRef("requested_at"), pk__lte=OuterRef("pk")))
    return Subquery(up_to_me.order_by().values("session").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField())


def own_enrolments(user, employee):
    return (Enrolment.objects.visible_to(user).filter(employee=employee)
            .select_related("session__course").annotate(position=waiting_position()))


@dataclass
class MyCourses:
    seats: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    past: list = field(default_factory=list)
    hours_this_year: Decimal = Decimal(0)
    year: int = 0


def my_courses(user, employee, *, now=None):
    """Upcoming seats and waiting places (soonest first), and the sessions held (newest first) with
    the learning hours of this ROC year."""
    now = now or timezone.now()
    year = roc_year(now)
    result = MyCourses(year=year)
    for enrolment in own_enrolments(user, employee).order_by("session__starts_at", "pk"):
        session = enrolment.session
        over = session.state == SessionState.CLOSED or session.ends_at <= now
        if enrolment.state == EnrolmentState.CANCELLED:
            continue
        if not over:
            enrolment.can_cancel = session.state == SessionState.OPEN and now < session.starts_at
            (result.seats if enrolment.state == EnrolmentState.ENROLLED else result.waiting).append(enrolment)
        elif enrolment.state == EnrolmentState.ENROLLED and session.state != SessionState.CANCELLED:
            result.past.append(enrolment)
    result.past.reverse()
    start, _ = month_bounds(year, 1)
    _, end = month_bounds(year, 12)
    result.hours_this_year = own_enrolments(user, employee).filter(
        state=EnrolmentState.ENROLLED, session__starts_at__gte=start, session__starts_at__lt=end,
    ).aggregate(total=Sum("learning_hours"))["total"] or Decimal(0)
    return result


def home_card(user, *, now=None):
    """For the home page: {"seats", "waiting", "next_session"} of the person's upcoming courses, or
    None for an account without an employee profile."""
    employee = own_employee(user)
    if employee is None:
        return None
    now = now or timezone.now()
    upcoming = own_enrolments(user, employee).filter(
        session__state=SessionState.OPEN, session__starts_at__gt=now).order_by("session__starts_at", "pk")
    seats = [enrolment for enrolment in upcoming if enrolment.state == EnrolmentState.ENROLLED]
    return {
        "seats": len(seats),
        "waiting": sum(1 for enrolment in upcoming if enrolment.state == EnrolmentState.WAITLISTED),
        "next_session": seats[0].session if seats else None,
    }
