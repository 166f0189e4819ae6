from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, UTCDateTime
from hearth.kit.time import utcnow


class WebhookDelivery(IdMixin, Base):
    """A delivery id an inbound webhook already received: the seen-set against replays.

    Kept for twice the signature tolerance, after which a replayed request is refused as
    expired anyway, so the table stays small.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("channel_id", "delivery_id"),
        Index("ix_webhook_deliveries_expires_at", "expires_at"),
    )

    channel_id: Mapped[str] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
