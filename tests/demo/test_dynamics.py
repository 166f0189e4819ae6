"""The shape of the world over time: the scandal surge and ebb, daily rhythms, heavy tails."""

import re
import statistics
from collections import Counter
from datetime import timedelta

import pytest

from hearth.demo import DemoWorld

from .conftest import START

TEN_MIN = timedelta(minutes=10)


def _pizza(items):
    return [m for m in items if m.raw["demo"]["brand"] == "pizzadoro"]


def _negative_share(items):
    return sum(m.raw["demo"]["sentiment"] == "negative" for m in items) / len(items)


@pytest.fixture(scope="module")
def calm():
    return DemoWorld(seed=7, start=START, scandal_at=None)


def test_scandal_volume_is_five_times_baseline_within_ten_minutes(world, calm):
    window = (world.scandal_time, world.scandal_time + TEN_MIN)
    surge = len(_pizza(world.items_between(*window)))
    baseline = len(_pizza(calm.items_between(*window)))
    assert baseline > 0 and surge >= 5 * baseline


def test_scandal_volume_is_five_times_baseline_even_at_night():
    night = START.replace(hour=2)  # 03:00 in Paris: almost no pizza talk, but outrage travels
    world, calm = (DemoWorld(seed=5, start=night, scandal_at=s) for s in (TEN_MIN, None))
    window = (night + TEN_MIN, night + 2 * TEN_MIN)
    assert len(_pizza(world.items_between(*window))) >= 5 * max(
        1, len(_pizza(calm.items_between(*window)))
    )


def test_scandal_makes_negative_share_jump(world):
    before = _pizza(world.items_between(world.start, world.scandal_time))
    after = _pizza(world.items_between(world.scandal_time, world.scandal_time + 3 * TEN_MIN))
    assert _negative_share(after) > _negative_share(before) + 0.3


def test_scandal_peaks_then_ebbs_over_a_couple_of_hours(world, calm):
    def ratio(offset):
        window = (world.scandal_time + offset, world.scandal_time + offset + TEN_MIN)
        return len(_pizza(world.items_between(*window))) / max(
            1, len(_pizza(calm.items_between(*window)))
        )

    peak = max(ratio(timedelta(minutes=m)) for m in (0, 10, 20))
    assert ratio(timedelta(hours=3)) < peak / 4
    assert ratio(timedelta(hours=5)) < 2


def test_scandal_has_a_dominant_hashtag_and_term(world):
    window = (world.scandal_time, world.scandal_time + timedelta(minutes=40))
    scandal = [m for m in world.items_between(*window) if m.raw["demo"]["scandal"]]
    texts = [m.text.lower() for m in scandal]
    assert sum("#pizzadorogate" in t for t in texts) > 0.3 * len(texts)
    assert sum("vid" in t for t in texts) > 0.5 * len(texts)  # vidéo, video, video


def test_scandal_brings_news_abuse_reposts_and_copies(world):
    window = (world.scandal_time, world.scandal_time + timedelta(hours=1))
    scandal = [m for m in world.items_between(*window) if m.raw["demo"]["scandal"]]
    abuse = Counter(m.raw["demo"]["abuse"] for m in scandal)
    assert abuse["insult"] > 50 and abuse["threat"] > 5 and abuse["identity_attack"] >= 1
    assert abuse["identity_attack"] < abuse["threat"] < abuse["insult"]
    assert sum(m.platform == "rss" for m in scandal) > 10
    reposts = sum(m.kind == "repost" for m in scandal)
    copies = sum(bool(m.raw["demo"]["near_duplicate_of"]) for m in scandal)
    assert reposts > 0.15 * len(scandal) and copies > 0.08 * len(scandal)


def test_scandal_brings_first_time_authors(world):
    before = world.items_between(world.start - timedelta(0), world.scandal_time)
    seen = {m.author.platform_user_id for m in _pizza(before)}
    after = _pizza(world.items_between(world.scandal_time, world.scandal_time + TEN_MIN))
    new = sum(m.author.platform_user_id not in seen for m in after)
    assert new > 0.7 * len(after)


@pytest.fixture(scope="module")
def toy_week():
    world = DemoWorld(seed=7, start=START.replace(hour=0), brands=["briquo"])
    return world, world.items_between(world.start, world.start + timedelta(days=7))


def test_toy_brand_has_no_surge_over_a_week(toy_week):
    world, items = toy_week
    counts = Counter((m.created_at - world.start) // TEN_MIN for m in items)
    for slot in range(7 * 24 * 6):
        middle = world.start + slot * TEN_MIN + TEN_MIN / 2
        expected = world.expected_rate("briquo", middle) / 6
        assert counts.get(slot, 0) <= 2.5 * expected + 8, middle


def test_toy_brand_negative_share_stays_low_every_day(toy_week):
    world, items = toy_week
    for day in range(7):
        daily = [m for m in items if (m.created_at - world.start).days == day]
        assert _negative_share(daily) < 0.3


def test_toy_brand_is_quiet_at_night_and_busy_in_the_evening(toy_week):
    _, items = toy_week
    by_hour = Counter(m.created_at.astimezone(_paris()).hour for m in items)
    assert by_hour[20] > 4 * by_hour[3]


def test_toy_brand_is_busier_at_the_weekend(toy_week):
    _, items = toy_week
    by_day = Counter(m.created_at.astimezone(_paris()).weekday() for m in items)
    assert by_day[5] + by_day[6] > 1.15 * (by_day[1] + by_day[2])


def test_pizza_chat_peaks_at_lunch_and_dinner():
    calm = DemoWorld(seed=7, start=START.replace(hour=0), brands=["pizzadoro"], scandal_at=None)
    items = calm.items_between(calm.start, calm.start + timedelta(days=2))
    by_hour = Counter(m.created_at.astimezone(_paris()).hour for m in items)
    assert by_hour[12] > 2 * by_hour[16] and by_hour[20] > 2 * by_hour[16]
    assert by_hour[20] > 10 * by_hour[4]


def test_authors_are_heavy_tailed_and_stable(toy_week):
    _, items = toy_week
    social = [m for m in items if m.platform in ("mastodon", "bluesky", "reddit", "discourse")]
    posts = Counter(m.author.platform_user_id for m in social)
    ranked = sorted(posts.values(), reverse=True)
    top = ranked[: max(1, len(ranked) // 50)]
    assert sum(top) > 0.2 * sum(ranked)  # the top 2% write over a fifth of the posts
    assert statistics.median(ranked) <= 3
    profile = {}
    for m in social:
        assert profile.setdefault(m.author.platform_user_id, m.author) == m.author


def test_follower_counts_are_log_normal_like(toy_week):
    _, items = toy_week
    followers = sorted(
        {
            m.author.platform_user_id: m.author.followers
            for m in items
            if m.platform in ("mastodon", "bluesky")
        }.values()
    )
    median = statistics.median(followers)
    assert 30 < median < 600
    assert followers[-1] > 30 * median


def test_personal_data_labels_match_the_text(three_hours):
    phone = re.compile(r"(\+33 ?6|06|\+44 ?7700|07700)[ .]?\d")
    labelled = [m for m in three_hours if m.raw["demo"]["pii"]]
    assert len(labelled) > 10
    for m in labelled:
        body = m.text.lower()
        if "phone" in m.raw["demo"]["pii"]:
            assert phone.search(m.text)
        if "email" in m.raw["demo"]["pii"]:
            assert re.search(r"[\w.]+@[\w-]+\.\w+", body)


def _paris():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")
