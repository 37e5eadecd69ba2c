import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.actors import acting_as
from plans.models import Counselor, PoolKind
from plans.tests.factories import PoolFactory

# Everything happens in ROC 114 (2025): the cast's plans are 114's.
NOW = timezone.make_aware(datetime.datetime(2025, 3, 3, 9, 0))


def at(month, day, hour=10, year=2025):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


@pytest.fixture
def counsel(cast, time_machine):
    """Agency A's own plan (114) pays 6 h a person (a family session costs 2 h, at most 2 relatives)
    and 6 h an agency for groups; A's provider offers individual and group counseling and legal
    consulting under it. B has the same with its own provider."""
    time_machine.move_to(NOW, tick=False)
    world = SimpleNamespace(cast=cast)
    for side in ("a", "b"):
        plan = getattr(cast, f"{side}_plan")
        pool = PoolFactory(plan=plan, hours=Decimal(6), family_charge_hours=Decimal(2), max_relatives=2)
        group = PoolFactory(plan=plan, name="團體諮商", kind=PoolKind.GROUP, hours=Decimal(6))
        contract = getattr(cast, f"{side}_contract")
        contract.services = ["individual", "group", "legal"]
        contract.price_per_hour = Decimal(2000)
        contract.save()
        counselor = Counselor.objects.create(provider=getattr(cast, f"{side}_provider"), name=f"{side.upper()} 心理師",
                                             gender="female")
        setattr(world, f"{side}_pool", pool)
        setattr(world, f"{side}_group_pool", group)
        setattr(world, f"{side}_counselor", counselor)
    world.provider = cast.provider  # staff of A's provider
    return world


@pytest.fixture
def actor():
    with acting_as("test"):
        yield
