"""The employee's counseling (DOMAIN §4): this year's balances and their bookings, booking online
with the notice of rights and duties, one booking with its sessions, and the rights they use with
one click — cancel a session, ask for another counselor, end counseling.

Only the employee's own bookings: everything goes through `visible_to` and then keeps the rows of
the signed-in person's own employee record, so provider staff and the EAP officer (who see some
bookings elsewhere) are told these pages do not exist."""
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.access import own_employee
from core.access_log import AccessAction, Purpose, record_access
from counseling import ledger, services
from counseling.forms_employee import BookingForm, offer_modes
from counseling.models import Booking, QuotaAccount, Session, SessionState
from eap_portal.rocdates import roc_year
from plans.models import Mode, Service
from plans.services import coverage


def _employee_or_404(user):
    employee = own_employee(user)
    if employee is None:
        raise Http404
    return employee


def _own_bookings(request):
    employee = _employee_or_404(request.user)
    return Booking.objects.visible_to(request.user).filter(employee=employee)


def _own_booking(request, pk):
    return get_object_or_404(_own_bookings(request).select_related(
        "provider", "contract", "counselor", "pool", "employee"), pk=pk)


def _this_year():
    return roc_year(timezone.localdate())


def _offer_lines(employee, offers, balances):
    """Each offer with what the employee needs to choose: modes, hours left, what a session costs."""
    today = timezone.localdate()
    available = {line["pool"].pk: line["available"] for line in balances}
    lines = []
    for offer in offers:
        line = {"offer": offer, "key": offer.key, "service": Service(offer.service).label,
                "modes": [Mode(mode).label for mode in offer_modes(offer)], "pool": offer.pool}
        if offer.pool is not None:
            if offer.pool.pk not in available:  # a pool the balances did not list: read its account
                account = QuotaAccount.objects.filter(pool=offer.pool, year=_this_year(), employee=employee).first()
                used = (account.held + account.consumed) if account else Decimal(0)
                available[offer.pool.pk] = max(ledger.quota_on(offer.pool, today) - used, Decimal(0))
            family = offer.pool.terms_on(today)[1] if offer.pool.family_charge_hours else None
            line.update(available=available[offer.pool.pk], session_cost=services.ONE_SESSION, family_cost=family,
                        enough=available[offer.pool.pk] >= services.ONE_SESSION)
        lines.append(line)
    return lines


@require_safe
def my_counseling(request):
    employee = _employee_or_404(request.user)
    year = _this_year()
    offers = services.offers_for(employee, year)
    plans = [covered.plan for covered in coverage(employee, year) if covered.eligible]
    bookings = list(_own_bookings(request).select_related("provider", "counselor"))
    return render(request, "counseling/my_counseling.html", {
        "employee": employee, "year": year, "balances": ledger.balances_for(employee, year),
        "bookings": bookings, "can_book": bool(offers),
        "free_offers": [{"provider": offer.contract.provider, "service": Service(offer.service).label}
                        for offer in offers if offer.pool is None],
        "unlimited_lines": [line for plan in plans for line in plan.unlimited_lines.all()],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def book(request):
    employee = _employee_or_404(request.user)
    year = _this_year()
    offers = services.offers_for(employee, year)
    balances = ledger.balances_for(employee, year)
    form = BookingForm(request.POST if request.method == "POST" else None, offers=offers, initial={"phone": employee.phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.request_booking(
                employee, data["chosen_offer"], by=request.user, description=data["description"],
                intake_times=data["intake_times"], phone=data["phone"], mode=data["mode"],
                preferred_gender=data["preferred_gender"], preferred_specialty=data["preferred_specialty"],
                wants_family=data["wants_family"], rights_acknowledged=data["rights_acknowledged"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Your request has been sent. The provider will call you for a short "
                                        "intake; nothing is taken from your hours until a session is scheduled."))
            return redirect("my_booking", pk=booking.pk)
    return render(request, "counseling/book.html", {
        "employee": employee, "year": year, "form": form, "balances": balances,
        "offer_lines": _offer_lines(employee, offers, balances), "age": employee.age(),
    })


@require_safe
def my_booking(request, pk):
    booking = _own_booking(request, pk)
    record_access(request, AccessAction.READ, booking, person=booking.employee, purpose=Purpose.own_records())
    now = timezone.now()
    sessions = list(Session.objects.visible_to(request.user).filter(booking=booking).select_related(
        "counselor", "account__pool"))
    for session in sessions:
        session.can_cancel = session.state == SessionState.SCHEDULED and session.starts_at > now
        session.late = session.can_cancel and services.is_late(session, now)
    pool = booking.pool
    family_cost = pool.terms_on(timezone.localdate())[1] if pool is not None and pool.family_charge_hours else None
    return render(request, "counseling/my_booking.html", {
        "booking": booking, "sessions": sessions, "now": now, "family_cost": family_cost,
        "channels": list(booking.contract.channels.all()),
        "can_change": booking.is_open and booking.change_requested_at is None,
        "can_end": booking.is_open and booking.end_requested_at is None,
    })


def _act(request, action, success):
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@require_POST
def another_counselor(request, pk):
    booking = _own_booking(request, pk)
    _act(request, lambda: services.ask_for_another_counselor(booking, by=request.user),
         _("The provider has been told you would like another counselor."))
    return redirect("my_booking", pk=booking.pk)


@require_POST
def end_counseling(request, pk):
    booking = _own_booking(request, pk)
    _act(request, lambda: services.end_counseling(booking, by=request.user),
         _("Counseling is ended at your request; future sessions are cancelled. The provider may offer a "
           "closing session."))
    return redirect("my_booking", pk=booking.pk)


@require_POST
def cancel_session(request, pk):
    employee = _employee_or_404(request.user)
    session = get_object_or_404(Session.objects.visible_to(request.user).filter(booking__employee=employee)
                                .select_related("booking"), pk=pk)
    if session.starts_at <= timezone.now():
        messages.error(request, _("This session has already started; it can no longer be cancelled here."))
    else:
        def cancel():
            cancelled = services.cancel_session(session, by=request.user)
            if cancelled.state == SessionState.LATE_CANCELLED:
                messages.warning(request, _("The session was cancelled late: the plan may still charge its hours."))

        _act(request, cancel, _("The session is cancelled."))
    return redirect("my_booking", pk=session.booking_id)
