"""RSS/Atom connector: news sites, blogs and review sites that publish a feed.

Each feed URL is a source. Fetching uses conditional GET (the ETag and Last-Modified the server
gave last time are kept in the cursor; a 304 costs one round trip and yields nothing). A broken,
unreachable or rate-limited feed is reported for that feed alone: the others are still read, and
the failing feed backs off on its own schedule kept in the cursor. Only when every feed tried in
a run fails does the typed error escape, so the channel's health shows it.

Cursor shape (opaque to the caller, JSON)::

    {"feeds": {"<url>": {"etag": "...", "last_modified": "...", "seen": ["<entry id>", ...],
                         "failures": 0, "last_error": null, "not_before": null}}}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from hearth.ingest.connectors.base import (
    Capability,
    ConnectionCheck,
    Connector,
    ConnectorError,
    FetchRequest,
    FetchResult,
    PermanentNetworkError,
    RateLimitedError,
    Rejected,
)
from hearth.ingest.connectors.http import send
from hearth.ingest.connectors.registry import hookimpl
from hearth.ingest.connectors.rss.parse import Feed, FeedEntry, FeedParseError, parse_feed
from hearth.ingest.schemas import AuthorIn, MentionIn

__all__ = ["FeedParseError", "RssConnector", "RssSettings", "hearth_connectors", "parse_feed"]

MAX_FEED_BYTES = 5_000_000
SEEN_PER_FEED = 300  # entries; more than any feed keeps in its window, so re-sent ones are known
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
USER_AGENT = "Hearth feed reader (+https://github.com/hearth)"

Clock = Callable[[], datetime]


class RssSettings(BaseModel):
    """Feeds to read; optional HTTP basic credentials for private feeds."""

    model_config = ConfigDict(extra="forbid")

    feeds: list[str] = Field(default_factory=list, max_length=500)
    username: str = Field(default="", max_length=200)
    password: SecretStr = Field(default=SecretStr(""), max_length=500)

    @field_validator("feeds")
    @classmethod
    def _http_urls(cls, feeds: list[str]) -> list[str]:
        return [check_feed_url(url) for url in feeds]


def check_feed_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    failures: int = 0
    last_error: str | None = None
    not_before: str | None = None  # ISO time before which the feed is not asked again

    @classmethod
    def load(cls, raw: Any) -> FeedState:
        if not isinstance(raw, dict):
            return cls()
        seen = raw.get("seen")
        failures = raw.get("failures")
        return cls(
            etag=_str_or_none(raw.get("etag")),
            last_modified=_str_or_none(raw.get("last_modified")),
            seen=[s for s in seen if isinstance(s, str)] if isinstance(seen, list) else [],
            failures=failures if isinstance(failures, int) else 0,
            last_error=_str_or_none(raw.get("last_error")),
            not_before=_str_or_none(raw.get("not_before")),
        )

    def waiting(self, now: datetime) -> bool:
        if not self.not_before:
            return False
        try:
            return datetime.fromisoformat(self.not_before) > now
        except ValueError:
            return False

    def succeeded(self) -> None:
        self.failures, self.last_error, self.not_before = 0, None, None

    def failed(self, exc: ConnectorError, now: datetime) -> None:
        self.failures += 1
        self.last_error = exc.message
        self.not_before = (now + _backoff(exc, self.failures)).isoformat()


def _backoff(exc: ConnectorError, failures: int) -> timedelta:
    if isinstance(exc, RateLimitedError):
        return timedelta(seconds=exc.retry_after)
    # A 503 may say when to come back, too (http.py's ServerFailedError carries it).
    asked = getattr(exc, "retry_after", None) or exc.context.get("retry_after")
    if isinstance(asked, int | float) and asked > 0:
        return min(timedelta(seconds=asked), MAX_BACKOFF)
    return min(BASE_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)


class RssConnector(Connector):
    platform = "rss"
    label = "RSS / Atom feeds"
    capabilities = frozenset({Capability.SEARCH})
    credentials_model = RssSettings

    def __init__(
        self, credentials: BaseModel, *, http: httpx.Client, clock: Clock | None = None
    ) -> None:
        super().__init__(credentials, http=http)
        self.settings = RssSettings.model_validate(credentials.model_dump())
        self.clock: Clock = clock or (lambda: datetime.now(UTC))

    # --- contract -----------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        if not self.settings.feeds:
            return ConnectionCheck(ok=False, message="Add at least one feed URL.")
        problems, entries = [], 0
        for url in self.settings.feeds:
            try:
                feed = self._download(url, FeedState())
                entries += len(feed.entries) if feed else 0
            except ConnectorError as exc:
                problems.append(exc.message)
        if problems:
            return ConnectionCheck(ok=False, message="; ".join(problems))
        count = len(self.settings.feeds)
        return ConnectionCheck(ok=True, message=f"{count} feed(s) readable, {entries} entries.")

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        feeds = _unique(request.sources or self.settings.feeds)
        states = _load_states(cursor)
        now = self.clock()
        run = _Run(request=request, now=now)
        for url in feeds:
            state = states.setdefault(url, FeedState())
            if state.waiting(now):
                continue
            self._fetch_one(url, state, run)
        if run.errors and run.errors_only:
            # Nothing worked: let the caller see the typed error (health, backoff, auth).
            raise run.errors[0]
        cursor_out = {"feeds": {url: vars(state) for url, state in states.items()}}
        return FetchResult(items=run.items, cursor=cursor_out, rejected=run.rejected)

    # --- one feed -----------------------------------------------------------------------------

    def _fetch_one(self, url: str, state: FeedState, run: _Run) -> None:
        try:
            feed = self._download(url, state)
        except ConnectorError as exc:
            state.failed(exc, run.now)
            run.failed(url, exc)
            return
        state.succeeded()
        run.errors_only = False
        if feed is not None:
            fresh = self._new_entries(url, feed, state, run)
            run.items.extend(fresh)

    def _download(self, url: str, state: FeedState) -> Feed | None:
        """The parsed feed, or None when the server says it has not changed (304)."""
        try:
            check_feed_url(url)
        except ValueError as exc:
            raise PermanentNetworkError(f"feed {url[:200]!r}: {exc}") from exc
        answer = send(
            self.http,
            "GET",
            url,
            max_bytes=MAX_FEED_BYTES,
            headers=self._headers(state),
            auth=self._auth(),
            follow_redirects=True,
        )
        if answer.status_code == 304:
            return None
        feed = parse_feed(answer.content, feed_url=url)
        state.etag = answer.headers.get("etag") or None
        state.last_modified = answer.headers.get("last-modified") or None
        return feed

    def _new_entries(self, url: str, feed: Feed, state: FeedState, run: _Run) -> list[MentionIn]:
        seen = set(state.seen)
        fresh: list[MentionIn] = []
        for entry in feed.entries:
            keys = {entry.entry_id, *([entry.link] if entry.link else [])}
            if keys & seen or keys & run.taken:
                continue
            run.taken |= keys
            state.seen.extend(sorted(keys))
            if run.too_old(entry):
                continue
            mention = self._mention(url, feed, entry, run)
            if mention is not None:
                fresh.append(mention)
        state.seen = state.seen[-2 * SEEN_PER_FEED :]  # an id and a link per entry
        return fresh

    def _mention(self, url: str, feed: Feed, entry: FeedEntry, run: _Run) -> MentionIn | None:
        author = (entry.author or feed.title or urlsplit(url).netloc).strip()
        try:
            return MentionIn(
                platform=self.platform,
                external_id=entry.entry_id,
                url=entry.link,
                author=AuthorIn(
                    platform_user_id=(author or url)[:200],
                    handle="",
                    display_name=author[:300],
                ),
                text=entry.text or entry.title,
                title=entry.title[:1000] or None,
                kind="article",
                lang_hint=(entry.lang or "")[:16] or None,
                created_at=entry.published or run.now,
                raw={"feed": url, "feed_title": feed.title[:300]},
            )
        except ValidationError as exc:
            reason = f"feed {url}: entry {entry.entry_id[:100]} refused: {exc.errors()[0]['msg']}"
            run.rejected.append(Rejected(reason=reason, raw_excerpt=entry.title[:300]))
            return None

    def _headers(self, state: FeedState) -> dict[str, str]:
        headers = {"Accept": ACCEPT, "User-Agent": USER_AGENT}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    def _auth(self) -> httpx.BasicAuth | None:
        if not self.settings.username:
            return None
        return httpx.BasicAuth(self.settings.username, self.settings.password.get_secret_value())


@dataclass
class _Run:
    """What one ``fetch`` gathers across feeds."""

    request: FetchRequest
    now: datetime
    items: list[MentionIn] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    errors: list[ConnectorError] = field(default_factory=list)
    errors_only: bool = True
    taken: set[str] = field(default_factory=set)  # ids and links already emitted this run

    def failed(self, url: str, exc: ConnectorError) -> None:
        self.errors.append(exc)
        self.rejected.append(Rejected(reason=f"feed {url}: {exc.message}", raw_excerpt=url[:300]))

    def too_old(self, entry: FeedEntry) -> bool:
        since = self.request.since
        return since is not None and entry.published is not None and entry.published < since


def _load_states(cursor: dict[str, Any]) -> dict[str, FeedState]:
    feeds = cursor.get("feeds") if isinstance(cursor, dict) else None
    if not isinstance(feeds, dict):
        return {}
    return {str(url): FeedState.load(raw) for url, raw in feeds.items()}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _unique(urls: Any) -> list[str]:
    return list(dict.fromkeys(str(u).strip() for u in urls if str(u).strip()))


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [RssConnector]
