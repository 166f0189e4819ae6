"""Discourse (the brand's own forum): REST reads, signed webhooks; reply, hide, delete."""

from __future__ import annotations

from hearth.ingest.connectors.base import Connector
from hearth.ingest.connectors.discourse.connector import DiscourseConnector, DiscourseCredentials
from hearth.ingest.connectors.discourse.webhooks import (
    WebhookSignatureError,
    parse_webhook,
    post_to_mention,
    verify_signature,
)
from hearth.ingest.connectors.registry import hookimpl

__all__ = [
    "DiscourseConnector",
    "DiscourseCredentials",
    "WebhookSignatureError",
    "parse_webhook",
    "post_to_mention",
    "verify_signature",
]


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [DiscourseConnector]
