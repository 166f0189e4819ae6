from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, PortableJSON, UTCDateTime
from hearth.kit.time import utcnow


class Mention(IdMixin, Base):
    """The unified item: a post, comment, reply, article, e-mail or message about the brand."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "external_id"),
        Index("ix_mentions_workspace_created", "workspace_id", "created_at"),
        # An author's mentions, newest first (the member sidebar, Listening's author panel).
        Index("ix_mentions_identity_created", "identity_id", text("created_at DESC")),
    )

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(300))
    channel_id: Mapped[str | None] = mapped_column(
        ForeignKey("channels.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str | None] = mapped_column(String(2000))
    identity_id: Mapped[str | None] = mapped_column(
        ForeignKey("member_identities.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(40), default="post")
    title: Mapped[str | None] = mapped_column(String(1000))
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    parent_external_id: Mapped[str | None] = mapped_column(String(300))
    repost_of_external_id: Mapped[str | None] = mapped_column(String(300))
    metrics: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    raw: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
    # Enrichment results (filled by the stream consumer); the full record is in ``enrichment``.
    sentiment: Mapped[str | None] = mapped_column(String(16))
    toxicity: Mapped[float | None] = mapped_column(Float)
    intent: Mapped[str | None] = mapped_column(String(40))
    dup_signature: Mapped[str | None] = mapped_column(String(64), index=True)
    enrichment: Mapped[dict[str, Any]] = mapped_column(PortableJSON, default=dict)
