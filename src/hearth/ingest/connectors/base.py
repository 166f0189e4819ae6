"""The contract every connector fulfils, built-in or third-party.

A connector talks to one network. It never touches the database: it is given decrypted
credentials, an ``httpx.Client`` (so tests can point it at a fake server on 127.0.0.1), an
opaque JSON cursor from its last run, and the workspace's search terms. It returns normalised
``MentionIn`` items, the next cursor, and a record of what it refused. The ingest layer stores the
cursor, the health and the items; the publish and inbox layers call ``reply``/``publish``/``hide``.

Errors are typed so the caller can decide: ``RateLimitedError`` carries ``retry_after`` seconds,
``AuthExpiredError`` asks for a token refresh (``refresh_credentials``) or a human, and
``TransientNetworkError`` is retried with backoff, ``PermanentNetworkError`` is not.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel

from hearth.ingest.schemas import MentionIn
from hearth.kit.errors import HearthError


class Capability(enum.StrEnum):
    SEARCH = "search"  # read mentions found by searching the network
    STREAM = "stream"  # push/streaming reception (websocket, firehose, webhook, IMAP IDLE)
    OWN_COMMENTS = "own_comments"  # read comments/replies on the brand's own posts
    NOTIFICATIONS = "notifications"  # read direct mentions of the brand account
    REPLY = "reply"
    PUBLISH = "publish"
    HIDE = "hide"
    DELETE = "delete"
    DIRECT_MESSAGES = "direct_messages"
    ATTACHMENTS = "attachments"  # files sent with a reply, within ``attachment_policy``


class ConnectorError(HearthError):
    """The network could not be reached or refused the request."""

    status = 502
    code = "connector.error"


class RateLimitedError(ConnectorError):
    """The network asks us to slow down."""

    code = "connector.rate_limited"

    def __init__(self, message: str = "", *, retry_after: float = 60.0) -> None:
        super().__init__(message or f"rate limited; retry after {retry_after:.0f}s")
        self.retry_after = retry_after


class AuthExpiredError(ConnectorError):
    """The credentials were refused or have expired."""

    code = "connector.auth_expired"


class TransientNetworkError(ConnectorError):
    """The network failed in a way worth retrying (timeout, 5xx)."""

    code = "connector.transient"


class PermanentNetworkError(ConnectorError):
    """The network refused the request for good (4xx other than 401/429, malformed answer)."""

    code = "connector.permanent"


@dataclass(frozen=True)
class Rejected:
    """A raw item the connector could not normalise: kept for the operator, never fatal."""

    reason: str
    raw_excerpt: str  # at most a few hundred characters of what was received


@dataclass
class FetchResult:
    items: list[MentionIn]
    cursor: dict[str, Any]
    rejected: list[Rejected] = field(default_factory=list)
    # True when the connector knows more is waiting right now (the caller may fetch again).
    has_more: bool = False


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str  # in plain words, shown on Settings › Channels
    account: str | None = None  # the account the credentials belong to, when known


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    # The network did not answer in time: the item may or may not exist. Reconciled later by
    # ``find_delivery``, never blindly retried (DESIGN §3.6).
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Delivery:
    outcome: DeliveryOutcome
    external_id: str | None = None
    url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class AttachmentPolicy:
    """What one reply may carry on a network, from the network's published limits.

    The composer shows it, the inbox enforces it before anything is stored, and the connector
    can rely on it: a file it is handed has a type from ``content_types`` (sniffed from the
    bytes, never the browser's word) and fits the sizes.
    """

    max_count: int
    max_bytes: int  # per file
    content_types: frozenset[str]
    max_total_bytes: int | None = None  # all files of one reply together
    alt_text: bool = False  # the network shows a description with images (accessibility)
    max_alt_chars: int = 1500


@dataclass(frozen=True)
class OutgoingAttachment:
    """A file to send with a reply, already checked against the connector's policy."""

    filename: str
    content_type: str
    data: bytes
    alt_text: str | None = None


@dataclass(frozen=True)
class FetchRequest:
    """What the workspace wants heard: search terms, hashtags, handles, places to watch."""

    terms: Sequence[str] = ()
    hashtags: Sequence[str] = ()
    handles: Sequence[str] = ()
    # Connector-specific places, e.g. subreddits, feed URLs, Discourse categories.
    sources: Sequence[str] = ()
    since: datetime | None = None
    limit: int = 100


class Connector:
    """Base class. Subclasses set the class attributes and override what they support."""

    platform: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    # The form a user fills in on Settings › Channels; fields typed SecretStr are encrypted at rest.
    credentials_model: ClassVar[type[BaseModel]]
    # Characters allowed in one post/reply on this network, for the composer's length check.
    max_text_length: ClassVar[int | None] = None
    # Set with ``Capability.ATTACHMENTS``: what a reply may carry.
    attachment_policy: ClassVar[AttachmentPolicy | None] = None

    def __init__(self, credentials: BaseModel, *, http: httpx.Client) -> None:
        self.credentials = credentials
        self.http = http

    def test_connection(self) -> ConnectionCheck:
        raise NotImplementedError

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        raise NotImplementedError

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),
    ) -> Delivery:
        """Answer an item. Files are uploaded before the reply is posted: a refused upload is
        raised as ``PermanentNetworkError`` (nothing was posted), so the caller marks the reply
        FAILED and keeps it for "Send again". Only connectors with ``ATTACHMENTS`` get files."""
        raise NotImplementedError

    def publish(self, text: str, *, idempotency_key: str) -> Delivery:
        raise NotImplementedError

    def hide(self, external_id: str) -> None:
        raise NotImplementedError

    def delete(self, external_id: str) -> None:
        raise NotImplementedError

    def find_delivery(
        self,
        idempotency_key: str,
        *,
        text: str | None = None,
        parent_external_id: str | None = None,
    ) -> Delivery | None:
        """Reconcile an UNKNOWN delivery: look for the item we may have created.

        Networks that let us choose the record key find it from the idempotency key alone;
        the others match the parent and the text we sent.
        """
        return None

    def refresh_credentials(self) -> BaseModel | None:
        """Return new credentials after a token refresh, or None when the network has none.

        Some networks refresh sessions during ordinary calls too: callers save
        ``self.credentials`` after every call, not only after this one.
        """
        return None

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities
