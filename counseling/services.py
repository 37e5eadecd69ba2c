"""Counseling as the employee, the provider and the agency do it: what one may book, requesting,
the intake call, scheduling, recording, cancelling, the employee's rights, closing, group requests."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from counseling import ledger
from counseling.access import provider_ids_of
from counseling.models import (
    Booking,
    BookingState,
    Channel,
    EntryKind,
    Session,
    SessionState,
)
from counseling.workflow import move_booking, move_session
from eap_portal.rocdates import to_local_date
from plans.models import ContractType, LateRule, PoolKind, Service
from plans.services import coverage

COUNSELING_SERVICES = [Service.INDIVIDUAL, Service.LEGAL, Service.FINANCIAL, Service.TAX, Service.MEDICAL,
                       Service.MANAGEMENT, Service.CAREER]
ONE_SESSION = Decimal(1)


@dataclass
class Offer:
    """Something the employee may book: a provider's service under a plan, and the pool it draws on."""

    contract: object
    service: str
    pool: object  # None: outside the ledger

    @property
    def key(self):
        return f"{self.contract.pk}:{self.service}"


def pool_for(contract, service):
    """The pool a booking under this contract draws on, or None when it is outside the ledger."""
    if contract.contract_type == ContractType.FREE:
        return None
    kind = {ContractType.FEE_SUBSIDY: PoolKind.FEE_SUBSIDY}.get(
        contract.contract_type, PoolKind.GROUP if service == Service.GROUP else PoolKind.INDIVIDUAL)
    plan = contract.plan
    pools = [pool for pool in list(plan.pools.all()) + list(plan.draws_on.all()) if pool.kind == kind]
    pools.sort(key=lambda pool: pool.provider_id != contract.provider_id)  # the provider's own pool first
    for pool in pools:
        if pool.provider_id in (None, contract.provider_id):
            return pool
    return None


def offers_for(employee, year, on=None):
    """Every service the employee's plans offer them this year, nearest plan first."""
    offers = []
    for covered in coverage(employee, year, on=on):
        if not covered.eligible:
            continue
        for contract in covered.plan.contracts.select_related("provider", "plan").order_by("provider__name"):
            for service in contract.services:
                if service in COUNSELING_SERVICES:
                    offers.append(Offer(contract, service, pool_for(contract, service)))
    return offers


def _applicant(employee, phone=""):
    today = timezone.localdate()
    return {"name": employee.full_name, "phone": phone or employee.phone, "agency": employee.agency.name,
            "job_title": employee.job_title, "age": employee.age(today), "gender": employee.get_gender_display()}


@transaction.atomic
def request_booking(employee, offer, *, by, description, intake_times="", phone="", mode="", preferred_gender="",
                    preferred_specialty="", wants_family=False, rights_acknowledged=False, channel=Channel.PORTAL):
    """The employee's request (or the provider's entry of one that came by phone, LINE or e-mail).
    It holds nothing; it needs at least one session's worth of hours available."""
    if channel == Channel.PORTAL and not rights_acknowledged:
        raise ValidationError(_("Please read and acknowledge your rights and duties first."))
    if not employee.is_current():
        raise ValidationError(_("Only current staff may book."))
    today = timezone.localdate()
    if offer.pool is not None:
        needed = ONE_SESSION
        if wants_family and offer.pool.family_charge_hours:
            needed = Decimal(offer.pool.terms_on(today)[1] or ONE_SESSION)
        account = ledger.account_for(offer.pool, ledger.session_year(timezone.now()), employee=employee)
        if ledger.available(account, today) < needed:
            raise ValidationError(_("You have %(left)s h left this year; a session needs %(needed)s h.")
                                  % {"left": ledger._hours(ledger.available(account, today)),
                                     "needed": ledger._hours(needed)})
    if wants_family and not (offer.service == Service.INDIVIDUAL and offer.pool and offer.pool.family_charge_hours):
        raise ValidationError(_("This service does not offer family sessions."))
    if mode and offer.contract.modes and mode not in offer.contract.modes:
        raise ValidationError(_("This provider does not offer that mode."))
    booking = Booking.objects.create(
        service=offer.service, contract=offer.contract, provider=offer.contract.provider, pool=offer.pool,
        employee=employee, agency=employee.agency, channel=channel, applicant=_applicant(employee, phone),
        description=description, intake_times=intake_times, mode=mode or Booking._meta.get_field("mode").default,
        preferred_gender=preferred_gender, preferred_specialty=preferred_specialty, wants_family=wants_family,
        rights_acknowledged_at=timezone.now() if rights_acknowledged else None, created_by=by)
    _tell_provider(booking)
    return booking


@transaction.atomic
def request_group_counseling(agency, offer, *, by, topics, description="", intake_times=""):
    if not topics:
        raise ValidationError(_("Choose at least one topic."))
    if offer.pool is not None:
        account = ledger.account_for(offer.pool, ledger.session_year(timezone.now()), agency=agency)
        left = ledger.available(account, timezone.localdate())
        if left < ONE_SESSION:
            raise ValidationError(_("The agency has %(left)s h of group counseling left this year.")
                                  % {"left": ledger._hours(left)})
    booking = Booking.objects.create(
        service=Service.GROUP, contract=offer.contract, provider=offer.contract.provider, pool=offer.pool,
        agency=agency, topics=list(topics), description=description, intake_times=intake_times, created_by=by,
        rights_acknowledged_at=timezone.now())
    _tell_provider(booking)
    return booking


def _tell_provider(booking):
    for user in booking.provider.staff.all():
        notify(user, kind="booking_received", key=f"booking:{booking.pk}:received:{user.pk}",
               link=reverse("provider_booking", args=[booking.pk]))


def _provider_only(booking, by):
    if booking.provider_id not in provider_ids_of(by):
        raise PermissionDenied


def _locked(booking):
    return Booking.objects.select_for_update().get(pk=booking.pk)


@transaction.atomic
def record_intake(booking, *, by, outcome, counselor=None):
    booking = _locked(booking)
    _provider_only(booking, by)
    move_booking(booking, BookingState.INTAKE_DONE)
    booking.intake_at, booking.intake_outcome = timezone.now(), outcome
    if counselor is not None:
        booking.counselor = counselor
    booking.save()
    return booking


@transaction.atomic
def schedule_session(booking, *, by, starts_at, hours=ONE_SESSION, counselor=None, mode=None, is_family=False,
                     relatives=0, is_closing=False):
    """Schedule a session and hold its charge, or refuse (not enough hours) leaving nothing behind."""
    booking = _locked(booking)
    _provider_only(booking, by)
    if not booking.is_open:
        raise ValidationError(_("This booking is closed."))
    if booking.end_requested_at and not is_closing:
        raise ValidationError(_("The employee asked to end counseling: only a closing session can be scheduled."))
    hours = Decimal(hours)
    if hours <= 0:
        raise ValidationError(_("A session lasts some time."))
    pool = booking.pool
    if is_family:
        if booking.is_group or pool is None or not pool.family_charge_hours:
            raise ValidationError(_("This plan does not offer family sessions."))
        if not 1 <= relatives <= (pool.max_relatives or 2):
            raise ValidationError(_("A family session has 1 to %(max)s relatives.") % {"max": pool.max_relatives or 2})
    elif relatives:
        raise ValidationError(_("Only a family session has relatives."))
    day = to_local_date(starts_at)
    session = Session(booking=booking, starts_at=starts_at, hours=hours, counselor=counselor or booking.counselor,
                      mode=mode or booking.mode, is_family=is_family, relatives=relatives, is_closing=is_closing)
    if pool is not None:
        try:
            session.charge = ledger.charge_for(pool, hours=hours, is_family=is_family, day=day)
        except ledger.NotEnoughHours as refusal:
            raise ValidationError(str(refusal)) from None
        holder = {"agency": booking.agency} if booking.is_group else {"employee": booking.employee}
        session.account = ledger.account_for(pool, ledger.session_year(starts_at), **holder)
    session.save()
    if session.account is not None:
        try:
            ledger.hold(session.account, session.charge, session=session, day=day, actor=by)
        except ledger.NotEnoughHours as refusal:
            raise ValidationError(str(refusal)) from None
    move_booking(booking, BookingState.ACTIVE)
    booking.change_requested_at = None if counselor and counselor != booking.counselor else booking.change_requested_at
    if counselor is not None:
        booking.counselor = counselor
    booking.save()
    _tell_attendee(session, "session_scheduled", f"session:{session.pk}:scheduled")
    return session


def _tell_attendee(session, kind, key):
    booking = session.booking
    users = [booking.employee.user] if booking.employee_id else [booking.created_by]
    # A group booking is the agency's: its officer follows it on the group counseling page.
    link = reverse("group_counseling") if booking.is_group else reverse("my_booking", args=[booking.pk])
    for user in users:
        notify(user, kind=kind, key=f"{key}:{user.pk}", link=link)


def _settle(session, to, by):
    account, charge = session.account, session.charge
    if account is None:
        return
    pool = account.pool
    if to == SessionState.HELD:
        ledger.consume(account, charge, session=session, actor=by)
    elif to == SessionState.CANCELLED:
        ledger.release(account, charge, session=session, actor=by)
    else:
        rule = pool.no_show_rule if to == SessionState.NO_SHOW else pool.late_cancel_rule
        if rule == LateRule.CHARGE:
            kind = EntryKind.NO_SHOW if to == SessionState.NO_SHOW else EntryKind.LATE_CANCEL
            ledger.consume(account, charge, session=session, kind=kind, actor=by)
        else:
            ledger.release(account, charge, session=session, actor=by)


def _locked_session(session):
    return Session.objects.select_for_update(of=("self",)).select_related("booking", "account__pool").get(pk=session.pk)


@transaction.atomic
def record_session(session, *, by, outcome, note="", consent=False):
    """The provider records a scheduled session as held or as a no-show."""
    session = _locked_session(session)
    _provider_only(session.booking, by)
    if outcome not in (SessionState.HELD, SessionState.NO_SHOW):
        raise ValidationError(_("Record a session as held or as a no-show."))
    if outcome == SessionState.HELD and session.starts_at > timezone.now() + datetime.timedelta(hours=1):
        raise ValidationError(_("A session cannot be recorded as held before it starts."))
    if outcome == SessionState.NO_SHOW and session.starts_at > timezone.now():
        raise ValidationError(_("A session cannot be recorded as a no-show before it starts."))
    move_session(session, outcome)
    session.note, session.recorded_at = note, timezone.now()
    session.save()
    _settle(session, outcome, by)
    booking = session.booking
    if consent and outcome == SessionState.HELD and booking.consent_at is None:
        booking.consent_at = timezone.now()
        booking.save()
    return session


def is_late(session, now=None):
    pool = session.account.pool if session.account_id else None
    if pool is None:
        return False
    return session.starts_at - (now or timezone.now()) < datetime.timedelta(hours=pool.late_cancel_hours)


@transaction.atomic
def cancel_session(session, *, by, now=None):
    """Cancelling releases the hours; the employee cancelling late is charged or released as the
    plan says. The provider cancelling (its counselor is ill) always releases."""
    session = _locked_session(session)
    booking = session.booking
    by_employee = booking.employee_id and booking.employee.user_id == by.pk
    if not by_employee:
        _provider_only(booking, by)
    if by_employee and session.starts_at <= (now or timezone.now()):
        raise ValidationError(_("This session has already started; ask the provider."))
    to = SessionState.LATE_CANCELLED if by_employee and is_late(session, now) else SessionState.CANCELLED
    move_session(session, to)
    session.recorded_at = timezone.now()
    session.save()
    _settle(session, to, by)
    if booking.provider_id:
        for user in booking.provider.staff.all():
            notify(user, kind="booking_changed", key=f"session:{session.pk}:cancelled:{user.pk}",
                   link=reverse("provider_booking", args=[booking.pk]))
    return session


def _employee_only(booking, by):
    if not booking.employee_id or booking.employee.user_id != by.pk:
        raise PermissionDenied


@transaction.atomic
def ask_for_another_counselor(booking, *, by):
    booking = _locked(booking)
    _employee_only(booking, by)
    if not booking.is_open:
        raise ValidationError(_("This booking is closed."))
    booking.change_requested_at = timezone.now()
    booking.save()
    _tell_provider_of_change(booking, "change")
    return booking


@transaction.atomic
def end_counseling(booking, *, by):
    """The employee ends counseling: a request not yet scheduled is withdrawn; otherwise future
    sessions are cancelled (released) and the provider may hold a closing session."""
    booking = _locked(booking)
    _employee_only(booking, by)
    if not booking.is_open:
        raise ValidationError(_("This booking is closed."))
    booking.end_requested_at = timezone.now()
    if booking.state in (BookingState.REQUESTED, BookingState.INTAKE_DONE) and not booking.sessions.exists():
        move_booking(booking, BookingState.WITHDRAWN)
        booking.closed_at = timezone.now()
    booking.save()
    # Locked, so that a session recorded meanwhile is not also released (charged twice).
    for session in booking.sessions.select_for_update(of=("self",)).select_related("account__pool").filter(
            state=SessionState.SCHEDULED, starts_at__gt=timezone.now(), is_closing=False):
        move_session(session, SessionState.CANCELLED)
        session.recorded_at = timezone.now()
        session.save()
        _settle(session, SessionState.CANCELLED, by)
    _tell_provider_of_change(booking, "end")
    return booking


def _tell_provider_of_change(booking, what):
    for user in booking.provider.staff.all():
        notify(user, kind="booking_changed", key=f"booking:{booking.pk}:{what}:{int(timezone.now().timestamp())}:"
               f"{user.pk}", link=reverse("provider_booking", args=[booking.pk]))


@transaction.atomic
def code_booking(booking, *, by, categories, consent=None):
    """The provider codes the problem categories (the plan's taxonomy) and the consent."""
    booking = _locked(booking)
    _provider_only(booking, by)
    allowed = set(booking.contract.plan.problem_categories.values_list("pk", flat=True))
    if booking.contract.plan.follows_id:
        allowed |= set(booking.contract.plan.follows.problem_categories.values_list("pk", flat=True))
    if any(category.pk not in allowed for category in categories):
        raise ValidationError(_("Use the problem categories of the booking's plan."))
    booking.problem_categories.set(categories)
    if consent and booking.consent_at is None:
        booking.consent_at = timezone.now()
        booking.save()
    return booking


@transaction.atomic
def close_booking(booking, *, by):
    booking = _locked(booking)
    _provider_only(booking, by)
    if booking.sessions.filter(state=SessionState.SCHEDULED).exists():
        raise ValidationError(_("Record or cancel the scheduled sessions first."))
    move_booking(booking, BookingState.CLOSED)
    booking.closed_at = timezone.now()
    booking.save()
    return booking


@transaction.atomic
def attach_analysis_report(booking, *, by, upload, extension):
    """The provider attaches the analysis report of a group counseling (Taoyuan); a new upload
    replaces the old. The file is named after the booking, never after what the uploader called it."""
    booking = _locked(booking)
    _provider_only(booking, by)
    if not booking.is_group:
        raise ValidationError(_("Only group counseling has an analysis report."))
    old = booking.analysis_report.name if booking.analysis_report else ""
    booking.analysis_report.save(f"analysis-{booking.pk}{extension}", upload, save=False)
    booking.save()
    if old and old != booking.analysis_report.name:
        booking.analysis_report.storage.delete(old)
    return booking


def remind_sessions_tomorrow(now=None):
    """The day-before reminder of every scheduled session, once each (the key)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    sent = 0
    for session in Session.objects.filter(state=SessionState.SCHEDULED, starts_at__date=tomorrow).select_related(
            "booking__employee__user", "booking__created_by"):
        _tell_attendee(session, "session_reminder", f"session:{session.pk}:reminder")
        sent += 1
    return sent
