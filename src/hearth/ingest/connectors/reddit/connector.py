"""Reddit's OAuth API: a refresh token (or a script app's password) buys hour-long access tokens.

Reads go to ``oauth.reddit.com`` with ``raw_json=1`` (otherwise Reddit HTML-escapes ``&<>`` in
bodies). Listings page newer-first; ``before=<fullname>`` asks for what came after the newest
item we saw. Writes answer 200 even when refused, with ``json.errors``: a ``RATELIMIT`` error
there is a rate limit like a 429.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
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
    PermanentNetworkError,
    RateLimitedError,
)
from hearth.ingest.connectors.http import (
    BoundedResponse,
    MalformedPayloadError,
    deliver,
    excerpt,
    normalise_page,
    send,
)
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.kit.errors import ValidationFailedError

PLATFORM = "reddit"
LISTING_LIMIT = 100  # Reddit's maximum
SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}$")
FULLNAME = re.compile(r"^t[1-6]_[a-z0-9]{1,13}$")


class RedditCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(min_length=1, description="reddit.com/prefs/apps › your app")
    client_secret: SecretStr = Field(default=SecretStr(""), description="Empty for installed apps")
    username: str = Field(min_length=1, description="The brand's Reddit account")
    refresh_token: SecretStr | None = Field(default=None, description="From the OAuth consent")
    password: SecretStr | None = Field(default=None, description="Script apps only")
    access_token: SecretStr | None = None  # filled in by the connector
    auth_url: str = "https://www.reddit.com"
    api_url: str = "https://oauth.reddit.com"

    @field_validator("auth_url", "api_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value


class RedditConnector(Connector):
    platform = PLATFORM
    label = "Reddit"
    capabilities = frozenset(
        {
            Capability.SEARCH,
            Capability.OWN_COMMENTS,
            Capability.REPLY,
            Capability.DELETE,
            Capability.HIDE,  # removal: only in subreddits the account moderates
        }
    )
    credentials_model = RedditCredentials
    max_text_length = 10_000  # comment body limit

    credentials: RedditCredentials

    def __init__(self, credentials: BaseModel, *, http: httpx.Client) -> None:
        super().__init__(credentials, http=http)
        self._attempts: dict[str, tuple[str, str]] = {}

    # --- plumbing ---------------------------------------------------------------------------

    @property
    def user_agent(self) -> str:
        # Reddit throttles generic agents; it asks for platform:app:version (by /u/name).
        return f"server:hearth:0.1 (by /u/{self.credentials.username})"

    def _api(self, method: str, path: str, **kw: Any) -> BoundedResponse:
        if self.credentials.access_token is None:
            self.refresh_credentials()
        assert self.credentials.access_token is not None
        headers = {
            "Authorization": f"bearer {self.credentials.access_token.get_secret_value()}",
            "User-Agent": self.user_agent,
        }
        if method == "GET":
            kw["params"] = {"raw_json": 1, **kw.get("params", {})}
        return send(self.http, method, self.credentials.api_url + path, headers=headers, **kw)

    # --- contract ---------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        try:
            me = self._api("GET", "/api/v1/me").json()
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message)
        name = f"u/{me.get('name', '?')}"
        return ConnectionCheck(ok=True, message=f"Connected as {name}", account=name)

    def refresh_credentials(self) -> RedditCredentials:
        """A new access token from the refresh token (or, for script apps, the password)."""
        creds = self.credentials
        if creds.refresh_token is not None:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": creds.refresh_token.get_secret_value(),
            }
        elif creds.password is not None:
            form = {
                "grant_type": "password",
                "username": creds.username,
                "password": creds.password.get_secret_value(),
            }
        else:
            raise AuthExpiredError(
                "Reddit needs a refresh token or a password; reconnect the channel"
            )
        answer = send(
            self.http,
            "POST",
            creds.auth_url + "/api/v1/access_token",
            data=form,
            auth=(creds.client_id, creds.client_secret.get_secret_value()),
            headers={"User-Agent": self.user_agent},
            ok_statuses=frozenset({400}),
        )
        token = answer.json()
        if "error" in token or "access_token" not in token:
            # invalid_grant: the user revoked access or the refresh token is gone.
            raise AuthExpiredError(f"Reddit refused the token refresh: {excerpt(token)}")
        self.credentials = creds.model_copy(
            update={"access_token": SecretStr(token["access_token"])}
        )
        return self.credentials

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        result = FetchResult(items=[], cursor=dict(cursor))
        subs = [_subreddit(s) for s in request.sources]
        search_path = f"/r/{'+'.join(subs)}/search" if subs else "/search"
        for term in request.terms:
            params = {
                "q": term,
                "sort": "new",
                "type": "link",
                **({"restrict_sr": "on"} if subs else {}),
            }
            self._read_listing(result, f"search:{term}", search_path, params, request)
        for sub in subs:
            self._read_listing(result, f"comments:{sub}", f"/r/{sub}/comments", {}, request)
        return result

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),  # no ATTACHMENTS: always empty
    ) -> Delivery:
        parent = _fullname(parent_external_id)
        self._attempts[idempotency_key] = (parent, text)

        def post() -> Delivery:
            # Reddit has no idempotency key: an UNKNOWN outcome is reconciled by find_delivery.
            form = {"api_type": "json", "thing_id": parent, "text": text}
            created = _write_result(self._api("POST", "/api/comment", data=form).json())
            thing = created["data"]["things"][0]["data"]
            url = "https://www.reddit.com" + thing["permalink"] if thing.get("permalink") else None
            return Delivery(DeliveryOutcome.SENT, thing["name"], url)

        return deliver(post)

    def delete(self, external_id: str) -> None:
        self._api("POST", "/api/del", data={"id": _fullname(external_id)})

    def hide(self, external_id: str) -> None:
        """Remove a post or comment as a moderator (kept for the mod log, not marked spam)."""
        self._api("POST", "/api/remove", data={"id": _fullname(external_id), "spam": "false"})

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
        if attempt is None:
            return None
        parent, wanted = attempt
        path = f"/user/{_username(self.credentials.username)}/comments"
        listing = self._api("GET", path, params={"limit": 25, "sort": "new"}).json()
        for child in _children(listing):
            data = child.get("data") or {}
            if data.get("parent_id") == parent and _same_text(data.get("body", ""), wanted):
                url = (
                    "https://www.reddit.com" + data["permalink"] if data.get("permalink") else None
                )
                return Delivery(DeliveryOutcome.SENT, data["name"], url)
        return None

    # --- reading ----------------------------------------------------------------------------

    def _read_listing(
        self,
        result: FetchResult,
        key: str,
        path: str,
        params: dict[str, Any],
        request: FetchRequest,
    ) -> None:
        newest = result.cursor.get(key)
        query = {**params, "limit": LISTING_LIMIT}
        if newest:
            query["before"] = newest  # only things newer than the newest we stored
        children = _children(self._api("GET", path, params=query).json())
        items, rejected = normalise_page(children, lambda raw: _keep(raw, request))
        result.items.extend(items)
        result.rejected.extend(rejected)
        names = [c["data"]["name"] for c in children if _has_name(c)]
        if names:
            result.cursor[key] = names[0]  # listings are newest first
        result.has_more |= len(children) >= LISTING_LIMIT


# --- normalising (pure) ---------------------------------------------------------------------------


def thing_to_mention(thing: dict[str, Any]) -> MentionIn:
    """A listing child (``t3`` link or ``t1`` comment) as a ``MentionIn``."""
    kind, data = thing["kind"], thing["data"]
    if kind not in ("t1", "t3"):
        raise ValueError(f"not a post or comment: kind {kind!r}")
    author = data["author"]
    is_comment = kind == "t1"
    return MentionIn(
        platform=PLATFORM,
        external_id=data["name"],
        url="https://www.reddit.com" + data["permalink"] if data.get("permalink") else None,
        author=AuthorIn(
            platform_user_id=data.get("author_fullname") or f"deleted:{data['name']}",
            handle="" if author == "[deleted]" else f"u/{author}",
            url=None if author == "[deleted]" else f"https://www.reddit.com/user/{author}",
        ),
        text=data["body"] if is_comment else data.get("selftext") or "",
        title=data.get("link_title") if is_comment else data["title"],
        kind="reply" if is_comment else "post",
        created_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
        parent_external_id=data.get("parent_id") if is_comment else None,
        metrics={
            "score": int(data.get("score") or 0),
            **({} if is_comment else {"comments": int(data.get("num_comments") or 0)}),
        },
        raw={"subreddit": data.get("subreddit"), "link_id": data.get("link_id")},
    )


def _keep(raw: Any, request: FetchRequest) -> MentionIn | None:
    mention = thing_to_mention(raw)
    if request.since and mention.created_at < request.since:
        return None
    return mention


def _write_result(answer: dict[str, Any]) -> dict[str, Any]:
    """The ``json`` part of an ``api_type=json`` answer; its ``errors`` raised as typed errors."""
    body = answer.get("json")
    if not isinstance(body, dict):
        raise MalformedPayloadError(f"Reddit write answer without json: {excerpt(answer)}")
    errors = body.get("errors") or []
    if not errors:
        return body
    code = str(errors[0][0]) if errors and errors[0] else "UNKNOWN"
    if code == "RATELIMIT":
        wait = body.get("ratelimit")
        retry = float(wait) if isinstance(wait, int | float) else _minutes_in(str(errors[0]))
        raise RateLimitedError(f"Reddit: {errors[0][1]}", retry_after=retry)
    raise PermanentNetworkError(f"Reddit refused: {excerpt(errors)}")


def _minutes_in(message: str) -> float:
    found = re.search(r"(\d+)\s*(minute|second)", message)
    if not found:
        return 600.0
    return float(found[1]) * (60 if found[2] == "minute" else 1)


def _children(listing: Any) -> list[Any]:
    data = listing.get("data") if isinstance(listing, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        raise MalformedPayloadError(f"Reddit answer is not a Listing: {excerpt(listing)}")
    return children


def _has_name(child: Any) -> bool:
    return (
        isinstance(child, dict) and isinstance(child.get("data"), dict) and "name" in child["data"]
    )


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _subreddit(name: str) -> str:
    name = name.strip().removeprefix("/").removeprefix("r/")
    if not SUBREDDIT.match(name):
        raise ValidationFailedError(f"not a subreddit name: {name!r}")
    return name


def _fullname(value: str) -> str:
    if not FULLNAME.match(value):
        raise ValidationFailedError(f"not a Reddit fullname (t1_…/t3_…): {value!r}")
    return value


def _username(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{3,20}", value):
        raise ValidationFailedError(f"not a Reddit username: {value!r}")
    return value
