"""Reading the cells of the course files (courses/importing.py): which kind of file a header is, and
what each cell means. Nothing here touches the database; every reader returns a value or raises
CellError with a reason a person can act on.

The seed writes its cells by hand, so the readers accept what the seed's tables do (ROC dates such as
1110221, session markers such as (一)~(四), counts such as "40/期" or "1,810 人") and refuse anything
else rather than guess."""
import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courses.models import CourseFormat, Facet

ROC_OFFSET = 1911


class CellError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def normalized(text):
    """Full-width digits, letters, brackets and spaces as ASCII (１１１０２２１, （一）, ４０／期)."""
    return unicodedata.normalize("NFKC", text or "").strip()


# --- headers ------------------------------------------------------------------------------------

# Every name a column goes by: the shipped files' headers, the seed's own table headers, English.
COLUMN_NAMES = {
    "facet": ("面向", "研習面向", "facet"),
    "series": ("系列", "series"),
    "section": ("分表", "section"),
    "number": ("序號", "number"),
    "topic": ("主題", "班期名稱", "topic"),
    "dates": ("預計辦理日期", "預定辦理日期", "預定開班日期", "dates"),
    "audience": ("研習對象", "訓練(研習)對象", "audience"),
    "purpose": ("目的", "開班目的", "開班目的(請條例)", "purpose"),
    "per_session": ("每期人數", "上課人數", "per_session"),
    "format": ("授課型態", "format"),
    "category": ("授課類別", "授課主題", "category"),
    "sessions": ("辦理場次", "sessions"),
    "participants": ("參訓人數", "參訓人數(約)", "participants"),
    "goals": ("課程主要目標", "goals"),
}


def _header_key(text):
    return re.sub(r"[\s-]+", "_", normalized(text).casefold())


_COLUMN_BY_NAME = {_header_key(name): key for key, names in COLUMN_NAMES.items() for name in names}


@dataclass(frozen=True)
class FileKind:
    name: str
    label: str
    required: tuple
    optional: tuple

    @property
    def columns(self):
        return self.required + self.optional


CATALOGUE = FileKind("catalogue", gettext_lazy("Course catalogue"), ("facet", "number", "topic"),
                     ("series", "section", "dates", "audience", "purpose", "per_session", "format", "category"))
TARGETS = FileKind("targets", gettext_lazy("Course targets"), ("facet", "category", "sessions", "participants"),
                   ("format",))
GOALS = FileKind("goals", gettext_lazy("Topic category goals"), ("facet", "category", "goals"), ())
KINDS = {kind.name: kind for kind in (CATALOGUE, TARGETS, GOALS)}


class HeaderError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def read_header(cells):
    """The kind of file and where its columns are ({key: position}), told by the header row alone."""
    columns, unknown = {}, []
    for position, cell in enumerate(cells):
        if not cell.strip():
            continue
        key = _COLUMN_BY_NAME.get(_header_key(cell))
        if key is None:
            unknown.append(cell.strip())
        elif key in columns:
            raise HeaderError(_("Two columns mean the same: %(first)s and %(second)s.")
                              % {"first": cells[columns[key]].strip(), "second": cell.strip()})
        else:
            columns[key] = position
    kind = _kind(columns)
    if kind is None:
        raise HeaderError(_("The header does not say which file this is: a catalogue needs 序號 and 主題, "
                            "targets 辦理場次 and 參訓人數, goals 課程主要目標."))
    unknown += [cells[position].strip() for key, position in columns.items() if key not in kind.columns]
    if unknown:
        raise HeaderError(_("Unknown columns for this file (%(kind)s): %(unknown)s. Its columns are: %(known)s.")
                          % {"kind": kind.label, "unknown": "、".join(unknown),
                             "known": "、".join(COLUMN_NAMES[key][0] for key in kind.columns)})
    missing = [COLUMN_NAMES[key][0] for key in kind.required if key not in columns]
    if missing:
        raise HeaderError(_("This file (%(kind)s) needs the columns %(missing)s.")
                          % {"kind": kind.label, "missing": "、".join(missing)})
    return kind, columns


def _kind(columns):
    if "goals" in columns:
        return GOALS
    if "sessions" in columns or "participants" in columns:
        return TARGETS
    if "number" in columns or "topic" in columns:
        return CATALOGUE
    return None


# --- facets, formats, counts ----------------------------------------------------------------------

_FACET_LABELS = {"組織與管理面": Facet.ORGANISATION, "工作面": Facet.WORK, "生活面": Facet.LIFE, "健康面": Facet.HEALTH}
_FORMAT_LABELS = {"實體": CourseFormat.IN_PERSON, "遠距": CourseFormat.LIVE_ONLINE, "視訊": CourseFormat.LIVE_ONLINE,
                  "數位": CourseFormat.DIGITAL, "互動式影片": CourseFormat.INTERACTIVE_VIDEO}


def read_facet(text):
    # The seed breaks 組織與 管理面 over two lines of its table cell.
    value = re.sub(r"\s+", "", normalized(text))
    facet = _FACET_LABELS.get(value) or (value if value in Facet.values else None)
    if facet is None:
        raise CellError(_("Unknown facet %(value)s; use one of %(known)s.")
                        % {"value": _quoted(text), "known": "、".join(_FACET_LABELS)})
    return facet


def read_format(text):
    value = normalized(text)
    if not value:
        return CourseFormat.IN_PERSON
    course_format = _FORMAT_LABELS.get(value) or (value if value in CourseFormat.values else None)
    if course_format is None:
        raise CellError(_("Unknown format %(value)s; use one of %(known)s.")
                        % {"value": _quoted(text), "known": "、".join(_FORMAT_LABELS)})
    return course_format


_COUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s*(?:人|部|場次|場|期)?")


def read_count(text):
    """A whole number as the summary table writes it: 13, 1,810, 1,810 人, 3 部."""
    match = _COUNT.fullmatch(normalized(text))
    if not match:
        raise CellError(_("%(value)s is not a whole number.") % {"value": _quoted(text)})
    return int(match.group(1).replace(",", ""))


_PER_SESSION = re.compile(r"(\d+)\s*人?\s*(?:/\s*期)?")


def read_per_session(text):
    """Expected participants per session: 40, 40/期, 300; blank when the plan does not say."""
    value = normalized(text)
    if not value:
        return None
    match = _PER_SESSION.fullmatch(value)
    if not match or int(match.group(1)) < 1:
        raise CellError(_("%(value)s is not a number of participants such as 40 or 40/期.")
                        % {"value": _quoted(text)})
    return int(match.group(1))


def read_row_number(text):
    value = normalized(text)
    if not value:
        raise CellError(_("The row has no number (序號); every course row needs one."))
    if not value.isdigit() or not 1 <= int(value) <= 32767:
        raise CellError(_("%(value)s is not a row number.") % {"value": _quoted(text)})
    return int(value)


def read_text(text, *, max_length=None, required=False):
    """Free text kept as written, apart from the spaces around it and Windows line ends."""
    value = (text or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise CellError(_("This cell cannot be empty."))
    if max_length and len(value) > max_length:
        raise CellError(_("This cell is longer than %(max)s characters.") % {"max": max_length})
    return value


def _quoted(text):
    return f"「{(text or '').strip()}」"


# --- session markers --------------------------------------------------------------------------------

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "[〇零一二兩三四五六七八九十百千]+"


def chinese_numeral(text):
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十一 → 21, 一百零五 → 105."""
    total, digit, last_unit = 0, None, None
    for char in text:
        if char in _DIGITS:
            if _DIGITS[char] == 0:
                if digit is not None:
                    raise ValueError(text)
                continue
            if digit is not None:
                raise ValueError(text)
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(text)
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(text)
    total += digit or 0
    if total < 1:
        raise ValueError(text)
    return total


_OPEN, _CLOSE = "[(（]", "[)）]"
_RANGE_MARKER = re.compile(rf"\s*{_OPEN}({_NUMERAL}){_CLOSE}\s*[~～〜]\s*{_OPEN}({_NUMERAL}){_CLOSE}\s*$")
_LIST_MARKER = re.compile(rf"\s*((?:{_OPEN}{_NUMERAL}{_CLOSE}\s*){{2,}})$")


def split_sessions(topic):
    """(topic without its session marker, number of sessions).

    `(一)~(四)` is a range of four sessions and `(一)(二)` a list of two, full-width or not, with or
    without a space before. A lone `(一)` is not a marker: the seed numbers the parts of a lecture
    series that way (健康老化…（一） and …（二） are two courses), so it stays in the topic."""
    if match := _RANGE_MARKER.search(topic):
        try:
            first, last = chinese_numeral(match.group(1)), chinese_numeral(match.group(2))
        except ValueError:
            raise CellError(_("Cannot read the sessions %(marker)s.") % {"marker": match.group(0).strip()}) from None
        if last < first:
            raise CellError(_("The sessions %(marker)s end before they start.") % {"marker": match.group(0).strip()})
        return topic[:match.start()], last - first + 1
    if match := _LIST_MARKER.search(topic):
        return topic[:match.start()], len(re.findall(_OPEN, match.group(1)))
    return topic, 1


# --- planned dates -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    first_date: datetime.date | None
    last_date: datetime.date | None
    warnings: tuple = ()
    date_warning: str = ""


def read_roc_date(token):
    if not re.fullmatch(r"\d{7}", token):
        raise CellError(_("%(value)s is not an ROC date such as 1110221.") % {"value": _quoted(token)})
    year, month, day = int(token[:3]), int(token[3:5]), int(token[5:])
    try:
        return datetime.date(year + ROC_OFFSET, month, day)
    except ValueError:
        raise CellError(_("%(value)s is not a date in the calendar.") % {"value": _quoted(token)}) from None


_YEAR_BEFORE = gettext_lazy("Date %(date)s is in year %(year)s, not the plan's year %(plan_year)s: kept as given.")


def read_schedule(text, *, sessions, plan_year):
    """First and last planned dates from a cell of ROC dates for a course of `sessions` sessions.

    One date per session; or, for more than two sessions, the first and last; or, for one session,
    a course running from the first date to the last (a 儲訓班). One date for several sessions gives
    the first date only, with a warning. A date of the year before the plan's (the seed's typos for
    the 111 plan) is kept as given and flagged; any other year is refused."""
    tokens = normalized(text).split()
    days = [read_roc_date(token) for token in tokens]
    if not days:
        return Schedule(None, None)
    if days != sorted(days):
        raise CellError(_("The dates are not in order."))
    warnings, flags = [], []
    for token, day in zip(tokens, days):
        year = day.year - ROC_OFFSET
        if year == plan_year - 1:
            values = {"date": token, "year": year, "plan_year": plan_year}
            warnings.append(_YEAR_BEFORE % values)
            # The course keeps the flag in the portal's language, whoever imports: importing again in
            # another language must find the row unchanged.
            with translation.override(settings.LANGUAGE_CODE):
                flags.append(str(_YEAR_BEFORE) % values)
        elif year != plan_year:
            raise CellError(_("Date %(date)s is in year %(year)s; this plan is for year %(plan_year)s.")
                            % {"date": token, "year": year, "plan_year": plan_year})
    count = len(days)
    if count == sessions or (sessions > 2 and count == 2) or (sessions == 1 and count == 2):
        first, last = days[0], days[-1]
    elif sessions > 1 and count == 1:
        first, last = days[0], None
        warnings.append(_("One date for %(sessions)s sessions: the other sessions' dates are not given.")
                        % {"sessions": sessions})
    elif count > sessions:
        raise CellError(ngettext("%(count)s dates for %(sessions)s session.",
                                 "%(count)s dates for %(sessions)s sessions.", sessions)
                        % {"count": count, "sessions": sessions})
    else:
        raise CellError(_("%(count)s dates for %(sessions)s sessions: give one date per session, or the first "
                          "and the last.") % {"count": count, "sessions": sessions})
    return Schedule(first, last, tuple(warnings), " ".join(flags)[:200])
