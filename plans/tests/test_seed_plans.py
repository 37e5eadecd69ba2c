"""The five seed plans load as data, with the figures the seeds give."""
from decimal import Decimal

import pytest
from django.core.management import call_command

from plans.models import Contract, Plan, Provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds():
    call_command("load_seed_plans", stdout=open("/dev/null", "w"))
    return {(p.owner.code, p.year): p for p in Plan.objects.select_related("owner")}


def pool(plan, kind):
    return plan.pools.get(kind=kind)


def test_all_five_seed_plans_load(seeds):
    assert set(seeds) == {("KHH", 111), ("KHH", 114), ("KHH-EDU", 109), ("TYN", 107), ("TNN-XIAYING", 113)}


def test_kaohsiung_111(seeds):
    plan = seeds["KHH", 111]
    assert pool(plan, "individual").hours == Decimal("5") and pool(plan, "group").hours == Decimal("6")
    assert pool(plan, "individual").provider.name == "財團法人「張老師」基金會高雄分事務所"
    assert (plan.hotline, plan.email) == ("07-3306034", "ihappy@kcg.gov.tw")
    assert [g.name for g in plan.work_circle_groups.all()] == ["基模思進組", "行動深化組", "效益回饋組"]
    assert plan.document_number == "高市府人企字第11130028800號"


def test_kaohsiung_114(seeds):
    plan = seeds["KHH", 114]
    individual = pool(plan, "individual")
    assert individual.hours == Decimal("6") and pool(plan, "group").hours == Decimal("6")
    assert (individual.family_charge_hours, individual.max_relatives) == (Decimal("2"), 2)
    contracts = {c.provider.name: c for c in plan.contracts.prefetch_related("channels")}
    assert set(contracts) == {"高雄市立凱旋醫院", "好加在心理諮商所"}
    assert "07-7513171轉2227、2228" in [ch.value for ch in contracts["高雄市立凱旋醫院"].channels.all()]
    assert {ch.channel for ch in contracts["好加在心理諮商所"].channels.all()} >= {"phone", "line", "email", "web"}
    assert "remote" in contracts["好加在心理諮商所"].modes
    centres = plan.directory.filter(name__startswith="衛生局社區心衛中心")
    assert centres.count() == 5
    programme = plan.directory.get(name__contains="15-45")
    assert (programme.min_age, programme.max_age, programme.free_sessions) == (15, 45, 3)
    assert (programme.valid_from.isoformat(), programme.valid_until.isoformat()) == ("2024-08-01", "2025-12-31")
    assert plan.document_number == "高市府人企字第11430175600號"


def test_kaohsiung_education_bureau_109(seeds):
    plan = seeds["KHH-EDU", 109]
    assert plan.owner.parent.code == "KHH"
    assert pool(plan, "individual").hours == Decimal("5")
    assert pool(plan, "individual").provider.name == "財團法人「張老師」基金會高雄分事務所"
    assert plan.unlimited_lines.get().phone == "1980"
    lines = {entry.contact for entry in plan.directory.all()}
    assert {"(07)386-1785", "(07)386-0885", "(07)588-2600"} <= lines
    assert "teacher" in plan.covered_categories


def test_taoyuan_107(seeds):
    plan = seeds["TYN", 107]
    assert plan.certification_target == 30
    assert plan.work_circle_groups.count() == 6
    (contract,) = plan.contracts.all()
    assert "080-002-7858" in [ch.value for ch in contract.channels.all()]
    assert {"cleaning_crew", "survey_assistant"} <= set(plan.covered_categories)


def test_tainan_xiaying_113(seeds):
    plan = seeds["TNN-XIAYING", 113]
    subsidy = pool(plan, "fee_subsidy")
    assert subsidy.hours == Decimal("4")
    assert plan.contracts.get().contract_type == "fee_subsidy" and plan.contracts.get().subsidy_hours == Decimal("4")
    assert plan.hotline == "689-8070"
    assert plan.directory.filter(name__contains="職涯").exists()
    assert "temporary" in plan.covered_categories


def test_loading_again_changes_nothing(seeds):
    counts = (Plan.objects.count(), Provider.objects.count(), Contract.objects.count())
    call_command("load_seed_plans", stdout=open("/dev/null", "w"))
    assert (Plan.objects.count(), Provider.objects.count(), Contract.objects.count()) == counts
    assert Provider.objects.filter(name="財團法人「張老師」基金會高雄分事務所").count() == 1
