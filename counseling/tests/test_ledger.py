"""Every ledger rule of DOMAIN §4: nothing held at request; scheduling holds; held consumes;
cancelling releases; no-show and late cancellation per the pool; family charge; the plan year of
the session's date; unlimited lines; agency hours for groups; never below zero."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from counseling import ledger, services
from counseling.models import LedgerEntry, QuotaAccount, SessionState
from counseling.tests.conftest import at
from plans.models import ContractType, LateRule, PoolKind
from plans.tests.factories import ContractFactory, PoolFactory, ProviderFactory

pytestmark = pytest.mark.usefixtures("actor")


def offer_for(world, service="individual", side="a"):
    employee = getattr(world.cast, f"{side}_employee")
    return next(o for o in services.offers_for(employee, 114) if o.service == service
                and o.contract == getattr(world.cast, f"{side}_contract"))


def book(world, side="a", **kwargs):
    employee = getattr(world.cast, f"{side}_employee")
    return services.request_booking(employee, offer_for(world, side=side), by=employee.user, description="睡不好",
                                    rights_acknowledged=True, **kwargs)


def account(world, side="a"):
    return QuotaAccount.objects.get(pool=getattr(world, f"{side}_pool"),
                                    employee=getattr(world.cast, f"{side}_employee"))


def balance(world, side="a"):
    acct = account(world, side)
    return acct.held, acct.consumed


def schedule(world, booking, when, **kwargs):
    return services.schedule_session(booking, by=world.provider, starts_at=when, **kwargs)


def test_a_request_holds_nothing(counsel):
    book(counsel)
    assert balance(counsel) == (0, 0)
    assert not LedgerEntry.objects.exists()


def test_scheduling_holds_recording_consumes_and_cancelling_releases(counsel):
    booking = book(counsel)
    first = schedule(counsel, booking, at(3, 10))
    second = schedule(counsel, booking, at(3, 17))
    assert balance(counsel) == (2, 0)
    with time_machine.travel(at(3, 10, 12), tick=False):
        services.record_session(first, by=counsel.provider, outcome=SessionState.HELD, note="初談", consent=True)
    assert balance(counsel) == (1, 1)
    services.cancel_session(second, by=counsel.provider)
    assert balance(counsel) == (0, 1)
    assert ledger.available(account(counsel), at(3, 20).date()) == 5


def test_a_family_session_is_charged_the_family_charge(counsel):
    booking = book(counsel, wants_family=True)
    schedule(counsel, booking, at(3, 10), is_family=True, relatives=2)
    assert balance(counsel) == (2, 0)
    with pytest.raises(ValidationError):
        schedule(counsel, booking, at(3, 11), is_family=True, relatives=3)
    with pytest.raises(ValidationError):
        schedule(counsel, booking, at(3, 11), relatives=1)


@pytest.mark.parametrize("rule, held_after, consumed_after", [(LateRule.CHARGE, 0, 1), (LateRule.RELEASE, 0, 0)])
def test_a_no_show_is_charged_or_released_as_the_pool_says(counsel, rule, held_after, consumed_after):
    counsel.a_pool.no_show_rule = rule
    counsel.a_pool.save()
    session = schedule(counsel, book(counsel), at(3, 4))
    with time_machine.travel(at(3, 4, 12), tick=False):
        services.record_session(session, by=counsel.provider, outcome=SessionState.NO_SHOW)
    assert balance(counsel) == (held_after, consumed_after)


@pytest.mark.parametrize("rule, state, consumed_after", [
    (LateRule.CHARGE, SessionState.LATE_CANCELLED, 1), (LateRule.RELEASE, SessionState.LATE_CANCELLED, 0)])
def test_an_employees_late_cancellation_follows_the_pool(counsel, rule, state, consumed_after):
    counsel.a_pool.late_cancel_rule = rule
    counsel.a_pool.save()
    booking = book(counsel)
    session = schedule(counsel, booking, at(3, 3, 20))  # today, 11 hours from now: late (24 h rule)
    cancelled = services.cancel_session(session, by=counsel.cast.a_employee.user)
    assert cancelled.state == state
    assert balance(counsel) == (0, consumed_after)


def test_an_early_cancellation_by_the_employee_releases(counsel):
    session = schedule(counsel, book(counsel), at(3, 20))
    assert services.cancel_session(session, by=counsel.cast.a_employee.user).state == SessionState.CANCELLED
    assert balance(counsel) == (0, 0)


def test_the_balance_never_goes_below_zero(counsel):
    booking = book(counsel)
    for day in range(10, 16):
        schedule(counsel, booking, at(3, day))
    with pytest.raises(ValidationError, match="Not enough hours|時數不足"):
        schedule(counsel, booking, at(3, 17))
    assert balance(counsel) == (6, 0)
    assert booking.sessions.count() == 6  # the refused session left nothing behind


def test_a_request_needs_one_sessions_worth_available(counsel):
    booking = book(counsel)
    for day in range(10, 16):
        schedule(counsel, booking, at(3, day))
    with pytest.raises(ValidationError):
        book(counsel)


def test_a_session_is_charged_to_the_plan_year_of_its_date(counsel):
    """A booking of December 114 whose session falls in January 115 draws on 115's account."""
    booking = book(counsel)
    schedule(counsel, booking, at(12, 30))
    schedule(counsel, booking, at(1, 6, year=2026))
    years = dict(QuotaAccount.objects.filter(employee=counsel.cast.a_employee).values_list("year", "held"))
    assert years == {114: 1, 115: 1}


def test_an_amendment_changes_the_quota_for_sessions_scheduled_after_it(counsel):
    from plans.models import Amendment, QuotaChange

    amendment = Amendment.objects.create(plan=counsel.cast.a_plan, effective_on=datetime.date(2025, 6, 1),
                                         summary="個別諮商增為8小時")
    QuotaChange.objects.create(amendment=amendment, pool=counsel.a_pool, hours=Decimal(8))
    booking = book(counsel)
    for day in range(10, 16):
        schedule(counsel, booking, at(3, day))
    with pytest.raises(ValidationError):
        schedule(counsel, booking, at(5, 30))
    schedule(counsel, booking, at(6, 2))
    schedule(counsel, booking, at(6, 3))
    assert balance(counsel) == (8, 0)


def test_free_contracts_and_unlimited_lines_never_touch_the_ledger(counsel):
    cast = counsel.cast
    free = ContractFactory(plan=cast.a_plan, provider=ProviderFactory(name="免費法律諮詢"),
                           contract_type=ContractType.FREE, services=["legal"])
    offer = next(o for o in services.offers_for(cast.a_employee, 114) if o.contract == free)
    assert offer.pool is None
    free.provider.staff.add(counsel.provider)
    booking = services.request_booking(cast.a_employee, offer, by=cast.a_employee.user, description="租屋糾紛",
                                       rights_acknowledged=True)
    for day in range(10, 20):
        session = services.schedule_session(booking, by=counsel.provider, starts_at=at(3, day))
        assert session.account is None
    assert not QuotaAccount.objects.exists() and not LedgerEntry.objects.exists()


def test_group_counseling_draws_on_the_agencys_hours(counsel):
    cast = counsel.cast
    offer = services.Offer(cast.a_contract, "group", services.pool_for(cast.a_contract, "group"))
    assert offer.pool == counsel.a_group_pool
    booking = services.request_group_counseling(cast.a, offer, by=cast.a_eap_officer.user, topics=["morale"])
    schedule(counsel, booking, at(4, 1), hours=Decimal(3))
    schedule(counsel, booking, at(4, 8), hours=Decimal(3))
    with pytest.raises(ValidationError):
        schedule(counsel, booking, at(4, 15))
    group_account = QuotaAccount.objects.get(pool=counsel.a_group_pool)
    assert (group_account.agency, group_account.held) == (cast.a, 6)
    assert not QuotaAccount.objects.filter(employee__isnull=False).exists()


def test_the_ledger_entries_sum_to_the_account(counsel):
    booking = book(counsel)
    sessions = [schedule(counsel, booking, at(3, day)) for day in (10, 11, 12)]
    services.cancel_session(sessions[1], by=counsel.provider)
    acct = account(counsel)
    entries = LedgerEntry.objects.filter(account=acct)
    assert sum(e.held for e in entries) == acct.held == 2
    assert sum(e.consumed for e in entries) == acct.consumed == 0


def test_only_the_bookings_provider_schedules(counsel):
    from django.core.exceptions import PermissionDenied

    booking = book(counsel)
    with pytest.raises(PermissionDenied):
        services.schedule_session(booking, by=counsel.cast.b_eap_officer.user, starts_at=at(3, 10))


def test_the_pool_matches_the_service_and_the_contract(counsel):
    contract = counsel.cast.a_contract
    assert services.pool_for(contract, "individual") == counsel.a_pool
    assert services.pool_for(contract, "group") == counsel.a_group_pool
    subsidy = PoolFactory(plan=counsel.cast.a_plan, name="補助", kind=PoolKind.FEE_SUBSIDY, hours=Decimal(4))
    contract.contract_type, contract.subsidy_hours = ContractType.FEE_SUBSIDY, Decimal(4)
    contract.save()
    assert services.pool_for(contract, "individual") == subsidy
