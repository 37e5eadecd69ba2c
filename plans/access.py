"""Who sees and keeps the yearly plans, providers and contracts (DOMAIN §1).

Plans are not personal data: anyone on a roster sees the plans that cover them (their agency's
and its ancestors'), staff roles also those of their subtree; city HR keeps them. Providers and
contracts follow the plans they serve; provider staff see their own provider."""
from django.db.models import Q

from agencies import access
from agencies.roles import Role

PLAN_KEEPERS = frozenset({Role.CITY_HR})
STAFF_READERS = frozenset(Role) - {Role.PROVIDER_STAFF}


def _ancestor_ids(paths):
    return {int(step) for path in paths for step in path.strip("/").split("/") if step}


def plans_visible_to(user, queryset):
    if not access._known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    paths = [held.agency_path for held in access.held_roles(user) if held.role in STAFF_READERS]
    employee = access.own_employee(user)
    if employee is not None:
        paths.append(employee.agency.path)
    condition = Q(owner_id__in=_ancestor_ids(paths))  # plans that cover them
    condition |= access.subtree_q(user, STAFF_READERS, "owner__path")  # plans of their subtree
    condition |= Q(contracts__provider__staff=user)
    return queryset.filter(condition).distinct()


def plans_editable_by(user, queryset):
    if not access._known(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(access.subtree_q(user, PLAN_KEEPERS, "owner__path"))


def providers_visible_to(user, queryset):
    from plans.models import Plan

    if not access._known(user):
        return queryset.none()
    if user.is_superuser or access.has_role(user, *PLAN_KEEPERS):
        return queryset
    visible_plans = Plan.objects.visible_to(user).values("pk")
    return queryset.filter(Q(contracts__plan__in=visible_plans) | Q(staff=user)).distinct()


def providers_editable_by(user, queryset):
    """Providers are city-wide organisations: city HR keeps them."""
    if not access._known(user):
        return queryset.none()
    if user.is_superuser or access.has_role(user, *PLAN_KEEPERS):
        return queryset
    return queryset.none()


def contracts_visible_to(user, queryset):
    from plans.models import Plan

    if not access._known(user):
        return queryset.none()
    return queryset.filter(Q(plan__in=Plan.objects.visible_to(user).values("pk")) | Q(provider__staff=user)).distinct()


def contracts_editable_by(user, queryset):
    from plans.models import Plan

    if not access._known(user):
        return queryset.none()
    return queryset.filter(plan__in=Plan.objects.editable_by(user).values("pk"))
