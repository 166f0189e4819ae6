"""Reddit (OAuth API): search and new comments in chosen subreddits; reply, delete, remove."""

from __future__ import annotations

from hearth.ingest.connectors.base import Connector
from hearth.ingest.connectors.reddit.connector import (
    RedditConnector,
    RedditCredentials,
    thing_to_mention,
)
from hearth.ingest.connectors.registry import hookimpl

__all__ = ["RedditConnector", "RedditCredentials", "thing_to_mention"]


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [RedditConnector]
