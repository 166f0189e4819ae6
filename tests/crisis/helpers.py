"""Synthetic mention counts for the crisis tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from hearth.crisis.detector import Detector, Score

BUCKET = timedelta(minutes=5)
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


def daily_rhythm(at: datetime, base: float = 60.0) -> float:
    """Quiet nights, a busy day peaking mid-afternoon, calmer weekends (UTC)."""
    hour = at.hour + at.minute / 60
    day = base * (0.25 + 0.75 * np.exp(-(((hour - 15) / 4.5) ** 2)))
    return day * (0.6 if at.weekday() >= 5 else 1.0)


def feed(detector: Detector, start: datetime, values) -> list[Score]:
    return [detector.update(start + i * BUCKET, v) for i, v in enumerate(values)]


def rhythm_counts(start: datetime, buckets: int, seed: int, growth_per_day: float = 0.0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(buckets):
        at = start + i * BUCKET
        trend = (1 + growth_per_day) ** (i * BUCKET / timedelta(days=1))
        out.append(float(rng.poisson(daily_rhythm(at) * trend)))
    return out
