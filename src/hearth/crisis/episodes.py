"""Alert hygiene as a pure state machine: one alert per episode, not one per noisy bucket.

Feed `EpisodeTracker.observe(at, severity)` once per bucket with the detector's severity. It
returns the events the caller should act on (open an alert, notify, close it):

* an episode opens at the first bucket whose severity reaches `open_at` (one ``opened`` event);
  further elevated buckets only extend it;
* a higher severity than any seen in the episode gives one ``escalated`` event;
* `resolve_after` consecutive quiet buckets (no severity at all) resolve it (``resolved``);
* `snooze(until)` silences notifications until then: events still happen (the caller keeps its
  records) but carry ``notify=False``.

Escalation to a second contact when nobody acknowledges an alert is not the tracker's business:
it is a job scheduled when the alert opens, with the workspace's delay (`notify.py`).

Everything is plain data: `to_dict`/`from_dict` persist the tracker between buckets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import StrEnum

from hearth.kit.time import ensure_utc

RANK = {None: 0, "watch": 1, "warning": 2, "crisis": 3}


class EpisodeEventKind(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class EpisodeEvent:
    kind: EpisodeEventKind
    at: datetime
    severity: str | None
    notify: bool


@dataclass(frozen=True)
class EpisodeRules:
    open_at: str = "warning"  # the lowest severity that opens an episode
    resolve_after: int = 6  # quiet buckets (30 minutes of 5-minute buckets)


@dataclass(frozen=True)
class Episode:
    opened_at: datetime
    severity: str  # the highest severity so far
    quiet: int = 0  # consecutive quiet buckets
    buckets: int = 1


class EpisodeTracker:
    def __init__(self, rules: EpisodeRules | None = None) -> None:
        self.rules = rules or EpisodeRules()
        if self.rules.open_at not in RANK or self.rules.open_at is None:
            raise ValueError(f"open_at must be one of watch, warning, crisis: {self.rules.open_at}")
        self.episode: Episode | None = None
        self.snoozed_until: datetime | None = None

    # -- commands --------------------------------------------------------------------------

    def snooze(self, until: datetime) -> None:
        self.snoozed_until = ensure_utc(until)

    # -- the clock -------------------------------------------------------------------------

    def observe(self, at: datetime, severity: str | None) -> list[EpisodeEvent]:
        at = ensure_utc(at)
        if severity not in RANK:
            raise ValueError(f"unknown severity: {severity!r}")
        if self.episode is None:
            return self._maybe_open(at, severity)
        if RANK[severity] == 0:
            return self._quiet(at)
        return self._continue(at, severity)

    def is_snoozed(self, at: datetime) -> bool:
        return self.snoozed_until is not None and ensure_utc(at) < self.snoozed_until

    def _event(self, kind: EpisodeEventKind, at: datetime, severity: str | None) -> EpisodeEvent:
        return EpisodeEvent(kind, at, severity, notify=not self.is_snoozed(at))

    def _maybe_open(self, at: datetime, severity: str | None) -> list[EpisodeEvent]:
        if RANK[severity] < RANK[self.rules.open_at]:
            return []
        self.episode = Episode(opened_at=at, severity=severity)
        return [self._event(EpisodeEventKind.OPENED, at, severity)]

    def _quiet(self, at: datetime) -> list[EpisodeEvent]:
        episode = replace(self.episode, quiet=self.episode.quiet + 1)
        self.episode = replace(episode, buckets=episode.buckets + 1)
        if self.episode.quiet < self.rules.resolve_after:
            return []
        resolved = self._event(EpisodeEventKind.RESOLVED, at, self.episode.severity)
        self.episode = None
        return [resolved]

    def _continue(self, at: datetime, severity: str) -> list[EpisodeEvent]:
        episode = self.episode
        self.episode = replace(episode, quiet=0, buckets=episode.buckets + 1)
        events = []
        if RANK[severity] > RANK[episode.severity]:
            self.episode = replace(self.episode, severity=severity)
            events.append(self._event(EpisodeEventKind.ESCALATED, at, severity))
        return events

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict:
        episode = None
        if self.episode is not None:
            episode = asdict(self.episode)
            episode["opened_at"] = self.episode.opened_at.isoformat()
        snoozed = self.snoozed_until.isoformat() if self.snoozed_until else None
        return {"rules": asdict(self.rules), "episode": episode, "snoozed_until": snoozed}

    @classmethod
    def from_dict(cls, data: dict) -> EpisodeTracker:
        # Fields a state saved by an older version may still carry (ack_timeout,
        # acknowledged_at…) are dropped: only what the dataclasses know is read.
        tracker = cls(EpisodeRules(**_known(EpisodeRules, data["rules"])))
        if data["snoozed_until"]:
            tracker.snoozed_until = datetime.fromisoformat(data["snoozed_until"])
        if data["episode"]:
            raw = _known(Episode, data["episode"])
            raw["opened_at"] = datetime.fromisoformat(raw["opened_at"])
            tracker.episode = Episode(**raw)
        return tracker


def _known(kind: type, values: dict) -> dict:
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in values.items() if k in names}
