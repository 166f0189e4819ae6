from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, UTCDateTime
from hearth.kit.time import utcnow


class ListeningQuery(IdMixin, Base):
    """A saved, named query of the listening language (docs/listening-queries.md)."""

    __tablename__ = "listening_queries"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_by_id: Mapped[str | None] = mapped_column(String(36))


class MentionMatch(IdMixin, Base):
    """A mention matched a saved query when it arrived."""

    __tablename__ = "mention_matches"
    __table_args__ = (
        UniqueConstraint("mention_id", "query_id"),
        Index("ix_mention_matches_query", "query_id", "mention_id"),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    mention_id: Mapped[str] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    query_id: Mapped[str] = mapped_column(
        ForeignKey("listening_queries.id", ondelete="CASCADE")
    )
