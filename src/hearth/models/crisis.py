"""The crisis radar's tables: counters per bucket, detector state per series, alerts.

A *topic* is either the whole workspace (``topic_key = ""``) or one saved listening query (its
id). The key is a plain string rather than a nullable foreign key so that the unique keys the
upserts rely on hold on both databases (NULLs never conflict).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, PortableJSON, UTCDateTime
from hearth.kit.time import utcnow


class CrisisBucket(IdMixin, Base):
    """Counts of one topic in one fixed bucket of the mentions' own time (``created_at``).

    Bumped in the transaction that stores the mentions; the radar later writes what it expected
    (the baseline drawn on the charts) and when it evaluated the bucket.
    """

    __tablename__ = "crisis_buckets"
    __table_args__ = (UniqueConstraint("workspace_id", "topic_key", "bucket_start"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    topic_key: Mapped[str] = mapped_column(String(36), default="")
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)
    toxic: Mapped[int] = mapped_column(Integer, default=0)
    new_authors: Mapped[int] = mapped_column(Integer, default=0)
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    expected_mentions: Mapped[float | None] = mapped_column(Float)
    expected_negative: Mapped[float | None] = mapped_column(Float)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CrisisWatch(IdMixin, Base):
    """The radar's memory of one topic: up to which bucket it looked, the episode, the terms."""

    __tablename__ = "crisis_watches"
    __table_args__ = (UniqueConstraint("workspace_id", "topic_key"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    topic_key: Mapped[str] = mapped_column(String(36), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_bucket: Mapped[datetime | None] = mapped_column(UTCDateTime)
    episode: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    terms: Mapped[dict[str, Any] | None] = mapped_column(PortableJSON)
    alert_id: Mapped[str | None] = mapped_column(String(36))


class CrisisDetectorState(IdMixin, Base):
    """`Detector.to_dict()` of one series: (workspace, topic, metric)."""

    __tablename__ = "crisis_detector_states"
    __table_args__ = (UniqueConstraint("workspace_id", "topic_key", "metric"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    topic_key: Mapped[str] = mapped_column(String(36), default="")
    metric: Mapped[str] = mapped_column(String(40))
    state: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CrisisAlert(IdMixin, Base):
    """One alert per episode. The reason is stored as data and put in words for each viewer."""

    __tablename__ = "crisis_alerts"
    __table_args__ = (
        # The banner on every workspace page: open alerts of one workspace.
        Index("ix_crisis_alerts_open", "workspace_id", "resolved_at", "opened_at"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    topic_key: Mapped[str] = mapped_column(String(36), default="")
    # Copied when the alert opens, so the alert stays readable if the query is renamed/archived.
    topic_label: Mapped[str | None] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[dict[str, Any]] = mapped_column(PortableJSON)
    rising_terms: Mapped[list[dict[str, Any]]] = mapped_column(PortableJSON, default=list)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[str | None] = mapped_column(String(36))
    snoozed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_by_id: Mapped[str | None] = mapped_column(String(36))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[str | None] = mapped_column(String(36))
