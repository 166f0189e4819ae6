"""Where crisis alerts are sent, who wants them, and what was delivered.

Destinations are per workspace (e-mail addresses and webhooks, configured by admins); each user
sets their own preferences for the crisis e-mails. A delivery row per (alert, destination, event)
makes a retried job skip what already left.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hearth.kit.db import Base, IdMixin, UTCDateTime
from hearth.kit.time import utcnow


class AlertDestination(IdMixin, Base):
    """One e-mail address (``kind = "email"``) or webhook (``slack``, ``teams``, ``generic``)."""

    __tablename__ = "alert_destinations"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    # The e-mail address or the webhook URL.
    target: Mapped[str] = mapped_column(String(500))
    # The webhook's signing secret, sealed with SecretBox (never stored in clear).
    secret_sealed: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[str | None] = mapped_column(String(36))


class AlertEscalationPolicy(IdMixin, Base):
    """Who hears of an alert nobody acknowledged within ``delay_minutes``."""

    __tablename__ = "alert_escalation_policies"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), unique=True
    )
    contact_email: Mapped[str] = mapped_column(String(320))
    delay_minutes: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationPreference(IdMixin, Base):
    """One user's crisis e-mail preferences in one workspace (no row: the defaults)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    crisis_email: Mapped[bool] = mapped_column(Boolean, default=True)
    min_severity: Mapped[str] = mapped_column(String(16), default="warning")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertNotification(IdMixin, Base):
    """A notification that left: one per (alert, destination, event), so retries never resend."""

    __tablename__ = "alert_notifications"
    __table_args__ = (UniqueConstraint("alert_id", "destination", "event"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    alert_id: Mapped[str] = mapped_column(
        ForeignKey("crisis_alerts.id", ondelete="CASCADE"), index=True
    )
    # "email:<address>", "webhook:<destination id>" or "escalation:<address>".
    destination: Mapped[str] = mapped_column(String(400))
    # "opened", "escalated:<severity>" or "escalation".
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
