"""Pure predicates about channels: who may do what, which channels poll, how healthy one is."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.ingest.connectors.base import Capability
from hearth.ingest.connectors.registry import connector_classes

DEFAULT_POLL_MINUTES = 5
# Reading these means asking the network regularly; STREAM-only connectors (the inbound
# webhook) and file imports are pushed to, never polled.
POLLED_CAPABILITIES = frozenset({Capability.SEARCH, Capability.NOTIFICATIONS,
                                 Capability.OWN_COMMENTS, Capability.DIRECT_MESSAGES})


def can_manage_channels(grant: WorkspaceGrant) -> bool:
    return grant.has(Permission.CHANNELS_MANAGE)


def is_pollable(platform: str) -> bool:
    cls = connector_classes().get(platform)
    return cls is not None and bool(cls.capabilities & POLLED_CAPABILITIES)


def poll_minutes(settings: dict[str, Any] | None) -> int:
    value = (settings or {}).get("poll_minutes")
    return value if isinstance(value, int) and value > 0 else DEFAULT_POLL_MINUTES


class HealthStatus(enum.StrEnum):
    HEALTHY = "healthy"
    FAILING = "failing"
    WAITING = "waiting"  # never polled yet, or a push channel that has received nothing
    DISABLED = "disabled"


@dataclass(frozen=True)
class Health:
    status: HealthStatus
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    items_today: int


def health_of(channel: Any, today: Any) -> Health:
    """The badge and figures Settings › Channels shows for one channel."""
    if channel.disabled_at is not None:
        status = HealthStatus.DISABLED
    elif channel.last_error_at is not None and (
        channel.last_success_at is None or channel.last_error_at >= channel.last_success_at
    ):
        status = HealthStatus.FAILING
    elif channel.last_success_at is not None:
        status = HealthStatus.HEALTHY
    else:
        status = HealthStatus.WAITING
    items = channel.items_today if channel.items_day == today else 0
    return Health(status, channel.last_success_at, channel.last_error_at, channel.last_error,
                  items)
