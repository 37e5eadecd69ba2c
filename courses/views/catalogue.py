"""The employee's courses (DOMAIN §5): this year's catalogue of the plans that cover them, with its
filters; a course with its sessions and the one-click enrol, waiting list and cancel; My courses
and its calendar file.

Pages for a person with an employee profile: provider staff, reviewers and accounts without one
are told the pages do not exist, like the employee's counseling pages. Courses and sessions are
read through visible_to; an enrolment is acted on by its own employee only."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agencies.access import own_employee
from agencies.models import Category
from core.exports import content_disposition
from courses import calendar, home
from courses import enrolment as enrolment_service
from courses.audience import refusal
from courses.filters import CourseFilter
from courses.models import Course, CourseSeries, CourseSession, Enrolment, EnrolmentState, SessionState
from courses.models.sessions import ACTIVE_STATES
from eap_portal.rocdates import format_roc_date, format_roc_datetime, roc_year
from plans.services import plans_covering

PAGE_SIZE = 20


def _employee_or_404(user):
    employee = own_employee(user)
    if employee is None:
        raise Http404
    return employee


def _sessions_with_counts(user):
    return CourseSession.objects.visible_to(user).annotate(
        taken=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__state=EnrolmentState.WAITLISTED)))


def _describe(session, now):
    """What the pages say about a session: its status word, seats left, whether it is full."""
    if session.state == SessionState.CANCELLED:
        session.status = "cancelled"
    elif session.state == SessionState.CLOSED or now >= session.ends_at:
        session.status = "over"
    elif now >= session.starts_at:
        session.status = "started"
    elif now > session.registration_deadline:
        session.status = "registration_closed"
    else:
        session.status = "open"
    session.seats_left = max(session.capacity - session.taken, 0)
    # Someone already waits: a newcomer queues behind them even if a seat shows free for a moment.
    session.full = session.seats_left == 0 or session.waiting > 0
    return session


@require_safe
def catalogue(request):
    employee = _employee_or_404(request.user)
    year = roc_year(timezone.localdate())
    plans = [plan.pk for plan in plans_covering(employee, year)]
    scoped = Course.objects.visible_to(request.user).filter(plan__in=plans)
    series = CourseSeries.objects.visible_to(request.user).filter(plan__in=plans).select_related("plan__owner")
    course_filter = CourseFilter(request.GET, queryset=scoped, employee=employee, year=year, series=series,
                                 request=request)
    now = timezone.now()
    upcoming = _sessions_with_counts(request.user).filter(state=SessionState.OPEN, starts_at__gt=now).order_by(
        "starts_at", "pk")
    courses = course_filter.qs.select_related("series", "category", "plan__owner", "agency").prefetch_related(
        "audience_agencies", Prefetch("sessions", queryset=upcoming, to_attr="upcoming_sessions"))
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = {}
    for course_id, state in (Enrolment.objects.visible_to(request.user).filter(
            employee=employee, state__in=ACTIVE_STATES, session__course__in=[c.pk for c in page])
            .values_list("session__course", "state")):
        mine.setdefault(course_id, set()).add(state)
    for course in page:
        course.refusal = refusal(course, employee)
        course.my_states = mine.get(course.pk, set())
        for session in course.upcoming_sessions:
            _describe(session, now)
    return render(request, "courses/catalogue.html", {
        "filter": course_filter, "page": page, "year": year, "has_plans": bool(plans)})


def _my_enrolments_by_session(request, employee, course):
    """Per session of the course, the person's live enrolment, or else their latest cancelled one."""
    found = {}
    for enrolment in home.own_enrolments(request.user, employee).filter(session__course=course).order_by(
            "requested_at", "pk"):
        kept = found.get(enrolment.session_id)
        if kept is None or kept.state == EnrolmentState.CANCELLED:
            found[enrolment.session_id] = enrolment
    return found


def _audience_rules(course, agencies):
    """The structured rules in words, next to the plan's own text."""
    rules = []
    if course.audience_categories:
        rules.append(_("Employee categories: %(names)s") % {
            "names": "、".join(str(Category(value).label) for value in course.audience_categories)})
    if course.min_grade or course.max_grade:
        rules.append(_("Grades %(low)s to %(high)s (職等)") % {"low": course.min_grade or 1,
                                                              "high": course.max_grade or 14})
    if course.supervisors_only:
        rules.append(_("Supervisors only"))
    if course.hired_after:
        rules.append(_("Hired on or after %(day)s") % {"day": format_roc_date(course.hired_after)})
    if agencies:
        rules.append(_("Staff of %(agencies)s, with the agencies below them") % {
            "agencies": "、".join(agency.name for agency in agencies)})
    return rules


@require_safe
def course_detail(request, pk):
    employee = _employee_or_404(request.user)
    course = get_object_or_404(Course.objects.visible_to(request.user).select_related(
        "series", "category", "plan__owner", "agency").prefetch_related("audience_agencies"), pk=pk)
    now = timezone.now()
    not_for_me = refusal(course, employee)
    mine = _my_enrolments_by_session(request, employee, course)
    sessions = list(_sessions_with_counts(request.user).filter(course=course).order_by("starts_at", "pk"))
    for session in sessions:
        _describe(session, now)
        session.mine = mine.get(session.pk)
        live = session.mine is not None and session.mine.state != EnrolmentState.CANCELLED
        session.seated = live and session.mine.state == EnrolmentState.ENROLLED
        session.can_enrol = session.status == "open" and not live and not_for_me is None
        session.can_cancel = live and session.state == SessionState.OPEN and now < session.starts_at
    return render(request, "courses/course_detail.html", {
        "course": course, "sessions": sessions, "refusal": not_for_me,
        "rules": _audience_rules(course, list(course.audience_agencies.all()))})


@require_POST
def enrol(request, pk):
    employee = _employee_or_404(request.user)
    session = get_object_or_404(CourseSession.objects.visible_to(request.user).select_related("course"), pk=pk)
    try:
        enrolment = enrolment_service.enrol(employee, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.state == EnrolmentState.ENROLLED:
            messages.success(request, _("You have a seat in “%(topic)s” on %(when)s.") % {
                "topic": session.course.topic, "when": format_roc_datetime(session.starts_at)})
        else:
            position = home.own_enrolments(request.user, employee).get(pk=enrolment.pk).position
            messages.warning(request, _(
                "The session is full: you are number %(position)s on its waiting list. If a seat frees up it is "
                "yours at once, and we will tell you.") % {"position": position})
    return redirect("course_detail", pk=session.course_id)


@require_POST
def cancel(request, pk):
    employee = _employee_or_404(request.user)
    enrolment = get_object_or_404(Enrolment.objects.visible_to(request.user).filter(employee=employee)
                                  .select_related("session"), pk=pk)
    had_seat = enrolment.state == EnrolmentState.ENROLLED
    try:
        enrolment_service.cancel_enrolment(enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have given up your seat.") if had_seat
                         else _("You have left the waiting list."))
    if request.POST.get("back") == "mine":
        return redirect("my_courses")
    return redirect("course_detail", pk=enrolment.session.course_id)


@require_safe
def my_courses(request):
    employee = _employee_or_404(request.user)
    return render(request, "courses/my_courses.html", {"mine": home.my_courses(request.user, employee)})


@require_safe
def my_calendar(request):
    employee = _employee_or_404(request.user)
    response = HttpResponse(calendar.my_calendar(request.user, employee), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(calendar.FILENAME, "ics")
    response["Cache-Control"] = "private, no-store"
    return response
