"""Bluesky (AT Protocol): search and notifications, the Jetstream firehose; reply, post, delete."""

from __future__ import annotations

from hearth.ingest.connectors.base import Connector
from hearth.ingest.connectors.bluesky.connector import (
    BlueskyConnector,
    BlueskyCredentials,
    rkey_for,
)
from hearth.ingest.connectors.bluesky.normalise import (
    iter_jetstream,
    jetstream_url,
    parse_jetstream_event,
    post_view_to_mention,
)
from hearth.ingest.connectors.registry import hookimpl

__all__ = [
    "BlueskyConnector",
    "BlueskyCredentials",
    "iter_jetstream",
    "jetstream_url",
    "parse_jetstream_event",
    "post_view_to_mention",
    "rkey_for",
]


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [BlueskyConnector]
