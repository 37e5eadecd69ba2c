import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Category, Employee
from agencies.models.employee import national_id_hash


class EmployeeFilter(django_filters.FilterSet):
    """Always built on Employee.objects.visible_to(user); the agency choices are scoped the same way."""

    q = django_filters.CharFilter(label=_("Name, employee number or national ID number"), method="search")
    agency = django_filters.ModelChoiceFilter(label=_("Agency (with its sub-agencies)"), queryset=Agency.objects.none(),
                                              method="in_subtree")
    category = django_filters.ChoiceFilter(label=_("Employee category"), choices=Category.choices)
    employment = django_filters.ChoiceFilter(
        label=_("Employment"), choices=[("current", _("Current staff")), ("left", _("Left"))], method="by_employment",
        empty_label=_("All"),
    )

    class Meta:
        model = Employee
        fields = ["q", "agency", "category", "employment"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["agency"].queryset = Agency.objects.visible_to(user)

    def search(self, queryset, name, value):
        # A national ID number is matched through its keyed hash: it is never stored to compare.
        return queryset.filter(Q(full_name__icontains=value) | Q(employee_number__iexact=value.strip())
                               | Q(national_id_hash=national_id_hash(value)))

    def in_subtree(self, queryset, name, value):
        return queryset.filter(agency__path__startswith=value.path)

    def by_employment(self, queryset, name, value):
        current = queryset.current()
        return current if value == "current" else queryset.exclude(pk__in=current.values("pk"))
