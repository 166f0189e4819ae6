from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, PortableJSON, UTCDateTime
from hearth.kit.time import utcnow


class Conversation(IdMixin, Base):
    """A thread that needs the brand: opened by a routing rule, worked by the team.

    ``state`` is the current step (open, pending, snoozed, closed), kept for the queue's index;
    every step, with who and when, is a ``ConversationEvent``.
    """

    __tablename__ = "conversations"
    # The two indexes serve the queue in its sort order (benchmarks/inbox_RESULTS.md): the
    # whole queue by state, and an agent's own open and waiting conversations.
    __table_args__ = (
        UniqueConstraint("workspace_id", "thread_key"),
        Index("ix_conversations_queue_order", "workspace_id", "state", text("priority DESC"),
              "awaiting_since", "id"),
        Index("ix_conversations_assignee_order", "workspace_id", "assignee_id",
              text("priority DESC"), "awaiting_since", "id",
              postgresql_where=text("state IN ('open', 'pending')"),
              sqlite_where=text("state IN ('open', 'pending')")),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    thread_key: Mapped[str] = mapped_column(String(400))
    platform: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(300), default="")
    member_id: Mapped[str | None] = mapped_column(String(36), index=True)
    identity_id: Mapped[str | None] = mapped_column(String(36))
    root_mention_id: Mapped[str | None] = mapped_column(String(36))
    language: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    priority_label: Mapped[str] = mapped_column(String(16), default="normal")
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    tags: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    routed_by_rule_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when the customer's latest message waits for an answer; None once answered.
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_by_id: Mapped[str | None] = mapped_column(String(36))
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[str | None] = mapped_column(String(36))


class ConversationEvent(IdMixin, Base):
    """One step of a conversation: a message in, a reply out, a note, a change of state."""

    __tablename__ = "conversation_events"
    __table_args__ = (
        Index("ix_conversation_events_timeline", "conversation_id", "at"),
        Index("ix_conversation_events_mention", "workspace_id", "mention_id"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    mention_id: Mapped[str | None] = mapped_column(String(36))
    reply_id: Mapped[str | None] = mapped_column(String(36))
    actor_type: Mapped[str] = mapped_column(String(16), default="system")
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboundReply(IdMixin, Base):
    """A reply on its way to the network. The idempotency key makes a double submit harmless."""

    __tablename__ = "outbound_replies"
    __table_args__ = (UniqueConstraint("workspace_id", "idempotency_key"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str | None] = mapped_column(String(36))
    in_reply_to_mention_id: Mapped[str | None] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(16), default="queued")
    external_id: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attachment(IdMixin, Base):
    """A file sent with a reply. The bytes live in the row: one place to back up, to erase with
    the workspace or the reply (ON DELETE CASCADE), on SQLite and PostgreSQL alike; the sizes are
    capped by the networks (a few MB), far below what either database handles comfortably."""

    __tablename__ = "attachments"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    reply_id: Mapped[str] = mapped_column(
        ForeignKey("outbound_replies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    alt_text: Mapped[str | None] = mapped_column(String(1500))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class RoutingRule(IdMixin, Base):
    """Which mentions become conversations, and what happens to them (docs/inbox.md)."""

    __tablename__ = "routing_rules"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    conditions: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    actions: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    stop_processing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedReply(IdMixin, Base):
    """A reusable answer with variables ({first_name}) and a variant per language."""

    __tablename__ = "saved_replies"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    variants: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KnowledgeItem(IdMixin, Base):
    """An FAQ entry or a past reply marked good: the source of reply suggestions."""

    __tablename__ = "knowledge_items"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="fr")
    source: Mapped[str] = mapped_column(String(16), default="faq")
    tags: Mapped[list[Any]] = mapped_column(PortableJSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConversationPresence(IdMixin, Base):
    """Who is looking at or writing in a conversation right now (collision detection)."""

    __tablename__ = "conversation_presence"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(36))
    activity: Mapped[str] = mapped_column(String(16), default="viewing")
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlaPolicy(IdMixin, Base):
    """Response and resolution targets for conversations of a priority (and, optionally, a
    network). The most specific matching policy applies."""

    __tablename__ = "sla_policies"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    priority_label: Mapped[str | None] = mapped_column(String(16))
    platform: Mapped[str | None] = mapped_column(String(40))
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    next_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SlaBreach(IdMixin, Base):
    """A target missed: which conversation, which target, when it was due."""

    __tablename__ = "sla_breaches"
    __table_args__ = (UniqueConstraint("conversation_id", "kind", "due_at"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    policy_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))  # first_response, next_response, resolution
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assignee_id: Mapped[str | None] = mapped_column(String(36))


class CsatSurvey(IdMixin, Base):
    """A satisfaction question sent after closing; the answer, if any, with its time."""

    __tablename__ = "csat_surveys"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    platform: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(2000))
