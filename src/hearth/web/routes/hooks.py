"""Inbound webhooks: ``POST /hooks/{platform}/{channel_id}``, authenticated by a signature.

No session and no CSRF token: the signature over the body with the channel's secret is the
authentication. Every refusal is answered in JSON with the same shape. The body is read with a
hard limit before anything else, and the answer for an unknown channel is the same 404 as for a
channel of another kind, so channel ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from hearth.config import Settings
from hearth.ingest.actions import do_record_health, do_remember_delivery, do_store_pushed_items
from hearth.ingest.connectors import discourse, webhook
from hearth.ingest.connectors.base import ConnectorError
from hearth.ingest.connectors.http import PayloadTooLargeError
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.consumer import enrich_items
from hearth.ingest.credentials import open_credentials
from hearth.ingest.schemas import MentionIn
from hearth.kit.crypto import SecretBox, SecretDecryptionError
from hearth.kit.db import transaction
from hearth.kit.errors import HearthError
from hearth.kit.time import utcnow
from hearth.models import Channel

router = APIRouter(include_in_schema=False)

HARD_LIMIT_BYTES = 10_000_000  # above any channel's own limit


class BodyTooLargeError(HearthError):
    """The request body is larger than accepted."""

    status = 413
    code = "webhook.too_large"


class UnknownHookError(HearthError):
    """No such webhook."""

    status = 404
    code = "webhook.not_found"


def _json_error(exc: HearthError) -> JSONResponse:
    return JSONResponse({"error": exc.code, "message": exc.message}, status_code=exc.status)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(f"body is {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _load(factory: sessionmaker[Session], settings: Settings, platform: str,
          channel_id: str) -> tuple[Channel, BaseModel]:
    """The enabled channel of this platform and its credentials, read in a short transaction."""
    with transaction(factory) as session:
        channel = session.get(Channel, channel_id)
        if channel is None or channel.platform != platform or channel.disabled_at is not None:
            raise UnknownHookError()
        model = get_connector_class(platform).credentials_model
        try:
            credentials = open_credentials(SecretBox(settings.resolved_secret_key), model,
                                           channel.credentials_encrypted)
        except (SecretDecryptionError, HearthError):
            raise UnknownHookError() from None
        session.expunge(channel)
        return channel, credentials


def _store(factory: sessionmaker[Session], channel_id: str, items: list[MentionIn],
           delivery: tuple[str, timedelta] | None = None) -> bool:
    """Enrich (no transaction open), then remember the delivery and store its items together."""
    enrichments = enrich_items(items) if items else []
    with transaction(factory) as session:
        channel = session.get(Channel, channel_id)
        if channel is None:
            raise UnknownHookError()
        now = utcnow()
        if delivery and not do_remember_delivery(session, channel, delivery[0], now=now,
                                                 keep=delivery[1]):
            return False
        do_store_pushed_items(session, channel, items, enrichments, now=now)
    return True


# --- the inbound webhook (docs/connectors.md) ------------------------------------------------


async def _receive_webhook(request: Request, channel_id: str) -> Response:
    factory, settings = request.app.state.sessionmaker, request.app.state.settings
    channel, credentials = _load(factory, settings, "webhook", channel_id)
    assert isinstance(credentials, webhook.WebhookSettings)
    body = await _read_body(request, credentials.max_body_bytes)
    limits = credentials.limits()

    def seen(delivery_id: str) -> bool:
        # A first look; the authoritative check-and-set happens with the store, below.
        from hearth.ingest.queries import delivery_seen

        with transaction(factory) as session:
            return delivery_seen(session, channel.id, delivery_id, utcnow())

    result = webhook.verify_and_parse_batch(request.headers, body, credentials.secrets(),
                                            utcnow(), seen, **limits)
    delivery_id = str(result.cursor["delivery_id"])
    if not _store(factory, channel.id, result.items, (delivery_id, 2 * limits["tolerance"])):
        raise webhook.WebhookReplayError(f"delivery {delivery_id!r} was already received")
    return JSONResponse(webhook.response_body(result))


# --- Discourse webhooks ------------------------------------------------------------------


async def _receive_discourse(request: Request, channel_id: str) -> Response:
    factory, settings = request.app.state.sessionmaker, request.app.state.settings
    channel, credentials = _load(factory, settings, "discourse", channel_id)
    assert isinstance(credentials, discourse.DiscourseCredentials)
    if credentials.webhook_secret is None:
        raise UnknownHookError()
    body = await _read_body(request, discourse.webhooks.MAX_WEBHOOK_BYTES)
    mention = discourse.parse_webhook(
        request.headers, body, secret=credentials.webhook_secret.get_secret_value(),
        base_url=credentials.base_url)
    items = [mention] if mention is not None else []
    _store(factory, channel.id, items)
    return JSONResponse({"accepted": len(items), "rejected": []})


Receiver = Callable[[Request, str], Awaitable[Response]]
# Platforms that push to Hearth, and how each authenticates and reads a delivery.
RECEIVERS: dict[str, Receiver] = {"webhook": _receive_webhook, "discourse": _receive_discourse}


@router.post("/hooks/{platform}/{channel_id}")
async def receive(request: Request, platform: str, channel_id: str) -> Response:
    receiver = RECEIVERS.get(platform)
    try:
        if receiver is None:
            raise UnknownHookError()
        return await receiver(request, channel_id)
    except ConnectorError as exc:
        # Raised by a connector's parser: here it is the sender's body that is wrong, not a
        # network we called.
        _note_refusal(request, channel_id, exc)
        status = 413 if isinstance(exc, PayloadTooLargeError) else 422
        return JSONResponse({"error": exc.code, "message": exc.message}, status_code=status)
    except HearthError as exc:
        if exc.status != 404:
            _note_refusal(request, channel_id, exc)
        return _json_error(exc)


def _note_refusal(request: Request, channel_id: str, exc: HearthError) -> None:
    """Show a refused delivery on the channel's health, so a broken integration is visible."""
    factory = request.app.state.sessionmaker
    with transaction(factory) as session:
        channel = session.get(Channel, channel_id)
        if channel is not None:
            do_record_health(session, channel, now=utcnow(),
                             error=f"A delivery was refused: {exc.message}")


def hook_url(request: Request, settings: Settings | None, channel: Any) -> str | None:
    """The address a sender posts to, for the channel's settings page."""
    if channel is None or channel.platform not in RECEIVERS:
        return None
    base = ((settings.base_url if settings else None) or str(request.base_url)).rstrip("/")
    return f"{base}/hooks/{channel.platform}/{channel.id}"
