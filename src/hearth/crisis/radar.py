"""Counting mentions into the radar's buckets, inside the transaction that stores them.

Every newly stored mention bumps the counters of its workspace (topic ``""``) and of each saved
query it matched, in the fixed bucket of its own ``created_at``. `count_batch` runs right after
`store_batch`, in the same transaction, and counts only the keys that transaction inserted
(`StoreResult.new_keys`): a redelivered mention never counts twice, even when two consumers
hold it at once (a look-up before the upsert would let both count it on PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hearth.ingest.store import Incoming, StoreResult
from hearth.kit.db import new_id
from hearth.models import CrisisBucket, CrisisWatch, MemberIdentity

BUCKET = timedelta(minutes=5)
WORKSPACE_TOPIC = ""  # the topic key of "everything said about the workspace's brand"
TOXIC_SCORE = 0.5  # used when an enrichment carries a score but no verdict
Key = tuple[str, str, str]


def bucket_of(at: datetime, size: timedelta = BUCKET) -> datetime:
    """The start of the fixed bucket holding `at` (buckets are aligned on the epoch)."""
    seconds = int(size.total_seconds())
    stamp = int(at.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(stamp, UTC)


@dataclass
class Counts:
    mentions: int = 0
    negative: int = 0
    toxic: int = 0
    new_authors: int = 0
    reach: int = 0

    def add(self, entry: Incoming, new_author: bool) -> None:
        self.mentions += 1
        self.negative += is_negative(entry.enrichment)
        self.toxic += is_toxic(entry.enrichment)
        self.new_authors += new_author
        self.reach += max(int(entry.item.author.followers or 0), 0)


def is_negative(found: dict[str, Any]) -> bool:
    return (found.get("sentiment") or {}).get("label") == "negative"


def is_toxic(found: dict[str, Any]) -> bool:
    toxicity = found.get("toxicity") or {}
    if "toxic" in toxicity:
        return bool(toxicity["toxic"])
    return float(toxicity.get("score") or 0.0) >= TOXIC_SCORE


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def count_batch(session: Session, batch: Sequence[Incoming], stored: StoreResult) -> int:
    """Bump the counters for the mentions `store_batch` just inserted; returns how many."""
    fresh = _inserted(batch, stored.new_keys)
    if not fresh:
        return 0
    newcomers = _new_authors(session, fresh)
    counts: dict[tuple[str, str, datetime], Counts] = defaultdict(Counts)
    for entry in fresh:
        author = (entry.workspace_id, entry.item.platform, entry.item.author.platform_user_id)
        new_author = author in newcomers
        newcomers.discard(author)  # the same newcomer twice in a batch is one first-time author
        start = bucket_of(entry.item.created_at)
        for topic in (WORKSPACE_TOPIC, *sorted(entry.matched_query_ids)):
            counts[(entry.workspace_id, topic, start)].add(entry, new_author)
    _upsert_counts(session, counts)
    _ensure_watches(session, {(ws, topic) for ws, topic, _ in counts})
    return len(fresh)


def _inserted(batch: Sequence[Incoming], new_keys: frozenset[Key]) -> list[Incoming]:
    latest = {(e.workspace_id, e.item.platform, e.item.external_id): e for e in batch}
    return [entry for key, entry in sorted(latest.items()) if key in new_keys]


def _new_authors(session: Session, batch: Sequence[Incoming]) -> set[Key]:
    """Authors whose identity the same transaction created.

    `store_batch` stamps a new identity's ``first_seen_at`` and ``last_seen_at`` with one
    instant and later deliveries move only ``last_seen_at``, so equal stamps, read after the
    upsert, mean "first seen now". Of two consumers meeting the same newcomer at once, only the
    one that inserted the identity sees them equal.
    """
    by_scope: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in batch:
        by_scope[(e.workspace_id, e.item.platform)].add(e.item.author.platform_user_id)
    new: set[Key] = set()
    for (workspace_id, platform), users in by_scope.items():
        for chunk in _chunks(sorted(users)):
            rows = session.scalars(
                select(MemberIdentity.platform_user_id).where(
                    MemberIdentity.workspace_id == workspace_id,
                    MemberIdentity.platform == platform,
                    MemberIdentity.platform_user_id.in_(chunk),
                    MemberIdentity.first_seen_at == MemberIdentity.last_seen_at,
                )
            )
            new.update((workspace_id, platform, u) for u in rows)
    return new


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _upsert_counts(session: Session, counts: dict[tuple[str, str, datetime], Counts]) -> None:
    # Key order: concurrent consumers lock the same rows in the same order (no deadlock).
    rows = [
        {"id": new_id(), "workspace_id": ws, "topic_key": topic, "bucket_start": start, **vars(c)}
        for (ws, topic, start), c in sorted(counts.items())
    ]
    statement = _insert(session, CrisisBucket).values(rows)
    table = CrisisBucket.__table__.c
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "topic_key", "bucket_start"],
        set_={name: table[name] + getattr(statement.excluded, name) for name in vars(Counts())},
    )
    session.execute(statement)


def _ensure_watches(session: Session, topics: set[tuple[str, str]]) -> None:
    rows = [
        {"id": new_id(), "workspace_id": ws, "topic_key": topic} for ws, topic in sorted(topics)
    ]
    session.execute(_insert(session, CrisisWatch).values(rows).on_conflict_do_nothing())


def bump_buckets(
    session: Session, workspace_id: str, rows: Iterable[tuple[str, datetime, Counts]]
) -> None:
    """Add ready-made counts (e.g. replayed from a file or a benchmark) to the radar."""
    counts: dict[tuple[str, str, datetime], Counts] = defaultdict(Counts)
    for topic, start, c in rows:
        total = counts[(workspace_id, topic, bucket_of(start))]
        for name, value in vars(c).items():
            setattr(total, name, getattr(total, name) + value)
    if counts:
        _upsert_counts(session, counts)
        _ensure_watches(session, {(ws, topic) for ws, topic, _ in counts})
