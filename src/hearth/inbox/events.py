"""The conversation timeline: every step is an event with who and when (lifecycle as data)."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.kit.time import utcnow
from hearth.models.inbox import Conversation, ConversationEvent


class EventKind(enum.StrEnum):
    MESSAGE_RECEIVED = "message.received"
    REPLY_QUEUED = "reply.queued"
    REPLY_SENT = "reply.sent"
    REPLY_FAILED = "reply.failed"
    NOTE_ADDED = "note.added"
    OPENED = "state.opened"
    REOPENED = "state.reopened"
    PENDING = "state.pending"
    SNOOZED = "state.snoozed"
    CLOSED = "state.closed"
    ASSIGNED = "assigned"
    TAGGED = "tagged"
    PRIORITY = "priority.changed"
    ESCALATED = "escalated"
    RULE_APPLIED = "rule.applied"


def add_event(
    session: Session,
    conversation: Conversation,
    kind: EventKind,
    *,
    actor: Actor,
    mention_id: str | None = None,
    reply_id: str | None = None,
    body: str | None = None,
    data: dict[str, Any] | None = None,
) -> ConversationEvent:
    event = ConversationEvent(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        kind=kind,
        mention_id=mention_id,
        reply_id=reply_id,
        actor_type=actor.kind.value,
        actor_id=actor.user_id,
        actor_label=actor.label[:320],
        body=body,
        data=data or {},
        at=utcnow(),
    )
    session.add(event)
    return event
