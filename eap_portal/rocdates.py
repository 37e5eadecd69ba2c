"""ROC (Republic of China, 民國) calendar helpers.

ROC year = Gregorian year - 1911, so 2025 is 114 and ROC year 1 is 1912.
Aware datetimes are always read in Asia/Taipei, whatever the active time zone,
so a date shown to staff never depends on request or server settings.
"""

import datetime
import re
import unicodedata
from zoneinfo import ZoneInfo

from django.utils import timezone

TAIPEI = ZoneInfo("Asia/Taipei")
ROC_OFFSET = 1911

__all__ = [
    "InvalidRocDate",
    "TAIPEI",
    "format_roc_date",
    "format_roc_datetime",
    "format_roc_month",
    "parse_roc_date",
    "roc_year",
    "to_local_date",
]


class InvalidRocDate(ValueError):
    """Raised by parse_roc_date; `code` is invalid_format, invalid_year or invalid_date."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


def _to_local(value):
    """An aware datetime in Taipei time; naive datetimes are returned unchanged."""
    if timezone.is_aware(value):
        return timezone.localtime(value, TAIPEI)
    return value


def to_local_date(value):
    """The calendar date of a date or datetime, read in Asia/Taipei if aware."""
    if isinstance(value, datetime.datetime):  # check first: datetime is a date subclass
        return _to_local(value).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Expected a date or datetime, got {type(value).__name__}.")


def roc_year(value):
    """The ROC year of a date or datetime (zero or negative before 1912)."""
    return to_local_date(value).year - ROC_OFFSET


def _checked_roc_year(day):
    year = day.year - ROC_OFFSET
    if year < 1:
        raise InvalidRocDate("The ROC year must be 1 or later.", "invalid_year")
    return year


def format_roc_date(value, style="long"):
    """`114年2月20日` (style="long") or `114/02/20` (style="short"); "" for None/""."""
    if value is None or value == "":
        return ""
    day = to_local_date(value)
    year = _checked_roc_year(day)
    if style == "long":
        return f"{year}年{day.month}月{day.day}日"
    if style == "short":
        return f"{year}/{day.month:02d}/{day.day:02d}"
    raise ValueError(f"Unknown style {style!r}: use 'long' or 'short'.")


def format_roc_datetime(value):
    """`114/02/20 14:05` in Taipei time; a plain date gives just `114/02/20`."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return format_roc_date(value, "short")
    local = _to_local(value)
    return f"{format_roc_date(local, 'short')} {local:%H:%M}"


def format_roc_month(value):
    """`114年2月`; "" for None/""."""
    if value is None or value == "":
        return ""
    day = to_local_date(value)
    return f"{_checked_roc_year(day)}年{day.month}月"


# A 4-digit year is Gregorian (ISO 2025-02-20); 1-3 digits are an ROC year.
_SEPARATED = re.compile(r"(\d{1,4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,2})", re.ASCII)
_CHINESE = re.compile(r"(\d{1,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", re.ASCII)
_COMPACT = re.compile(r"\d{6,7}", re.ASCII)


def parse_roc_date(text):
    """Read an ROC date typed by a person and return a datetime.date.

    Accepts 114/2/20, 114/02/20, 114-2-20, 114.2.20, 1140220, 0650312, 650312,
    民國114年2月20日, 114年2月20日 and ISO 2025-02-20, with full-width characters.
    Raises InvalidRocDate otherwise.
    """
    raw = "" if text is None else str(text)
    # NFKC turns full-width digits and punctuation (１１４／２／２０) into ASCII.
    s = unicodedata.normalize("NFKC", raw).strip()
    roc_only = s.startswith(("民國", "民国"))
    if roc_only:
        s = s[2:].lstrip()

    match = _SEPARATED.fullmatch(s)
    if match:
        year, month, day = match.group(1, 3, 4)
    elif match := _CHINESE.fullmatch(s):
        year, month, day = match.groups()
    elif _COMPACT.fullmatch(s):
        # Month and day are always the last four digits, so seven digits carry a
        # three-digit ROC year (1140220) and six digits a two-digit one, i.e. a
        # year before ROC 100 = 2011 (650312 is ROC 65, 1976).
        year, month, day = s[:-4], s[-4:-2], s[-2:]
    else:
        raise InvalidRocDate(
            f"Cannot read {raw.strip()!r} as a date; use a form such as 114/02/20.",
            "invalid_format",
        )

    if len(year) == 4:
        if roc_only:  # 民國2025年… contradicts itself
            raise InvalidRocDate("An ROC year has at most three digits.", "invalid_year")
        gregorian_year = int(year)
    else:
        gregorian_year = int(year) + ROC_OFFSET
    if gregorian_year - ROC_OFFSET < 1:
        raise InvalidRocDate("The ROC year must be 1 or later.", "invalid_year")
    try:
        return datetime.date(gregorian_year, int(month), int(day))
    except ValueError:
        raise InvalidRocDate(f"There is no such date: {raw.strip()}.", "invalid_date") from None
