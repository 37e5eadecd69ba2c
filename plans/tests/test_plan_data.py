import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AgencyKind
from agencies.tests.factories import AgencyFactory
from plans.models import Amendment, ContractChannel, QuotaChange
from plans.services import start_next_year
from plans.tests.factories import ContractFactory, PlanFactory, PoolFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_an_amended_quota_applies_to_sessions_scheduled_after_it():
    pool = PoolFactory(hours=Decimal("5"), family_charge_hours=Decimal("2"))
    amendment = Amendment.objects.create(plan=pool.plan, effective_on=datetime.date(2025, 7, 1), summary="增加時數")
    QuotaChange.objects.create(amendment=amendment, pool=pool, hours=Decimal("6"))
    assert pool.terms_on(datetime.date(2025, 6, 30)) == (Decimal("5"), Decimal("2"))
    assert pool.terms_on(datetime.date(2025, 7, 1)) == (Decimal("6"), Decimal("2"))


def test_a_sub_plan_draws_on_the_pools_the_city_pays_for():
    city = AgencyFactory(kind=AgencyKind.CITY)
    city_pool = PoolFactory(plan=PlanFactory(owner=city), hours=Decimal("5"))
    bureau_plan = PlanFactory(owner=AgencyFactory(parent=city))
    own_pool = PoolFactory(plan=bureau_plan, name="教師專屬諮商", hours=Decimal("2"))
    bureau_plan.draws_on.add(city_pool)
    assert set(bureau_plan.usable_pools()) == {city_pool, own_pool}
    assert set(city_pool.plan.usable_pools()) == {city_pool}


def test_unknown_employee_categories_are_refused():
    plan = PlanFactory.build(owner=AgencyFactory(), covered_categories=["teacher", "astronaut"])
    with pytest.raises(ValidationError):
        plan.full_clean()


class TestStartNextYear:
    def plan_with_everything(self):
        plan = PlanFactory(year=114, title="高雄市政府114年度員工協助方案實施計畫")
        pool = PoolFactory(plan=plan, hours=Decimal("6"))
        amendment = Amendment.objects.create(plan=plan, effective_on=datetime.date(2025, 9, 1), summary="調整")
        QuotaChange.objects.create(amendment=amendment, pool=pool, hours=Decimal("8"))
        contract = ContractFactory(plan=plan)
        ContractChannel.objects.create(contract=contract, channel="phone", value="07-1234567")
        ResourceFactory(plan=plan, name="15-45歲心理諮商方案", valid_until=datetime.date(2025, 12, 31))
        ResourceFactory(plan=plan, name="安心專線")
        plan.work_items.create(title="宣導", status="done")
        plan.problem_categories.create(code="health", name="健康")
        return plan

    def test_it_copies_the_ticked_parts_and_leaves_the_old_year_untouched(self):
        plan = self.plan_with_everything()
        before = (plan.pools.count(), plan.contracts.count(), plan.directory.count())
        new = start_next_year(plan, parts=["pools", "contracts", "directory", "work_items", "taxonomy"], by=None)
        assert (new.year, new.title) == (115, "高雄市政府115年度員工協助方案實施計畫")
        assert new.period_start == datetime.date(2026, 1, 1)
        assert (plan.pools.count(), plan.contracts.count(), plan.directory.count()) == before
        assert new.contracts.get().provider == plan.contracts.get().provider  # same providers and staff
        assert new.contracts.get().channels.get().value == "07-1234567"
        assert new.pools.get().hours == Decimal("8")  # the amended terms carry over
        assert new.work_items.get().status == "planned"

    def test_expired_directory_entries_are_flagged(self):
        new = start_next_year(self.plan_with_everything(), parts=["directory"], by=None)
        flagged = {entry.name: entry.review_needed for entry in new.directory.all()}
        assert flagged == {"15-45歲心理諮商方案": True, "安心專線": False}

    def test_unticked_parts_are_not_copied(self):
        new = start_next_year(self.plan_with_everything(), parts=["taxonomy"], by=None)
        assert not new.contracts.exists() and not new.pools.exists() and not new.directory.exists()
        assert new.problem_categories.count() == 1


class TestStartNextYearInTheAdmin:
    def post(self, client, plan, **extra):
        from django.urls import reverse

        return client.post(reverse("admin:plans_plan_changelist"),
                           {"action": "start_next_year", "_selected_action": [plan.pk], **extra})

    def test_city_hr_ticks_the_parts_and_gets_the_new_plan(self, cast):
        from django.test import Client

        from plans.models import Plan

        PoolFactory(plan=cast.city_plan)
        client = Client()
        client.force_login(cast.city_hr.user)
        confirm = self.post(client, cast.city_plan)
        assert confirm.status_code == 200 and "parts" in confirm.context["form"].fields
        response = self.post(client, cast.city_plan, confirm="yes", parts=["pools"])
        new = Plan.objects.get(owner=cast.city, year=115)
        assert response.status_code == 302 and new.pools.count() == 1 and not new.contracts.exists()
        assert Plan.objects.get(pk=cast.city_plan.pk).year == 114

    def test_an_agency_officer_cannot_start_a_year(self, cast):
        from django.test import Client

        from plans.models import Plan

        client = Client()
        client.force_login(cast.a_eap_officer.user)
        self.post(client, cast.a_plan, confirm="yes", parts=["pools"])
        assert not Plan.objects.filter(year=115).exists()
