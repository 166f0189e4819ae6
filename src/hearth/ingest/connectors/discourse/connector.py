"""Discourse's REST API with an admin-issued API key (``Api-Key`` + ``Api-Username`` headers).

Reading: ``/posts.json`` (the forum's latest posts; it pages backwards with ``before=<id>``) and
``/search.json`` for terms. Writing: ``POST /posts.json`` replies; hiding is a staff flag with
``take_action`` (``POST /post_actions``), Discourse's documented way to hide a post at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from hearth.ingest.connectors.base import (
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
)
from hearth.ingest.connectors.discourse.webhooks import parse_webhook, post_to_mention
from hearth.ingest.connectors.http import (
    BoundedResponse,
    MalformedPayloadError,
    deliver,
    error_for_status,
    excerpt,
    html_to_text,
    normalise_page,
    send,
)
from hearth.ingest.schemas import MentionIn
from hearth.kit.errors import ValidationFailedError

MAX_LATEST_PAGES = 5  # per fetch; a busier forum continues next run (has_more)
FLAG_INAPPROPRIATE = 4  # PostActionType id
POST_ADDRESS = re.compile(r"^(\d{1,12})/(\d{1,9})$")


class DiscourseCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="The forum, e.g. https://forum.example.com")
    api_key: SecretStr = Field(description="Admin › API › New API key (granular: posts, search)")
    api_username: str = Field(min_length=1, description="The account replies are posted as")
    webhook_secret: SecretStr | None = Field(default=None, description="Admin › Webhooks › secret")

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value


class DiscourseConnector(Connector):
    platform = "discourse"
    label = "Discourse"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.STREAM,  # webhooks
            Capability.OWN_COMMENTS,
            Capability.REPLY,
            Capability.HIDE,
            Capability.DELETE,
        }
    )
    credentials_model = DiscourseCredentials
    max_text_length = 32_000  # Discourse's default max_post_length

    credentials: DiscourseCredentials

    def __init__(self, credentials: BaseModel, *, http: httpx.Client) -> None:
        super().__init__(credentials, http=http)
        self._attempts: dict[str, tuple[str, str]] = {}

    # --- plumbing ---------------------------------------------------------------------------

    def _api(self, method: str, path: str, **kw: Any) -> BoundedResponse:
        headers = {
            "Api-Key": self.credentials.api_key.get_secret_value(),
            "Api-Username": self.credentials.api_username,
            "Accept": "application/json",
        }
        url = self.credentials.base_url + path
        answer = send(self.http, method, url, headers=headers, ok_statuses=frozenset({403}), **kw)
        if answer.status_code == 403:
            raise _forbidden(answer)
        return answer

    # --- contract ---------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        name = self.credentials.api_username
        try:
            user = self._api("GET", f"/u/{_segment(name)}.json").json().get("user") or {}
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        staff = bool(user.get("moderator") or user.get("admin"))
        note = "can hide posts" if staff else "not a moderator: hiding posts will be refused"
        return ConnectionCheck(
            ok=True, message=f"Connected as @{name} ({note})", account=f"@{name}"
        )

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        result = FetchResult(items=[], cursor=dict(cursor))
        base = self.credentials.base_url
        for term in request.terms:
            key = f"search:{term}"
            pairs, result.cursor[key] = self._search(term, cursor.get(key) or {})
            self._collect(
                result, pairs, lambda p: post_to_mention(p[0], base_url=base, topic=p[1]), request
            )
        posts, result.cursor["latest"], more = self._latest(cursor.get("latest") or {})
        self._collect(result, posts, lambda p: post_to_mention(p, base_url=base), request)
        result.has_more = more
        # The same post found by search and in the latest list: keep the full (latest) version.
        result.items = list({m.external_id: m for m in result.items}.values())
        return result

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),  # no ATTACHMENTS: always empty
    ) -> Delivery:
        topic_id, number = _address(parent_external_id)
        self._attempts[idempotency_key] = (parent_external_id, text)
        body = {"raw": text, "topic_id": topic_id, "reply_to_post_number": number}

        def post() -> Delivery:
            created = self._api("POST", "/posts.json", json=body).json()
            mention = post_to_mention(created, base_url=self.credentials.base_url)
            return Delivery(DeliveryOutcome.SENT, mention.external_id, mention.url)

        return deliver(post)

    def hide(self, external_id: str) -> None:
        body = {
            "id": self._post_id(external_id),
            "post_action_type_id": FLAG_INAPPROPRIATE,
            "flag_topic": False,
            "take_action": True,  # staff only: hides the post now instead of queueing a review
        }
        self._api("POST", "/post_actions.json", json=body)

    def delete(self, external_id: str) -> None:
        self._api("DELETE", f"/posts/{self._post_id(external_id)}.json")

    def find_delivery(
        self,
        idempotency_key: str,
        *,
        text: str | None = None,
        parent_external_id: str | None = None,
    ) -> Delivery | None:
        attempt = (
            (parent_external_id, text) if text is not None else self._attempts.get(idempotency_key)
        )
        if attempt is None or attempt[0] is None:
            return None
        topic_id, number = _address(attempt[0])
        page = self._api("GET", "/posts.json").json()
        for post in _list(page, "latest_posts"):
            if _is_our_reply(post, self.credentials.api_username, topic_id, number, attempt[1]):
                mention = post_to_mention(post, base_url=self.credentials.base_url)
                return Delivery(DeliveryOutcome.SENT, mention.external_id, mention.url)
        return None

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> MentionIn | None:
        """A webhook delivery from this forum; the signature is checked against our secret."""
        if self.credentials.webhook_secret is None:
            raise AuthExpiredError(
                "Set the webhook secret on this channel before enabling webhooks"
            )
        return parse_webhook(
            headers,
            body,
            secret=self.credentials.webhook_secret.get_secret_value(),
            base_url=self.credentials.base_url,
        )

    # --- reading ----------------------------------------------------------------------------

    def _latest(self, state: dict[str, Any]) -> tuple[list[Any], dict[str, Any], bool]:
        """Posts newer than ``state["seen"]``, paging back with ``before`` until we reach it.

        A backlog longer than ``MAX_LATEST_PAGES`` is read over several runs: the cursor keeps
        where paging stopped (``before``) and the newest id met (``newest``), and ``seen`` moves
        up only once the gap is closed, so a burst loses nothing.
        """
        seen, newest = state.get("seen"), state.get("newest", state.get("seen"))
        params: dict[str, Any] = {"before": state["before"]} if state.get("before") else {}
        fresh: list[Any] = []
        for _ in range(MAX_LATEST_PAGES):
            batch = _list(self._api("GET", "/posts.json", params=params).json(), "latest_posts")
            ids = [p["id"] for p in batch if isinstance(p, dict) and isinstance(p.get("id"), int)]
            newest = max([*ids, *([newest] if newest is not None else [])], default=None)
            newer = [p for p in batch if seen is None or _post_id_of(p) > seen]
            fresh.extend(newer)
            if seen is None or len(newer) < len(batch) or not ids:
                return fresh, {"seen": newest}, False
            params["before"] = min(ids)
        return fresh, {"seen": seen, "before": params["before"], "newest": newest}, True

    def _search(self, term: str, state: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        query = f"{term} order:latest"
        if state.get("after"):
            query += f" after:{state['after']}"  # a day granularity; ids below remove repeats
        page = self._api("GET", "/search.json", params={"q": query}).json()
        topics = {t.get("id"): t for t in page.get("topics") or [] if isinstance(t, dict)}
        seen = state.get("seen") or 0
        posts = [p for p in _list(page, "posts", empty_ok=True) if _post_id_of(p) > seen]
        valid = [p["id"] for p in posts if isinstance(p, dict) and isinstance(p.get("id"), int)]
        newest_id = max([seen, *valid])
        days = [
            str(p["created_at"])[:10] for p in posts if isinstance(p, dict) and p.get("created_at")
        ]
        after = max([*days, *([state["after"]] if state.get("after") else [])], default=None)
        pairs = [(p, topics.get(p.get("topic_id")) if isinstance(p, dict) else None) for p in posts]
        return pairs, {"seen": newest_id or None, "after": after}

    def _collect(
        self, result: FetchResult, raws: list[Any], normalise, request: FetchRequest
    ) -> None:
        def keep(raw: Any) -> MentionIn | None:
            mention = normalise(raw)
            if request.since and mention.created_at < request.since:
                return None
            if (
                request.sources
                and str((mention.raw or {}).get("category_id")) not in request.sources
            ):
                return None
            return mention

        items, rejected = normalise_page(raws, keep)
        result.items.extend(items)
        result.rejected.extend(rejected)

    def _post_id(self, external_id: str) -> int:
        topic_id, number = _address(external_id)
        post = self._api("GET", f"/posts/by_number/{topic_id}/{number}.json").json()
        if not isinstance(post.get("id"), int):
            raise MalformedPayloadError(f"Discourse post without an id: {excerpt(post)}")
        return post["id"]


# --- helpers --------------------------------------------------------------------------------------


def _forbidden(answer: BoundedResponse) -> ConnectorError:
    # Discourse answers 403 "invalid_access" for a revoked or wrong API key: a credentials problem.
    try:
        kind = answer.json().get("error_type")
    except MalformedPayloadError:
        kind = None
    if kind == "invalid_access":
        return AuthExpiredError(f"Discourse refused the API key: {excerpt(answer.text)}")
    return error_for_status(answer)


def _address(external_id: str) -> tuple[int, int]:
    found = POST_ADDRESS.match(external_id)
    if not found:
        raise ValidationFailedError(f"not a Discourse post address (topic/number): {external_id!r}")
    return int(found[1]), int(found[2])


def _segment(value: str) -> str:
    if not re.fullmatch(r"[\w.-]{1,60}", value):
        raise ValidationFailedError(f"not a Discourse username: {value!r}")
    return value


def _list(page: dict[str, Any], name: str, *, empty_ok: bool = False) -> list[Any]:
    value = page.get(name)
    if value is None and empty_ok:
        return []  # Discourse omits "posts" when a search finds nothing
    if not isinstance(value, list):
        raise MalformedPayloadError(f"Discourse answer has no {name} list: {excerpt(page)}")
    return value


def _post_id_of(post: Any) -> int:
    # A post without an id sorts as newest so it reaches normalise_page and is rejected there.
    value = post.get("id") if isinstance(post, dict) else None
    return value if isinstance(value, int) else 1 << 62


def _is_our_reply(post: Any, username: str, topic_id: int, number: int, text: str) -> bool:
    if not isinstance(post, dict) or post.get("username") != username:
        return False
    if post.get("topic_id") != topic_id or (post.get("reply_to_post_number") or 1) != number:
        return False
    body = post.get("raw") or html_to_text(str(post.get("cooked", "")))
    return " ".join(str(body).split()) == " ".join(text.split())
