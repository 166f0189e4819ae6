"""The world is a pure function of its seed and the window; its items are valid and linked."""

import hashlib
import itertools
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.demo import DemoWorld, bulk
from hearth.ingest.schemas import MentionIn

from .conftest import START


def _dump(items):
    return [m.model_dump() for m in items]


def test_same_seed_same_window_gives_same_items(three_hours):
    again = DemoWorld(seed=7, start=START).items_between(START, START + timedelta(hours=3))
    assert _dump(again) == _dump(three_hours)


def test_other_seed_gives_other_items(three_hours):
    other = DemoWorld(seed=8, start=START).items_between(START, START + timedelta(hours=3))
    assert [m.text for m in other[:50]] != [m.text for m in three_hours[:50]]


def test_windows_tile_without_gaps_or_duplicates(three_hours):
    world = DemoWorld(seed=7, start=START)
    cuts = [START + timedelta(seconds=s) for s in (0, 0.25, 37, 59.999, 60, 61, 3600, 7201.5)]
    cuts.append(START + timedelta(hours=3))
    tiled = [m for a, b in itertools.pairwise(cuts) for m in world.items_between(a, b)]
    assert _dump(tiled) == _dump(three_hours)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.floats(min_value=0, max_value=1200, allow_nan=False), max_size=6))
def test_any_cut_points_tile_the_timeline(world, cuts):
    end = START + timedelta(minutes=20)
    points = [START, *sorted(START + timedelta(seconds=c) for c in cuts), end]
    tiled = [m for a, b in zip(points, points[1:], strict=False) for m in world.items_between(a, b)]
    assert _dump(tiled) == _dump(world.items_between(START, end))


def _fingerprint(items) -> str:
    return hashlib.sha256("".join(m.model_dump_json() for m in items).encode()).hexdigest()


def test_items_do_not_depend_on_the_process_hash_seed(world):
    script = (
        "import hashlib, sys\n"
        "from datetime import datetime, timedelta\n"
        "from hearth.demo import DemoWorld\n"
        "s = datetime.fromisoformat(sys.argv[1])\n"
        "items = DemoWorld(seed=7, start=s).items_between(s, s + timedelta(minutes=30))\n"
        "text = ''.join(m.model_dump_json() for m in items)\n"
        "print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script, START.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = _fingerprint(world.items_between(START, START + timedelta(minutes=30)))
    assert done.stdout.strip() == expected


def test_window_does_not_depend_on_what_was_asked_before(world):
    late = (START + timedelta(hours=5), START + timedelta(hours=5, minutes=20))
    fresh = DemoWorld(seed=7, start=START).items_between(*late)
    assert fresh and _dump(fresh) == _dump(world.items_between(*late))


def test_iter_items_matches_one_window(world, three_hours):
    streamed = list(world.iter_items(START + timedelta(hours=3), step=timedelta(minutes=7)))
    assert _dump(streamed) == _dump(three_hours)


def test_external_ids_are_unique(three_hours):
    keys = [(m.platform, m.external_id) for m in three_hours]
    assert len(set(keys)) == len(keys)


def test_every_item_validates_as_mention_in(three_hours):
    for item in three_hours:
        assert MentionIn.model_validate_json(item.model_dump_json()) == item
        assert item.created_at.utcoffset() == timedelta(0)


def test_items_come_oldest_first_inside_the_window(three_hours):
    times = [m.created_at for m in three_hours]
    assert times == sorted(times)
    assert times[0] >= START and times[-1] < START + timedelta(hours=3)


def test_replies_point_at_an_earlier_item_on_the_same_platform(three_hours):
    by_id = {m.external_id: m for m in three_hours}
    replies = [m for m in three_hours if m.parent_external_id]
    assert len(replies) > 100
    for reply in replies:
        parent = by_id[reply.parent_external_id]
        assert reply.kind == "reply"
        assert parent.platform == reply.platform
        assert parent.created_at <= reply.created_at


def test_reposts_repeat_an_existing_item(three_hours):
    by_id = {m.external_id: m for m in three_hours}
    reposts = [m for m in three_hours if m.repost_of_external_id]
    assert len(reposts) > 50
    for repost in reposts:
        original = by_id[repost.repost_of_external_id]
        assert repost.kind == "repost" and repost.text == original.text
        assert original.created_at <= repost.created_at
        assert repost.author.platform_user_id != original.author.platform_user_id


def test_near_duplicates_are_light_edits_of_an_existing_item(three_hours):
    by_id = {m.external_id: m for m in three_hours}
    copies = [m for m in three_hours if m.raw["demo"]["near_duplicate_of"]]
    assert len(copies) > 50
    for copy in copies:
        original = by_id[copy.raw["demo"]["near_duplicate_of"]]
        shared = set(copy.text.lower().split()) & set(original.text.lower().split())
        assert len(shared) >= 0.6 * len(set(original.text.lower().split()))


def test_history_adds_items_before_start_and_keeps_links_inside(three_hours):
    world = DemoWorld(seed=7, start=START, history=timedelta(hours=2))
    items = world.items_between(START - timedelta(days=1), START + timedelta(minutes=30))
    assert items[0].created_at >= START - timedelta(hours=2)
    ids = {m.external_id for m in items}
    assert all(m.parent_external_id in ids for m in items if m.parent_external_id)
    assert all(m.repost_of_external_id in ids for m in items if m.repost_of_external_id)


def test_nothing_exists_before_the_origin(world):
    assert world.items_between(START - timedelta(hours=1), START) == []


def test_every_platform_and_kind_appears(three_hours):
    assert {m.platform for m in three_hours} == {
        "mastodon",
        "bluesky",
        "reddit",
        "discourse",
        "rss",
        "email",
        "webhook",
    }
    assert {m.kind for m in three_hours} == {"post", "reply", "repost", "article", "email"}


def test_articles_emails_and_forum_posts_have_titles(three_hours):
    for item in three_hours:
        titled = item.kind in ("article", "email") or (
            item.platform in ("reddit", "discourse") and item.kind == "post"
        )
        assert bool(item.title) == titled, item


def test_mastodon_and_bluesky_declare_the_language(three_hours):
    for item in three_hours:
        if item.platform in ("mastodon", "bluesky"):
            assert item.lang_hint == item.raw["demo"]["lang"]


@pytest.mark.parametrize("brand", ["briquo", "pizzadoro"])
def test_both_languages_present_for_each_brand(three_hours, brand):
    langs = [m.raw["demo"]["lang"] for m in three_hours if m.raw["demo"]["brand"] == brand]
    assert 0.5 < langs.count("fr") / len(langs) < 0.85
    assert langs.count("en") > 20


def test_labels_are_complete(three_hours):
    for item in three_hours:
        label = item.raw["demo"]
        assert label["brand"] in ("briquo", "pizzadoro")
        assert label["sentiment"] in ("positive", "neutral", "negative")
        assert label["abusive"] == (label["abuse"] is not None)
        assert label["lang"] in ("fr", "en")


def test_rate_knob_scales_volume():
    window = (START, START + timedelta(hours=1))
    base = DemoWorld(seed=7, start=START, brands=["briquo"]).items_between(*window)
    more = DemoWorld(seed=7, start=START, brands=["briquo"], rates={"briquo": 900}).items_between(
        *window
    )
    assert 7 < len(more) / len(base) < 13


def test_bulk_is_deterministic_and_exact():
    first = bulk(3000, seed=3)
    assert len(first) == 3000
    assert _dump(first[:200]) == _dump(bulk(200, seed=3))
    assert len({(m.platform, m.external_id) for m in first}) == 3000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": START.replace(tzinfo=None)},
        {"brands": ["nope"]},
        {"rates": {"briquo": -1}},
        {"seed": -1},
        {"speedup": 0},
        {"history": timedelta(seconds=30)},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        DemoWorld(**{"start": START, **kwargs})


def test_naive_window_is_refused(world):
    with pytest.raises(ValueError):
        world.items_between(START.replace(tzinfo=None), START.replace(tzinfo=None))


def test_start_in_another_time_zone_gives_utc_items():
    from datetime import timezone

    paris_summer = timezone(timedelta(hours=2))
    world = DemoWorld(seed=7, start=START.astimezone(paris_summer), brands=["briquo"])
    items = world.items_between(START, START + timedelta(minutes=30))
    assert items and all(m.created_at.utcoffset() == timedelta(0) for m in items)
