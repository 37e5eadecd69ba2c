"""Which column is which, and how each cell is read. Headers are matched after NFKC (full-width
letters become ASCII), without spaces and case-insensitively, against the names personnel systems
use in Chinese and their English equivalents."""
import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Category, Gender, RankSeries
from eap_portal.rocdates import InvalidRocDate, parse_roc_date


class CellError(ValueError):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy, for messages
    aliases: tuple
    required: bool = False


COLUMNS = (
    Column("employee_number", gettext_lazy("employee number"), ("員工編號", "人員代號", "職員編號", "人事代號",
                                                                "employee number", "employee_number"), True),
    Column("full_name", gettext_lazy("full name"), ("姓名", "name", "full name", "full_name"), True),
    Column("national_id", gettext_lazy("national ID number"),
           ("身分證統一編號", "身分證字號", "身分證號", "身份證字號", "統一證號", "national id", "national_id")),
    Column("agency_code", gettext_lazy("agency code"), ("機關代碼", "機關代號", "服務機關代碼", "agency code",
                                                        "agency_code"), True),
    Column("unit", gettext_lazy("unit"), ("單位", "服務單位", "unit")),
    Column("job_title", gettext_lazy("job title"), ("職稱", "job title", "job_title")),
    Column("category", gettext_lazy("employee category"), ("人員類別", "人員區分", "category"), True),
    Column("rank_series", gettext_lazy("rank"), ("官等", "rank", "rank_series")),
    Column("grade", gettext_lazy("grade"), ("職等", "grade")),
    Column("is_supervisor", gettext_lazy("unit supervisor"), ("主管", "是否主管", "主管註記", "supervisor",
                                                               "is_supervisor")),
    Column("direct_supervisor", gettext_lazy("direct supervisor's employee number"),
           ("直屬主管員工編號", "直屬主管", "direct supervisor", "direct_supervisor")),
    Column("gender", gettext_lazy("gender"), ("性別", "gender"), True),
    Column("birth_date", gettext_lazy("birth date"), ("出生日期", "生日", "birth date", "birth_date"), True),
    Column("hire_date", gettext_lazy("hire date"), ("到職日期", "初任日期", "hire date", "hire_date"), True),
    Column("agency_since", gettext_lazy("in this agency since"), ("到機關日期", "調任日期", "到任日期",
                                                                   "in agency since", "agency_since")),
    Column("leave_date", gettext_lazy("leave date"), ("離職日期", "離職(退休)日期", "退離日期", "leave date",
                                                      "leave_date")),
    Column("email", gettext_lazy("e-mail"), ("電子郵件", "電子信箱", "email", "e-mail")),
    Column("phone", gettext_lazy("phone"), ("電話", "公務電話", "聯絡電話", "phone")),
)
BY_KEY = {column.key: column for column in COLUMNS}


def header_key(text):
    return re.sub(r"[\s　]+", "", unicodedata.normalize("NFKC", text or "")).lower()


_ALIASES = {header_key(alias): column.key for column in COLUMNS for alias in column.aliases}


def map_header(header):
    """{key: position} for the recognised columns, and the header texts not recognised.
    Raises CellError naming the first missing required column or a column given twice."""
    positions, unknown = {}, []
    for position, text in enumerate(header):
        key = _ALIASES.get(header_key(text))
        if key is None:
            if text.strip():
                unknown.append(text.strip())
            continue
        if key in positions:
            raise CellError(_("The column %(column)s appears twice in the header.") % {"column": text.strip()})
        positions[key] = position
    missing = [str(column.label) for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise CellError(_("The header lacks the required columns: %(columns)s.") % {"columns": "、".join(missing)})
    return positions, unknown


# --- Cell readers: text in, a value out, or CellError with the reason for people ----------

def text(value, *, max_length):
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > max_length:
        raise CellError(_("Longer than %(max)s characters.") % {"max": max_length})
    return value


def identifier(value):
    """An employee number as personnel systems mean it: full-width ＡＢ１２ is AB12, case does not count."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if len(value) > 30:
        raise CellError(_("Longer than %(max)s characters.") % {"max": 30})
    return value


def date(value):
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CellError(_("There is no such date: %(value)s.") % {"value": value}) from None
    try:
        return parse_roc_date(value)
    except InvalidRocDate:
        raise CellError(_("Cannot read %(value)s as a date: use 650312, 0650312, 65/3/12 or yyyy-mm-dd.")
                        % {"value": value}) from None


_CATEGORY_NAMES = {
    "公務人員": Category.CIVIL_SERVANT, "公務員": Category.CIVIL_SERVANT, "職員": Category.CIVIL_SERVANT,
    "教師": Category.TEACHER, "教保人員": Category.PRESCHOOL_EDUCATOR, "教保服務人員": Category.PRESCHOOL_EDUCATOR,
    "約聘僱": Category.CONTRACT, "約聘僱人員": Category.CONTRACT, "約聘人員": Category.CONTRACT,
    "約僱人員": Category.CONTRACT, "聘用人員": Category.CONTRACT, "約聘": Category.CONTRACT, "約僱": Category.CONTRACT,
    "技工": Category.TECHNICIAN, "駕駛": Category.DRIVER, "工友": Category.JANITOR, "駐衛警": Category.SECURITY_GUARD,
    "駐衛警察": Category.SECURITY_GUARD, "臨時人員": Category.TEMPORARY, "清潔隊員": Category.CLEANING_CREW,
    "測量助理": Category.SURVEY_ASSISTANT,
}
_CATEGORIES = {header_key(name): value for name, value in _CATEGORY_NAMES.items()}
_CATEGORIES.update({header_key(choice.value): choice.value for choice in Category})
_CATEGORIES.update({header_key(str(choice.label)): choice.value for choice in Category})


def category(value):
    found = _CATEGORIES.get(header_key(value))
    if found is None:
        raise CellError(_("Unknown employee category %(value)s: use 公務人員, 教師, 教保人員, 約聘僱人員, 技工, 駕駛, "
                          "工友, 駐衛警, 臨時人員, 清潔隊員 or 測量助理.") % {"value": value.strip() or "—"})
    return str(found)


_RANKS = {"委任": RankSeries.ELEMENTARY, "薦任": RankSeries.JUNIOR, "簡任": RankSeries.SENIOR}
_RANKS.update({choice.value: choice.value for choice in RankSeries})


def rank_series(value):
    value = header_key(value)
    if not value:
        return ""
    found = _RANKS.get(value)
    if found is None:
        raise CellError(_("Unknown rank %(value)s: use 委任, 薦任 or 簡任.") % {"value": value})
    return str(found)


_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                   "十一": 11, "十二": 12, "十三": 13, "十四": 14}


def grade(value):
    value = header_key(value)
    if not value:
        return None
    match = re.fullmatch(r"第?(\d{1,2}|[一二三四五六七八九十]{1,2})(職等)?", value)
    number = None
    if match:
        token = match.group(1)
        number = int(token) if token.isdigit() else _CHINESE_DIGITS.get(token)
    if number is None or not 1 <= number <= 14:
        raise CellError(_("A grade is a number from 1 to 14."))
    return number


_YES = {"是", "y", "yes", "1", "true", "v", "主管", "○"}
_NO = {"", "否", "n", "no", "0", "false", "非主管"}


def yes_no(value):
    value = header_key(value)
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(_("Write 是 or 否."))


_GENDERS = {"女": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE, "2": Gender.FEMALE,
            "男": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "1": Gender.MALE,
            "其他": Gender.OTHER, "other": Gender.OTHER, "不提供": Gender.OTHER}


def gender(value):
    found = _GENDERS.get(header_key(value))
    if found is None:
        raise CellError(_("Write 男, 女 or 其他."))
    return str(found)


def email(value):
    value = value.strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(_("Not an e-mail address.")) from None
    return value.lower()


_ID_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"  # A=10 … in the order the check digit counts them


def national_id(value):
    """The ID normalised for hashing, or CellError. The value itself never appears in a message."""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if not value:
        return ""
    if not re.fullmatch(r"[A-Z][12890ABCD]\d{8}", value):
        raise CellError(_("Not a national ID or resident certificate number (one letter and nine characters)."))
    if value[1].isdigit():  # national IDs and the new resident certificates carry a check digit
        first = _ID_LETTERS.index(value[0]) + 10
        digits = [first // 10, first % 10] + [int(char) for char in value[1:]]
        weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]
        if sum(d * w for d, w in zip(digits, weights)) % 10:
            raise CellError(_("The national ID number's check digit does not match: check the number."))
    return value
