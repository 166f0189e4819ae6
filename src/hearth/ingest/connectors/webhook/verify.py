"""Checking an inbound webhook request: size, signature, freshness, replay, then the items.

Pure functions: the web layer hands over headers, the raw body, the channel's secret, the time
and a ``seen`` callback backed by its store; nothing here touches a database or the network.

The signature covers the timestamp *and* the delivery id as well as the body. Signing the body
alone would let anyone who captured one request replay it within the tolerance window under a
fresh delivery id, defeating the seen-set.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr, ValidationError

from hearth.ingest.connectors.base import FetchResult, Rejected
from hearth.ingest.connectors.http import excerpt
from hearth.ingest.connectors.webhook.schema import WebhookEnvelope, WebhookItem
from hearth.ingest.schemas import MentionIn
from hearth.kit.errors import HearthError

SIGNATURE_HEADER = "X-Hearth-Signature"
TIMESTAMP_HEADER = "X-Hearth-Timestamp"
DELIVERY_HEADER = "X-Hearth-Delivery"
SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE = timedelta(minutes=5)
MAX_BODY_BYTES = 1_000_000
MAX_DELIVERY_ID_CHARS = 200

Secret = str | bytes | SecretStr
Seen = Callable[[str], bool]


class WebhookRejectedError(HearthError):
    """The webhook request was refused as a whole."""

    status = 400
    code = "webhook.rejected"


class WebhookSignatureError(WebhookRejectedError):
    """The signature is missing or does not match the shared secret."""

    status = 401
    code = "webhook.bad_signature"


class WebhookExpiredError(WebhookRejectedError):
    """The request's timestamp is outside the accepted window."""

    status = 401
    code = "webhook.expired"


class WebhookReplayError(WebhookRejectedError):
    """This delivery id was already received."""

    status = 409
    code = "webhook.replayed"


class WebhookTooLargeError(WebhookRejectedError):
    """The request body is larger than accepted."""

    status = 413
    code = "webhook.too_large"


class WebhookPayloadError(WebhookRejectedError):
    """The body is not the documented JSON envelope."""

    status = 422
    code = "webhook.bad_payload"


def signed_bytes(timestamp: str, delivery_id: str, body: bytes) -> bytes:
    """What the HMAC covers: ``<timestamp>.<delivery id>.<raw body>``."""
    return f"{timestamp}.{delivery_id}.".encode() + body


def sign(body: bytes, secret: Secret, *, timestamp: int, delivery_id: str) -> dict[str, str]:
    """The headers a sender attaches; used by tests and by anyone integrating from Python."""
    digest = hmac.new(_key(secret), signed_bytes(str(timestamp), delivery_id, body), hashlib.sha256)
    return {
        TIMESTAMP_HEADER: str(timestamp),
        DELIVERY_HEADER: delivery_id,
        SIGNATURE_HEADER: SIGNATURE_PREFIX + digest.hexdigest(),
    }


def verify_and_parse(
    headers: Mapping[str, str],
    body: bytes,
    secret: Secret | Sequence[Secret],
    now: datetime,
    seen: Seen,
    **limits: Any,
) -> list[MentionIn]:
    """The valid mentions of a verified request; raise ``WebhookRejectedError`` otherwise.

    Items that fail validation are dropped here; call :func:`verify_and_parse_batch` to also
    get them back as ``Rejected`` entries for the response.
    """
    return verify_and_parse_batch(headers, body, secret, now, seen, **limits).items


def verify_and_parse_batch(
    headers: Mapping[str, str],
    body: bytes,
    secret: Secret | Sequence[Secret],
    now: datetime,
    seen: Seen,
    *,
    tolerance: timedelta = DEFAULT_TOLERANCE,
    max_bytes: int = MAX_BODY_BYTES,
) -> FetchResult:
    """Verify, then parse item by item. ``cursor`` carries the delivery id.

    ``seen(delivery_id)`` must return True when the id was already received and otherwise
    remember it (check-and-set); it is only called for authentic, fresh requests so that
    strangers cannot fill the seen-set. Ids need keeping for twice the tolerance.
    """
    if len(body) > max_bytes:
        raise WebhookTooLargeError(f"body is {len(body)} bytes; the limit is {max_bytes}")
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp, delivery_id = _timestamp(lowered), _delivery_id(lowered)
    _check_signature(lowered, timestamp, delivery_id, body, secret)
    _check_fresh(int(timestamp), now, tolerance)
    if seen(delivery_id):
        raise WebhookReplayError(f"delivery {delivery_id!r} was already received")
    items, rejected = parse_items(body)
    return FetchResult(items=items, cursor={"delivery_id": delivery_id}, rejected=rejected)


def parse_items(body: bytes) -> tuple[list[MentionIn], list[Rejected]]:
    """Validate the envelope, then each item on its own; duplicates of an id are refused."""
    envelope = _envelope(body)
    items: list[MentionIn] = []
    rejected: list[Rejected] = []
    ids: set[tuple[str, str]] = set()
    for index, raw in enumerate(envelope.items):
        try:
            mention = WebhookItem.model_validate(raw).to_mention()
        except ValidationError as exc:
            rejected.append(Rejected(f"item {index}: {_explain(exc)}", excerpt(raw)))
            continue
        if mention.received_key() in ids:
            rejected.append(Rejected(f"item {index}: duplicate id in this batch", excerpt(raw)))
            continue
        ids.add(mention.received_key())
        items.append(mention)
    return items, rejected


def response_body(result: FetchResult) -> dict[str, Any]:
    """What the web layer answers: counts and the reason for each refused item."""
    return {
        "delivery_id": result.cursor.get("delivery_id"),
        "accepted": len(result.items),
        "rejected": [{"reason": r.reason} for r in result.rejected],
    }


# --- steps ------------------------------------------------------------------------------------


def _timestamp(headers: Mapping[str, str]) -> str:
    value = headers.get(TIMESTAMP_HEADER.lower(), "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise WebhookSignatureError(f"{TIMESTAMP_HEADER} must be Unix seconds")
    return value


def _delivery_id(headers: Mapping[str, str]) -> str:
    value = headers.get(DELIVERY_HEADER.lower(), "").strip()
    allowed = value.isascii() and all(c.isalnum() or c in "-_.:" for c in value)
    if not value or len(value) > MAX_DELIVERY_ID_CHARS or not allowed:
        raise WebhookSignatureError(
            f"{DELIVERY_HEADER} must be 1-{MAX_DELIVERY_ID_CHARS} characters of A-Z a-z 0-9 - _ . :"
        )
    return value


def _check_signature(
    headers: Mapping[str, str],
    timestamp: str,
    delivery_id: str,
    body: bytes,
    secret: Secret | Sequence[Secret],
) -> None:
    given = headers.get(SIGNATURE_HEADER.lower(), "").strip()
    if not given.startswith(SIGNATURE_PREFIX):
        raise WebhookSignatureError(f"{SIGNATURE_HEADER} must look like sha256=<hex digest>")
    # Bytes, not str: compare_digest refuses non-ASCII text, and headers are attacker-chosen.
    given_hex = given[len(SIGNATURE_PREFIX) :].lower().encode("utf-8", "replace")
    message = signed_bytes(timestamp, delivery_id, body)
    # Several secrets are accepted during a rotation; every one is compared in constant time.
    matches = [
        hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest().encode(), given_hex)
        for key in _keys(secret)
    ]
    if not any(matches):
        raise WebhookSignatureError("the signature does not match the channel's secret")


def _check_fresh(timestamp: int, now: datetime, tolerance: timedelta) -> None:
    skew = abs(now.timestamp() - timestamp)
    if skew > tolerance.total_seconds():
        raise WebhookExpiredError(
            f"timestamp is {skew:.0f}s away from our clock; at most "
            f"{tolerance.total_seconds():.0f}s is accepted"
        )


def _envelope(body: bytes) -> WebhookEnvelope:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookPayloadError(f"body is not valid UTF-8 JSON ({exc})") from exc
    try:
        return WebhookEnvelope.model_validate(data)
    except ValidationError as exc:
        raise WebhookPayloadError(f'body must be {{"items": [...]}}: {_explain(exc)}') from exc


def _explain(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "item"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def _keys(secret: Secret | Sequence[Secret]) -> list[bytes]:
    if isinstance(secret, str | bytes | SecretStr):
        return [_key(secret)]
    return [_key(s) for s in secret]


def _key(secret: Secret) -> bytes:
    if isinstance(secret, SecretStr):
        secret = secret.get_secret_value()
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise WebhookSignatureError("the channel has no secret configured")
    return key
