"""Who sees a booking (DOMAIN §1, §8): the employee their own; the provider's staff the bookings
routed to their provider; the agency's EAP officer their agencies' group counseling. Agency HR,
city HR and reviewers never see a booking — only suppressed aggregates (counseling.statistics)."""
from django.db.models import Q

from agencies.access import _known, own_employee, subtree_q
from agencies.roles import Role

GROUP_REQUESTERS = frozenset({Role.EAP_OFFICER})


def provider_ids_of(user):
    from plans.models import Provider

    if not _known(user):
        return []
    return list(Provider.objects.filter(staff=user).values_list("pk", flat=True))


def bookings_visible_to(user, queryset):
    if not _known(user):
        return queryset.none()
    condition = Q(provider_id__in=provider_ids_of(user))
    employee = own_employee(user)
    if employee is not None:
        condition |= Q(employee=employee)
    condition |= Q(service="group") & subtree_q(user, GROUP_REQUESTERS, "agency__path")
    return queryset.filter(condition)


def is_provider_staff(user):
    return bool(provider_ids_of(user))
