"""HR's forms for held sessions: the filter of the session list and the attendance roll."""
import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.attendance import check_hours
from courses.models import Course, SessionState

# "Recent": the sessions of the last weeks stay on the list, closed or not, for a look back.
RECENT_DAYS = 30
TO_CLOSE = "to_close"


def waiting_to_close(now=None):
    """Started and still open: held sessions whose roll is to be finished and closed."""
    return Q(state=SessionState.OPEN, starts_at__lte=now or timezone.now())


class SessionFilter(django_filters.FilterSet):
    """Built on CourseSession.objects.editable_by(user). Without a state: the upcoming and recent
    sessions, and every held session still waiting to be closed, however old."""

    year = django_filters.ChoiceFilter(label=_("Plan year"), field_name="course__plan__year",
                                       empty_label=_("All years"))
    state = django_filters.ChoiceFilter(label=_("State"), method="by_state", empty_label=_("Upcoming and recent"),
                                        choices=[*SessionState.choices, (TO_CLOSE, _("Held, to be closed"))])

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        years = (Course.objects.editable_by(request.user).order_by("-plan__year")
                 .values_list("plan__year", flat=True).distinct())
        self.filters["year"].extra["choices"] = [(year, _("%(year)s (ROC)") % {"year": year}) for year in years]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("state"):
            since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
            queryset = queryset.filter(Q(starts_at__gte=since) | waiting_to_close())
        return queryset

    def by_state(self, queryset, name, value):
        if value == TO_CLOSE:
            return queryset.filter(waiting_to_close())
        return queryset.filter(state=value)


def present_name(enrolment):
    return f"present_{enrolment.pk}"


def hours_name(enrolment):
    return f"hours_{enrolment.pk}"


class RollForm(forms.Form):
    """One row per seated person: present or not, and the hours learned (the session's hours to
    begin with). The hidden list of who was on the roll when it was opened makes a roll that has
    changed since — or an empty post — an error rather than "everyone absent"."""

    people = forms.CharField(widget=forms.HiddenInput, error_messages={
        "required": _("The roll was not sent whole: open it again and save.")})

    def __init__(self, *args, session, roll, **kwargs):
        super().__init__(*args, **kwargs)
        self.session, self.roll = session, list(roll)
        self.fields["people"].initial = self._people()
        for enrolment in self.roll:
            marked = enrolment.attended is not None
            self.fields[present_name(enrolment)] = forms.BooleanField(
                label=_("Present"), required=False, initial=bool(enrolment.attended))
            self.fields[hours_name(enrolment)] = forms.DecimalField(
                label=_("Learning hours"), required=False, min_value=0, max_digits=4, decimal_places=1,
                initial=enrolment.learning_hours if marked and enrolment.attended else session.hours,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "min": "0",
                                                "max": str(session.hours)}))

    def _people(self):
        return ",".join(str(enrolment.pk) for enrolment in sorted(self.roll, key=lambda enrolment: enrolment.pk))

    def clean_people(self):
        if self.cleaned_data["people"] != self._people():
            raise ValidationError(_("The roll has changed since it was opened: check it and save again."))
        return self.cleaned_data["people"]

    def clean(self):
        data = super().clean()
        for enrolment in self.roll:
            if not data.get(present_name(enrolment)) or hours_name(enrolment) in self.errors:
                continue
            try:
                check_hours(self.session, data.get(hours_name(enrolment)))
            except ValidationError as error:
                self.add_error(hours_name(enrolment), error)
        return data

    def marks(self):
        """{enrolment id: (present, hours)} for courses.attendance.mark_attendance."""
        return {enrolment.pk: (self.cleaned_data[present_name(enrolment)],
                               self.cleaned_data[hours_name(enrolment)]) for enrolment in self.roll}

    def rows(self):
        """(enrolment, present field, hours field) per person, for the template."""
        return [(enrolment, self[present_name(enrolment)], self[hours_name(enrolment)]) for enrolment in self.roll]
