"""Reads of the Listening page: filtered mentions, counts, volume over time, threads, authors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from hearth.kit.db import epoch_bucket
from hearth.listening.query import Matchable, Query, parse
from hearth.models import ListeningQuery, MemberIdentity, Mention, MentionMatch

# An ad-hoc search (not saved) is evaluated in Python over the newest mentions that pass the
# other filters; saving the query makes it exact and indexed (matched as mentions arrive).
ADHOC_SCAN_LIMIT = 5000
TOXIC_THRESHOLD = 0.5


@dataclass(frozen=True)
class MentionFilter:
    workspace_id: str
    saved_query_id: str | None = None
    adhoc: Query | None = None
    platform: str | None = None
    language: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    toxic_only: bool = False
    since: datetime | None = None
    until: datetime | None = None


def _base(flt: MentionFilter, *columns: Any) -> Select:
    query = select(*columns).select_from(Mention).where(Mention.workspace_id == flt.workspace_id)
    if flt.saved_query_id:
        query = query.join(MentionMatch, MentionMatch.mention_id == Mention.id).where(
            MentionMatch.query_id == flt.saved_query_id
        )
    for column, value in (
        (Mention.platform, flt.platform),
        (Mention.language, flt.language),
        (Mention.sentiment, flt.sentiment),
        (Mention.intent, flt.intent),
    ):
        if value:
            query = query.where(column == value)
    if flt.toxic_only:
        query = query.where(Mention.toxicity >= TOXIC_THRESHOLD)
    if flt.since:
        query = query.where(Mention.created_at >= flt.since)
    if flt.until:
        query = query.where(Mention.created_at < flt.until)
    return query


@dataclass(frozen=True)
class MentionRow:
    mention: Mention
    handle: str
    display_name: str
    followers: int | None


def _matches_adhoc(flt: MentionFilter, mention: Mention, handle: str) -> bool:
    if flt.adhoc is None:
        return True
    return flt.adhoc.matches(
        Matchable(
            text=f"{mention.title or ''} {mention.text}",
            lang=mention.language,
            platform=mention.platform,
            author_handle=handle,
        )
    )


def list_mentions(
    session: Session,
    flt: MentionFilter,
    *,
    limit: int = 50,
    before: tuple[datetime, str] | None = None,
    received_after: datetime | None = None,
) -> list[MentionRow]:
    query = _base(
        flt, Mention, MemberIdentity.handle, MemberIdentity.display_name, MemberIdentity.followers
    ).outerjoin(MemberIdentity, MemberIdentity.id == Mention.identity_id)
    if before:
        query = query.where(
            (Mention.created_at < before[0])
            | ((Mention.created_at == before[0]) & (Mention.id < before[1]))
        )
    if received_after:
        query = query.where(Mention.received_at > received_after)
    query = query.order_by(Mention.created_at.desc(), Mention.id.desc())
    rows: list[MentionRow] = []
    scan = ADHOC_SCAN_LIMIT if flt.adhoc else limit
    for mention, handle, name, followers in session.execute(query.limit(scan)):
        if _matches_adhoc(flt, mention, handle or ""):
            rows.append(MentionRow(mention, handle or "", name or "", followers))
            if len(rows) >= limit:
                break
    return rows


@dataclass
class Summary:
    total: int = 0
    by_sentiment: Counter[str] = field(default_factory=Counter)
    by_platform: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    by_intent: Counter[str] = field(default_factory=Counter)
    toxic: int = 0
    volume: list[tuple[datetime, int, int]] = field(default_factory=list)  # start, all, negative
    bucket_seconds: int = 3600
    approximate: bool = False


def _bucket_size(since: datetime, until: datetime) -> int:
    span = (until - since).total_seconds()
    for seconds in (300, 900, 3600, 6 * 3600, 86400):
        if span / seconds <= 96:
            return seconds
    return 86400


def summarize(session: Session, flt: MentionFilter, now: datetime) -> Summary:
    since = flt.since or now - timedelta(days=7)
    until = flt.until or now
    bucket = _bucket_size(since, until)
    if flt.adhoc is not None:
        return _summarize_rows(
            list_mentions(session, flt, limit=ADHOC_SCAN_LIMIT), since, until, bucket
        )
    summary = Summary(bucket_seconds=bucket)
    for column, counter in (
        (Mention.sentiment, summary.by_sentiment),
        (Mention.platform, summary.by_platform),
        (Mention.language, summary.by_language),
        (Mention.intent, summary.by_intent),
    ):
        for value, count in session.execute(_base(flt, column, func.count()).group_by(column)):
            counter[value or "unknown"] = count
    summary.total = sum(summary.by_platform.values())
    summary.toxic = (
        session.scalar(_base(flt, func.count()).where(Mention.toxicity >= TOXIC_THRESHOLD)) or 0
    )
    dialect = session.get_bind().dialect.name
    key = epoch_bucket(Mention.created_at, bucket, dialect).label("b")
    negative = func.sum(case((Mention.sentiment == "negative", 1), else_=0))
    counts = {
        b: (n, neg or 0)
        for b, n, neg in session.execute(_base(flt, key, func.count(), negative).group_by(key))
    }
    summary.volume = _series(counts, since, until, bucket)
    return summary


def _series(
    counts: dict[int, tuple[int, int]], since: datetime, until: datetime, bucket: int
) -> list[tuple[datetime, int, int]]:
    first, last = int(since.timestamp()) // bucket, int(until.timestamp()) // bucket
    return [
        (datetime.fromtimestamp(b * bucket, UTC), *counts.get(b, (0, 0)))
        for b in range(first, last + 1)
    ]


def _summarize_rows(
    rows: list[MentionRow], since: datetime, until: datetime, bucket: int
) -> Summary:
    summary = Summary(bucket_seconds=bucket, approximate=len(rows) >= ADHOC_SCAN_LIMIT)
    counts: dict[int, list[int]] = {}
    for row in rows:
        m = row.mention
        summary.by_sentiment[m.sentiment or "unknown"] += 1
        summary.by_platform[m.platform] += 1
        summary.by_language[m.language or "unknown"] += 1
        summary.by_intent[m.intent or "unknown"] += 1
        summary.toxic += (m.toxicity or 0) >= TOXIC_THRESHOLD
        slot = counts.setdefault(int(m.created_at.timestamp()) // bucket, [0, 0])
        slot[0] += 1
        slot[1] += m.sentiment == "negative"
    summary.total = len(rows)
    summary.volume = _series({k: (v[0], v[1]) for k, v in counts.items()}, since, until, bucket)
    return summary


def get_mention(session: Session, workspace_id: str, mention_id: str) -> Mention | None:
    mention = session.get(Mention, mention_id)
    if mention is None or mention.workspace_id != workspace_id:
        return None
    return mention


def thread_of(
    session: Session, mention: Mention, depth: int = 20
) -> tuple[list[Mention], list[Mention]]:
    """The chain of parents (oldest first) and the direct replies of a mention."""
    parents: list[Mention] = []
    current = mention
    for _ in range(depth):
        if not current.parent_external_id:
            break
        parent = session.scalar(
            select(Mention).where(
                Mention.workspace_id == mention.workspace_id,
                Mention.platform == mention.platform,
                Mention.external_id == current.parent_external_id,
            )
        )
        if parent is None:
            break
        parents.insert(0, parent)
        current = parent
    replies = list(
        session.scalars(
            select(Mention)
            .where(
                Mention.workspace_id == mention.workspace_id,
                Mention.platform == mention.platform,
                Mention.parent_external_id == mention.external_id,
            )
            .order_by(Mention.created_at)
            .limit(100)
        )
    )
    return parents, replies


def copies_of(session: Session, mention: Mention, limit: int = 20) -> tuple[int, list[Mention]]:
    if not mention.dup_signature:
        return 0, []
    where = (
        Mention.workspace_id == mention.workspace_id,
        Mention.dup_signature == mention.dup_signature,
        Mention.id != mention.id,
    )
    total = session.scalar(select(func.count()).where(*where)) or 0
    rows = list(
        session.scalars(
            select(Mention).where(*where).order_by(Mention.created_at.desc()).limit(limit)
        )
    )
    return total, rows


def author_of(session: Session, mention: Mention) -> tuple[MemberIdentity | None, list[Mention]]:
    if not mention.identity_id:
        return None, []
    identity = session.get(MemberIdentity, mention.identity_id)
    recent = list(
        session.scalars(
            select(Mention)
            .where(Mention.identity_id == mention.identity_id, Mention.id != mention.id)
            .order_by(Mention.created_at.desc())
            .limit(10)
        )
    )
    return identity, recent


def list_saved_queries(session: Session, workspace_id: str) -> list[ListeningQuery]:
    return list(
        session.scalars(
            select(ListeningQuery)
            .where(
                ListeningQuery.workspace_id == workspace_id, ListeningQuery.archived_at.is_(None)
            )
            .order_by(ListeningQuery.name)
        )
    )


def parse_adhoc(text: str) -> Query | None:
    return parse(text) if text.strip() else None
