import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import AccessAction, AccessLog
from eap_portal.forms import RocDateField


class RocDateFilter(django_filters.DateFilter):
    field_class = RocDateField


class AccessLogFilter(django_filters.FilterSet):
    """Always built on AccessLog.objects.visible_to(user)."""

    person = django_filters.CharFilter(label=_("Whose records (employee number)"), method="by_person")
    actor = django_filters.CharFilter(label=_("Who (user name or employee number)"), method="by_actor")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessAction.choices)
    since = RocDateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = RocDateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AccessLog
        fields = ["person", "actor", "action", "since", "until"]

    def by_person(self, queryset, name, value):
        return queryset.filter(person__employee_number__iexact=value.strip())

    def by_actor(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(actor__username__iexact=value) | queryset.filter(
            actor__employee__employee_number__iexact=value)
