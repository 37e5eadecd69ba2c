import datetime
from decimal import Decimal

import factory

from plans.models import Contract, PoolKind, Plan, Provider, QuotaPool, ResourceEntry


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    owner = factory.SubFactory("agencies.tests.factories.AgencyFactory")
    year = 114
    title = factory.LazyAttribute(lambda p: f"{p.owner.name}{p.year}年度員工協助方案實施計畫")
    period_start = factory.LazyAttribute(lambda p: datetime.date(p.year + 1911, 1, 1))
    period_end = factory.LazyAttribute(lambda p: datetime.date(p.year + 1911, 12, 31))


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaPool

    plan = factory.SubFactory(PlanFactory)
    name = "個別諮商"
    kind = PoolKind.INDIVIDUAL
    hours = Decimal("6")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"測試諮商所{n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    plan = factory.SubFactory(PlanFactory)
    provider = factory.SubFactory(ProviderFactory)
    services = ["individual"]
    modes = ["in_person"]


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceEntry

    plan = factory.SubFactory(PlanFactory)
    name = "安心專線"
    channel = "phone"
    contact = "1925"
