"""The BSRS-5 exactly as DOMAIN §7 gives it: the period, the five items (sleep first), the ★ item
outside the total, the 0–4 labels, every band boundary, and ★ ≥ 2 advising help whatever the total."""
import pytest

from surveys import bsrs5
from surveys.bsrs5 import Band


def ratings_for(total):
    """Five ratings 0–4 that add up to `total`."""
    ratings = []
    for _ in range(5):
        value = min(4, total)
        ratings.append(value)
        total -= value
    assert total == 0
    return ratings


@pytest.mark.parametrize("total, band", [
    (0, Band.GOOD), (5, Band.GOOD),
    (6, Band.MILD), (9, Band.MILD),
    (10, Band.MODERATE), (14, Band.MODERATE),
    (15, Band.SEVERE), (20, Band.SEVERE),
])
def test_every_band_boundary(total, band):
    result = bsrs5.score(ratings_for(total), 0)
    assert result.total == total
    assert result.band == band
    assert result.advice == bsrs5.ADVICE[band]


def test_each_band_has_its_advice():
    from django.utils import translation

    assert set(bsrs5.ADVICE) == set(Band)
    with translation.override("en"):
        assert "family or friends" in str(bsrs5.ADVICE[Band.MILD])
        assert "counseling or a professional consultation" in str(bsrs5.ADVICE[Band.MODERATE])
        assert "psychiatric" in str(bsrs5.ADVICE[Band.SEVERE])
    with translation.override("zh-hant"):
        assert "家人或朋友" in str(bsrs5.ADVICE[Band.MILD])


def test_the_star_item_is_not_added_to_the_total():
    result = bsrs5.score([1, 1, 1, 1, 1], 4)
    assert result.total == 5
    assert result.band == Band.GOOD
    assert result.star == 4


@pytest.mark.parametrize("total", [0, 5, 9, 20])
def test_a_star_of_two_or_more_is_urgent_whatever_the_total(total):
    for star in (2, 3, 4):
        result = bsrs5.score(ratings_for(total), star)
        assert result.urgent
        assert result.needs_follow_up(threshold=10)


def test_a_star_below_two_is_not_urgent():
    assert not bsrs5.score([0, 0, 0, 0, 0], 1).urgent
    assert not bsrs5.score([0, 0, 0, 0, 0], 1).needs_follow_up(threshold=10)


def test_follow_up_is_at_or_above_the_threshold():
    assert not bsrs5.score(ratings_for(9), 0).needs_follow_up(threshold=10)
    assert bsrs5.score(ratings_for(10), 0).needs_follow_up(threshold=10)
    assert bsrs5.score(ratings_for(8), 0).needs_follow_up(threshold=8)
    assert not bsrs5.score(ratings_for(7), 0).needs_follow_up(threshold=8)


@pytest.mark.parametrize("ratings, star", [
    ([1, 1, 1, 1], 0),            # four items
    ([1, 1, 1, 1, 1, 1], 0),      # six items
    ([5, 0, 0, 0, 0], 0),         # above 4
    ([-1, 0, 0, 0, 0], 0),        # below 0
    (["2", 0, 0, 0, 0], 0),       # not a number
    ([None, 0, 0, 0, 0], 0),
    ([1, 1, 1, 1, 1], 5),         # ★ above 4
    ([1, 1, 1, 1, 1], -1),
    ([1, 1, 1, 1, 1], None),
])
def test_invalid_ratings_are_refused(ratings, star):
    with pytest.raises(ValueError):
        bsrs5.score(ratings, star)


@pytest.mark.parametrize("total", [-1, 21])
def test_a_total_outside_0_to_20_has_no_band(total):
    with pytest.raises(ValueError):
        bsrs5.band_for(total)


def test_the_items_in_order_with_sleep_first_and_their_wording():
    assert [text for _key, text in bsrs5.ITEMS] == [
        "睡眠困難（譬如難以入睡、易醒或早醒）",
        "感覺緊張不安",
        "覺得容易苦惱或動怒",
        "感覺憂鬱、心情低落",
        "覺得比不上別人",
    ]
    assert bsrs5.ITEMS[0][0] == "sleep"
    assert bsrs5.STAR_ITEM[1] == "有自殺的想法"


def test_the_rating_labels_and_the_period():
    assert bsrs5.RATINGS == [(0, "完全沒有"), (1, "輕微"), (2, "中等程度"), (3, "厲害"), (4, "非常厲害")]
    assert "最近一星期" in bsrs5.PERIOD and "包含今天" in bsrs5.PERIOD
