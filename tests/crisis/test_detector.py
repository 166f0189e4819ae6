from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest

from hearth.crisis.detector import ALERT_THRESHOLD, Detector
from tests.crisis.helpers import BUCKET, MONDAY, daily_rhythm, feed, rhythm_counts

WEEK = 7 * 288


def alerts(scores) -> list[int]:
    """Buckets that would alert a community manager: a rise graded warning or crisis, or an
    alert-level score upwards (a fall is scored, as NAB wants, but is no crisis)."""
    return [
        i
        for i, s in enumerate(scores)
        if s.severity in ("warning", "crisis") or (s.alert and s.surprise > 0)
    ]


def test_ordinary_week_raises_no_alert_once_rhythm_is_learnt(trained):
    detector, start = trained
    scores = feed(detector, start, rhythm_counts(start, WEEK, seed=2))
    assert alerts(scores) == []


def test_first_week_without_history_raises_no_crisis():
    scores = feed(Detector(), MONDAY, rhythm_counts(MONDAY, WEEK, seed=3))
    assert not [s for s in scores if s.severity == "crisis"]


def test_viral_surge_is_a_crisis_within_two_buckets(trained):
    detector, start = trained
    before = feed(detector, start, rhythm_counts(start, 12 * 14, seed=4))  # Monday 14:00
    assert alerts(before) == []
    surge_start = start + len(before) * BUCKET
    usual = daily_rhythm(surge_start)
    rng = np.random.default_rng(5)
    # ×5 reached within 15 minutes (three 5-minute buckets), then sustained.
    surge = [rng.poisson(usual * f) for f in (2.0, 3.5, 5.0, 5.0, 5.0, 5.0)]
    scores = feed(detector, surge_start, surge)
    assert "crisis" in [s.severity for s in scores[:2]]
    assert scores[0].alert


def test_severity_stays_up_while_surge_lasts(trained):
    detector, start = trained
    surge = [daily_rhythm(start + i * BUCKET) * 6 for i in range(12)]
    scores = feed(detector, start, surge)
    assert all(s.severity == "crisis" for s in scores)


def test_slow_growth_raises_no_alert():
    detector = Detector()
    counts = rhythm_counts(MONDAY, 3 * WEEK, seed=6, growth_per_day=0.04)  # ×2.3 in 3 weeks
    scores = feed(detector, MONDAY, counts)
    assert alerts(scores[WEEK:]) == []


def test_gap_in_data_raises_no_alert_and_keeps_rhythm(trained):
    detector, start = trained
    resume = start + timedelta(hours=7)  # seven hours with no buckets at all
    counts = [
        float(np.random.default_rng(7).poisson(daily_rhythm(resume + i * BUCKET)))
        for i in range(288)
    ]
    scores = feed(detector, resume, counts)
    assert alerts(scores) == []


def test_missing_buckets_as_nan_are_skipped(trained):
    detector, start = trained
    scores = feed(detector, start, [float("nan")] * 20)
    assert all(s.anomaly_score == 0 and s.severity is None for s in scores)


def test_drop_scores_but_has_no_severity(trained):
    detector, start = trained
    scores = feed(detector, start + timedelta(hours=14), [0.0] * 3)
    assert scores[0].anomaly_score >= ALERT_THRESHOLD
    assert all(s.severity is None for s in scores)


def test_state_round_trip_continues_identically(trained):
    detector, start = trained
    copy = Detector.from_dict(json.loads(json.dumps(detector.to_dict())))
    counts = rhythm_counts(start, 50, seed=8) + [500.0]
    original = [s.anomaly_score for s in feed(detector, start, counts)]
    restored = [s.anomaly_score for s in feed(copy, start, counts)]
    assert original == restored


def test_state_is_small(trained):
    detector, _ = trained
    assert len(json.dumps(detector.to_dict())) < 12_000


def test_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        Detector().update(MONDAY.replace(tzinfo=None), 1.0)


def test_scores_stay_in_unit_interval(trained):
    detector, start = trained
    values = [0, 1e9, 3, -5, 0, 1e-3, 7e5, 12]
    scores = feed(detector, start, values)
    assert all(0.0 <= s.anomaly_score <= 1.0 for s in scores)
