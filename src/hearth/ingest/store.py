"""Storing a batch of incoming mentions: idempotent upserts, in the caller's transaction.

Upserts key on (workspace, platform, external id), so a redelivered message or a re-fetched page
stores nothing twice (DESIGN §3.6). Community members get a deterministic id derived from their
first identity, so two consumers meeting the same new author at once agree on who it is instead
of racing to create two members.

Some ids are chosen by the sender, not by the network: an e-mail's Message-ID is whatever its
author wrote. Such items carry a content fingerprint in ``raw["fingerprint"]``, and
:func:`separate_reused_ids` (run before every upsert, see ``persist.py``) gives an item whose id
is already held by a *different* message an id of its own, ``"<id> <fingerprint>"``. A genuine
redelivery (same fingerprint) still upserts onto its row; a forged or reused id can neither
rewrite a stored mention nor make a later genuine one be dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hearth.ingest.schemas import MentionIn
from hearth.kit.time import utcnow
from hearth.models import CommunityMember, MemberIdentity, Mention, MentionMatch

_MEMBER_NS = uuid.UUID("6c1f3a52-8d0e-4d8e-9a57-1f2b3c4d5e6f")


@dataclass(frozen=True)
class Incoming:
    """One normalised item with what enrichment and listening found about it."""

    workspace_id: str
    item: MentionIn
    enrichment: dict[str, Any]
    matched_query_ids: frozenset[str] = frozenset()


@dataclass
class StoreResult:
    mention_ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    new_identities: int = 0
    # Keys this transaction inserted (not a redelivery's update). Derived counts must use this,
    # not a look-up before the upsert: on PostgreSQL two consumers holding the same redelivered
    # item both see it missing beforehand, but only one of them inserts it.
    new_keys: frozenset[tuple[str, str, str]] = frozenset()


def _insert(session: Session, model: Any) -> Any:
    # On the Core table, executed with a list of rows: SQLAlchemy compiles the statement once
    # and caches it ("insertmanyvalues"), where a multi-row .values(rows) was compiled again for
    # every batch (a third of the consumer's time). Row order in RETURNING does not matter: the
    # results are mapped back by key.
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model.__table__)


def member_id_for(workspace_id: str, platform: str, platform_user_id: str) -> str:
    return str(uuid.uuid5(_MEMBER_NS, f"{workspace_id}\x1f{platform}\x1f{platform_user_id}"))


def _upsert_identities(session: Session, batch: Sequence[Incoming]) -> dict[tuple, str]:
    now = utcnow()
    authors: dict[tuple[str, str, str], MentionIn] = {}
    for entry in batch:
        key = (entry.workspace_id, entry.item.platform, entry.item.author.platform_user_id)
        authors[key] = entry.item
    # Rows in key order: two consumers upserting overlapping authors then lock them in the same
    # order, instead of deadlocking on PostgreSQL.
    authors = dict(sorted(authors.items()))
    members = [{"id": member_id_for(*key), "workspace_id": key[0],
                "display_name": item.author.display_name or item.author.handle, "created_at": now}
               for key, item in authors.items()]
    session.execute(_insert(session, CommunityMember).on_conflict_do_nothing(), members)
    rows = []
    for key, item in authors.items():
        author = item.author
        rows.append({"id": str(uuid.uuid4()), "workspace_id": key[0],
                     "member_id": member_id_for(*key),
                     "platform": key[1], "platform_user_id": key[2], "handle": author.handle,
                     "display_name": author.display_name, "url": author.url,
                     "followers": author.followers, "first_seen_at": now, "last_seen_at": now})
    statement = _insert(session, MemberIdentity)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "platform", "platform_user_id"],
        set_={"handle": statement.excluded.handle, "display_name": statement.excluded.display_name,
              "followers": statement.excluded.followers, "last_seen_at": now},
    ).returning(MemberIdentity.workspace_id, MemberIdentity.platform,
                MemberIdentity.platform_user_id, MemberIdentity.id)
    return {(w, p, u): identity_id for w, p, u, identity_id in session.execute(statement, rows)}


def _mention_row(entry: Incoming, identity_id: str | None) -> dict[str, Any]:
    item, found = entry.item, entry.enrichment
    return {
        "id": str(uuid.uuid4()), "workspace_id": entry.workspace_id, "platform": item.platform,
        "external_id": item.external_id, "channel_id": item.channel_id, "url": item.url,
        "identity_id": identity_id, "kind": item.kind, "title": item.title, "text": item.text,
        "language": found.get("lang") or item.lang_hint, "created_at": item.created_at,
        "received_at": utcnow(), "parent_external_id": item.parent_external_id,
        "repost_of_external_id": item.repost_of_external_id, "metrics": item.metrics,
        "raw": item.raw, "sentiment": (found.get("sentiment") or {}).get("label"),
        "toxicity": (found.get("toxicity") or {}).get("score"),
        "intent": (found.get("intent") or {}).get("label"),
        "dup_signature": found.get("dup_signature"), "enrichment": found,
    }


# Columns a later delivery may refresh (an edited post, new metrics); id and received_at stay.
_REFRESHED = ("url", "kind", "title", "text", "language", "metrics", "raw", "sentiment",
              "toxicity", "intent", "dup_signature", "enrichment", "parent_external_id")


Key = tuple[str, str, str]


def _upsert_mentions(session: Session, batch: Sequence[Incoming],
                     identities: dict[tuple, str]) -> tuple[dict[Key, str], frozenset[Key]]:
    """Upsert the batch; return the mention id of every key, and the keys newly inserted."""
    rows = [_mention_row(e, identities.get((e.workspace_id, e.item.platform,
                                            e.item.author.platform_user_id))) for e in batch]
    postgres = session.get_bind().dialect.name == "postgresql"
    # SQLite: writers are serialised (BEGIN IMMEDIATE), so what exists now is what exists at the
    # upsert. PostgreSQL: a freshly inserted row version has no xmax; an updated one has.
    existing = set() if postgres else _existing(session, batch)
    inserted: Any = literal_column("xmax = 0") if postgres else literal_column("1")
    # Executed with a list of rows, SQLAlchemy also splits a large batch into pages that stay
    # under each database's limit on bound parameters.
    statement = _insert(session, Mention)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "platform", "external_id"],
        set_={name: getattr(statement.excluded, name) for name in _REFRESHED},
    ).returning(Mention.workspace_id, Mention.platform, Mention.external_id, Mention.id,
                inserted)
    ids: dict[Key, str] = {}
    new: set[Key] = set()
    for w, p, x, mention_id, fresh in session.execute(statement, rows):
        ids[(w, p, x)] = mention_id
        if fresh and (w, p, x) not in existing:
            new.add((w, p, x))
    return ids, frozenset(new)


def _existing(session: Session, batch: Sequence[Incoming]) -> set[Key]:
    scopes: dict[tuple[str, str], list[str]] = {}
    for e in batch:
        scopes.setdefault((e.workspace_id, e.item.platform), []).append(e.item.external_id)
    return {(w, p, x) for (w, p), external_ids in scopes.items()
            for x in existing_keys(session, w, p, external_ids)}


def _store_matches(session: Session, batch: Sequence[Incoming],
                   ids: dict[tuple[str, str, str], str]) -> None:
    rows = [{"id": str(uuid.uuid4()), "workspace_id": e.workspace_id,
             "mention_id": ids[(e.workspace_id, e.item.platform, e.item.external_id)],
             "query_id": query_id}
            for e in batch for query_id in e.matched_query_ids]
    if rows:
        session.execute(_insert(session, MentionMatch).on_conflict_do_nothing(), rows)


FINGERPRINT = "fingerprint"
_SEPARATED_ID_CHARS = 300  # the column's width


def separate_reused_ids(session: Session, batch: Sequence[Incoming]) -> list[Incoming]:
    """The batch with each fingerprinted item that reuses a taken id moved to an id of its own.

    An id is taken by the stored row, else by the first item of the batch that claims it. A row
    stored before fingerprints existed is the same message when its author and text are.
    """
    if not any(_fingerprint(e) for e in batch):
        return list(batch)
    owners = _stored_owners(session, [e for e in batch if _fingerprint(e)])
    separated: list[Incoming] = []
    for entry in batch:
        fingerprint = _fingerprint(entry)
        if fingerprint:
            key = (entry.workspace_id, entry.item.platform, entry.item.external_id)
            owner = owners.setdefault(key, _Owner(fingerprint))
            if not owner.is_same(entry, fingerprint):
                entry = _with_own_id(entry, fingerprint)
        separated.append(entry)
    return separated


@dataclass(frozen=True)
class _Owner:
    fingerprint: str | None
    author_id: str | None = None
    text: str | None = None

    def is_same(self, entry: Incoming, fingerprint: str) -> bool:
        if self.fingerprint is not None:
            return self.fingerprint == fingerprint
        return (self.author_id, self.text) == (entry.item.author.platform_user_id, entry.item.text)


def _fingerprint(entry: Incoming) -> str | None:
    value = (entry.item.raw or {}).get(FINGERPRINT)
    return value if isinstance(value, str) and value else None


def _stored_owners(session: Session, batch: Sequence[Incoming]) -> dict[Key, _Owner]:
    owners: dict[Key, _Owner] = {}
    scopes: dict[tuple[str, str], set[str]] = {}
    for e in batch:
        scopes.setdefault((e.workspace_id, e.item.platform), set()).add(e.item.external_id)
    for (workspace_id, platform), external_ids in scopes.items():
        rows = session.execute(
            select(Mention.external_id, Mention.raw, Mention.text, MemberIdentity.platform_user_id)
            .outerjoin(MemberIdentity, MemberIdentity.id == Mention.identity_id)
            .where(Mention.workspace_id == workspace_id, Mention.platform == platform,
                   Mention.external_id.in_(sorted(external_ids))))
        for external_id, raw, text, author_id in rows:
            stored = (raw or {}).get(FINGERPRINT) if isinstance(raw, dict) else None
            owners[(workspace_id, platform, external_id)] = (
                _Owner(stored) if isinstance(stored, str) and stored
                else _Owner(None, author_id, text))
    return owners


def _with_own_id(entry: Incoming, fingerprint: str) -> Incoming:
    # A space never occurs in a Message-ID as parsed, so no sender can claim this id directly.
    suffix = f" {fingerprint[:24]}"
    own_id = entry.item.external_id[: _SEPARATED_ID_CHARS - len(suffix)] + suffix
    item = entry.item.model_copy(update={"external_id": own_id})
    return Incoming(entry.workspace_id, item, entry.enrichment, entry.matched_query_ids)


def dedupe(batch: Sequence[Incoming]) -> list[Incoming]:
    """Keep the last delivery of each (workspace, platform, external id) within one batch: a
    single upsert statement may not touch the same row twice. The result is in key order, so
    concurrent consumers lock rows in the same order (no deadlock on PostgreSQL)."""
    latest: dict[tuple[str, str, str], Incoming] = {}
    for entry in batch:
        latest[(entry.workspace_id, entry.item.platform, entry.item.external_id)] = entry
    return [latest[key] for key in sorted(latest)]


def store_batch(session: Session, batch: Sequence[Incoming]) -> StoreResult:
    batch = dedupe(batch)
    if not batch:
        return StoreResult()
    identities = _upsert_identities(session, batch)
    ids, new = _upsert_mentions(session, batch, identities)
    _store_matches(session, batch, ids)
    return StoreResult(mention_ids=ids, new_keys=new)


def existing_keys(session: Session, workspace_id: str, platform: str,
                  external_ids: Sequence[str]) -> set[str]:
    rows = session.scalars(select(Mention.external_id).where(
        Mention.workspace_id == workspace_id, Mention.platform == platform,
        Mention.external_id.in_(list(external_ids))))
    return set(rows)


def thread_of(session: Session, workspace_id: str, platform: str, external_id: str,
              *, max_depth: int = 50) -> list[Mention]:
    """The whole conversation a mention belongs to: its root first, then replies level by level
    (each level in creation order). Parents that were never received are skipped; ``max_depth``
    bounds the walk, since parent links come from the network and may form a cycle."""
    scope = (Mention.workspace_id == workspace_id, Mention.platform == platform)
    root = external_id
    for _ in range(max_depth):
        parent = session.scalar(select(Mention.parent_external_id).where(
            *scope, Mention.external_id == root))
        if parent is None or not session.scalar(select(Mention.id).where(
                *scope, Mention.external_id == parent)):
            break
        root = parent
    found = list(session.scalars(select(Mention).where(*scope, Mention.external_id == root)))
    seen = {m.external_id for m in found}
    level = [root]
    for _ in range(max_depth):
        replies = [m for m in session.scalars(select(Mention).where(
            *scope, Mention.parent_external_id.in_(level)).order_by(Mention.created_at))
            if m.external_id not in seen]
        if not replies:
            break
        found.extend(replies)
        seen.update(m.external_id for m in replies)
        level = [m.external_id for m in replies]
    return found
