"""The append-only, hash-chained audit log.

Each entry's hash covers its own fields and the previous entry's hash, and ``audit_heads`` holds
the newest sequence number and hash: editing any entry, deleting one in the middle, or deleting
the tail all break verification, which names the first broken entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.kit.db import is_postgres
from hearth.kit.time import utcnow
from hearth.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
_HEAD_ID = 1
# Any 64-bit constant: serialises appends on PostgreSQL so two transactions cannot fork the chain.
_PG_AUDIT_LOCK = 0x48454152544841


@dataclass(frozen=True)
class Target:
    type: str
    id: str | None
    label: str | None = None


def _canonical(entry: AuditEntry) -> bytes:
    fields: dict[str, Any] = {
        "seq": entry.seq,
        "workspace_id": entry.workspace_id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_type": entry.actor_type,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_chain(session: Session) -> None:
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_AUDIT_LOCK})
    # On SQLite every write transaction starts with BEGIN IMMEDIATE: appends are already serial.


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    workspace_id: str | None,
    target: Target | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction (DESIGN §3.1: one write path, always audited)."""
    _lock_chain(session)
    head = session.get(AuditHead, _HEAD_ID, with_for_update=True)
    prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    entry = AuditEntry(
        seq=prev_seq + 1,
        workspace_id=workspace_id,
        at=at or utcnow(),
        actor_type=actor.kind.value,
        actor_id=actor.id,
        actor_label=actor.label[:320],
        action=action,
        target_type=target.type if target else None,
        target_id=target.id if target else None,
        target_label=(target.label or "")[:320] if target else None,
        data=data or {},
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    if head is None:
        session.add(AuditHead(id=_HEAD_ID, seq=entry.seq, hash=entry.hash))
    else:
        head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def _entries(session: Session, batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> tuple[int, ChainProblem | None]:
    """Walk the chain; return how many entries were checked and the first problem, if any."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return checked, ChainProblem(expected_seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return checked, ChainProblem(
                entry.seq, f"entry #{entry.seq} does not follow the one before it"
            )
        if entry_hash(entry) != entry.hash:
            return checked, ChainProblem(entry.seq, f"entry #{entry.seq} was modified")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, _HEAD_ID)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != checked or head_hash != prev_hash:
        missing = checked + 1
        return checked, ChainProblem(missing, f"entries from #{missing} on were deleted")
    return checked, None
