"""ROC date filters: {% load roc %} then {{ d|roc }}, |roc_short, |roc_datetime, |roc_month.

None/"" render as ""; anything that is not a date (or has no ROC form, i.e. before
1912) is returned unchanged, so a page never breaks on odd data.
"""

import datetime

from django import template

from ..rocdates import format_roc_date, format_roc_datetime, format_roc_month

register = template.Library()


def _apply(formatter, value, *args):
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.date):
        return value
    try:
        return formatter(value, *args)
    except ValueError:
        return value


# No expects_localtime: the formatters convert aware datetimes to Asia/Taipei
# themselves, independent of the active time zone.
@register.filter
def roc(value):
    return _apply(format_roc_date, value, "long")


@register.filter
def roc_short(value):
    return _apply(format_roc_date, value, "short")


@register.filter
def roc_datetime(value):
    return _apply(format_roc_datetime, value)


@register.filter
def roc_month(value):
    return _apply(format_roc_month, value)
