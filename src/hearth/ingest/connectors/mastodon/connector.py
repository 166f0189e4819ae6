"""The Mastodon REST API (v1 timelines and statuses, v2 search), one instance per channel.

Status ids are the instance's own: a remote post has a local id on the brand's instance, and
that local id is what replies and deletes take, so it is our ``external_id``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from hearth.ingest.connectors.base import (
    AttachmentPolicy,
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
    Rejected,
    TransientNetworkError,
)
from hearth.ingest.connectors.http import (
    BoundedResponse,
    MalformedPayloadError,
    deliver,
    excerpt,
    html_to_text,
    normalise_page,
    open_stream,
    send,
)
from hearth.ingest.connectors.mastodon.normalise import (
    PLATFORM,
    keep_status,
    opt_str,
)
from hearth.ingest.connectors.mastodon.streaming import iter_stream
from hearth.ingest.schemas import MentionIn
from hearth.kit.errors import ValidationFailedError

SEARCH_LIMIT = 40  # /api/v2/search maximum
TIMELINE_LIMIT = 40  # timelines: default 20, maximum 40
NOTIFICATION_LIMIT = 80  # /api/v1/notifications maximum
PRIVATE_AUDIENCES = frozenset({"direct", "private", "unlisted"})
# Mastodon's defaults (MediaAttachment::IMAGE_LIMIT, 4 per status, 1,500-character
# descriptions). Videos are left out: they may not share a status with images and their
# transcoding can take minutes.
ATTACHMENTS = AttachmentPolicy(
    max_count=4,
    max_bytes=16 * 1024 * 1024,
    content_types=frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"}),
    alt_text=True,
    max_alt_chars=1500,
)
UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=5.0)


def validate_base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")):
        raise ValueError("must start with https://")
    return value


class MastodonCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instance_url: str = Field(description="Your instance, e.g. https://mastodon.social")
    access_token: SecretStr = Field(description="Preferences › Development › your application")

    _check_url = field_validator("instance_url")(validate_base_url)


class MastodonConnector(Connector):
    platform = PLATFORM
    label = "Mastodon"
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
    credentials_model = MastodonCredentials
    max_text_length = 500  # the default; instances may allow more (configuration.statuses)
    attachment_policy = ATTACHMENTS
    # An upload answered 202 is still being processed: ask again after these pauses, then give
    # up for now (a transient error: the job retries later; nothing was posted).
    media_poll_delays: ClassVar[tuple[float, ...]] = (0.5, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 5.0)

    credentials: MastodonCredentials

    def __init__(self, credentials: BaseModel, *, http: httpx.Client) -> None:
        super().__init__(credentials, http=http)
        # What each delivery in this process tried to send, so find_delivery can match it.
        self._attempts: dict[str, tuple[str | None, str]] = {}

    # --- plumbing ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> BoundedResponse:
        token = self.credentials.access_token.get_secret_value()
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        url = self.credentials.instance_url + path
        return send(self.http, method, url, headers=headers, **kwargs)

    # --- contract ---------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        try:
            account = self._call("GET", "/api/v1/accounts/verify_credentials").json()
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        acct = f"@{account.get('acct', '?')}"
        return ConnectionCheck(ok=True, message=f"Connected as {acct}", account=acct)

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        result = FetchResult(items=[], cursor=dict(cursor))
        for term in request.terms:
            self._fetch_source(result, f"search:{term}", self._search, term, request)
        for tag in request.hashtags:
            self._fetch_source(result, f"tag:{tag.lstrip('#')}", self._tag, tag, request)
        self._fetch_source(result, "notifications", self._notifications, "", request)
        result.items = _dedupe(result.items)
        return result

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),
    ) -> Delivery:
        # A public answer to a direct or followers-only message would publish a private
        # conversation: the reply keeps the parent's audience. Reading it sends nothing, so its
        # failures are raised (safe to retry).
        parent = self._call("GET", f"/api/v1/statuses/{_path_id(parent_external_id)}").json()
        visibility = parent.get("visibility")
        if visibility not in PRIVATE_AUDIENCES:
            visibility = None
        # Uploads come first and post nothing visible: a refusal fails the reply before any
        # status exists; an unanswered upload is only an orphan the instance cleans up.
        media_ids = [self._upload_media(a) for a in attachments]
        return self._post_status(text, idempotency_key, parent_external_id, visibility, media_ids)

    def publish(self, text: str, *, idempotency_key: str) -> Delivery:
        return self._post_status(text, idempotency_key, None)

    def delete(self, external_id: str) -> None:
        self._call("DELETE", f"/api/v1/statuses/{_path_id(external_id)}")

    def stream(
        self,
        channel: str = "hashtag",
        *,
        params: dict[str, str] | None = None,
        terms: Sequence[str] = (),
    ) -> Iterator[MentionIn | Rejected]:
        """Follow a streaming endpoint (``hashtag`` with ``{"tag": …}``, ``public``,
        ``user/notification``) over server-sent events until the server closes it."""
        token = self.credentials.access_token.get_secret_value()
        url = f"{self.credentials.instance_url}/api/v1/streaming/{channel}"
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        with open_stream(self.http, url, params=params, headers=headers) as lines:
            yield from iter_stream(lines, terms=terms)

    def find_delivery(
        self,
        idempotency_key: str,
        *,
        text: str | None = None,
        parent_external_id: str | None = None,
    ) -> Delivery | None:
        attempt = self._attempts.get(idempotency_key)
        if text is None and attempt is None:
            return None  # nothing to recognise the post by
        parent, wanted = (parent_external_id, text) if text is not None else attempt  # type: ignore[misc]
        me = self._call("GET", "/api/v1/accounts/verify_credentials").json()
        recent = self._call(
            "GET", f"/api/v1/accounts/{_path_id(str(me['id']))}/statuses", params={"limit": 40}
        ).json(expect=list)
        for status in recent:
            if _same_post(status, parent, wanted):
                return Delivery(DeliveryOutcome.SENT, str(status["id"]), status.get("url"))
        return None

    # --- fetching ---------------------------------------------------------------------------

    def _fetch_source(self, result, key, reader, arg, request: FetchRequest) -> None:
        newest = result.cursor.get(key)
        statuses, full = reader(arg, newest)
        items, rejected = normalise_page(statuses, lambda raw: keep_status(raw, request))
        result.items.extend(items)
        result.rejected.extend(rejected)
        ids = [str(s["id"]) for s in statuses if isinstance(s, dict) and "id" in s]
        if ids:
            result.cursor[key] = max([*ids, *([newest] if newest else [])], key=_id_order)
        result.has_more = result.has_more or full

    def _search(self, term: str, min_id: str | None) -> tuple[list[Any], bool]:
        params = {"q": term, "type": "statuses", "resolve": "false", "limit": SEARCH_LIMIT}
        if min_id:
            params["min_id"] = min_id
        page = self._call("GET", "/api/v2/search", params=params).json()
        statuses = page.get("statuses")
        if not isinstance(statuses, list):
            raise _malformed("/api/v2/search answer has no statuses list", page)
        return statuses, len(statuses) >= SEARCH_LIMIT

    def _tag(self, tag: str, min_id: str | None) -> tuple[list[Any], bool]:
        params: dict[str, Any] = {"limit": TIMELINE_LIMIT}
        if min_id:
            params["min_id"] = min_id
        path = f"/api/v1/timelines/tag/{_path_id(tag.lstrip('#'))}"
        statuses = self._call("GET", path, params=params).json(expect=list)
        return statuses, len(statuses) >= TIMELINE_LIMIT

    def _notifications(self, _: str, min_id: str | None) -> tuple[list[Any], bool]:
        params: dict[str, Any] = {"types[]": "mention", "limit": NOTIFICATION_LIMIT}
        if min_id:
            params["min_id"] = min_id
        found = self._call("GET", "/api/v1/notifications", params=params).json(expect=list)
        # The cursor follows notification ids; the items are their statuses.
        return found, len(found) >= NOTIFICATION_LIMIT

    # --- delivering -------------------------------------------------------------------------

    def _post_status(
        self,
        text: str,
        key: str,
        parent: str | None,
        visibility: str | None = None,
        media_ids: Sequence[str] = (),
    ) -> Delivery:
        self._attempts[key] = (parent, text)
        body: dict[str, Any] = {"status": text}
        if parent:
            body["in_reply_to_id"] = parent
        if visibility:
            body["visibility"] = visibility
        if media_ids:
            body["media_ids"] = list(media_ids)

        def post() -> Delivery:
            # Mastodon keeps Idempotency-Key for an hour: a resent request returns the same post.
            answer = self._call(
                "POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": key}
            )
            status = answer.json()
            return Delivery(DeliveryOutcome.SENT, str(status["id"]), status.get("url"))

        return deliver(post)

    def _upload_media(self, attachment: OutgoingAttachment) -> str:
        """``POST /api/v2/media`` (multipart), then wait until the instance has processed it."""
        files = {"file": (attachment.filename, attachment.data, attachment.content_type)}
        data = {"description": attachment.alt_text} if attachment.alt_text else {}
        try:
            answer = self._call(
                "POST", "/api/v2/media", files=files, data=data, timeout=UPLOAD_TIMEOUT
            )
            media = answer.json()
            if not isinstance(media.get("id"), str | int):
                raise _malformed("/api/v2/media answer has no id", media)
            media_id = str(media["id"])
            if answer.status_code == 202 or not media.get("url"):
                self._wait_until_processed(media_id, attachment.filename)
        except PermanentNetworkError as exc:
            raise PermanentNetworkError(
                f"Mastodon refused the attachment {attachment.filename!r}: {exc.message}"
            ) from exc
        return media_id

    def _wait_until_processed(self, media_id: str, filename: str) -> None:
        # GET /api/v1/media/:id answers 206 while processing, 200 with a url once done.
        for delay in self.media_poll_delays:
            time.sleep(delay)
            path = f"/api/v1/media/{_path_id(media_id)}"
            media = self._call("GET", path, ok_statuses=frozenset({206})).json()
            if media.get("url"):
                return
        raise TransientNetworkError(f"Mastodon is still processing the attachment {filename!r}")


def _id_order(value: str) -> tuple[int, str]:
    # Mastodon ids are decimal strings that grow with time; compare as numbers, not text.
    return (len(value), value)


def _path_id(value: str) -> str:
    # An id or tag goes into the URL path: refuse anything that could change the path.
    if not value or any(c in value for c in "/?#%\\") or value in {".", ".."}:
        raise ValidationFailedError(f"not a valid Mastodon id or tag: {value!r}")
    return value


def _same_post(status: dict[str, Any], parent: str | None, text: str) -> bool:
    if opt_str(status.get("in_reply_to_id")) != parent:
        return False
    return " ".join(html_to_text(status.get("content") or "").split()) == " ".join(text.split())


def _dedupe(items: list[MentionIn]) -> list[MentionIn]:
    # A status can match a search and a hashtag and a notification; keep it once.
    seen: dict[str, MentionIn] = {}
    for item in items:
        seen.setdefault(item.external_id, item)
    return list(seen.values())


def _malformed(message: str, payload: Any) -> MalformedPayloadError:
    return MalformedPayloadError(f"{message}: {excerpt(payload)}")
