"""Case lists' filters, always built on Case.objects.visible_to(user)."""
import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseKind, CaseState, Origin
from core.models import Duty


def overdue_duties():
    """Open duties past due about the outer case (duties name their subject by type and text id)."""
    return Duty.objects.open().filter(
        subject_type=ContentType.objects.get_for_model(Case), due_at__lt=timezone.now(),
        subject_id=Cast(OuterRef("pk"), output_field=CharField()))


class CaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Case kind"), choices=CaseKind.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=CaseState.choices)
    status = django_filters.ChoiceFilter(label=_("Open or closed"), method="by_status", empty_label=_("All"),
                                         choices=[("open", _("Open")), ("closed", _("Closed"))])
    overdue = django_filters.BooleanFilter(label=_("With an overdue duty"), method="by_overdue",
                                           widget=django_filters.widgets.BooleanWidget())
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="by_mine",
                                        widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = Case
        fields = ["kind", "origin", "state", "status", "overdue", "mine"]

    def by_status(self, queryset, name, value):
        return queryset.filter(state=CaseState.CLOSED) if value == "closed" else queryset.exclude(
            state=CaseState.CLOSED)

    def by_overdue(self, queryset, name, value):
        condition = Exists(overdue_duties())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def by_mine(self, queryset, name, value):
        from cases.access import assigned_case_ids

        ids = list(assigned_case_ids(self.request.user))
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
