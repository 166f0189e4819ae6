"""Storing a batch of incoming mentions: idempotent upserts, in the caller's transaction.

Upserts key on (workspace, platform, external id), so a redelivered message or a re-fetched page
stores nothing twice (DESIGN §3.6). Community members get a deterministic id derived from their
first identity, so two consumers meeting the same new author at once agree on who it is instead
of racing to create two members.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
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


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def member_id_for(workspace_id: str, platform: str, platform_user_id: str) -> str:
    return str(uuid.uuid5(_MEMBER_NS, f"{workspace_id}\x1f{platform}\x1f{platform_user_id}"))


def _upsert_identities(session: Session, batch: Sequence[Incoming]) -> dict[tuple, str]:
    now = utcnow()
    authors: dict[tuple[str, str, str], MentionIn] = {}
    for entry in batch:
        key = (entry.workspace_id, entry.item.platform, entry.item.author.platform_user_id)
        authors[key] = entry.item
    members = [{"id": member_id_for(*key), "workspace_id": key[0],
                "display_name": item.author.display_name or item.author.handle, "created_at": now}
               for key, item in authors.items()]
    session.execute(_insert(session, CommunityMember).values(members).on_conflict_do_nothing())
    rows = []
    for key, item in authors.items():
        author = item.author
        rows.append({"id": str(uuid.uuid4()), "workspace_id": key[0], "member_id": member_id_for(*key),
                     "platform": key[1], "platform_user_id": key[2], "handle": author.handle,
                     "display_name": author.display_name, "url": author.url,
                     "followers": author.followers, "first_seen_at": now, "last_seen_at": now})
    statement = _insert(session, MemberIdentity).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "platform", "platform_user_id"],
        set_={"handle": statement.excluded.handle, "display_name": statement.excluded.display_name,
              "followers": statement.excluded.followers, "last_seen_at": now},
    ).returning(MemberIdentity.workspace_id, MemberIdentity.platform,
                MemberIdentity.platform_user_id, MemberIdentity.id)
    return {(w, p, u): identity_id for w, p, u, identity_id in session.execute(statement)}


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


def _upsert_mentions(session: Session, batch: Sequence[Incoming],
                     identities: dict[tuple, str]) -> dict[tuple[str, str, str], str]:
    rows = [_mention_row(e, identities.get((e.workspace_id, e.item.platform,
                                            e.item.author.platform_user_id))) for e in batch]
    statement = _insert(session, Mention).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "platform", "external_id"],
        set_={name: getattr(statement.excluded, name) for name in _REFRESHED},
    ).returning(Mention.workspace_id, Mention.platform, Mention.external_id, Mention.id)
    return {(w, p, x): mention_id for w, p, x, mention_id in session.execute(statement)}


def _store_matches(session: Session, batch: Sequence[Incoming],
                   ids: dict[tuple[str, str, str], str]) -> None:
    rows = [{"id": str(uuid.uuid4()), "workspace_id": e.workspace_id,
             "mention_id": ids[(e.workspace_id, e.item.platform, e.item.external_id)],
             "query_id": query_id}
            for e in batch for query_id in e.matched_query_ids]
    if rows:
        session.execute(_insert(session, MentionMatch).values(rows).on_conflict_do_nothing())


def dedupe(batch: Sequence[Incoming]) -> list[Incoming]:
    """Keep the last delivery of each (workspace, platform, external id) within one batch: a
    single upsert statement may not touch the same row twice."""
    latest: dict[tuple[str, str, str], Incoming] = {}
    for entry in batch:
        latest[(entry.workspace_id, entry.item.platform, entry.item.external_id)] = entry
    return list(latest.values())


def store_batch(session: Session, batch: Sequence[Incoming]) -> StoreResult:
    batch = dedupe(batch)
    if not batch:
        return StoreResult()
    identities = _upsert_identities(session, batch)
    ids = _upsert_mentions(session, batch, identities)
    _store_matches(session, batch, ids)
    return StoreResult(mention_ids=ids)


def existing_keys(session: Session, workspace_id: str, platform: str,
                  external_ids: Sequence[str]) -> set[str]:
    rows = session.scalars(select(Mention.external_id).where(
        Mention.workspace_id == workspace_id, Mention.platform == platform,
        Mention.external_id.in_(list(external_ids))))
    return set(rows)
