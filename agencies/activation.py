"""Accounts without e-mail (issue 10): HR prints one-time activation codes, the person sets a password.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I), printed as
XXXX-XXXX-XXXX: 32¹² ≈ 10¹⁸ possibilities, so guessing is hopeless even before the throttle.
Only its keyed hash is stored (core.crypto.blind_index); the clear code exists once, in the
response that prints it. A new code replaces the person's earlier unused ones, and entering one
also resets a forgotten password: that is how "a new code from HR" works for people without e-mail.

A code takes over an account, so who may print one is narrower than who keeps the roster: the
person must be in the printer's subtree (employees_with_accounts_kept_by), never the printer
themselves or a superuser, and hold no role the printer could not grant — an agency EAP officer
cannot take over city HR's account by printing its code.
"""
import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies import access
from agencies.models import ActivationCode, Agency, Employee, RoleAssignment
from core.crypto import blind_index

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
GROUP = 4
HASH_PURPOSE = "activation_code"
# One print is one sheet in one response: beyond this, ask for a smaller agency or a unit.
MAX_CODES_PER_PRINT = 10_000
# Like django-axes for passwords: 5 failures for one employee number from one address lock that
# pair for 15 minutes. Never by address alone: a whole office activates from one address.
FAILURE_LIMIT = 5
LOCKOUT = timedelta(minutes=15)


class IssuedCode(NamedTuple):
    employee: Employee
    code: str


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise_code(code):
    """What the person typed, as it was hashed: separators, spaces and case do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_hash(code):
    return blind_index(normalise_code(code), HASH_PURPOSE)


def expiry(now):
    return now + timedelta(days=settings.EAP_ACTIVATION_CODE_DAYS)


# --- Who may print codes for whom ----------------------------------------------------------

def agencies_for_codes(user):
    """The agencies whose people this user prints codes for (their subtree)."""
    agencies = Agency.objects.all()
    if getattr(user, "is_superuser", False) and user.is_active:
        return agencies
    return agencies.filter(access.subtree_q(user, access.ACCOUNT_KEEPERS, "path"))


def codes_issuable_by(user, queryset):
    """The current staff in `queryset` whose account `user` may take over with a printed code."""
    kept = access.employees_with_accounts_kept_by(user, queryset)
    grantable = access.role_assignments_editable_by(user, RoleAssignment.objects.all())
    # Roles not yet ended, upcoming ones too: a role starting next week is not to be taken over today.
    holds_other_roles = (RoleAssignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=timezone.localdate()))
                         .exclude(pk__in=grantable.values("pk")).values("user_id"))
    return (kept.current().filter(user__is_active=True)
            .exclude(user_id=user.pk).exclude(user__is_superuser=True).exclude(user_id__in=holds_other_roles))


def people_chosen(*, agency, unit="", not_activated=False, without_email=False):
    """The HR page's choice, before scoping: current staff of the agency's subtree, in slip order."""
    chosen = Employee.objects.current().filter(agency__path__startswith=agency.path, user__is_active=True)
    if unit:
        chosen = chosen.filter(unit=unit.strip())
    if not_activated:
        chosen = chosen.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if without_email:
        chosen = chosen.filter(user__email="")
    return chosen.select_related("agency", "user").order_by("agency__path", "unit", "employee_number")


def issue_codes(employees, *, by, now=None):
    """One new code per person, returned in clear as [(employee, "XXXX-XXXX-XXXX")] for the sheet;
    only hashes are kept. Refuses the whole print if `by` may not issue for anyone in it."""
    now = now or timezone.now()
    people = list(employees)
    if len(people) > MAX_CODES_PER_PRINT:
        raise ValidationError(too_many_message(len(people)), code="too_many")
    ids = [person.pk for person in people]
    allowed = set(codes_issuable_by(by, Employee.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    refused = [person for person in people if person.pk not in allowed]
    if refused:
        names = "、".join(str(person) for person in refused[:5])
        raise ValidationError(
            _("You may not print activation codes for: %(names)s. Codes are printed only for current staff of "
              "your agencies, never for yourself or for anyone holding a role you cannot grant.") % {"names": names},
            code="not_allowed")
    issued = [IssuedCode(person, new_code()) for person in people]
    expires_at = expiry(now)
    with transaction.atomic():
        ActivationCode.objects.filter(user_id__in=[person.user_id for person in people], used_at__isnull=True,
                                      revoked_at__isnull=True).update(revoked_at=now)
        ActivationCode.objects.bulk_create(
            [ActivationCode(user_id=item.employee.user_id, code_hash=code_hash(item.code), issued_by=by,
                            issued_at=now, expires_at=expires_at) for item in issued],
            batch_size=1000)
    return issued


def too_many_message(count):
    return ngettext(
        "That is %(count)d person; print at most %(max)d codes at a time.",
        "That is %(count)d people; print at most %(max)d codes at a time: choose one agency or a unit.",
        count) % {"count": count, "max": MAX_CODES_PER_PRINT}


# --- Activating -----------------------------------------------------------------------------

def refused_message():
    # One message for every reason, so the form tells nobody which employee numbers exist.
    return _("The employee number or the activation code is not right, or the code has expired or was already "
             "used. Check both and try again, or ask your personnel office for a new code.")


def activate(employee_number, code, password, *, now=None):
    """Set the password of the person whose usable code this is, and use the code up."""
    now = now or timezone.now()
    employee = (Employee.objects.current(timezone.localdate(now)).select_related("user")
                .filter(employee_number=(employee_number or "").strip(), user__is_active=True).first())
    if employee is None or not normalise_code(code):
        raise ValidationError(refused_message(), code="refused")
    codes = ActivationCode.objects.usable(now).filter(user=employee.user, code_hash=code_hash(code))
    if not codes.exists():
        raise ValidationError(refused_message(), code="refused")
    # Only now that the code is right: a password too like the person's own name is refused.
    password_validation.validate_password(password, employee.user)
    with transaction.atomic():
        # A conditional UPDATE: of two requests racing with the same code, one wins.
        if codes.update(used_at=now) != 1:
            raise ValidationError(refused_message(), code="refused")
        employee.user.set_password(password)
        employee.user.save(update_fields=["password"])
    return employee.user


def _failure_key(employee_number, address):
    digest = hashlib.sha256(f"{(employee_number or '').strip()}\x00{address or ''}".encode()).hexdigest()
    return f"activation-failures:{digest}"


def is_locked_out(employee_number, address):
    return cache.get(_failure_key(employee_number, address), 0) >= FAILURE_LIMIT


def locked_out_message():
    return _("Too many wrong attempts. Wait 15 minutes and try again, or ask your personnel office for help.")


def attempt_activation(employee_number, code, password, *, address, now=None):
    """activate(), throttled per employee number and client address."""
    if is_locked_out(employee_number, address):
        raise ValidationError(locked_out_message(), code="locked_out")
    key = _failure_key(employee_number, address)
    try:
        user = activate(employee_number, code, password, now=now)
    except ValidationError as error:
        if getattr(error, "code", None) == "refused":
            cache.add(key, 0, timeout=int(LOCKOUT.total_seconds()))
            try:
                failures = cache.incr(key)
            except ValueError:  # expired between add and incr
                failures = 1
                cache.set(key, failures, timeout=int(LOCKOUT.total_seconds()))
            if failures >= FAILURE_LIMIT:
                # Restart the 15 minutes from the attempt that locked it.
                cache.set(key, failures, timeout=int(LOCKOUT.total_seconds()))
        raise
    cache.delete(key)
    return user


# --- The person page -------------------------------------------------------------------------

class AccountStatus(NamedTuple):
    activated: bool
    has_email: bool
    last_login: object
    latest_code: ActivationCode | None
    code_expired: bool


def account_status(employee, now=None):
    user = employee.user
    latest = ActivationCode.objects.filter(user=user).select_related("issued_by__employee").first()
    expired = latest is not None and latest.expires_at <= (now or timezone.now())
    return AccountStatus(user.has_usable_password(), bool(user.email), user.last_login, latest, expired)
