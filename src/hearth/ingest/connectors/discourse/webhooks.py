"""Discourse posts as ``MentionIn``, and the webhooks Discourse pushes to us (signed, HMAC-SHA256).

A Discourse post is addressed as ``"<topic_id>/<post_number>"``: that is what replies take
(``topic_id`` + ``reply_to_post_number``) and it lets every reply name its parent without a
lookup. The numeric post id, needed to hide or delete, travels in ``raw["post_id"]``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hearth.ingest.connectors.http import (
    MalformedPayloadError,
    PayloadTooLargeError,
    excerpt,
    html_to_text,
    parse_json,
)
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.kit.errors import ForbiddenError

PLATFORM = "discourse"
MENTION_EVENTS = frozenset({"post_created", "post_edited", "post_recovered"})
MAX_WEBHOOK_BYTES = 1_000_000


class WebhookSignatureError(ForbiddenError):
    """The webhook's signature does not match: it did not come from our forum."""

    status = 401
    code = "connector.webhook_signature"


def verify_signature(body: bytes, signature: str | None, secret: str) -> None:
    """Check ``X-Discourse-Event-Signature: sha256=<hex HMAC of the raw body>``."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # Constant-time comparison: a timing leak would let a forger guess the digest byte by byte.
    if not signature or not hmac.compare_digest(signature.strip(), expected):
        raise WebhookSignatureError("Discourse webhook signature is missing or wrong")


def parse_webhook(
    headers: Mapping[str, str], body: bytes, *, secret: str, base_url: str
) -> MentionIn | None:
    """A verified webhook delivery as a mention, or None for events that carry no post.

    Raises ``WebhookSignatureError`` before reading anything when the signature is wrong, and
    ``MalformedPayloadError`` for a body that is not the documented JSON.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if len(body) > MAX_WEBHOOK_BYTES:
        raise PayloadTooLargeError(f"Discourse webhook body exceeds {MAX_WEBHOOK_BYTES} bytes")
    verify_signature(body, lowered.get("x-discourse-event-signature"), secret)
    if lowered.get("x-discourse-event") not in MENTION_EVENTS:
        return None  # ping, topic_*, post_destroyed, user_* …: nothing to listen to
    payload = parse_json(body, source="Discourse webhook")
    post = payload.get("post")
    if not isinstance(post, dict):
        raise MalformedPayloadError(f"Discourse post event without a post: {excerpt(payload)}")
    return post_to_mention(post, base_url=base_url)


def post_to_mention(
    post: Mapping[str, Any], *, base_url: str, topic: Mapping[str, Any] | None = None
) -> MentionIn:
    """A post from ``/posts.json``, ``/search.json`` (with its topic) or a webhook."""
    topic_id, number = int(post["topic_id"]), int(post["post_number"])
    username = str(post["username"])
    html = post["cooked"] if "cooked" in post else post["blurb"]
    reply_to = post.get("reply_to_post_number")
    slug = post.get("topic_slug") or (topic or {}).get("slug")
    title = post.get("topic_title") or (topic or {}).get("title")
    metrics = {
        name: int(post[field])
        for name, field in (("likes", "like_count"), ("replies", "reply_count"), ("reads", "reads"))
        if isinstance(post.get(field), int)
    }
    return MentionIn(
        platform=PLATFORM,
        external_id=f"{topic_id}/{number}",
        url=f"{base_url}/t/{slug}/{topic_id}/{number}"
        if slug
        else f"{base_url}/t/{topic_id}/{number}",
        author=AuthorIn(
            platform_user_id=str(post.get("user_id") or f"username:{username}"),
            handle=f"@{username}",
            display_name=post.get("name") or "",
            url=f"{base_url}/u/{username}",
        ),
        text=html_to_text(str(html)),
        title=title if number == 1 else None,
        kind="post" if number == 1 else "reply",
        created_at=_parse_time(post["created_at"]),
        parent_external_id=f"{topic_id}/{reply_to or 1}" if number > 1 else None,
        metrics=metrics,
        raw={
            "post_id": post.get("id"),
            "category_id": post.get("category_id") or (topic or {}).get("category_id"),
            "hidden": post.get("hidden"),
        },
    )


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {value!r}")
    return moment
