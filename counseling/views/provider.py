"""The provider's inbox (DOMAIN §4): the staff of a contracted provider see the bookings routed to
their provider, enter requests that came by phone, LINE or e-mail, record the intake call, schedule
and record sessions, code the problem categories and close. Nobody else has these pages: the inbox
is refused (403) and a booking page is "not found" (404), even the employee's own booking."""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from core.access_log import AccessAction, Purpose, record_access
from counseling import services
from counseling.access import is_provider_staff, provider_ids_of
from counseling.forms_provider import (
    CodeForm,
    FindEmployeeForm,
    IntakeForm,
    OffPortalBookingForm,
    RecordSessionForm,
    ReportForm,
    ScheduleForm,
)
from counseling.models import Booking, BookingState, Session, SessionState
from eap_portal.rocdates import roc_year

RECENTLY_CLOSED_DAYS = 30


def _staff_only(user):
    if not is_provider_staff(user):
        raise PermissionDenied


def _bookings(user):
    return Booking.objects.visible_to(user).filter(provider_id__in=provider_ids_of(user)).select_related(
        "contract__plan", "provider", "agency", "pool", "counselor")


def _booking(request, pk):
    """One of the user's provider's bookings, or "not found" (404) — also for the employee's own."""
    return get_object_or_404(_bookings(request.user), pk=pk)


def _session(request, pk):
    session = get_object_or_404(Session.objects.visible_to(request.user).select_related("booking"), pk=pk)
    if session.booking.provider_id not in provider_ids_of(request.user):
        raise Http404
    return session


def _refused(request, error):
    messages.error(request, " ".join(error.messages))


@require_safe
def inbox(request):
    _staff_only(request.user)
    now = timezone.now()
    bookings = _bookings(request.user).annotate(
        next_session=Min("sessions__starts_at", filter=Q(sessions__state=SessionState.SCHEDULED)))
    open_states = [BookingState.REQUESTED, BookingState.INTAKE_DONE, BookingState.ACTIVE]
    sections = [
        ("new", _("New requests"), bookings.filter(state=BookingState.REQUESTED).order_by("created_at", "pk")),
        ("intake", _("Intake call done"), bookings.filter(state=BookingState.INTAKE_DONE).order_by("intake_at", "pk")),
        ("active", _("Active"), bookings.filter(state=BookingState.ACTIVE).order_by(
            "next_session", "created_at")),
        ("asked", _("Change of counselor or end of counseling asked for"), bookings.filter(
            Q(change_requested_at__isnull=False) | Q(end_requested_at__isnull=False),
            state__in=open_states).order_by("created_at", "pk")),
        ("closed", _("Closed in the last 30 days"), bookings.filter(
            state__in=[BookingState.CLOSED, BookingState.WITHDRAWN],
            closed_at__gte=now - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)).order_by("-closed_at")),
    ]
    return render(request, "counseling/provider_inbox.html", {
        "sections": [{"key": key, "title": title, "bookings": list(found)} for key, title, found in sections],
        "now": now,
    })


def _offers_of_my_provider(user, employee):
    mine = set(provider_ids_of(user))
    return [offer for offer in services.offers_for(employee, roc_year(timezone.localdate()))
            if offer.contract.provider_id in mine]


@require_http_methods(["GET", "HEAD", "POST"])
def new_booking(request):
    """An off-portal request, in two steps: the employee number, then (the name found) the request."""
    _staff_only(request.user)
    context = {"employee": None, "step_two": False}
    if request.method != "POST":
        return render(request, "counseling/provider_new_booking.html", {**context, "form": FindEmployeeForm()})
    finder = FindEmployeeForm(request.POST)
    if not finder.is_valid():
        return render(request, "counseling/provider_new_booking.html", {**context, "form": finder})
    employee = finder.employee
    offers = _offers_of_my_provider(request.user, employee)
    if not offers:
        # Provider staff see no roster: someone their contracts do not serve stays nameless.
        finder.add_error(None, _("No employee with this number is covered by your contracts this year."))
        return render(request, "counseling/provider_new_booking.html", {**context, "form": finder})
    context.update(employee=employee, step_two=True)
    if request.POST.get("step") != "book":
        form = OffPortalBookingForm(offers=offers, initial={"employee_number": finder.cleaned_data["employee_number"]})
        return render(request, "counseling/provider_new_booking.html", {**context, "form": form})
    form = OffPortalBookingForm(request.POST, offers=offers)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.request_booking(
                employee, data["offer"], by=request.user, description=data["description"],
                intake_times=data["intake_times"], phone=data["phone"], mode=data["mode"],
                preferred_gender=data["preferred_gender"], wants_family=data["wants_family"],
                rights_acknowledged=data["rights_explained"], channel=data["channel"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request of %(name)s is entered.") % {"name": employee.full_name})
            return redirect("provider_booking", pk=booking.pk)
    return render(request, "counseling/provider_new_booking.html", {**context, "form": form})


def _render_booking(request, booking, *, schedule_form=None, status=200):
    """The booking page. It shows the description and the notes, so every showing is logged."""
    record_access(request, AccessAction.READ, booking, person=booking.employee,
                  purpose=Purpose.by_role("provider_staff", f"provider:{booking.provider_id}"))
    sessions = list(booking.sessions.select_related("counselor").order_by("starts_at", "pk"))
    for session in sessions:
        if session.state == SessionState.SCHEDULED:
            session.record_form = RecordSessionForm(auto_id=f"id_session{session.pk}_%s")
    open_ = booking.is_open
    context = {
        "booking": booking,
        "applicant": booking.applicant or {},
        "sessions": sessions,
        "scheduled": [session for session in sessions if session.state == SessionState.SCHEDULED],
        "categories": list(booking.problem_categories.all()),
        "topics": _topic_labels(booking.topics) if booking.is_group else [],
        "now": timezone.now(),
        "intake_form": IntakeForm(provider=booking.provider, initial={"counselor": booking.counselor_id})
        if booking.state in (BookingState.REQUESTED, BookingState.INTAKE_DONE) else None,
        "schedule_form": (schedule_form or ScheduleForm(booking=booking)) if open_ else None,
        "code_form": CodeForm(booking=booking, initial={"categories": [c.pk for c in booking.problem_categories.all()]})
        if booking.state != BookingState.WITHDRAWN else None,
        "can_close": open_,
        "report_form": ReportForm() if booking.is_group else None,
    }
    return render(request, "counseling/provider_booking.html", context, status=status)


def _topic_labels(topics):
    from counseling.models import GroupTopic

    return [GroupTopic(topic).label if topic in GroupTopic.values else topic for topic in topics]


@require_safe
def booking(request, pk):
    return _render_booking(request, _booking(request, pk))


@require_POST
def intake(request, pk):
    booking = _booking(request, pk)
    form = IntakeForm(request.POST, provider=booking.provider)
    if form.is_valid():
        try:
            services.record_intake(booking, by=request.user, outcome=form.cleaned_data["outcome"],
                                   counselor=form.cleaned_data["counselor"])
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Intake call recorded."))
    else:
        messages.error(request, _("Write the outcome of the intake call."))
    return redirect("provider_booking", pk=booking.pk)


@require_POST
def schedule(request, pk):
    """Schedule a session. A refusal (not enough hours, an invalid form) is shown on the page itself,
    with status 200 and nothing changed: many requests may race for the last hours."""
    booking = _booking(request, pk)
    form = ScheduleForm(request.POST, booking=booking)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_session(
                booking, by=request.user, starts_at=form.starts_at(), hours=data["hours"],
                counselor=data["counselor"], mode=data["mode"], is_family=data.get("is_family", False),
                relatives=data.get("relatives", 0), is_closing=data["is_closing"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session scheduled; its hours are held."))
            return redirect("provider_booking", pk=booking.pk)
    booking = _booking(request, pk)  # as it is now: a refusal changed nothing
    return _render_booking(request, booking, schedule_form=form)


@require_POST
def code(request, pk):
    booking = _booking(request, pk)
    form = CodeForm(request.POST, booking=booking)
    if form.is_valid():
        try:
            services.code_booking(booking, by=request.user, categories=list(form.cleaned_data["categories"]),
                                  consent=form.cleaned_data.get("consent") or None)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Problem categories saved."))
    else:
        messages.error(request, _("Choose among the problem categories of the booking's plan."))
    return redirect("provider_booking", pk=booking.pk)


@require_POST
def close(request, pk):
    booking = _booking(request, pk)
    try:
        services.close_booking(booking, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Booking closed."))
    return redirect("provider_booking", pk=booking.pk)


@require_POST
def upload_report(request, pk):
    booking = _booking(request, pk)
    if not booking.is_group:
        raise Http404
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        report = form.cleaned_data["report"]
        try:
            services.attach_analysis_report(booking, by=request.user, upload=report, extension=report.extension)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Analysis report uploaded."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("provider_booking", pk=booking.pk)


@require_POST
def record(request, pk):
    session = _session(request, pk)
    form = RecordSessionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_session(session, by=request.user, outcome=data["outcome"], note=data["note"],
                                    consent=data["consent"])
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Session recorded."))
    else:
        messages.error(request, _("Say whether the session was held or a no-show."))
    return redirect("provider_booking", pk=session.booking_id)


@require_POST
def cancel(request, pk):
    session = _session(request, pk)
    try:
        services.cancel_session(session, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Session cancelled; its hours are released."))
    return redirect("provider_booking", pk=session.booking_id)
