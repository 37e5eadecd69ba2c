import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from eap_portal.forms import RocDateField
from eap_portal.rocdates import (
    InvalidRocDate,
    format_roc_date,
    format_roc_datetime,
    format_roc_month,
    parse_roc_date,
    roc_year,
    to_local_date,
)

UTC = datetime.timezone.utc
D = datetime.date(2025, 2, 20)


@pytest.fixture(autouse=True)
def english():
    # The site defaults to zh-hant; the asserted messages are the English msgids.
    with translation.override("en"):
        yield


# --- display ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, style, expected",
    [
        (D, "long", "114年2月20日"),
        (D, "short", "114/02/20"),
        (datetime.date(1976, 3, 12), "short", "65/03/12"),
        (datetime.date(1912, 1, 1), "long", "1年1月1日"),
        (None, "long", ""),
        ("", "short", ""),
    ],
)
def test_format_roc_date(value, style, expected):
    assert format_roc_date(value, style) == expected


def test_format_roc_date_default_style_is_long():
    assert format_roc_date(D) == "114年2月20日"


def test_roc_datetime_and_month():
    moment = datetime.datetime(2025, 2, 20, 6, 5, tzinfo=UTC)  # 14:05 in Taipei
    assert format_roc_datetime(moment) == "114/02/20 14:05"
    assert format_roc_datetime(datetime.datetime(2025, 2, 20, 14, 5)) == "114/02/20 14:05"
    assert format_roc_month(D) == "114年2月"
    assert format_roc_datetime(None) == format_roc_month("") == ""


# --- Asia/Taipei conversion ---------------------------------------------------


def test_aware_datetime_is_read_in_taipei():
    new_year = datetime.datetime(2024, 12, 31, 16, 30, tzinfo=UTC)
    assert to_local_date(new_year) == datetime.date(2025, 1, 1)
    assert roc_year(new_year) == 114
    assert format_roc_date(new_year) == "114年1月1日"


def test_last_minute_of_113_in_taipei():
    assert roc_year(datetime.datetime(2024, 12, 31, 15, 59, tzinfo=UTC)) == 113


def test_taipei_regardless_of_active_timezone():
    from django.utils import timezone

    with timezone.override(ZoneInfo("America/New_York")):
        assert roc_year(datetime.datetime(2024, 12, 31, 16, 30, tzinfo=UTC)) == 114


def test_naive_datetime_taken_as_is():
    assert to_local_date(datetime.datetime(2024, 12, 31, 23, 59)) == datetime.date(2024, 12, 31)


# --- parsing ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("114/2/20", D),
        ("114/02/20", D),
        ("114-2-20", D),
        ("114.2.20", D),
        ("1140220", D),
        ("0650312", datetime.date(1976, 3, 12)),
        ("650312", datetime.date(1976, 3, 12)),
        ("65/3/12", datetime.date(1976, 3, 12)),
        ("民國114年2月20日", D),
        ("114年2月20日", D),
        ("2025-02-20", D),
        ("  114/02/20 ", D),
        ("１１４／０２／２０", D),  # full-width digits and slashes
        ("１１４０２２０", D),
    ],
)
def test_parse_accepts(text, expected):
    assert parse_roc_date(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("114/02/30", "invalid_date"),
        ("1141320", "invalid_date"),
        ("0/1/1", "invalid_year"),
        ("abc", "invalid_format"),
        ("", "invalid_format"),
    ],
)
def test_parse_rejects(text, code):
    with pytest.raises(InvalidRocDate) as excinfo:
        parse_roc_date(text)
    assert excinfo.value.code == code
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value)


# --- form field ---------------------------------------------------------------


class BirthForm(forms.Form):
    born = RocDateField()


def test_field_clean_two_digit_roc_year():
    assert RocDateField().clean("650312") == datetime.date(1976, 3, 12)


def test_widget_renders_short_roc_not_iso():
    html = str(BirthForm(initial={"born": D})["born"])
    assert 'value="114/02/20"' in html
    assert "2025" not in html


def test_form_error_for_impossible_date():
    form = BirthForm(data={"born": "114/02/30"})
    assert not form.is_valid()
    assert form.errors["born"] == ["There is no such date: 114/02/30."]


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", "Enter a date such as 114/02/20 (ROC year/month/day)."),
        ("0/1/1", "The ROC year must be 1 or later."),
    ],
)
def test_field_error_messages(text, message):
    with pytest.raises(ValidationError) as excinfo:
        RocDateField().clean(text)
    assert excinfo.value.messages == [message]


@pytest.mark.parametrize(
    "initial, data, changed",
    [
        (D, "114/2/20", False),
        (D, "1140220", False),
        (D, "114/02/21", True),
        (None, "", False),
        (None, "114/02/20", True),
        (D, "junk", True),
    ],
)
def test_has_changed_compares_dates(initial, data, changed):
    assert RocDateField().has_changed(initial, data) is changed


# --- template filters ---------------------------------------------------------


@pytest.mark.parametrize(
    "source, value, expected",
    [
        ("{{ v|roc }}", D, "114年2月20日"),
        ("{{ v|roc_short }}", D, "114/02/20"),
        ("{{ v|roc_month }}", D, "114年2月"),
        ("{{ v|roc_datetime }}", datetime.datetime(2025, 2, 20, 6, 5, tzinfo=UTC), "114/02/20 14:05"),
        ("{{ v|roc }}", datetime.datetime(2024, 12, 31, 16, 30, tzinfo=UTC), "114年1月1日"),
        ("{{ v|roc }}", None, ""),
        ("{{ v|roc_short }}", "", ""),
        ("{{ v|roc_datetime }}", None, ""),
        ("{{ v|roc_month }}", "not a date", "not a date"),
        ("{{ v|roc }}", 42, "42"),
    ],
)
def test_template_filters(source, value, expected):
    rendered = Template("{% load roc %}" + source).render(Context({"v": value}))
    assert rendered == expected
