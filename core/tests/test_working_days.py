"""The working-day calendar: weekends, national holidays (with make-up working Saturdays) and the
days HR declares, the most specific declaration winning."""
import datetime

import pytest

from core.models import DayException, DayKind
from core.working_days import add_working_days, is_working_day, national_holiday_name, next_working_day

D = datetime.date


@pytest.mark.parametrize("day, working", [
    (D(2025, 3, 5), True),     # a Wednesday
    (D(2025, 3, 8), False),    # a Saturday
    (D(2025, 1, 29), False),   # 春節
    (D(2025, 1, 27), False),   # a day off moved from 8 February (調整放假)
    (D(2025, 2, 8), True),     # the make-up working Saturday (補行上班)
    (D(2025, 10, 10), False),  # 國慶日
    (D(2025, 3, 12), True),    # 植樹節: commemorated, not a day off
])
def test_the_national_calendar(db, day, working):
    assert is_working_day(day) is working


def test_holidays_are_named_in_zh_hant():
    assert national_holiday_name(D(2025, 10, 10)) == "國慶日"


def test_next_working_day_skips_the_lunar_new_year(db):
    assert next_working_day(D(2025, 1, 24)) == D(2025, 2, 3)  # Friday before 春節 → the Monday after
    assert next_working_day(D(2025, 2, 7)) == D(2025, 2, 8)   # into the make-up Saturday


def test_add_working_days(db):
    assert add_working_days(D(2025, 3, 7), 3) == D(2025, 3, 12)  # Fri + 3 working days
    assert add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 10)  # a Saturday counts from Monday


def test_a_typhoon_day_declared_for_the_city_and_a_working_day_for_one_district(cast):
    typhoon = D(2025, 7, 29)  # a Tuesday
    DayException.objects.create(day=typhoon, kind=DayKind.DAY_OFF, reason="颱風停班")
    assert not is_working_day(typhoon, cast.a_sub)
    assert next_working_day(D(2025, 7, 28), cast.a) == D(2025, 7, 30)
    DayException.objects.create(day=typhoon, agency=cast.b, kind=DayKind.WORKING_DAY, reason="本區照常上班")
    assert is_working_day(typhoon, cast.b)
    assert not is_working_day(typhoon, cast.a)


def test_a_declaration_for_one_agency_does_not_touch_another(cast):
    day = D(2025, 7, 30)
    DayException.objects.create(day=day, agency=cast.a, kind=DayKind.DAY_OFF, reason="颱風停班")
    assert not is_working_day(day, cast.a_sub)
    assert is_working_day(day, cast.b)
    assert is_working_day(day)  # no agency: the city-wide and national calendar only
