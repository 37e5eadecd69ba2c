"""The employee's catalogue filter, always built on Course.objects.visible_to(user) narrowed to the
plans that cover them this year (courses.views.catalogue)."""
import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.audience import is_open_to
from courses.models import Course, CourseFormat, CourseSession, Facet, SessionState
from eap_portal.rocdates import ROC_OFFSET, TAIPEI, format_roc_month


def month_bounds(roc_year, month):
    """The first instant of `month` of ROC `roc_year` and of the month after, in Taipei time."""
    first = datetime.date(roc_year + ROC_OFFSET, month, 1)
    after = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (timezone.make_aware(datetime.datetime.combine(first, datetime.time()), TAIPEI),
            timezone.make_aware(datetime.datetime.combine(after, datetime.time()), TAIPEI))


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Topic contains"), field_name="topic", lookup_expr="icontains")
    facet = django_filters.ChoiceFilter(label=_("Facet"), choices=Facet.choices)
    series = django_filters.ChoiceFilter(label=_("Series"), field_name="series", choices=[])
    format = django_filters.ChoiceFilter(label=_("Format"), choices=CourseFormat.choices)
    month = django_filters.ChoiceFilter(label=_("Month"), method="in_month", choices=[])
    # Last: it reads the rows the other filters left (see for_me).
    open_to_me = django_filters.BooleanFilter(label=_("Only courses open to me"), method="for_me",
                                              widget=forms.CheckboxInput)

    class Meta:
        model = Course
        fields = ["q", "facet", "series", "format", "month", "open_to_me"]

    def __init__(self, data=None, queryset=None, *, employee, year, series=(), **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.employee, self.year = employee, year
        series = list(series)
        # The city's plan and the agency's own may both name a series 友善職場: say whose it is.
        plans = {item.plan_id for item in series}
        self.filters["series"].extra["choices"] = [
            (str(item.pk), f"{item.name} ({item.plan.owner.name})" if len(plans) > 1 else item.name)
            for item in series]
        self.filters["month"].extra["choices"] = [
            (str(month), format_roc_month(datetime.date(year + ROC_OFFSET, month, 1))) for month in range(1, 13)]

    def in_month(self, queryset, name, value):
        start, end = month_bounds(self.year, int(value))
        held_then = CourseSession.objects.filter(course=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end) \
            .exclude(state=SessionState.CANCELLED)
        return queryset.filter(Exists(held_then))

    def for_me(self, queryset, name, value):
        """The audience rules are read in Python (courses.audience): a year's catalogue is a few
        hundred rows, and one rule set is then the only definition of "open to me"."""
        if not value:
            return queryset
        candidates = queryset.select_related("plan__owner").prefetch_related("audience_agencies")
        return queryset.filter(pk__in=[course.pk for course in candidates if is_open_to(course, self.employee)])
