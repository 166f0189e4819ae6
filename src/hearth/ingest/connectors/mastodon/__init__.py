"""Mastodon: search, hashtag and notification timelines, the streaming API; reply, post, delete."""

from __future__ import annotations

from hearth.ingest.connectors.base import Connector
from hearth.ingest.connectors.mastodon.connector import MastodonConnector, MastodonCredentials
from hearth.ingest.connectors.mastodon.normalise import status_to_mention
from hearth.ingest.connectors.mastodon.streaming import iter_stream, parse_sse
from hearth.ingest.connectors.registry import hookimpl

__all__ = [
    "MastodonConnector",
    "MastodonCredentials",
    "iter_stream",
    "parse_sse",
    "status_to_mention",
]


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [MastodonConnector]
