"""Inbound webhook connector: any other source POSTs signed batches of mentions to Hearth.

It is push-only: ``fetch`` has nothing to pull. The web layer receives the request and calls
:func:`verify_and_parse_batch` (or :func:`verify_and_parse`) with the channel's secret; the
schema, the signature scheme and the answers are documented in docs/connectors.md.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from hearth.ingest.connectors.base import (
    Capability,
    ConnectionCheck,
    Connector,
    FetchRequest,
    FetchResult,
)
from hearth.ingest.connectors.registry import hookimpl
from hearth.ingest.connectors.webhook.schema import WebhookEnvelope, WebhookItem
from hearth.ingest.connectors.webhook.verify import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookExpiredError,
    WebhookPayloadError,
    WebhookRejectedError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTooLargeError,
    parse_items,
    response_body,
    sign,
    verify_and_parse,
    verify_and_parse_batch,
)

__all__ = [
    "DELIVERY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookConnector",
    "WebhookEnvelope",
    "WebhookExpiredError",
    "WebhookItem",
    "WebhookPayloadError",
    "WebhookRejectedError",
    "WebhookReplayError",
    "WebhookSettings",
    "WebhookSignatureError",
    "WebhookTooLargeError",
    "generate_secret",
    "parse_items",
    "response_body",
    "sign",
    "verify_and_parse",
    "verify_and_parse_batch",
]

MIN_SECRET_CHARS = 32


def generate_secret() -> str:
    """A fresh shared secret to show once on Settings › Channels (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class WebhookSettings(BaseModel):
    """The shared secret, plus an optional previous one accepted while senders rotate."""

    model_config = ConfigDict(extra="forbid")

    secret: SecretStr = Field(min_length=MIN_SECRET_CHARS, max_length=500)
    previous_secret: SecretStr | None = Field(default=None, max_length=500)
    tolerance_seconds: int = Field(default=300, ge=30, le=3600)
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, le=10_000_000)

    def secrets(self) -> list[SecretStr]:
        extra = [self.previous_secret] if self.previous_secret else []
        return [self.secret, *extra]

    def limits(self) -> dict[str, Any]:
        """Keyword arguments for ``verify_and_parse_batch``."""
        return {
            "tolerance": timedelta(seconds=self.tolerance_seconds),
            "max_bytes": self.max_body_bytes,
        }


class WebhookConnector(Connector):
    platform = "webhook"
    label = "Inbound webhook"
    capabilities = frozenset({Capability.STREAM})
    credentials_model = WebhookSettings

    def test_connection(self) -> ConnectionCheck:
        # Nothing to reach: the check is that the secret is usable for signing.
        settings = WebhookSettings.model_validate(self.credentials.model_dump())
        if len(settings.secret.get_secret_value()) < MIN_SECRET_CHARS:
            return ConnectionCheck(ok=False, message="The secret is too short.")
        return ConnectionCheck(
            ok=True,
            message=(
                f"Ready: POST signed JSON batches with {TIMESTAMP_HEADER}, {DELIVERY_HEADER} "
                f"and {SIGNATURE_HEADER} headers."
            ),
        )

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        # Push-only: items arrive through the web layer, never by polling.
        return FetchResult(items=[], cursor=cursor)


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [WebhookConnector]
