"""The incident room's tables: the incident, its timeline, its tasks, its holding statements.

An incident is opened from a crisis alert or by hand and lives until someone closes it with a
post-mortem. Its timeline is data (who did what, when); the first signal and the peak are read
from the radar's buckets when the room is shown, and frozen into the post-mortem at closing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, PortableJSON, UTCDateTime
from hearth.kit.time import utcnow


class Incident(IdMixin, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        # The room list and the "is an incident open?" check on the crisis pages.
        Index("ix_incidents_open", "workspace_id", "closed_at", "opened_at"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # INC-<number>, counted per workspace
    title: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    topic_key: Mapped[str] = mapped_column(String(36), default="")
    topic_label: Mapped[str | None] = mapped_column(String(200))
    alert_id: Mapped[str | None] = mapped_column(
        ForeignKey("crisis_alerts.id", ondelete="SET NULL"), index=True
    )
    # When the wave began (the alert's first bucket, or the opening time when opened by hand).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[str | None] = mapped_column(String(36))
    lead_id: Mapped[str | None] = mapped_column(String(36))
    # Stricter moderation for the incident's duration; the previous mode is restored at closing.
    strict_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    strict_previous_mode: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[str | None] = mapped_column(String(36))
    # The post-mortem, written at closing: what happened, what worked, what to change.
    summary: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    # Frozen at closing (first signal, peak, volumes, drivers), so the export never changes.
    facts: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class IncidentEvent(IdMixin, Base):
    """One line of the timeline: an action, a note, a statement approved or posted."""

    __tablename__ = "incident_events"
    __table_args__ = (Index("ix_incident_events_incident_at", "incident_id", "at"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)


class IncidentTask(IdMixin, Base):
    """An assignment for the response team ("answer the press", "brief the stores")."""

    __tablename__ = "incident_tasks"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[str | None] = mapped_column(String(36))


class IncidentStatement(IdMixin, Base):
    """A holding statement: drafted from a template, approved by someone who may, then posted."""

    __tablename__ = "incident_statements"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    incident_id: Mapped[str] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    template_key: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft|approved|withdrawn
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drafted_by_id: Mapped[str | None] = mapped_column(String(36))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[str | None] = mapped_column(String(36))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatementPost(IdMixin, Base):
    """An approved statement on its way to one channel; delivered exactly once like a reply."""

    __tablename__ = "statement_posts"
    __table_args__ = (UniqueConstraint("workspace_id", "idempotency_key"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("incident_statements.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(16), default="queued")
    external_id: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
