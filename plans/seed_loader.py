"""Load a yearly plan from the JSON files in plans/seeds/ (one per seed plan of shared/seeds).

Loading is idempotent: the owner agencies and providers are found by code and name, and the plan
of that owner and year is reset to the file's content (its parts are replaced, the plan row kept).
"""
import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from agencies import services as agency_services
from agencies.models import Agency
from plans.models import Contract, Plan, Provider

SEED_DIR = Path(__file__).resolve().parent / "seeds"
PLAN_FIELDS = ["title", "slogan", "document_number", "document_date", "basis", "purposes", "goals",
               "covered_categories", "covered_text", "period_start", "period_end", "hotline", "email",
               "window_services", "certification_target"]


def seed_files():
    return sorted(SEED_DIR.glob("*.json"))


def seed_key(path):
    """(owner code, ROC year) of a seed file, to tell whether it is loaded already."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["owner"]["code"], data["plan"]["year"]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _agency(spec, effective):
    found = Agency.objects.filter(code=spec["code"]).first()
    if found:
        return found
    parent = _agency(spec["parent"], effective) if spec.get("parent") else None
    return agency_services.create_agency(code=spec["code"], name=spec["name"], kind=spec["kind"], parent=parent,
                                         effective=effective, by=None)


@transaction.atomic
def load_seed_plan(path):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    values = dict(data["plan"])
    for field in ("document_date", "period_start", "period_end"):
        values[field] = _date(values.get(field))
    owner = _agency(data["owner"], values["period_start"])
    plan, _ = Plan.objects.update_or_create(owner=owner, year=values["year"],
                                            defaults={field: values.get(field) for field in PLAN_FIELDS})
    for part in (plan.work_items, plan.pools, plan.unlimited_lines, plan.problem_categories, plan.directory,
                 plan.work_circle_groups, plan.contracts):
        part.all().delete()

    providers = {}
    for spec in data["providers"]:
        provider, _ = Provider.objects.get_or_create(name=spec["name"], defaults={"address": spec.get("address", "")})
        providers[spec["name"]] = provider
        terms = dict(spec["contract"])
        channels = terms.pop("channels")
        terms["subsidy_hours"] = Decimal(str(terms["subsidy_hours"])) if terms.get("subsidy_hours") else None
        contract = Contract.objects.create(plan=plan, provider=provider, **terms)
        for channel in channels:
            contract.channels.create(**channel)
    for order, item in enumerate(data["work_items"]):
        plan.work_items.create(order=order, **item)
    for pool in data["pools"]:
        plan.pools.create(
            name=pool["name"], kind=pool["kind"], hours=Decimal(str(pool["hours"])),
            provider=providers.get(pool["provider"]), max_relatives=pool["max_relatives"], notes=pool["notes"],
            family_charge_hours=Decimal(str(pool["family_charge_hours"])) if pool["family_charge_hours"] else None,
        )
    for line in data["unlimited_lines"]:
        plan.unlimited_lines.create(name=line["name"], phone=line["phone"], notes=line["notes"],
                                    provider=providers.get(line["provider"]) or Provider.objects.filter(
                                        name=line["provider"]).first())
    for order, category in enumerate(data["problem_categories"]):
        plan.problem_categories.create(order=order, **category)
    for order, entry in enumerate(data["directory"]):
        entry = dict(entry, valid_from=_date(entry.get("valid_from")), valid_until=_date(entry.get("valid_until")))
        plan.directory.create(order=order, **entry)
    for order, group in enumerate(data["work_circle_groups"]):
        plan.work_circle_groups.create(order=order, **group)
    return plan
