"""The working-day calendar: "is this a working day?" and "which is the next one?".

National holidays and make-up working Saturdays come from the `holidays` package (Taiwan's
calendar as the Directorate-General of Personnel Administration publishes it, including the
days moved by 調整放假). Over that, HR declares days off (a typhoon day, 停班) or working days for
the whole city or an agency's subtree (core.models.DayException); the most specific one wins.
"""
import datetime
from functools import lru_cache

import holidays
from django.db.models import Q

from core.models import DayException, DayKind

# A safety stop for a calendar that declares everything off: no deadline is a year away.
MAX_SEARCH_DAYS = 366


@lru_cache(maxsize=16)
def _national(year):
    return holidays.TW(years=year, language="zh_TW")


def national_holiday_name(day):
    return _national(day.year).get(day)


def _declared(start, end, agency):
    """{day: kind} of the declarations that apply to `agency` between start and end, the most
    specific agency winning over a city-wide one."""
    scope = Q(agency__isnull=True)
    if agency is not None:
        scope |= Q(agency_id__in=agency.ancestor_ids())
    rows = DayException.objects.filter(scope, day__range=(start, end)).values_list("day", "kind", "agency__path")
    best = {}
    for day, kind, path in rows:
        depth = len(path or "")
        if day not in best or depth > best[day][1]:
            best[day] = (kind, depth)
    return {day: kind for day, (kind, _) in best.items()}


class WorkingCalendar:
    """The calendar for one agency over a window of dates, read in one query."""

    def __init__(self, agency=None, start=None, days=MAX_SEARCH_DAYS):
        self.agency = agency
        self.start = start or datetime.date.today()
        self.end = self.start + datetime.timedelta(days=days)
        self.declared = _declared(self.start - datetime.timedelta(days=days), self.end, agency)

    def is_working_day(self, day):
        declared = self.declared.get(day)
        if declared is not None:
            return declared == DayKind.WORKING_DAY
        return _national(day.year).is_working_day(day)

    def next_working_day(self, day):
        """The first working day after `day`."""
        for offset in range(1, MAX_SEARCH_DAYS + 1):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("No working day within a year: check the declared days off.")

    def add_working_days(self, day, count):
        """The day `count` working days after `day` (count 0: `day` itself if it is a working day,
        else the next one)."""
        if count < 0:
            raise ValueError("count must not be negative")
        current = day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(count):
            current = self.next_working_day(current)
        return current


def is_working_day(day, agency=None):
    return WorkingCalendar(agency, start=day, days=0).is_working_day(day)


def next_working_day(day, agency=None):
    return WorkingCalendar(agency, start=day).next_working_day(day)


def add_working_days(day, count, agency=None):
    return WorkingCalendar(agency, start=day).add_working_days(day, count)
