"""A bank of streaming anomaly detectors updated together over numpy arrays.

One row of every array is one series (a metric of a topic or a workspace). Each update costs a
fixed number of vector operations whatever the number of series, which is what makes 1,000
concurrent topics cheap. The model, per series:

* values are compared on a log scale (``sign(v)·log1p(|v|)``), so "×5" means the same thing at
  10 mentions and at 10,000;
* the baseline is a level plus an hour-of-day and an hour-of-week profile (Holt-Winters in
  error-correction form, with rates expressed in time so any bucket size works); a second,
  fast level follows the last hour or so;
* the surprise is the distance to the baseline in units of the typical deviation, itself
  learnt per hour of the day (nights are noisier on a log scale);
* while a series is young (two days), the profiles cannot tell a daily rise from a surge, so a
  value must also be far from the recent level to surprise;
* learning uses residuals clipped at a few deviations, so a spike barely moves the baseline
  while a lasting change is absorbed within hours; a long gap resets only the recent level;
* a level the series often visits is less news than a new height: a decaying histogram of
  log-values (a week's memory) gives the share of recent time spent at or beyond the current
  level, and the surprise is scaled down (to 30 % at most) for usual levels. A brand whose
  mentions jump to the same plateau every other day learns that plateau;
* a surprise the series produces often is less news than a rare one: a decaying histogram of
  surprise sizes (a week's memory) gives the share of recent buckets at least this surprising;
  one reached at most 10^-2.5 of the time (a 5-minute bucket a day or so) keeps its full size,
  one reached all the time half of it, and one reached 1 % of the time 90 % of it. A series
  that bursts several times a day learns that its bursts are routine; one that bursts once a
  day loses only a few percent on each;
* the anomaly score compares that surprise with the largest one of the last day or so (a
  decaying record, never below `record_floor`): ``r / (1 + r)`` with r = surprise / record.
  Onsets score high, the rest of an episode and a series' usual spikes do not, and one threshold
  fits noisy and quiet series alike (0.5 = as surprising as the recent record);
* within an episode, a bucket that beats the record only because the surge is still climbing is
  no new onset: after a record, the next buckets are compared with `repeat_headroom` times it
  (a memory that halves every `repeat_hours`), so a surge that takes two or three buckets to
  peak scores once, not once per bucket.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

HOUR = 3600.0
DAY = 24 * HOUR
WEEK = 7 * DAY
# 1970-01-01 was a Thursday; shifting by three days makes slot 0 Monday 00:00 UTC.
_EPOCH_TO_MONDAY = 3 * DAY


@dataclass(frozen=True)
class DetectorConfig:
    """Default settings, the same for every series (no per-series tuning)."""

    level_hours: float = 12.0  # memory of the slow level
    recent_hours: float = 1.0  # memory of the fast, "recent" level
    day_profile_days: float = 3.0  # memory of each hour-of-day slot, in days
    week_profile_weeks: float = 2.0  # memory of each hour-of-week slot, in weeks
    scale_hours: float = 24.0  # memory of the typical deviation
    clip: float = 3.0  # learning ignores the part of a residual beyond this many scales
    warmup_buckets: int = 12  # no score before this many values
    min_scale: float = 0.05  # on the log scale: about 5 %
    max_gap_buckets: float = 12.0  # a longer gap forgets the recent level
    young_days: float = 2.0  # until then the recent level can veto a surprise
    record_hours: float = 24.0  # half-life of the memory of the largest recent surprise
    record_floor: float = 4.0  # a surprise below this many scales never counts as a record
    down_weight: float = 1.0  # how much a fall counts next to a rise of the same size
    familiarity_days: float = 7.0  # memory of which levels the series has visited
    familiarity_decades: float = 4.0  # a level reached at most 10^-x of the time is new
    familiarity_base: float = 0.3  # the share of its surprise a fully familiar level keeps
    seasonal_noise: bool = True  # learn the typical deviation per hour of the day too
    repeat_headroom: float = 1.5  # after a record, the next must beat it by this factor...
    repeat_hours: float = 0.5  # ...a demand that halves every this many hours
    rarity_days: float = 7.0  # memory of how often the series has been this surprised
    rarity_decades: float = 2.5  # a surprise reached at most 10^-x of the time is rare
    rarity_base: float = 0.5  # the share of its size a commonplace surprise keeps (1: off)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


_STATE_FIELDS = (
    "seen",
    "last_time",
    "step",
    "level",
    "recent",
    "day",
    "week",
    "error_seasonal",
    "error_flat",
    "scale",
    "recent_scale",
    "record",
    "onset",
    "slot_scale",
    "slot_visits",
    "levels",
    "surprises",
)


@dataclass
class Step:
    """What one update of the bank says about every series (arrays of shape (n,))."""

    anomaly_score: np.ndarray
    surprise: np.ndarray  # signed, in scales; >0 above the baseline
    observed: np.ndarray
    expected: np.ndarray  # baseline on the original scale


class DetectorBank:
    """`n` independent detectors sharing one set of settings."""

    def __init__(self, n: int, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self.n = n
        self.seen = np.zeros(n, dtype=np.int64)
        self.last_time = np.full(n, np.nan)
        self.step = np.full(n, np.nan)
        self.level = np.zeros(n)
        self.recent = np.zeros(n)
        self.day = np.zeros((n, 24))
        self.week = np.zeros((n, 168))
        self.error_seasonal = np.zeros(n)
        self.error_flat = np.zeros(n)
        self.scale = np.zeros(n)
        self.recent_scale = np.zeros(n)
        self.record = np.zeros(n)
        self.onset = np.zeros(n)  # the last record-breaking surprise, × repeat_headroom
        self.slot_scale = np.zeros((n, 24))
        self.slot_visits = np.zeros((n, 24))
        self.levels = np.zeros((n, _LEVEL_BINS))
        self.surprises = np.zeros((n, _SURPRISE_BINS))
        self._rows = np.arange(n)

    # -- state -----------------------------------------------------------------------------

    def to_dict(self) -> dict:
        state = {name: getattr(self, name).tolist() for name in _STATE_FIELDS}
        return {"n": self.n, "config": self.config.to_dict(), "state": state}

    @classmethod
    def from_dict(cls, data: dict) -> DetectorBank:
        bank = cls(int(data["n"]), DetectorConfig.from_dict(data["config"]))
        for name in _STATE_FIELDS:
            current = getattr(bank, name)
            # A state stored before a field existed keeps that field's fresh value.
            if name in data["state"]:
                setattr(bank, name, np.asarray(data["state"][name], dtype=current.dtype))
        return bank

    # -- update ----------------------------------------------------------------------------

    def update(self, times: np.ndarray | float, values: np.ndarray) -> Step:
        """Feed one bucket per series: `times` in epoch seconds, NaN values are skipped."""
        values = np.asarray(values, dtype=float)
        times = np.broadcast_to(np.asarray(times, dtype=float), values.shape)
        active = np.isfinite(values) & np.isfinite(times)
        y = np.where(active, np.sign(values) * np.log1p(np.abs(values)), 0.0)
        dt = self._advance_clock(times, active)
        first = active & (self.seen == 0)
        self._start(first, y)
        hour_of_day, hour_of_week = _slots(times)
        seasonal = self.day[self._rows, hour_of_day] + self.week[self._rows, hour_of_week]
        weight = self._seasonal_weight()
        expected = self.level + weight * seasonal
        scale = self._effective_scale(hour_of_day)
        surprise = self._surprise(y, expected, scale)
        novelty = self._novelty(y, surprise, active, dt)
        score = self._score(surprise * novelty, active & ~first, dt)
        ready = active & (self.seen >= self.config.warmup_buckets)
        learn = active & ~first
        self._learn(learn, y, expected, seasonal, hour_of_day, hour_of_week, dt)
        self.seen = self.seen + active
        return Step(
            anomaly_score=score,
            surprise=np.where(ready, surprise, 0.0),
            observed=np.where(active, values, np.nan),
            expected=np.where(active, _from_log(expected), np.nan),
        )

    def _advance_clock(self, times: np.ndarray, active: np.ndarray) -> np.ndarray:
        dt = np.where(active & np.isfinite(self.last_time), times - self.last_time, np.nan)
        known = np.isfinite(dt) & (dt > 0)
        typical = np.where(np.isfinite(self.step), self.step, dt)
        # The bucket size is the smallest recent interval: gaps must not stretch it.
        self.step = np.where(known, np.fmin(typical * 1.02, dt), self.step)
        self.last_time = np.where(active, times, self.last_time)
        return np.where(known, dt, np.nan)

    def _start(self, first: np.ndarray, y: np.ndarray) -> None:
        self.level = np.where(first, y, self.level)
        self.recent = np.where(first, y, self.recent)
        self.day[first] = 0.0
        self.week[first] = 0.0

    def _seasonal_weight(self) -> np.ndarray:
        """Use the profiles only where they have predicted better than the level alone."""
        total = self.error_seasonal + self.error_flat
        safe = np.where(total > 0, total, 1.0)
        return np.where(total > 0, np.clip(self.error_flat / safe * 2 - 0.5, 0, 1), 0.0)

    def _effective_scale(self, hour_of_day: np.ndarray) -> np.ndarray:
        if not self.config.seasonal_noise:
            return self.scale
        rows = self._rows
        trust = np.minimum(self.slot_visits[rows, hour_of_day] / 24.0, 1.0)
        return trust * self.slot_scale[rows, hour_of_day] + (1 - trust) * self.scale

    def _surprise(self, y: np.ndarray, expected: np.ndarray, scale: np.ndarray) -> np.ndarray:
        floor = self.config.min_scale
        z_seasonal = (y - expected) / np.maximum(scale, floor)
        z_recent = (y - self.recent) / np.maximum(self.recent_scale, floor)
        agree = np.sign(z_seasonal) == np.sign(z_recent)
        smaller = np.where(np.abs(z_seasonal) < np.abs(z_recent), z_seasonal, z_recent)
        cautious = np.where(agree, smaller, 0.0)
        # Until the profiles have seen a couple of days they cannot tell a daily rise from a
        # surge, so the recent level has a veto; afterwards the seasonal baseline decides.
        history = self.seen * np.nan_to_num(self.step, nan=300.0)
        return np.where(history < self.config.young_days * DAY, cautious, z_seasonal)

    def _novelty(self, y, surprise, active, dt) -> np.ndarray:
        """1 for a level the series has (almost) never reached lately, less for a usual one.

        The share of recent time spent at or beyond this level (above it for a rise, below it
        for a fall) comes from a decaying histogram of log-values. A brand whose mentions
        jump to the same plateau every few days learns that plateau; a new height stays new.
        """
        cfg = self.config
        bins = np.clip(np.searchsorted(_LEVEL_EDGES, y), 0, _LEVEL_BINS - 1)
        rows = self._rows
        below, above, total = _tails(self.levels, rows, bins)
        share = np.where(surprise >= 0, above, below) / np.maximum(total, 1e-12)
        share = np.where(total > 0, share, 0.0)
        familiar = np.clip(-np.log10(share + 1e-12) / cfg.familiarity_decades, 0.0, 1.0)
        novelty = cfg.familiarity_base + (1 - cfg.familiarity_base) * familiar
        elapsed = np.nan_to_num(dt, nan=0.0)
        keep = 0.5 ** (elapsed / (cfg.familiarity_days * DAY))
        self.levels *= np.where(active, keep, 1.0)[:, None]
        self.levels[rows, bins] += active
        return novelty

    def _rarity(self, size: np.ndarray, ready: np.ndarray, dt: np.ndarray) -> np.ndarray:
        """1 for a surprise the series has (almost) never produced lately, less for a usual one.

        The level histogram discounts a familiar height; this discounts a familiar jump. A
        series that bursts many times a week keeps making surprises of about the same size even
        where the heights it reaches vary, and a burst is news when it is rare for that series.
        """
        cfg = self.config
        bins = np.clip(np.searchsorted(_SURPRISE_EDGES, size), 0, _SURPRISE_BINS - 1)
        rows = self._rows
        _, above, total = _tails(self.surprises, rows, bins)
        share = np.where(total > 0, above / np.maximum(total, 1e-12), 0.0)
        rare = np.clip(-np.log10(share + 1e-12) / cfg.rarity_decades, 0.0, 1.0)
        keep = 0.5 ** (np.nan_to_num(dt, nan=0.0) / (cfg.rarity_days * DAY))
        self.surprises *= np.where(ready, keep, 1.0)[:, None]
        self.surprises[rows, bins] += ready
        return cfg.rarity_base + (1 - cfg.rarity_base) * rare

    def _score(self, surprise: np.ndarray, active: np.ndarray, dt: np.ndarray) -> np.ndarray:
        """How far the surprise beats the largest one of the last day or so, squashed to [0, 1)."""
        cfg = self.config
        ready = active & (self.seen >= cfg.warmup_buckets)
        size = np.maximum(surprise, 0.0) + cfg.down_weight * np.maximum(-surprise, 0.0)
        # Calibrated before the record sees it, so a routine burst raises the bar for the next
        # few hours less than a rare one does.
        size = size * self._rarity(size, ready, dt)
        elapsed = np.nan_to_num(dt, nan=0.0)
        decayed = self.record * 0.5 ** (elapsed / (cfg.record_hours * HOUR))
        onset = self.onset * 0.5 ** (elapsed / (cfg.repeat_hours * HOUR))
        ratio = size / np.maximum(np.maximum(decayed, cfg.record_floor), onset)
        self.record = np.where(active, np.maximum(decayed, size), self.record)
        # NAB, like a community manager, counts an episode once but every repeat alert against
        # us: a surge still climbing must clearly outgrow its own onset to score again.
        new_onset = np.where(ratio > 1.0, size * cfg.repeat_headroom, onset)
        self.onset = np.where(active, new_onset, self.onset)
        return np.where(ready, ratio / (1.0 + ratio), 0.0)

    def _rate(self, memory_seconds: float, active: np.ndarray) -> np.ndarray:
        """Per-update learning rate for a memory expressed in time (bucket-size independent)."""
        step = np.where(np.isfinite(self.step), self.step, 300.0)
        early = 1.0 / np.maximum(self.seen, 1)  # plain average while history is short
        rate = np.maximum(step / memory_seconds, early)
        return np.where(active, np.minimum(rate, 1.0), 0.0)

    def _learn(self, mask, y, expected, seasonal, hour_of_day, hour_of_week, dt) -> None:
        cfg = self.config
        floor = cfg.min_scale
        residual = y - expected
        bound = cfg.clip * np.maximum(self.scale, floor)
        clipped = np.clip(residual, -bound, bound)
        # A fresh series has no scale yet: let its first residuals through unclipped.
        clipped = np.where(self.seen < cfg.warmup_buckets, residual, clipped)
        self._learn_errors(mask, y, seasonal)
        a_level = self._rate(cfg.level_hours * HOUR, mask)
        a_day = self._rate(cfg.day_profile_days * HOUR, mask)
        a_week = self._rate(cfg.week_profile_weeks * HOUR, mask)
        self.level = self.level + a_level * clipped
        rows = self._rows
        self.day[rows, hour_of_day] += np.where(mask, a_day * (clipped - a_level * clipped), 0.0)
        self.week[rows, hour_of_week] += np.where(
            mask, a_week * (clipped - a_level * clipped) * 0.5, 0.0
        )
        a_scale = self._rate(cfg.scale_hours * HOUR, mask)
        deviation = np.minimum(np.abs(residual), bound * 2)
        self.scale = self.scale + a_scale * (deviation - self.scale)
        a_slot = self._rate(cfg.scale_hours * HOUR / 24.0 * 3, mask)
        slot = self.slot_scale[rows, hour_of_day]
        fresh = self.slot_visits[rows, hour_of_day] == 0
        self.slot_scale[rows, hour_of_day] = np.where(
            mask, np.where(fresh, self.scale, slot + a_slot * (deviation - slot)), slot
        )
        self.slot_visits[rows, hour_of_day] += mask
        self._learn_recent(mask, y, dt)

    def _learn_errors(self, mask, y, seasonal) -> None:
        a = self._rate(self.config.scale_hours * HOUR, mask)
        self.error_seasonal += a * (np.abs(y - self.level - seasonal) - self.error_seasonal)
        self.error_flat += a * (np.abs(y - self.level) - self.error_flat)

    def _learn_recent(self, mask, y, dt) -> None:
        cfg = self.config
        gap = np.isfinite(dt) & (dt > cfg.max_gap_buckets * np.nan_to_num(self.step, nan=300.0))
        floor = cfg.min_scale
        residual = y - self.recent
        bound = cfg.clip * np.maximum(self.recent_scale, floor)
        clipped = np.where(
            self.seen < cfg.warmup_buckets, residual, np.clip(residual, -bound, bound)
        )
        a = self._rate(cfg.recent_hours * HOUR, mask)
        a_scale = self._rate(cfg.scale_hours * HOUR, mask)
        self.recent_scale = self.recent_scale + a_scale * (
            np.minimum(np.abs(residual), bound * 2) - self.recent_scale
        )
        self.recent = np.where(gap & mask, y, self.recent + a * clipped)


# Log-value bins of a quarter (×1.28) from about -5e8 to 5e8; the ends catch the rest.
_LEVEL_EDGES = np.arange(-20.0, 20.0, 0.25)
_LEVEL_BINS = _LEVEL_EDGES.size + 1


# Surprise-size bins of a quarter of a typical deviation from 2 to 16 (smaller surprises never
# score near an alert, so they share the first bin; the last catches the rest).
_SURPRISE_EDGES = np.arange(2.0, 16.0, 0.25)
_SURPRISE_BINS = _SURPRISE_EDGES.size + 1


def _tails(counts: np.ndarray, rows: np.ndarray, bins: np.ndarray):
    """Per row of a histogram: the weight at or below `bins`, at or above it, and in all."""
    running = np.cumsum(counts, axis=1)  # one pass serves both tails
    below = running[rows, bins]
    total = running[:, -1]
    above = np.maximum(total - below + counts[rows, bins], 0.0)
    return below, above, total


def _slots(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    safe = np.nan_to_num(times, nan=0.0) + _EPOCH_TO_MONDAY
    hour_of_week = ((safe % WEEK) // HOUR).astype(np.int64)
    return hour_of_week % 24, hour_of_week


def _from_log(y: np.ndarray) -> np.ndarray:
    return np.sign(y) * np.expm1(np.abs(y))
