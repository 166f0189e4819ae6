from __future__ import annotations

import json
from datetime import timedelta

import pytest

from hearth.crisis.episodes import EpisodeEventKind as Kind
from hearth.crisis.episodes import EpisodeRules, EpisodeTracker
from tests.crisis.helpers import BUCKET, MONDAY


def run(tracker: EpisodeTracker, severities, start=MONDAY):
    events = []
    for i, severity in enumerate(severities):
        events += tracker.observe(start + i * BUCKET, severity)
    return events


def kinds(events) -> list[str]:
    return [e.kind.value for e in events]


def test_one_alert_per_episode_while_the_anomaly_continues():
    events = run(EpisodeTracker(), ["warning"] * 5)
    assert kinds(events) == ["opened"]


def test_watch_alone_opens_nothing():
    assert run(EpisodeTracker(), ["watch"] * 5) == []


def test_escalation_alerts_once_per_higher_severity():
    events = run(EpisodeTracker(), ["warning", "crisis", "warning", "crisis", "crisis"])
    assert kinds(events) == ["opened", "escalated"]
    assert events[1].severity == "crisis"


def test_auto_resolves_after_n_quiet_buckets():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=3))
    events = run(tracker, ["crisis", None, None, None])
    assert kinds(events) == ["opened", "resolved"]
    assert tracker.episode is None


def test_a_relapse_before_resolution_stays_in_the_same_episode():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=3))
    events = run(tracker, ["crisis", None, None, "warning", None, None])
    assert kinds(events) == ["opened"]
    assert tracker.episode is not None


def test_watch_keeps_an_episode_open():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=2))
    assert kinds(run(tracker, ["warning", "watch", "watch", "watch"])) == ["opened"]


def test_new_episode_after_resolution_alerts_again():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=1))
    assert kinds(run(tracker, ["warning", None, "warning"])) == ["opened", "resolved", "opened"]


def test_snooze_silences_notifications_until_the_time():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=1))
    tracker.snooze(MONDAY + 3 * BUCKET)
    events = run(tracker, ["warning", None, None, "crisis"])
    assert kinds(events) == ["opened", "resolved", "opened"]
    assert [e.notify for e in events] == [False, False, True]


def test_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        EpisodeTracker().observe(MONDAY, "apocalypse")


def test_state_round_trips_through_json():
    tracker = EpisodeTracker(EpisodeRules(resolve_after=2))
    run(tracker, ["warning"])
    tracker.snooze(MONDAY + timedelta(hours=1))
    restored = EpisodeTracker.from_dict(json.loads(json.dumps(tracker.to_dict())))
    assert restored.episode == tracker.episode
    assert restored.snoozed_until == tracker.snoozed_until
    assert kinds(run(restored, [None, None], start=MONDAY + BUCKET)) == ["resolved"]
    assert Kind.RESOLVED == "resolved"


def test_state_saved_by_an_older_version_still_loads():
    old = {
        "rules": {"open_at": "warning", "resolve_after": 2, "ack_timeout": 6},
        "episode": {"opened_at": MONDAY.isoformat(), "severity": "crisis", "quiet": 0,
                    "buckets": 3, "acknowledged_at": None, "unacknowledged_sent": False},
        "snoozed_until": None,
    }
    restored = EpisodeTracker.from_dict(old)
    assert restored.episode.severity == "crisis" and restored.rules.resolve_after == 2
    assert kinds(run(restored, [None, None], start=MONDAY + BUCKET)) == ["resolved"]
