"""The mood thermometer (心情溫度計), BSRS-5 (簡式健康量表; Lee MB et al., J Formos Med Assoc
2003;102:687–94), exactly as DOMAIN §7 gives it: the period, five items rated 0–4 (sleep first,
as the seeds start care conversations with sleep), the ★ item outside the total, the bands
0–5 / 6–9 / 10–14 / ≥15, and ★ ≥ 2 advising professional help whatever the total.

The wording is the instrument's own, in Traditional Chinese: it is not translated, so that every
employee answers the same validated questions (English glosses are for the code only).
"""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

PERIOD = "最近一星期（包含今天）"
RATINGS = [(0, "完全沒有"), (1, "輕微"), (2, "中等程度"), (3, "厲害"), (4, "非常厲害")]
ITEMS = [
    ("sleep", "睡眠困難（譬如難以入睡、易醒或早醒）"),
    ("anxiety", "感覺緊張不安"),
    ("irritability", "覺得容易苦惱或動怒"),
    ("depression", "感覺憂鬱、心情低落"),
    ("inferiority", "覺得比不上別人"),
]
STAR_ITEM = ("suicidal_thoughts", "有自殺的想法")
STAR_URGENT = 2


class Band(models.TextChoices):
    GOOD = "good", _("Good adjustment")
    MILD = "mild", _("Mild distress")
    MODERATE = "moderate", _("Moderate distress")
    SEVERE = "severe", _("Severe distress")


ADVICE = {
    Band.GOOD: _("Your mood is in good shape. Keep looking after yourself."),
    Band.MILD: _("Mild distress: talk with family or friends, and give yourself some rest."),
    Band.MODERATE: _("Moderate distress: counseling or a professional consultation is advised."),
    Band.SEVERE: _("Severe distress: professional counseling or psychiatric care is advised."),
}
STAR_ADVICE = _("You have had thoughts of suicide: please talk to a professional or a psychiatrist now, "
                "whatever your total.")


def band_for(total):
    if not 0 <= total <= 20:
        raise ValueError("A BSRS-5 total is between 0 and 20.")
    if total <= 5:
        return Band.GOOD
    if total <= 9:
        return Band.MILD
    if total <= 14:
        return Band.MODERATE
    return Band.SEVERE


@dataclass(frozen=True)
class Score:
    total: int
    band: str
    star: int

    @property
    def urgent(self):
        """★ ≥ 2: professional help advised, and the urgent-help screen shown, whatever the total."""
        return self.star >= STAR_URGENT

    def needs_follow_up(self, threshold):
        """At or above the plan's threshold (default 10), or ★ ≥ 2."""
        return self.total >= threshold or self.urgent

    @property
    def advice(self):
        return ADVICE[self.band]


def score(ratings, star):
    """`ratings`: the five items in order, each 0–4; `star`: the ★ item, 0–4, not in the total."""
    values = list(ratings)
    # type() rather than isinstance(): True is an int to Python, not a rating.
    if len(values) != len(ITEMS) or any(type(v) is not int or not 0 <= v <= 4 for v in values):
        raise ValueError("BSRS-5 has five items, each rated 0 to 4.")
    if type(star) is not int or not 0 <= star <= 4:
        raise ValueError("The ★ item is rated 0 to 4.")
    total = sum(values)
    return Score(total=total, band=band_for(total), star=star)
