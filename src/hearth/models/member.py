from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, PortableJSON, UTCDateTime
from hearth.kit.time import utcnow


class CommunityMember(IdMixin, Base):
    """A person of the brand's community, across the networks they use."""

    __tablename__ = "community_members"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # GDPR erasure replaces personal data by a tombstone; the row stays for anonymous aggregates.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tags: Mapped[list[Any]] = mapped_column(PortableJSON, default=list, server_default="[]")


class MemberNote(IdMixin, Base):
    """What the team knows about a member ("prefers e-mail", "builds castles"). Personal data:
    erased with the member."""

    __tablename__ = "member_notes"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(
        ForeignKey("community_members.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str | None] = mapped_column(String(36))
    author_label: Mapped[str] = mapped_column(String(320), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberIdentity(IdMixin, Base):
    """One account of a community member on one platform."""

    __tablename__ = "member_identities"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "platform_user_id"),)

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str] = mapped_column(
        ForeignKey("community_members.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(40))
    platform_user_id: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(200), default="")
    display_name: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    followers: Mapped[int | None] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
