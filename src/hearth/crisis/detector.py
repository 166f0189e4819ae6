"""One streaming detector for one series of counts in fixed buckets.

`Detector.update(timestamp, value)` returns a `Score`: the anomaly score in [0, 1] (onsets of
surprising rises or falls score high, see `bank.py`), a severity for rises, and the reason.

Severity says how far the series is *now* above its baseline, so it stays up while a surge
lasts (the anomaly score, which rewards onsets, does not):

* ``watch``: at least `record_floor` typical deviations above the baseline, or, once a series
  is elevated, still ×`warning_ratio` its usual level (a lasting surge inflates the typical
  deviation within the hour; the ratio to the usual level is what still says "surge");
* ``warning``: that, and either ×`warning_ratio` the usual level or an alert-level score;
* ``crisis``: that, ×`crisis_ratio` the usual level and at least `crisis_min_count` observed.

A fall is scored (NAB counts both directions) but never gets a severity: fewer mentions is not
a reputation crisis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import numpy as np

from hearth.crisis.bank import DetectorBank, DetectorConfig
from hearth.crisis.reason import Reason, build_reason
from hearth.kit.time import ensure_utc

# Chosen on the whole NAB corpus (51 series): the threshold NAB's optimiser picks for the
# standard profile, rounded. See docs/crisis-detection.md; not tuned per series.
ALERT_THRESHOLD = 0.53

SEVERITIES = ("watch", "warning", "crisis")


@dataclass(frozen=True)
class SeverityRules:
    warning_ratio: float = 1.5
    crisis_ratio: float = 3.0
    crisis_min_count: float = 10.0
    alert_threshold: float = ALERT_THRESHOLD


@dataclass(frozen=True)
class Score:
    anomaly_score: float
    severity: str | None
    reason: Reason
    surprise: float  # signed distance to the baseline, in typical deviations
    alert: bool  # anomaly_score reached the alert threshold (either direction)


def grade(
    surprise: float,
    anomaly_score: float,
    reason: Reason,
    floor: float,
    rules: SeverityRules,
    elevated: bool = False,
) -> str | None:
    """The severity of one bucket (None when not markedly above the baseline).

    `elevated` says the previous bucket had a severity: then the ratio alone keeps it up.
    """
    still_up = elevated and surprise > 0 and reason.ratio >= rules.warning_ratio
    if surprise < floor and not still_up:
        return None
    strong = reason.ratio >= rules.warning_ratio or anomaly_score >= rules.alert_threshold
    if not strong:
        return "watch"
    if reason.ratio >= rules.crisis_ratio and reason.observed >= rules.crisis_min_count:
        return "crisis"
    return "warning"


class Detector:
    """A single series; state fits in a small JSON document (`to_dict`/`from_dict`)."""

    def __init__(
        self,
        metric: str = "mentions",
        config: DetectorConfig | None = None,
        rules: SeverityRules | None = None,
    ) -> None:
        self.metric = metric
        self.rules = rules or SeverityRules()
        self._bank = DetectorBank(1, config)
        self._elevated = False

    def update(self, timestamp: datetime, value: float) -> Score:
        """Feed the count of the bucket starting at `timestamp` (aware); NaN marks a gap."""
        at = ensure_utc(timestamp)
        step = self._bank.update(np.array([at.timestamp()]), np.array([float(value)]))
        return self._to_score(at, value, step)

    def _to_score(self, at: datetime, value: float, step) -> Score:
        expected = float(step.expected[0])
        reason = build_reason(
            self.metric, at, float(value), expected if expected == expected else 0.0
        )
        anomaly = float(step.anomaly_score[0])
        surprise = float(step.surprise[0])
        floor = self._bank.config.record_floor
        alert = anomaly >= self.rules.alert_threshold
        if value != value:  # a gap says nothing: keep the state as it was
            return Score(anomaly, None, reason, surprise, alert)
        severity = grade(surprise, anomaly, reason, floor, self.rules, self._elevated)
        self._elevated = severity is not None
        return Score(anomaly, severity, reason, surprise, alert)

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "rules": asdict(self.rules),
            "bank": self._bank.to_dict(),
            "elevated": self._elevated,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Detector:
        detector = cls(data["metric"], rules=SeverityRules(**data["rules"]))
        detector._bank = DetectorBank.from_dict(data["bank"])
        detector._elevated = bool(data.get("elevated", False))
        return detector
