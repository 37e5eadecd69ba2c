"""The hour ledger's moves (DOMAIN §4, Decision). Nothing is held at request; scheduling a session
holds its charge; recording it held consumes; cancelling releases; a no-show or a late
cancellation is charged or released as the pool says. A session is charged to the plan year of its
date. The hold is one conditional UPDATE (`held + consumed + charge <= quota`), so on PostgreSQL and
SQLite alike two racing schedulings cannot both take the last hour.
"""
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.models import EntryKind, LedgerEntry, QuotaAccount
from eap_portal.rocdates import roc_year, to_local_date
from plans.models import PoolKind


class NotEnoughHours(Exception):
    """The account cannot hold this charge. The message is for the person who asked."""


def account_for(pool, year, *, employee=None, agency=None):
    """The account of this pool, year and holder, made on first use (safely under a race)."""
    holder = {"agency": agency} if pool.kind == PoolKind.GROUP else {"employee": employee}
    if None in holder.values():
        raise ValueError("A group pool is an agency's; other pools are an employee's.")
    found = QuotaAccount.objects.filter(pool=pool, year=year, **holder).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return QuotaAccount.objects.create(pool=pool, year=year, **holder)
    except IntegrityError:  # created meanwhile by a concurrent request
        return QuotaAccount.objects.get(pool=pool, year=year, **holder)


def quota_on(pool, day):
    hours, _family = pool.terms_on(day)
    return Decimal(hours)


def charge_for(pool, *, hours, is_family, day):
    """What a session costs the account: its length, or the family charge in force that day."""
    if is_family:
        _hours, family = pool.terms_on(day)
        if family is None:
            raise NotEnoughHours(_("This plan does not offer family sessions."))
        return Decimal(family)
    return Decimal(hours)


def available(account, day):
    account.refresh_from_db(fields=["held", "consumed"])
    return max(quota_on(account.pool, day) - account.held - account.consumed, Decimal(0))


def session_year(starts_at):
    return roc_year(to_local_date(starts_at))


def hold(account, charge, *, session, day, actor=None):
    """Hold `charge` hours, or refuse: one conditional UPDATE decides, in the database."""
    quota = quota_on(account.pool, day)
    with transaction.atomic():
        updated = QuotaAccount.objects.filter(pk=account.pk, held__lte=quota - charge - F("consumed")).update(
            held=F("held") + charge)
        if not updated:
            raise NotEnoughHours(_("Not enough hours left this year: %(charge)s h needed.")
                                 % {"charge": _hours(charge)})
        LedgerEntry.objects.create(account=account, session=session, kind=EntryKind.HOLD, held=charge, actor=actor)


def _move(account, session, kind, held, consumed, actor):
    with transaction.atomic():
        QuotaAccount.objects.filter(pk=account.pk).update(held=F("held") + held, consumed=F("consumed") + consumed)
        LedgerEntry.objects.create(account=account, session=session, kind=kind, held=held, consumed=consumed,
                                   actor=actor)


def consume(account, charge, *, session, kind=EntryKind.CONSUME, actor=None):
    _move(account, session, kind, -charge, charge, actor)


def release(account, charge, *, session, actor=None):
    _move(account, session, EntryKind.RELEASE, -charge, Decimal(0), actor)


def _hours(value):
    return f"{Decimal(value).normalize():f}"


def balances_for(employee, year, on=None):
    """One line per pool this employee may use in ROC `year`: the pool, its quota and what is left."""
    from plans.services import coverage

    lines, seen = [], set()
    for covered in coverage(employee, year, on=on):
        if not covered.eligible:
            continue
        plan = covered.plan
        for pool in list(plan.pools.all()) + list(plan.draws_on.all()):
            if pool.pk in seen or pool.kind == PoolKind.GROUP:
                continue
            seen.add(pool.pk)
            day = on or timezone.localdate()
            account = QuotaAccount.objects.filter(pool=pool, year=year, employee=employee).first()
            quota = quota_on(pool, day)
            held = account.held if account else Decimal(0)
            consumed = account.consumed if account else Decimal(0)
            lines.append({"pool": pool, "plan": plan, "quota": quota, "held": held, "consumed": consumed,
                          "available": max(quota - held - consumed, Decimal(0))})
    return lines
