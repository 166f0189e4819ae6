"""Why the detector flagged a bucket, as data and in words (English and French)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo

from hearth.kit.time import ensure_utc

_METRICS_EN = {
    "mentions": "mentions",
    "negative_mentions": "negative mentions",
    "negative_share": "the share of negative mentions",
    "toxic_share": "the share of toxic mentions",
    "new_author_share": "the share of first-time authors",
    "reach": "reach",
}
_METRICS_FR = {
    "mentions": "les mentions",
    "negative_mentions": "les mentions négatives",
    "negative_share": "la part de mentions négatives",
    "toxic_share": "la part de mentions toxiques",
    "new_author_share": "la part de nouveaux auteurs",
    "reach": "la portée",
}
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class Reason:
    """The facts behind a score; `weekday` (0 = Monday) and `hour` are in UTC."""

    metric: str
    observed: float
    expected: float
    ratio: float
    weekday: int
    hour: int
    at: datetime
    topic: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Reason:
        return cls(**{**data, "at": ensure_utc(datetime.fromisoformat(data["at"]))})


def build_reason(metric: str, at: datetime, observed: float, expected: float) -> Reason:
    at = ensure_utc(at)
    return Reason(
        metric=metric,
        observed=observed,
        expected=expected,
        ratio=ratio_of(observed, expected),
        weekday=at.weekday(),
        hour=at.hour,
        at=at,
    )


def ratio_of(observed: float, expected: float) -> float:
    # Below one unit the "usual level" is noise; one keeps ×N meaningful for quiet series.
    return observed / max(expected, 1.0) if observed >= 0 else 0.0


def _times(ratio: float) -> str:
    if ratio >= 10:
        return f"×{ratio:.0f}"
    return f"×{ratio:.1f}".replace(".0", "")


def _local(reason: Reason, tz: tzinfo | None) -> datetime:
    return reason.at.astimezone(tz) if tz is not None else reason.at


def format_reason_en(reason: Reason, tz: tzinfo | None = None) -> str:
    """E.g. "negative mentions of 'video' ×9 their usual level for a Tuesday 14:00"."""
    when = _local(reason, tz)
    metric = _METRICS_EN.get(reason.metric, reason.metric.replace("_", " "))
    if reason.topic:
        metric = f"{metric} of '{reason.topic}'"
    day = _WEEKDAYS_EN[when.weekday()]
    return f"{metric} {_times(reason.ratio)} their usual level for a {day} {when:%H}:00"


def format_reason_fr(reason: Reason, tz: tzinfo | None = None) -> str:
    """Ex. « les mentions négatives ×9 par rapport à leur niveau habituel un mardi à 14:00 »."""
    when = _local(reason, tz)
    metric = _METRICS_FR.get(reason.metric, reason.metric.replace("_", " "))
    if reason.topic:
        metric = f"{metric} de « {reason.topic} »"
    day = _WEEKDAYS_FR[when.weekday()]
    times = _times(reason.ratio).replace(".", ",")
    return f"{metric} {times} par rapport à leur niveau habituel un {day} à {when:%H}:00"


def format_reason(reason: Reason, locale: str = "en", tz: tzinfo | None = None) -> str:
    if locale.split("_")[0].split("-")[0].lower() == "fr":
        return format_reason_fr(reason, tz)
    return format_reason_en(reason, tz)
