"""Objects of agency A and agency B for the counseling rows of the access-policy table. Each call
makes a fresh one, so one role acting on it does not change what the next role sees."""
import datetime
from decimal import Decimal

from django.utils import timezone

from core.actors import acting_as
from plans.models import PoolKind
from plans.tests.factories import PoolFactory


def _pool(cast, side, kind=PoolKind.INDIVIDUAL):
    plan = getattr(cast, f"{side}_plan")
    return plan.pools.filter(kind=kind).first() or PoolFactory(plan=plan, kind=kind, hours=Decimal(6),
                                                               family_charge_hours=Decimal(2), max_relatives=2)


def booking_of(cast, side, service="individual"):
    """A portal booking of the side's employee with the side's provider (A's provider's staff is
    the `provider` role of the table)."""
    from counseling.models import Booking

    employee = getattr(cast, f"{side}_employee")
    contract = getattr(cast, f"{side}_contract")
    if service not in contract.services:
        contract.services = sorted(set(contract.services) | {service})
        contract.save()
    group = service == "group"
    with acting_as("test:policy"):
        return Booking.objects.create(
            service=service, contract=contract, provider=contract.provider,
            pool=_pool(cast, side, PoolKind.GROUP if group else PoolKind.INDIVIDUAL),
            employee=None if group else employee, agency=getattr(cast, side), description="主要問題",
            applicant={"name": employee.full_name}, rights_acknowledged_at=timezone.now(),
            created_by=getattr(cast, f"{side}_eap_officer").user if group else employee.user,
            topics=["morale"] if group else [])


def session_of(cast, side):
    from counseling.models import Session

    with acting_as("test:policy"):
        return Session.objects.create(booking=booking_of(cast, side),
                                      starts_at=timezone.now() + datetime.timedelta(days=7), hours=Decimal(1))


OBJECTS = {
    "booking": lambda cast, side: {"pk": booking_of(cast, side).pk},
    "group_booking": lambda cast, side: {"pk": booking_of(cast, side, "group").pk},
    "session": lambda cast, side: {"pk": session_of(cast, side).pk},
}
