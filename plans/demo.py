"""The demo's plans: the five seed plans as data, and the Kaohsiung 114 plan copied to the demo
city for the current year, so `make run` always has a plan in force (DOMAIN §3, Decision)."""
from django.utils import timezone

from plans import services
from plans.models import Plan, Provider
from plans.seed_loader import load_seed_plan, seed_files, seed_key


def build(demo):
    for path in seed_files():
        code, year = seed_key(path)
        # Loading resets a plan to its seed: the demo loads each only once, keeping later edits.
        if not Plan.objects.filter(owner__code=code, year=year).exists():
            load_seed_plan(path)
    template = Plan.objects.get(owner__code="KHH", year=114)
    city = demo.agencies["DEMO-CITY"]
    year = timezone.localdate().year - 1911
    plan = Plan.objects.filter(owner=city, year=year).first() or services.start_next_year(
        template, parts=list(services.COPYABLE_PARTS), by=None, year=year, owner=city)
    demo.plan = plan
    provider_user = _user("provider")
    if provider_user is not None:
        Provider.objects.get(name="高雄市立凱旋醫院").staff.add(provider_user)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first()
