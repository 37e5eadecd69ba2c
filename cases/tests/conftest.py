"""Shared setup of the cases tests: the clock on a Monday of 114 (2025), and a counseling offer."""
import datetime
from decimal import Decimal

import pytest

from counseling import services as counseling
from plans.tests.factories import PoolFactory

NOW = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def in_2025(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def offer(cast, in_2025):
    """A's plan pays 6 h of individual counseling a person, with A's provider."""
    PoolFactory(plan=cast.a_plan, hours=Decimal(6))
    cast.a_contract.services = ["individual"]
    cast.a_contract.save()
    return next(o for o in counseling.offers_for(cast.a_employee, 114) if o.contract == cast.a_contract)
