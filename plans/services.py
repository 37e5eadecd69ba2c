"""Which plan applies to whom, and starting next year's plan from this year's."""
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan


@dataclass
class Coverage:
    plan: Plan
    eligible: bool
    reason: str


def plans_covering(employee, year):
    """The plans that cover this employee in ROC `year`, in priority order: the plan of the nearest
    agency above (or at) theirs that runs its own, then the city's (DOMAIN §3; teachers go to the
    education bureau's lines first)."""
    # Through the scoping function like every read; the employee may see the plans that cover them.
    plans = (Plan.objects.visible_to(employee.user).filter(year=year, owner_id__in=employee.agency.ancestor_ids())
             .select_related("owner").prefetch_related("unlimited_lines", "contracts__provider",
                                                       "contracts__channels"))
    candidates = {plan.owner_id: plan for plan in plans}
    chain = employee.agency.ancestor_ids()  # root first, the employee's own agency last
    found = []
    nearest_own = next((candidates[pk] for pk in reversed(chain[1:]) if pk in candidates), None)
    if nearest_own is not None:
        found.append(nearest_own)
    if chain and chain[0] in candidates:
        found.append(candidates[chain[0]])
    return found


def plan_covers(plan, employee):
    """`plans_covering` for one plan, in one cheap question: the city's plan covers its whole tree; an
    agency's covers its subtree but for the staff of a sub-agency that runs its own plan of that year."""
    if not employee.agency.is_within(plan.owner):
        return False
    if plan.owner.parent_id is None:
        return True
    chain = employee.agency.ancestor_ids()
    nearer = chain[chain.index(plan.owner_id) + 1:]
    return not nearer or not Plan.objects.filter(year=plan.year, owner_id__in=nearer).exists()


def coverage(employee, year, on=None):
    """Each covering plan with whether the employee is eligible under it and why not."""
    on = on or timezone.localdate()
    result = []
    for plan in plans_covering(employee, year):
        if not employee.is_current(on):
            result.append(Coverage(plan, False, _("Only current staff are eligible.")))
        elif not plan.covers_category(employee.category):
            result.append(Coverage(plan, False, _("This plan does not cover %(category)s.")
                                   % {"category": employee.get_category_display()}))
        else:
            result.append(Coverage(plan, True, ""))
    return result


def _shift_year(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


COPYABLE_PARTS = {
    "work_items": _("Work items"),
    "pools": _("Quota pools and unlimited lines"),
    "contracts": _("Contracts with providers"),
    "work_circle": _("Work-circle groups"),
    "directory": _("Resource directory"),
    "taxonomy": _("Problem categories"),
}
# Parts other apps keep (the course catalogue's structure): key → copier(old_plan, new_plan).
PART_COPIERS = {}


def register_copyable_part(key, label, copier):
    """An app's part of a plan that a new year may copy; called from the app's ready()."""
    COPYABLE_PARTS.setdefault(key, label)
    PART_COPIERS.setdefault(key, copier)


@transaction.atomic
def start_next_year(plan, *, parts, by, year=None, owner=None):
    """Copy `plan` to `year` (default: the next one) with the ticked parts. The old year is left
    untouched; directory entries whose validity has ended by the new period are copied flagged
    for review. `owner` lets an agency start from another's plan. Returns the new plan."""
    year = year or plan.year + 1
    owner = owner or plan.owner
    title = plan.title.replace(str(plan.year), str(year)).replace(plan.owner.name, owner.name)
    shift = year - plan.year
    unknown = set(parts) - set(COPYABLE_PARTS)
    if unknown:
        raise ValueError(f"unknown parts: {sorted(unknown)}")
    new = Plan.objects.create(
        owner=owner, year=year, title=title, slogan=plan.slogan,
        basis=plan.basis, purposes=plan.purposes, goals=plan.goals, covered_categories=plan.covered_categories,
        covered_text=plan.covered_text, period_start=_shift_year(plan.period_start, shift),
        period_end=_shift_year(plan.period_end, shift), follows=_same_owner_plan(plan.follows, year),
        hotline=plan.hotline, email=plan.email, window_services=plan.window_services,
        screening_threshold=plan.screening_threshold, certification_target=plan.certification_target,
        copied_from=plan,
    )
    if "work_items" in parts:
        for item in plan.work_items.all():
            _copy(item, plan=new, status="planned")
    if "pools" in parts:
        for pool in plan.pools.all():
            # The amended terms in force at the end of the year become next year's starting terms.
            hours, family = pool.terms_on(plan.period_end)
            _copy(pool, plan=new, hours=hours, family_charge_hours=family)
        for line in plan.unlimited_lines.all():
            _copy(line, plan=new)
        new.draws_on.set(_matching_pools(plan, year))
    if "contracts" in parts:
        for contract in plan.contracts.prefetch_related("channels"):
            channels = list(contract.channels.all())
            copied = _copy(contract, plan=new)
            for channel in channels:
                _copy(channel, contract=copied)
    if "work_circle" in parts:
        for group in plan.work_circle_groups.all():
            _copy(group, plan=new)
    if "directory" in parts:
        for entry in plan.directory.all():
            _copy(entry, plan=new, review_needed=entry.is_expired(new.period_start))
    if "taxonomy" in parts:
        for category in plan.problem_categories.all():
            _copy(category, plan=new)
    for key, copier in PART_COPIERS.items():
        if key in parts:
            copier(plan, new)
    return new


def _copy(instance, **changes):
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.save()
    return instance


def _same_owner_plan(plan, year):
    if plan is None:
        return None
    return Plan.objects.filter(owner=plan.owner, year=year).first()


def _matching_pools(plan, year):
    """Last year's pools of other plans, matched by name in those owners' plans of `year`."""
    from plans.models import QuotaPool

    matches = []
    for pool in plan.draws_on.select_related("plan"):
        match = QuotaPool.objects.filter(plan__owner=pool.plan.owner, plan__year=year, name=pool.name).first()
        if match is not None:
            matches.append(match)
    return matches



def certification_progress(plan):
    """(target, certified): care-team members of the plan owner's subtree certified within the
    plan's period, against the plan's target (Taoyuan 107: 30 員工心理健康管理師)."""
    from agencies.models import Training

    certified = Training.objects.filter(
        member__team__agency__path__startswith=plan.owner.path,
        certified_on__gte=plan.period_start, certified_on__lte=plan.period_end,
    ).values("member__user").distinct().count()
    return plan.certification_target, certified
