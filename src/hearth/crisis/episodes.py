"""Alert hygiene as a pure state machine: one alert per episode, not one per noisy bucket.

Feed `EpisodeTracker.observe(at, severity)` once per bucket with the detector's severity. It
returns the events the caller should act on (open an alert, notify, close it):

* an episode opens at the first bucket whose severity reaches `open_at` (one ``opened`` event);
  further elevated buckets only extend it;
* a higher severity than any seen in the episode gives one ``escalated`` event;
* `resolve_after` consecutive quiet buckets (no severity at all) resolve it (``resolved``);
* `snooze(until)` silences notifications until then: events still happen (the caller keeps its
  records) but carry ``notify=False``;
* `acknowledge(at)` records that someone is on it; an episode nobody acknowledges within
  `ack_timeout` buckets gives one ``unacknowledged`` event (for escalating to a second contact).

Everything is plain data: `to_dict`/`from_dict` persist the tracker between buckets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum

from hearth.kit.time import ensure_utc

RANK = {None: 0, "watch": 1, "warning": 2, "crisis": 3}


class EpisodeEventKind(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"
    UNACKNOWLEDGED = "unacknowledged"
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
    ack_timeout: int | None = 6  # buckets; None: never ask for a second contact


@dataclass(frozen=True)
class Episode:
    opened_at: datetime
    severity: str  # the highest severity so far
    quiet: int = 0  # consecutive quiet buckets
    buckets: int = 1
    acknowledged_at: datetime | None = None
    unacknowledged_sent: bool = False


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

    def acknowledge(self, at: datetime) -> None:
        if self.episode is None:
            raise ValueError("there is no open episode to acknowledge")
        if self.episode.acknowledged_at is None:
            self.episode = replace(self.episode, acknowledged_at=ensure_utc(at))

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
        events = self._check_acknowledged(at)
        if self.episode.quiet >= self.rules.resolve_after:
            events.append(self._event(EpisodeEventKind.RESOLVED, at, self.episode.severity))
            self.episode = None
        return events

    def _continue(self, at: datetime, severity: str) -> list[EpisodeEvent]:
        episode = self.episode
        self.episode = replace(episode, quiet=0, buckets=episode.buckets + 1)
        events = []
        if RANK[severity] > RANK[episode.severity]:
            self.episode = replace(self.episode, severity=severity)
            events.append(self._event(EpisodeEventKind.ESCALATED, at, severity))
        return events + self._check_acknowledged(at)

    def _check_acknowledged(self, at: datetime) -> list[EpisodeEvent]:
        episode, timeout = self.episode, self.rules.ack_timeout
        if timeout is None or episode.acknowledged_at or episode.unacknowledged_sent:
            return []
        if episode.buckets <= timeout:
            return []
        self.episode = replace(episode, unacknowledged_sent=True)
        return [self._event(EpisodeEventKind.UNACKNOWLEDGED, at, episode.severity)]

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict:
        episode = None
        if self.episode is not None:
            episode = asdict(self.episode)
            episode["opened_at"] = self.episode.opened_at.isoformat()
            acknowledged = self.episode.acknowledged_at
            episode["acknowledged_at"] = acknowledged.isoformat() if acknowledged else None
        snoozed = self.snoozed_until.isoformat() if self.snoozed_until else None
        return {"rules": asdict(self.rules), "episode": episode, "snoozed_until": snoozed}

    @classmethod
    def from_dict(cls, data: dict) -> EpisodeTracker:
        tracker = cls(EpisodeRules(**data["rules"]))
        if data["snoozed_until"]:
            tracker.snoozed_until = datetime.fromisoformat(data["snoozed_until"])
        if data["episode"]:
            raw = dict(data["episode"])
            raw["opened_at"] = datetime.fromisoformat(raw["opened_at"])
            if raw["acknowledged_at"]:
                raw["acknowledged_at"] = datetime.fromisoformat(raw["acknowledged_at"])
            tracker.episode = Episode(**raw)
        return tracker
