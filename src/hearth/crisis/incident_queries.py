"""Reading an incident: its timeline, its key drivers, its chart, the facts of its post-mortem.

No writes, no commits. Everything is read from the incident's window: from the first signal to
the closing (or now), restricted to the incident's topic (a saved query) when it has one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from hearth.crisis.queries import ChartPoint, topic_series
from hearth.crisis.radar import BUCKET, WORKSPACE_TOPIC
from hearth.kit.time import ensure_utc
from hearth.models import (
    CrisisAlert,
    CrisisBucket,
    Incident,
    IncidentEvent,
    IncidentStatement,
    IncidentTask,
    MemberIdentity,
    Mention,
    MentionMatch,
    StatementPost,
)

# How far back the first signal is looked for before the alert, and how many buckets in a row
# above the usual level make a signal (one busy bucket is noise).
SIGNAL_LOOKBACK = timedelta(hours=6)
SIGNAL_FACTOR = 1.5
HISTORY = timedelta(days=7)  # what the incident's terms are compared with
# The most recent mentions read for the terms, in the incident and in the week before: enough
# for stable rates, and the room stays quick in a wave of tens of thousands of mentions
# (benchmarks/incident_room.py). A full sample covers less than its window, and its rate per
# hour is taken over the span it does cover.
TERM_SAMPLE = 5_000
HISTORY_SAMPLE = 10_000
CHART_LEAD = timedelta(hours=1)
CHART_MAX = timedelta(days=3)


def list_incidents(session: Session, workspace_id: str, limit: int = 50) -> list[Incident]:
    """Open incidents first (newest first), then the latest closed ones."""
    still_open = case((Incident.closed_at.is_(None), 0), else_=1)
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.workspace_id == workspace_id)
            .order_by(still_open, Incident.opened_at.desc())
            .limit(limit)
        )
    )


def open_incident_of_alert(session: Session, alert: CrisisAlert) -> Incident | None:
    return session.scalar(
        select(Incident)
        .where(Incident.workspace_id == alert.workspace_id, Incident.alert_id == alert.id)
        .order_by(Incident.opened_at.desc())
        .limit(1)
    )


def first_signal(session: Session, alert: CrisisAlert) -> datetime:
    """The start of the run of buckets above the usual level that ended in the alert.

    The radar alerts once a wave is unmistakable; the post-mortem wants the moment it began,
    which is the time to beat next time.
    """
    rows = list(
        session.scalars(
            select(CrisisBucket)
            .where(
                CrisisBucket.workspace_id == alert.workspace_id,
                CrisisBucket.topic_key == alert.topic_key,
                CrisisBucket.bucket_start >= alert.opened_at - SIGNAL_LOOKBACK,
                CrisisBucket.bucket_start <= alert.opened_at,
            )
            .order_by(CrisisBucket.bucket_start.desc())
        )
    )
    start = alert.opened_at
    expected_at = None
    for index, row in enumerate(rows):
        if expected_at is not None and row.bucket_start != expected_at:
            break  # a gap (an empty bucket) ends the run
        if not _above_usual(row):
            if index == 0:
                continue  # the bucket the alert opened in may still be filling
            break
        start, expected_at = row.bucket_start, row.bucket_start - BUCKET
    return ensure_utc(start)


def _above_usual(row: CrisisBucket) -> bool:
    if row.expected_mentions is None:
        return False
    usual = row.expected_mentions * SIGNAL_FACTOR + 1
    usual_negative = (row.expected_negative or 0.0) * SIGNAL_FACTOR + 1
    return row.mentions > usual or row.negative > usual_negative


def window_end(incident: Incident, now: datetime) -> datetime:
    return ensure_utc(incident.closed_at or now)


def series(session: Session, incident: Incident, now: datetime) -> list[ChartPoint]:
    since = incident.started_at - CHART_LEAD
    until = min(window_end(incident, now), since + CHART_MAX)
    return topic_series(session, incident.workspace_id, incident.topic_key, since, until)


@dataclass(frozen=True)
class Peak:
    at: datetime
    mentions: int
    negative: int


def peak_of(points: list[ChartPoint], since: datetime) -> Peak | None:
    inside = [p for p in points if p.start >= since - BUCKET]
    if not inside or max(p.mentions for p in inside) == 0:
        return None
    top = max(inside, key=lambda p: (p.mentions, p.negative))
    return Peak(top.start, top.mentions, top.negative)


# --- drivers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopPost:
    mention_id: str
    platform: str
    url: str | None
    text: str
    sentiment: str | None
    created_at: datetime
    author: str
    followers: int


@dataclass(frozen=True)
class Share:
    key: str
    count: int
    negative: int


@dataclass(frozen=True)
class DriverTerm:
    term: str
    count: int
    ratio: float
    example: str | None = None  # a copied post's text, for near-duplicate clusters


@dataclass
class Drivers:
    total: int = 0
    negative: int = 0
    top_posts: list[TopPost] = field(default_factory=list)
    terms: list[DriverTerm] = field(default_factory=list)
    platforms: list[Share] = field(default_factory=list)
    languages: list[Share] = field(default_factory=list)
    authors: list[Share] = field(default_factory=list)

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


def _in_topic(query: Select, incident: Incident) -> Select:
    if incident.topic_key == WORKSPACE_TOPIC:
        return query
    return query.join(MentionMatch, MentionMatch.mention_id == Mention.id).where(
        MentionMatch.query_id == incident.topic_key
    )


def _window(query: Select, incident: Incident, since: datetime, until: datetime) -> Select:
    return _in_topic(
        query.where(
            Mention.workspace_id == incident.workspace_id,
            Mention.created_at >= since,
            Mention.created_at < until,
        ),
        incident,
    )


def drivers(session: Session, incident: Incident, now: datetime, top: int = 5) -> Drivers:
    since, until = incident.started_at, window_end(incident, now)
    negative = func.sum(case((Mention.sentiment == "negative", 1), else_=0))

    def shares(column: Any, extra: Select | None = None) -> list[Share]:
        query = extra if extra is not None else select(column, func.count(), negative)
        query = _window(query, incident, since, until).group_by(column)
        rows = session.execute(query.order_by(func.count().desc()).limit(top))
        return [Share(str(key or "?"), int(count), int(neg or 0)) for key, count, neg in rows]

    totals = session.execute(_window(select(func.count(), negative), incident, since, until)).one()
    author = func.coalesce(func.nullif(MemberIdentity.handle, ""), MemberIdentity.display_name)
    authors_query = select(author, func.count(), negative).join(
        MemberIdentity, MemberIdentity.id == Mention.identity_id
    )
    posts_query = (
        select(Mention, MemberIdentity)
        .join(MemberIdentity, MemberIdentity.id == Mention.identity_id)
        .order_by(func.coalesce(MemberIdentity.followers, 0).desc(), Mention.created_at)
        .limit(top * 10)  # read more: one post per author is kept, the widest voices first
    )
    return Drivers(
        total=int(totals[0] or 0),
        negative=int(totals[1] or 0),
        top_posts=_one_per_author(
            session.execute(_window(posts_query, incident, since, until)).all(), top
        ),
        terms=rising_terms(session, incident, since, until),
        platforms=shares(Mention.platform),
        languages=shares(Mention.language),
        authors=shares(author, authors_query),
    )


def _one_per_author(rows: Sequence[Any], top: int) -> list[TopPost]:
    """The most-followed authors' earliest post in the window, one each."""
    posts: list[TopPost] = []
    seen: set[str] = set()
    for mention, identity in rows:
        if identity.id in seen:
            continue
        seen.add(identity.id)
        posts.append(
            TopPost(
                mention.id,
                mention.platform,
                mention.url,
                (mention.text or mention.title or "")[:280],
                mention.sentiment,
                ensure_utc(mention.created_at),
                identity.handle or identity.display_name,
                identity.followers or 0,
            )
        )
        if len(posts) == top:
            break
    return posts


def _term_counts(
    session: Session, incident: Incident, since: datetime, until: datetime, sample: int
) -> tuple[Counter, dict[str, str], float]:
    """Keyword and copied-post counts of a window, and the hours the sample covers."""
    query = _window(
        select(Mention.created_at, Mention.enrichment, Mention.dup_signature, Mention.text),
        incident,
        since,
        until,
    ).order_by(Mention.created_at.desc()).limit(sample)
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    oldest = until
    rows = 0
    for created_at, found, signature, text in session.execute(query):
        rows += 1
        oldest = min(oldest, ensure_utc(created_at))
        counts.update(set((found or {}).get("keywords") or []))
        if signature:
            counts[f"dup:{signature}"] += 1
            examples.setdefault(f"dup:{signature}", (text or "")[:140])
    # A full sample covers less than the window: rates use the span actually read.
    start = oldest if rows >= sample else since
    return counts, examples, max((until - start).total_seconds() / 3600, 0.25)


def rising_terms(
    session: Session, incident: Incident, since: datetime, until: datetime, top: int = 8
) -> list[DriverTerm]:
    """Terms of the incident far more frequent than in the week before it (rate per hour)."""
    now_counts, examples, hours = _term_counts(session, incident, since, until, TERM_SAMPLE)
    before, _, before_hours = _term_counts(
        session, incident, since - HISTORY, since, HISTORY_SAMPLE
    )
    ranked = []
    for term, count in now_counts.items():
        if count < 3:
            continue
        # +1 smoothing: a term never seen before rises from "once in the whole history".
        ratio = (count / hours) / ((before.get(term, 0) + 1) / before_hours)
        if ratio < 2:
            continue
        ranked.append((count * math.log(ratio), term, count, ratio))
    ranked.sort(reverse=True)
    return [
        DriverTerm(
            term if not term.startswith("dup:") else "",
            count,
            round(ratio, 1),
            examples.get(term),
        )
        for _, term, count, ratio in ranked[:top]
    ]


# --- timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor: str = ""
    body: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def timeline(
    session: Session, incident: Incident, points: list[ChartPoint] | None = None
) -> list[TimelineEntry]:
    """Stored events plus what the data says: the first signal and the peak."""
    entries = [
        TimelineEntry(incident.started_at, "first_signal", data={"topic": incident.topic_label})
    ]
    if points:
        peak = peak_of(points, incident.started_at)
        if peak is not None:
            entries.append(
                TimelineEntry(peak.at, "peak", data={"mentions": peak.mentions,
                                                     "negative": peak.negative})
            )
    for event in session.scalars(
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.at, IncidentEvent.id)
    ):
        entries.append(
            TimelineEntry(ensure_utc(event.at), event.kind, event.actor_label, event.body,
                          event.data or {})
        )
    entries.sort(key=lambda e: e.at)
    return entries


def statements(session: Session, incident: Incident) -> list[IncidentStatement]:
    return list(
        session.scalars(
            select(IncidentStatement)
            .where(IncidentStatement.incident_id == incident.id)
            .order_by(IncidentStatement.drafted_at.desc())
        )
    )


def live_statements(
    session: Session, workspace_id: str, language: str | None, limit: int = 2
) -> list[tuple[Incident, IncidentStatement]]:
    """Approved statements of the open incidents, the conversation's language first: the agents
    answering the wave quote the one voice the brand agreed on."""
    rows = session.execute(
        select(Incident, IncidentStatement)
        .join(IncidentStatement, IncidentStatement.incident_id == Incident.id)
        .where(
            Incident.workspace_id == workspace_id,
            Incident.closed_at.is_(None),
            IncidentStatement.state == "approved",
        )
        .order_by(IncidentStatement.approved_at.desc())
    ).all()
    ranked = sorted(rows, key=lambda row: row[1].language != (language or "")[:2])
    return [(incident, statement) for incident, statement in ranked[:limit]]


def posts_by_statement(session: Session, incident: Incident) -> dict[str, list[StatementPost]]:
    rows = session.scalars(
        select(StatementPost)
        .join(IncidentStatement, IncidentStatement.id == StatementPost.statement_id)
        .where(IncidentStatement.incident_id == incident.id)
        .order_by(StatementPost.created_at)
    )
    out: dict[str, list[StatementPost]] = {}
    for post in rows:
        out.setdefault(post.statement_id, []).append(post)
    return out


def tasks(session: Session, incident: Incident) -> list[IncidentTask]:
    return list(
        session.scalars(
            select(IncidentTask)
            .where(IncidentTask.incident_id == incident.id)
            .order_by(IncidentTask.done_at.is_not(None), IncidentTask.created_at)
        )
    )


# --- post-mortem facts ------------------------------------------------------------------------


def _minutes(later: datetime | None, earlier: datetime) -> int | None:
    return None if later is None else max(0, round((later - earlier).total_seconds() / 60))


def facts(session: Session, incident: Incident, now: datetime) -> dict[str, Any]:
    """The numbers of the post-mortem, JSON-ready (frozen into the incident at closing)."""
    points = series(session, incident, now)
    peak = peak_of(points, incident.started_at)
    found = drivers(session, incident, now)
    events = session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
    ).all()
    first_statement = min(
        (ensure_utc(e.at) for e in events if e.kind == "statement.posted"), default=None
    )
    end = window_end(incident, now)
    return {
        "started_at": incident.started_at.isoformat(),
        "opened_at": ensure_utc(incident.opened_at).isoformat(),
        "ended_at": end.isoformat(),
        "duration_minutes": _minutes(end, incident.started_at),
        "minutes_to_open": _minutes(ensure_utc(incident.opened_at), incident.started_at),
        "minutes_to_first_statement": _minutes(first_statement, incident.started_at),
        "peak": {"at": peak.at.isoformat(), "mentions": peak.mentions,
                 "negative": peak.negative} if peak else None,
        "mentions": found.total,
        "negative": found.negative,
        "drivers": {
            "top_posts": [
                {**asdict(p), "created_at": p.created_at.isoformat()} for p in found.top_posts
            ],
            "terms": [asdict(t) for t in found.terms],
            "platforms": [asdict(s) for s in found.platforms],
            "languages": [asdict(s) for s in found.languages],
            "authors": [asdict(s) for s in found.authors],
        },
        "statements_posted": sum(1 for e in events if e.kind == "statement.posted"),
        "tasks_done": sum(1 for e in events if e.kind == "task.done"),
        "series": [
            {"start": p.start.isoformat(), "mentions": p.mentions, "negative": p.negative,
             "expected_mentions": p.expected_mentions, "expected_negative": p.expected_negative}
            for p in points
        ],
    }
