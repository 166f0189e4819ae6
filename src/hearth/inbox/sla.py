"""Service levels: targets per priority and network, clocks shown to agents, breaches recorded.

Targets: first response (from the opening), next response (from the customer's latest
unanswered message, once the first answer was given) and resolution (from the opening).
A clock turns to *warning* when less than a quarter of its target is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hearth.kit.crypto import random_token
from hearth.kit.time import utcnow
from hearth.models.inbox import Conversation, SlaBreach, SlaPolicy

WARNING_SHARE = 0.25


@dataclass(frozen=True)
class Clock:
    kind: str  # first_response, next_response, resolution
    due_at: datetime
    target: timedelta
    state: str  # ok, warning, breached

    def remaining(self, now: datetime) -> timedelta:
        return self.due_at - now


def policy_for(policies: Sequence[SlaPolicy], conversation: Conversation) -> SlaPolicy | None:
    """The most specific policy: network and priority, then priority, then network, then any."""

    def fits(p: SlaPolicy) -> bool:
        return p.priority_label in (None, conversation.priority_label) and p.platform in (
            None,
            conversation.platform,
        )

    candidates = [p for p in policies if p.archived_at is None and fits(p)]
    return max(
        candidates,
        key=lambda p: (p.platform is not None) + 2 * (p.priority_label is not None),
        default=None,
    )


def clocks(conversation: Conversation, policy: SlaPolicy | None, now: datetime) -> list[Clock]:
    if policy is None or conversation.state == "closed":
        return []
    found: list[tuple[str, datetime, int | None]] = []
    if conversation.first_response_at is None:
        found.append(("first_response", conversation.created_at, policy.first_response_minutes))
    elif conversation.awaiting_since is not None:
        found.append(("next_response", conversation.awaiting_since, policy.next_response_minutes))
    found.append(("resolution", conversation.created_at, policy.resolution_minutes))
    result = []
    for kind, start, minutes in found:
        if not minutes:
            continue
        target = timedelta(minutes=minutes)
        due = start + target
        left = due - now
        state = (
            "breached"
            if left <= timedelta(0)
            else ("warning" if left < target * WARNING_SHARE else "ok")
        )
        result.append(Clock(kind, due, target, state))
    return result


def list_policies(session: Session, workspace_id: str) -> list[SlaPolicy]:
    return list(
        session.scalars(
            select(SlaPolicy).where(
                SlaPolicy.workspace_id == workspace_id, SlaPolicy.archived_at.is_(None)
            )
        )
    )


def record_breaches(session: Session, now: datetime | None = None, limit: int = 5000) -> int:
    """Write a breach row for every clock past due (idempotent: one row per clock and due time)."""
    now = now or utcnow()
    open_rows = list(
        session.scalars(
            select(Conversation).where(Conversation.state.in_(("open", "pending"))).limit(limit)
        )
    )
    policies: dict[str, list[SlaPolicy]] = {}
    rows = []
    for conversation in open_rows:
        workspace_policies = policies.setdefault(
            conversation.workspace_id, list_policies(session, conversation.workspace_id)
        )
        policy = policy_for(workspace_policies, conversation)
        for clock in clocks(conversation, policy, now):
            if clock.state == "breached":
                rows.append(
                    {
                        "id": random_token(nbytes=16)[:36],
                        "workspace_id": conversation.workspace_id,
                        "conversation_id": conversation.id,
                        "policy_id": policy.id if policy else "",
                        "kind": clock.kind,
                        "due_at": clock.due_at,
                        "breached_at": now,
                        "assignee_id": conversation.assignee_id,
                    }
                )
    if rows:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SlaBreach)
        session.execute(insert.values(rows).on_conflict_do_nothing())
    return len(rows)
