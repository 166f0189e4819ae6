"""Reads about channels: guarded fetches, lists, health, and which channels are due a poll."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.ingest.policy import DEFAULT_POLL_MINUTES, is_pollable, poll_minutes
from hearth.kit.errors import NotFoundError
from hearth.kit.jobs import JobState
from hearth.models import Channel, Job

POLL_JOB = "ingest.channel.poll"


class ChannelNotFoundError(NotFoundError):
    """Channel not found."""


def find_channel(session: Session, workspace_id: str, channel_id: str) -> Channel | None:
    channel = session.get(Channel, channel_id)
    if channel is None or channel.workspace_id != workspace_id:
        return None
    return channel


def access_channel(session: Session, actor: Actor, workspace_id: str, channel_id: str,
                   permission: Permission = Permission.CHANNELS_VIEW) -> Channel:
    """The channel if the actor may see (or, with CHANNELS_MANAGE, change) it; 404 otherwise."""
    access_with(session, actor, workspace_id, permission)
    channel = find_channel(session, workspace_id, channel_id)
    if channel is None:
        raise ChannelNotFoundError()
    return channel


def list_channels(session: Session, workspace_id: str) -> list[Channel]:
    return list(session.scalars(
        select(Channel).where(Channel.workspace_id == workspace_id)
        .order_by(Channel.created_at, Channel.id)))


def queued_poll_channel_ids(session: Session) -> set[str]:
    """Channels with a poll already waiting or running: the scheduler must not add another."""
    payloads = session.scalars(select(Job.payload).where(
        Job.kind == POLL_JOB, Job.state.in_([JobState.QUEUED, JobState.RUNNING])))
    return {str(p.get("channel_id")) for p in payloads if isinstance(p, dict)}


def _last_poll(channel: Channel) -> datetime | None:
    moments = [m for m in (channel.last_success_at, channel.last_error_at) if m is not None]
    return max(moments) if moments else None


def is_due(channel: Channel, now: datetime) -> bool:
    last = _last_poll(channel)
    return last is None or last + timedelta(minutes=poll_minutes(channel.settings)) <= now


def list_due_channels(session: Session, now: datetime) -> list[Channel]:
    # The interval lives in each channel's JSON settings, so due-ness is decided in Python; an
    # instance has tens of channels, not millions.
    rows = session.scalars(select(Channel).where(Channel.disabled_at.is_(None))
                           .order_by(Channel.created_at, Channel.id))
    busy = queued_poll_channel_ids(session)
    return [c for c in rows if is_pollable(c.platform) and c.id not in busy and is_due(c, now)]


__all__ = [
    "DEFAULT_POLL_MINUTES",
    "POLL_JOB",
    "ChannelNotFoundError",
    "access_channel",
    "find_channel",
    "is_due",
    "list_channels",
    "list_due_channels",
    "delivery_seen",
    "queued_poll_channel_ids",
]


def delivery_seen(session: Session, channel_id: str, delivery_id: str, now: datetime) -> bool:
    """Was this webhook delivery id already received (and is it still remembered)?"""
    from hearth.models import WebhookDelivery

    return session.scalar(select(WebhookDelivery.id).where(
        WebhookDelivery.channel_id == channel_id, WebhookDelivery.delivery_id == delivery_id,
        WebhookDelivery.expires_at > now)) is not None
