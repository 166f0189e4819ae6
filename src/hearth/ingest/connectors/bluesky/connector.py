"""Bluesky through XRPC on the account's PDS (``https://bsky.social`` unless self-hosted).

Sessions: an app password opens a session (``createSession``) whose short-lived access token is
renewed with the refresh token (``refreshSession``); an expired access token comes back as
``400 ExpiredToken``, which we raise as ``AuthExpiredError`` so the caller refreshes and stores
the new tokens (``refresh_credentials``).

Exactly-once posting: the record key of every post we create is derived from the delivery's
idempotency key (a valid TID), so a resent ``createRecord`` cannot make a second post and
``find_delivery`` is a plain ``getRecord``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from hearth.ingest.connectors.base import (
    AttachmentPolicy,
    AuthExpiredError,
    Capability,
    ConnectionCheck,
    Connector,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    FetchRequest,
    FetchResult,
    OutgoingAttachment,
    PermanentNetworkError,
)
from hearth.ingest.connectors.bluesky.normalise import (
    NOTIFICATION_REASONS,
    POST_COLLECTION,
    notification_to_mention,
    post_url,
    post_view_to_mention,
    sort_time,
)
from hearth.ingest.connectors.http import (
    BoundedResponse,
    MalformedPayloadError,
    deliver,
    error_for_status,
    excerpt,
    normalise_page,
    send,
)
from hearth.ingest.schemas import MentionIn

SEARCH_LIMIT = 100  # searchPosts: 1..100
NOTIFICATION_LIMIT = 50  # listNotifications: 1..100
MAX_NOTIFICATION_PAGES = 5  # per fetch; the rest waits for the next run (has_more)
EXPIRED_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# Derived record keys carry a timestamp inside 2023 (µs since the epoch): a plausible, past
# TID, so no client sorts our posts into the future.
TID_WINDOW_START = 1_672_531_200_000_000
TID_WINDOW_SPAN = 365 * 24 * 3600 * 1_000_000
IMAGES_EMBED = "app.bsky.embed.images"
# The app.bsky.embed.images lexicon: at most 4 images, each blob at most 1,000,000 bytes.
ATTACHMENTS = AttachmentPolicy(
    max_count=4,
    max_bytes=1_000_000,
    content_types=frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"}),
    alt_text=True,
)
UPLOAD_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


class BlueskyCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifier: str = Field(min_length=1, description="Handle (brand.bsky.social) or e-mail")
    app_password: SecretStr = Field(description="Settings › Privacy and security › App passwords")
    service_url: str = Field(default="https://bsky.social", description="The account's PDS")
    # Filled in by the connector once a session is open; stored encrypted like the password.
    did: str | None = None
    access_jwt: SecretStr | None = None
    refresh_jwt: SecretStr | None = None

    @field_validator("service_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value


class BlueskyConnector(Connector):
    platform = "bluesky"
    label = "Bluesky"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STREAM,
            Capability.NOTIFICATIONS,
            Capability.OWN_COMMENTS,
            Capability.REPLY,
            Capability.PUBLISH,
            Capability.DELETE,
            Capability.ATTACHMENTS,
        }
    )
    credentials_model = BlueskyCredentials
    max_text_length = 300  # graphemes, per the app.bsky.feed.post lexicon
    attachment_policy = ATTACHMENTS

    credentials: BlueskyCredentials

    # --- XRPC plumbing ----------------------------------------------------------------------

    def _xrpc(self, method: str, nsid: str, *, token: str | None = None, **kw: Any) -> Any:
        if token is None:
            token = self._access_token()
        url = f"{self.credentials.service_url}/xrpc/{nsid}"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.pop("headers", {}))
        answer = send(self.http, method, url, headers=headers, ok_statuses=frozenset({400}), **kw)
        if answer.status_code == 400:
            raise _xrpc_error(answer)
        return answer.json()

    def _access_token(self) -> str:
        if self.credentials.access_jwt is None:
            self._open_session()
        assert self.credentials.access_jwt is not None
        return self.credentials.access_jwt.get_secret_value()

    def _open_session(self) -> BlueskyCredentials:
        body = {
            "identifier": self.credentials.identifier,
            "password": self.credentials.app_password.get_secret_value(),
        }
        session = self._xrpc("POST", "com.atproto.server.createSession", token="", json=body)
        return self._keep_session(session)

    def _keep_session(self, session: dict[str, Any]) -> BlueskyCredentials:
        try:
            update = {
                "did": session["did"],
                "access_jwt": SecretStr(session["accessJwt"]),
                "refresh_jwt": SecretStr(session["refreshJwt"]),
            }
        except KeyError as exc:
            raise MalformedPayloadError(f"session answer lacks {exc}") from None
        self.credentials = self.credentials.model_copy(update=update)
        return self.credentials

    def _did(self) -> str:
        if self.credentials.did is None:
            self._open_session()
        assert self.credentials.did is not None
        return self.credentials.did

    # --- contract ---------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        try:
            session = self._xrpc("GET", "com.atproto.server.getSession")
        except AuthExpiredError:
            try:
                self.refresh_credentials()
                session = self._xrpc("GET", "com.atproto.server.getSession")
            except ConnectorError as exc:
                return ConnectionCheck(ok=False, message=exc.message)
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        handle = f"@{session.get('handle', self.credentials.identifier)}"
        return ConnectionCheck(ok=True, message=f"Connected as {handle}", account=handle)

    def refresh_credentials(self) -> BlueskyCredentials:
        """Renew the session with the refresh token; fall back to the app password."""
        refresh = self.credentials.refresh_jwt
        if refresh is not None:
            try:
                session = self._xrpc(
                    "POST",
                    "com.atproto.server.refreshSession",
                    token=refresh.get_secret_value(),
                )
                return self._keep_session(session)
            except AuthExpiredError:
                pass  # the refresh token expired too: start a new session
        return self._open_session()

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        result = FetchResult(items=[], cursor=dict(cursor))
        queries = [*request.terms, *(f"#{t.lstrip('#')}" for t in request.hashtags)]
        for query in queries:
            key = f"search:{query}"
            posts, result.cursor[key], more = self._search(query, cursor.get(key) or {})
            self._collect(result, posts, post_view_to_mention, request)
            result.has_more |= more
        found, result.cursor["notifications"], more = self._notifications(
            cursor.get("notifications") or {}
        )
        self._collect(result, found, notification_to_mention, request)
        result.has_more |= more
        result.items = list({m.external_id: m for m in reversed(result.items)}.values())[::-1]
        return result

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),
    ) -> Delivery:
        # Reading the parent sends nothing: its failures are raised, safe to retry.
        parent = self._get_post(parent_external_id)
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        root = (parent["record"].get("reply") or {}).get("root") or parent_ref
        # A blob is content-addressed and invisible until a record uses it: uploading again on
        # a retry is harmless, and a refusal fails the reply before any post exists.
        images = [self._upload_image(a) for a in attachments]
        embed = {"$type": IMAGES_EMBED, "images": images} if images else None
        return self._create_post(text, idempotency_key, {"root": root, "parent": parent_ref}, embed)

    def publish(self, text: str, *, idempotency_key: str) -> Delivery:
        return self._create_post(text, idempotency_key, None)

    def delete(self, external_id: str) -> None:
        did, collection, rkey = _split_uri(external_id)
        body = {"repo": did, "collection": collection, "rkey": rkey}
        self._xrpc("POST", "com.atproto.repo.deleteRecord", json=body)

    def find_delivery(
        self,
        idempotency_key: str,
        *,
        text: str | None = None,
        parent_external_id: str | None = None,
    ) -> Delivery | None:
        # The record key is derived from the idempotency key: the key alone finds our post.
        params = {
            "repo": self._did(),
            "collection": POST_COLLECTION,
            "rkey": rkey_for(idempotency_key),
        }
        try:
            record = self._xrpc("GET", "com.atproto.repo.getRecord", params=params)
        except _RecordNotFoundError:
            return None
        return Delivery(DeliveryOutcome.SENT, record["uri"], post_url(self._did(), record["uri"]))

    # --- reading ----------------------------------------------------------------------------

    def _search(self, query: str, state: dict[str, Any]) -> tuple[list[Any], dict[str, Any], bool]:
        """One page of ``searchPosts``, newest first, never re-reading before ``since``.

        When a page is full we page on (older) with the API cursor before moving ``since`` up to
        the newest post seen, so a burst larger than a page leaves no gap.
        """
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": SEARCH_LIMIT}
        if state.get("since"):
            params["since"] = state["since"]
        if state.get("page"):
            params["cursor"] = state["page"]
        page = self._xrpc("GET", "app.bsky.feed.searchPosts", params=params)
        posts = _list_field(page, "posts")
        times = [t for t in (sort_time(p) for p in posts if isinstance(p, dict)) if t]
        newest = max([*times, *([state["newest"]] if state.get("newest") else [])], default=None)
        if len(posts) >= SEARCH_LIMIT and page.get("cursor"):
            following = {"since": state.get("since"), "page": page["cursor"], "newest": newest}
            return posts, following, True
        return posts, {"since": newest or state.get("since")}, False

    def _notifications(self, state: dict[str, Any]) -> tuple[list[Any], dict[str, Any], bool]:
        """Notifications newer than the last one seen; the API pages backwards in time.

        A backlog longer than ``MAX_NOTIFICATION_PAGES`` continues next run from the saved API
        cursor; ``seen`` moves up to the newest notification only once the gap is closed.
        """
        seen, newest = state.get("seen"), state.get("newest", state.get("seen"))
        params: dict[str, Any] = {
            "limit": NOTIFICATION_LIMIT,
            "reasons": list(NOTIFICATION_REASONS),
        }
        if state.get("page"):
            params["cursor"] = state["page"]
        fresh: list[Any] = []
        for _ in range(MAX_NOTIFICATION_PAGES):
            page = self._xrpc("GET", "app.bsky.notification.listNotifications", params=params)
            batch = _list_field(page, "notifications")
            newer = [n for n in batch if not seen or _indexed_at(n) > seen]
            fresh.extend(newer)
            newest = _newest_seen(newer, newest)
            if len(newer) < len(batch) or not page.get("cursor") or not seen:
                return fresh, {"seen": newest}, False
            params["cursor"] = page["cursor"]
        return fresh, {"seen": seen, "page": params["cursor"], "newest": newest}, True

    def _get_post(self, uri: str) -> dict[str, Any]:
        page = self._xrpc("GET", "app.bsky.feed.getPosts", params={"uris": [uri]})
        posts = _list_field(page, "posts")
        if not posts:
            raise PermanentNetworkError(f"post {uri} not found (deleted or hidden)")
        return posts[0]

    def _collect(self, result: FetchResult, raws, normalise, request: FetchRequest) -> None:
        def keep(raw: Any) -> MentionIn | None:
            mention = normalise(raw)
            if mention and request.since and mention.created_at < request.since:
                return None
            return mention

        items, rejected = normalise_page(raws, keep)
        result.items.extend(items)
        result.rejected.extend(rejected)

    # --- writing ----------------------------------------------------------------------------

    def _upload_image(self, attachment: OutgoingAttachment) -> dict[str, Any]:
        """``com.atproto.repo.uploadBlob`` takes the raw bytes; the answer's blob goes into the
        post's images embed, with the alt text beside it."""
        try:
            answer = self._xrpc(
                "POST",
                "com.atproto.repo.uploadBlob",
                content=attachment.data,
                headers={"Content-Type": attachment.content_type},
                timeout=UPLOAD_TIMEOUT,
            )
            blob = answer.get("blob")
            if not isinstance(blob, dict) or not isinstance(blob.get("ref"), dict):
                raise MalformedPayloadError(f"uploadBlob answer has no blob: {excerpt(answer)}")
        except PermanentNetworkError as exc:
            raise PermanentNetworkError(
                f"Bluesky refused the attachment {attachment.filename!r}: {exc.message}"
            ) from exc
        return {"alt": attachment.alt_text or "", "image": blob}

    def _create_post(
        self,
        text: str,
        key: str,
        reply: dict[str, Any] | None,
        embed: dict[str, Any] | None = None,
    ) -> Delivery:
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        if reply:
            record["reply"] = reply
        if embed:
            record["embed"] = embed
        body = {
            "repo": self._did(),
            "collection": POST_COLLECTION,
            "rkey": rkey_for(key),
            "record": record,
        }

        def post() -> Delivery:
            created = self._xrpc("POST", "com.atproto.repo.createRecord", json=body)
            uri = created["uri"]
            return Delivery(DeliveryOutcome.SENT, uri, post_url(self._did(), uri))

        return deliver(post)


# --- helpers --------------------------------------------------------------------------------------


class _RecordNotFoundError(ConnectorError):
    """The record does not exist."""

    status = 404
    code = "connector.record_not_found"


def _xrpc_error(answer: BoundedResponse) -> ConnectorError:
    """XRPC reports errors as 400 ``{"error": name, "message": …}``; some mean 'log in again'."""
    try:
        name = str(answer.json().get("error", ""))
    except MalformedPayloadError:
        name = ""
    if name in EXPIRED_ERRORS:
        return AuthExpiredError(f"Bluesky session expired ({name}): {excerpt(answer.text)}")
    if name == "RecordNotFound":
        return _RecordNotFoundError(excerpt(answer.text))
    return error_for_status(answer)


def rkey_for(idempotency_key: str) -> str:
    """A record key (TID syntax: 13 base32-sortable characters) derived from the delivery key."""
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    micros = TID_WINDOW_START + digest % TID_WINDOW_SPAN
    value = (micros << 10) | (digest >> 54)  # top bit stays 0: micros < 2**53
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _split_uri(uri: str) -> tuple[str, str, str]:
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise PermanentNetworkError(f"not an at:// record URI: {uri!r}")
    return parts[0], parts[1], parts[2]


def _list_field(page: dict[str, Any], name: str) -> list[Any]:
    value = page.get(name)
    if not isinstance(value, list):
        raise MalformedPayloadError(f"Bluesky answer has no {name} list: {excerpt(page)}")
    return value


def _indexed_at(notification: Any) -> str:
    # ISO 8601 UTC strings from one server compare correctly as text.
    return str(notification.get("indexedAt", "")) if isinstance(notification, dict) else ""


def _newest_seen(fresh: list[Any], seen: str | None) -> str | None:
    return max([*(_indexed_at(n) for n in fresh), *([seen] if seen else [])], default=None) or None
