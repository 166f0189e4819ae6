"""The radar's clock: when buckets close, run the detectors over them and open/close alerts.

`run_tick(session, now)` is idempotent per bucket: each topic remembers the last bucket it
evaluated (`CrisisWatch.last_bucket`), so a tick run twice, or two ticks racing, evaluate each
bucket once (the watch row is locked on PostgreSQL; SQLite serialises writers).

A bucket is closed one minute after its end (`GRACE`) once a later bucket of the same topic has
mentions (the stream has moved past it): mentions that arrive later still count in its row, but
the detectors have moved on. Empty buckets before a later mention are real zeros for the counts,
and gaps (NaN) for the shares. After a long outage only the last `MAX_CATCH_UP` is replayed.

Only the volumes open alerts (`DRIVERS`): negative mentions and all mentions. The shares and the
reach are scored too, for the record, but a single outlet with a million followers, or a quiet
hour where two of three mentions are negative, is not a reputation crisis.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from hearth.crisis import actions
from hearth.crisis.detector import Detector, Score
from hearth.crisis.episodes import RANK, EpisodeEvent, EpisodeEventKind, EpisodeTracker
from hearth.crisis.radar import BUCKET, WORKSPACE_TOPIC, bucket_of
from hearth.crisis.topics import RisingTerm, TermTracker, TopicRules
from hearth.kit.db import is_postgres
from hearth.kit.time import utcnow
from hearth.models import (
    CrisisAlert,
    CrisisBucket,
    CrisisDetectorState,
    CrisisWatch,
    ListeningQuery,
    Mention,
    MentionMatch,
)

GRACE = timedelta(minutes=1)
MAX_CATCH_UP = timedelta(days=8)
TERM_WINDOW = timedelta(days=1)  # the term tracker's memory: older buckets need no terms
DRIVERS = ("negative_mentions", "mentions")
CONTEXT = ("negative_share", "toxic_share", "new_author_share", "reach")
METRICS = DRIVERS + CONTEXT
TERM_RULES = TopicRules(max_terms=2000)  # bounds the JSON rewritten at every bucket


@dataclass
class TickResult:
    buckets: int = 0
    opened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    deferred: int = 0  # topics left for the next tick (budget spent)


def last_closed_bucket(now: datetime) -> datetime:
    return bucket_of(now - GRACE - BUCKET)


def run_tick(
    session: Session, now: datetime | None = None, budget: timedelta | None = None
) -> TickResult:
    """Evaluate every closed bucket not evaluated yet, the topics furthest behind first.

    With a `budget`, stop starting new topics once it is spent: the rest wait for the next
    tick (a minute later, five ticks per bucket). On SQLite the tick holds the only write lock,
    so it must not keep the mention path waiting for long.
    """
    now = now or utcnow()
    result = TickResult()
    until = last_closed_bucket(now)
    query = (
        select(CrisisWatch)
        .where(
            or_(CrisisWatch.last_bucket.is_(None), CrisisWatch.last_bucket < until),
        )
        .order_by(
            CrisisWatch.last_bucket.asc().nulls_first(),
            CrisisWatch.workspace_id,
            CrisisWatch.topic_key,
        )
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    labels: dict[str, dict[str, str]] = {}
    deadline = time.monotonic() + budget.total_seconds() if budget is not None else math.inf
    started_one = False  # every tick moves at least one topic forward
    for watch in session.scalars(query).all():
        if started_one and time.monotonic() > deadline:
            result.deferred += 1
            continue
        started_one = True
        if watch.workspace_id not in labels:
            labels[watch.workspace_id] = _live_topics(session, watch.workspace_id)
        live = labels[watch.workspace_id]
        if watch.topic_key != WORKSPACE_TOPIC and watch.topic_key not in live:
            continue  # an archived or deleted query is no longer watched
        _TopicRun(session, watch, live.get(watch.topic_key), until, now, result).run()
    return result


def _live_topics(session: Session, workspace_id: str) -> dict[str, str]:
    rows = session.execute(
        select(ListeningQuery.id, ListeningQuery.name).where(
            ListeningQuery.workspace_id == workspace_id, ListeningQuery.archived_at.is_(None)
        )
    )
    return {query_id: name for query_id, name in rows}


def bucket_values(row: CrisisBucket | None) -> dict[str, float]:
    """The detectors' inputs for one bucket; shares are undefined (NaN) without mentions."""
    n = row.mentions if row else 0
    negative = row.negative if row else 0

    def share(part: int) -> float:
        return part / n if n else math.nan

    return {
        "mentions": float(n),
        "negative_mentions": float(negative),
        "negative_share": share(negative),
        "toxic_share": share(row.toxic if row else 0),
        "new_author_share": share(row.new_authors if row else 0),
        "reach": float(row.reach if row else 0),
    }


def lead_score(scores: dict[str, Score]) -> tuple[str, Score] | None:
    """The driving metric with the highest severity (then the highest ratio), if any."""
    graded = [(m, scores[m]) for m in DRIVERS if scores[m].severity]
    if not graded:
        return None
    return max(graded, key=lambda ms: (RANK[ms[1].severity], ms[1].reason.ratio))


class _TopicRun:
    """One topic's catch-up from its last evaluated bucket to the last closed one."""

    def __init__(
        self,
        session: Session,
        watch: CrisisWatch,
        label: str | None,
        until: datetime,
        now: datetime,
        result: TickResult,
    ) -> None:
        self.session, self.watch, self.label = session, watch, label
        self.until, self.now, self.result = until, now, result
        self.state_ids: dict[str, str] = {}

    def run(self) -> None:
        self.until = min(self.until, self._settled_until())
        start = self._first_bucket()
        if start is None or start > self.until:
            return
        rows = self._rows(start)
        detectors = self._detectors()
        tracker = (
            EpisodeTracker.from_dict(self.watch.episode) if self.watch.episode else EpisodeTracker()
        )
        terms = (
            TermTracker.from_dict(self.watch.terms) if self.watch.terms else TermTracker(TERM_RULES)
        )
        term_counts, examples = self._term_counts(max(start, self.until - TERM_WINDOW))
        at = start
        while at <= self.until:
            scores = {
                m: d.update(at, v)
                for m, (d, v) in _pair(detectors, bucket_values(rows.get(at))).items()
            }
            self._remember_baseline(rows, at, scores)
            rising = terms.update(term_counts[at]) if at in term_counts else []
            self._observe(tracker, at, scores, _as_dicts(rising, examples))
            self.result.buckets += 1
            at += BUCKET
        self._save(detectors, tracker, terms)

    # -- loading ---------------------------------------------------------------------------

    def _settled_until(self) -> datetime:
        """The last bucket the stream has moved past: one before the newest with mentions.

        Waiting for a later mention means an empty bucket is a real zero, not data still in
        flight (a backfill replaying the past, a consumer behind): a bucket evaluated too early
        would teach the detectors a silence that never was. In live operation this costs
        nothing (the next bucket has mentions by the time the clock closes this one); a topic
        that falls silent is evaluated when it speaks again.
        """
        newest = self.session.scalar(
            select(func.max(CrisisBucket.bucket_start)).where(
                CrisisBucket.workspace_id == self.watch.workspace_id,
                CrisisBucket.topic_key == self.watch.topic_key,
                CrisisBucket.mentions > 0,
            )
        )
        return newest - BUCKET if newest is not None else self.until - MAX_CATCH_UP

    def _first_bucket(self) -> datetime | None:
        first: datetime | None
        if self.watch.last_bucket is not None:
            first = self.watch.last_bucket + BUCKET
        else:
            first = self.session.scalar(
                select(func.min(CrisisBucket.bucket_start)).where(
                    CrisisBucket.workspace_id == self.watch.workspace_id,
                    CrisisBucket.topic_key == self.watch.topic_key,
                )
            )
            if first is None:
                return None
        return max(first, bucket_of(self.until - MAX_CATCH_UP))

    def _rows(self, start: datetime) -> dict[datetime, CrisisBucket]:
        rows = self.session.scalars(
            select(CrisisBucket).where(
                CrisisBucket.workspace_id == self.watch.workspace_id,
                CrisisBucket.topic_key == self.watch.topic_key,
                CrisisBucket.bucket_start >= start,
                CrisisBucket.bucket_start <= self.until,
            )
        )
        return {row.bucket_start: row for row in rows}

    def _detectors(self) -> dict[str, Detector]:
        stored = self.session.execute(
            select(
                CrisisDetectorState.id, CrisisDetectorState.metric, CrisisDetectorState.state
            ).where(
                CrisisDetectorState.workspace_id == self.watch.workspace_id,
                CrisisDetectorState.topic_key == self.watch.topic_key,
            )
        ).all()
        self.state_ids = {metric: state_id for state_id, metric, _ in stored}
        found = {metric: Detector.from_dict(state) for _, metric, state in stored}
        return {m: found.get(m) or Detector(m) for m in METRICS}

    def _term_counts(self, start: datetime) -> tuple[dict[datetime, Counter], dict[str, str]]:
        """Keywords, hashtags and copy-paste clusters (duplicate signatures) per bucket."""
        query = select(
            Mention.created_at, Mention.enrichment, Mention.dup_signature, Mention.text
        ).where(
            Mention.workspace_id == self.watch.workspace_id,
            Mention.created_at >= start,
            Mention.created_at < self.until + BUCKET,
        )
        if self.watch.topic_key != WORKSPACE_TOPIC:
            query = query.join(MentionMatch, MentionMatch.mention_id == Mention.id).where(
                MentionMatch.query_id == self.watch.topic_key
            )
        counts: dict[datetime, Counter] = defaultdict(Counter)
        examples: dict[str, str] = {}
        for created_at, found, signature, text in self.session.execute(query):
            bucket = counts[bucket_of(created_at)]
            bucket.update(set((found or {}).get("keywords") or []))
            if signature:
                key = f"dup:{signature}"
                bucket[key] += 1
                examples.setdefault(key, (text or "")[:140])
        at = bucket_of(start)
        while at <= self.until:  # a bucket without mentions still teaches the tracker
            counts.setdefault(at, Counter())
            at += BUCKET
        return counts, examples

    # -- per bucket ------------------------------------------------------------------------

    def _remember_baseline(
        self, rows: dict[datetime, CrisisBucket], at: datetime, scores: dict[str, Score]
    ) -> None:
        row = rows.get(at)
        if row is None:
            row = CrisisBucket(
                workspace_id=self.watch.workspace_id,
                topic_key=self.watch.topic_key,
                bucket_start=at,
                mentions=0,
                negative=0,
                toxic=0,
                new_authors=0,
                reach=0,
            )
            self.session.add(row)
            rows[at] = row
        row.expected_mentions = scores["mentions"].reason.expected
        row.expected_negative = scores["negative_mentions"].reason.expected
        row.evaluated_at = self.now

    def _observe(
        self,
        tracker: EpisodeTracker,
        at: datetime,
        scores: dict[str, Score],
        rising: list[dict[str, Any]],
    ) -> None:
        lead = lead_score(scores)
        severity = lead[1].severity if lead else None
        alert = self._current_alert()
        if alert is not None and severity and rising:
            actions.merge_terms(alert, rising)
        when = min(at + BUCKET + GRACE, self.now)
        for event in tracker.observe(at, severity):
            self._act(event, lead, rising, tracker, when)

    def _act(
        self,
        event: EpisodeEvent,
        lead: tuple[str, Score] | None,
        rising: list[dict[str, Any]],
        tracker: EpisodeTracker,
        when: datetime,
    ) -> None:
        alert = self._current_alert()
        if event.kind is EpisodeEventKind.OPENED and lead is not None:
            self._open(lead, rising, tracker, when)
        elif event.kind is EpisodeEventKind.ESCALATED and alert is not None and lead is not None:
            metric, score = lead
            actions.do_escalate_alert(
                self.session,
                alert,
                severity=score.severity or alert.severity,
                score=score.anomaly_score,
                metric=metric,
                reason=self._reason(score),
                at=when,
                actor=actions.RADAR,
            )
        elif event.kind is EpisodeEventKind.RESOLVED and alert is not None:
            actions.do_resolve_alert(self.session, alert, actor=actions.RADAR, at=when)
            self.result.resolved.append(alert.id)

    def _open(
        self,
        lead: tuple[str, Score],
        rising: list[dict[str, Any]],
        tracker: EpisodeTracker,
        when: datetime,
    ) -> None:
        metric, score = lead
        snoozed = tracker.snoozed_until if tracker.is_snoozed(when) else None
        alert = actions.do_open_alert(
            self.session,
            actions.NewAlert(
                workspace_id=self.watch.workspace_id,
                topic_key=self.watch.topic_key,
                topic_label=self.label,
                metric=metric,
                severity=score.severity or "warning",
                score=score.anomaly_score,
                reason=self._reason(score),
                rising_terms=rising,
                at=when,
                snoozed_until=snoozed,
            ),
            actor=actions.RADAR,
        )
        self.watch.alert_id = alert.id
        self.result.opened.append(alert.id)

    def _reason(self, score: Score) -> dict[str, Any]:
        return replace(score.reason, topic=self.label).to_dict()

    def _current_alert(self) -> CrisisAlert | None:
        if self.watch.alert_id is None:
            return None
        alert = self.session.get(CrisisAlert, self.watch.alert_id)
        return alert if alert is not None and alert.resolved_at is None else None

    def _save(
        self, detectors: dict[str, Detector], tracker: EpisodeTracker, terms: TermTracker
    ) -> None:
        self.watch.last_bucket = self.until
        self.watch.episode = tracker.to_dict()
        self.watch.terms = terms.to_dict()
        known = [
            {"id": self.state_ids[m], "state": json_safe(d.to_dict()), "updated_at": self.now}
            for m, d in detectors.items()
            if m in self.state_ids
        ]
        if known:  # one executemany instead of an ORM flush per row: this is the tick's hot spot
            self.session.execute(update(CrisisDetectorState), known)
        self.session.add_all(
            [
                CrisisDetectorState(
                    workspace_id=self.watch.workspace_id,
                    topic_key=self.watch.topic_key,
                    metric=m,
                    state=json_safe(d.to_dict()),
                    updated_at=self.now,
                )
                for m, d in detectors.items()
                if m not in self.state_ids
            ]
        )


def json_safe(value: Any) -> Any:
    """NaN and infinities as null: PostgreSQL's JSONB refuses them (numpy reads null back as NaN
    in the detector's float arrays). Through the C encoder: a state holds ~400 numbers."""
    text = json.dumps(value, allow_nan=True)
    return json.loads(_NON_FINITE.sub("null", text))


# Only number tokens: the states hold no string containing these words.
_NON_FINITE = re.compile(r"(?<![\w\"])-?(?:NaN|Infinity)(?![\w\"])")


def _pair(detectors: dict[str, Detector], values: dict[str, float]) -> dict[str, tuple]:
    return {m: (detectors[m], values[m]) for m in METRICS}


def _as_dicts(rising: list[RisingTerm], examples: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for term in rising:
        name = str(term.term)
        kind = (
            "cluster" if name.startswith("dup:") else "hashtag" if name.startswith("#") else "term"
        )
        entry = {
            "term": name,
            "kind": kind,
            "count": term.count,
            "ratio": round(term.ratio, 1),
            "score": round(term.score, 2),
        }
        if kind == "cluster":
            entry["example"] = examples.get(name, "")
        out.append(entry)
    return out
