"""Shared helpers for connectors that speak HTTP: one request path, typed errors, bounded bodies.

Every network answer is hostile until proven otherwise (DESIGN §3.5), so a connector never calls
``client.get(...).json()`` directly. It calls :func:`send`, which

- maps transport failures and HTTP statuses onto the contract's typed errors (``base.py``):
  401 → ``AuthExpiredError``; 429 → ``RateLimitedError`` with ``retry_after`` taken from
  ``Retry-After`` (delta-seconds or HTTP-date) or a documented reset header; 408/5xx and
  timeouts → ``TransientNetworkError``; any other 4xx → ``PermanentNetworkError``;
- turns a refusal of the outbound guard (``kit/netguard.py``: a private or internal address,
  possibly reached through a redirect) into ``DestinationBlockedError``, a permanent error;
- reads at most ``max_bytes`` of the body (checked against ``Content-Length`` first, then while
  streaming), raising ``PayloadTooLargeError`` instead of filling memory;
- returns a :class:`BoundedResponse` whose :meth:`~BoundedResponse.json` raises
  ``MalformedPayloadError`` with a clear message when the body is not the JSON shape expected.

:func:`normalise_page` turns a page of raw items into ``MentionIn`` items plus ``Rejected``
records, so one bad item never costs the others. :func:`deliver` classifies a failed write.
:func:`open_stream` gives the lines of a long-lived answer (server-sent events, JSON lines).

Timeouts carry ``maybe_delivered``: a connect timeout means nothing left this machine, a read
timeout means the network may have acted on a POST. Delivery code turns the latter into
``DeliveryOutcome.UNKNOWN`` and reconciles it later instead of retrying blindly (DESIGN §3.6).

``html_to_text`` lives here too because every HTML-speaking network (Mastodon, Discourse, feeds)
needs the same safe conversion.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import httpx
from pydantic import ValidationError

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    PermanentNetworkError,
    RateLimitedError,
    Rejected,
    TransientNetworkError,
)
from hearth.ingest.schemas import MentionIn
from hearth.kit.netguard import DestinationRefusedError

DEFAULT_MAX_BYTES = 5_000_000  # a page of 100 posts is well under 1 MB on every network we read
DEFAULT_RETRY_AFTER = 60.0
MAX_RETRY_AFTER = 24 * 3600.0  # a garbled header must not park a channel for a year
EXCERPT_CHARS = 300
# Reset headers in the wild, by documentation: Mastodon ``X-RateLimit-Reset`` (ISO 8601 time),
# Reddit ``X-Ratelimit-Reset`` (seconds left), Bluesky ``RateLimit-Reset`` (Unix time).
RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset")
_EPOCH_THRESHOLD = 1_000_000_000  # a bare number above this is a Unix time, not a delay


class PayloadTooLargeError(PermanentNetworkError):
    """The network sent a body larger than we accept."""

    code = "connector.payload_too_large"


class MalformedPayloadError(PermanentNetworkError):
    """The network sent something that is not the JSON we expect."""

    code = "connector.malformed_payload"


class DestinationBlockedError(PermanentNetworkError):
    """The address leads to a network Hearth does not connect to (kit/netguard.py).

    Permanent: retrying changes nothing until an admin edits the address or an operator allows
    the network. ``message`` is the guard's sentence alone, so the web layer can translate it.
    """

    code = "connector.destination_blocked"

    def __init__(self, refused: DestinationRefusedError) -> None:
        super().__init__(refused.message)
        self.host = refused.host
        self.address = refused.address


class ServerFailedError(TransientNetworkError):
    """The network answered with 408 or a 5xx: worth retrying, but a write may have happened."""

    code = "connector.server_failed"

    def __init__(self, message: str = "", *, status: int, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.status_code = status
        self.retry_after = retry_after


class NetworkTimeoutError(TransientNetworkError):
    """The network did not answer in time."""

    code = "connector.timeout"

    def __init__(self, message: str = "", *, maybe_delivered: bool) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True)
class BoundedResponse:
    """A fully read, size-checked answer. ``content`` is never larger than the limit."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    def json(self, *, expect: type | tuple[type, ...] = dict) -> Any:
        return parse_json(self.content, expect=expect, source=self.url)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ok_statuses: frozenset[int] = frozenset({304}),
    **kwargs: Any,
) -> BoundedResponse:
    """Perform one request; return the bounded answer or raise a typed ``ConnectorError``.

    ``kwargs`` go to ``httpx.Client.stream`` (params, json, data, headers, auth, timeout).
    2xx statuses and those in ``ok_statuses`` are returned; every other status raises.
    """
    try:
        with client.stream(method, url, **kwargs) as response:
            body = read_bounded(response, max_bytes)
    except DestinationRefusedError as exc:
        raise DestinationBlockedError(exc) from exc
    except httpx.TimeoutException as exc:
        never_sent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        raise NetworkTimeoutError(
            f"{method} {_short(url)} timed out ({type(exc).__name__})",
            maybe_delivered=not never_sent,
        ) from exc
    except httpx.TransportError as exc:
        raise TransientNetworkError(f"{method} {_short(url)} failed: {exc}") from exc
    answer = BoundedResponse(response.status_code, response.headers, body, str(response.url))
    if not (200 <= answer.status_code < 300 or answer.status_code in ok_statuses):
        raise error_for_status(answer)
    return answer


@contextmanager
def open_stream(
    client: httpx.Client, url: str, *, method: str = "GET", **kwargs: Any
) -> Iterator[Iterator[str]]:
    """Open a long-lived text stream (server-sent events, JSON lines) and yield its lines.

    A refusal is raised as the same typed errors as :func:`send`; so is a failure mid-stream.
    """
    try:
        with client.stream(method, url, **kwargs) as response:
            if not 200 <= response.status_code < 300:
                body = read_bounded(response, 64_000)
                raise error_for_status(
                    BoundedResponse(response.status_code, response.headers, body, url)
                )
            yield response.iter_lines()
    except DestinationRefusedError as exc:
        raise DestinationBlockedError(exc) from exc
    except httpx.TimeoutException as exc:
        raise NetworkTimeoutError(f"stream {_short(url)} timed out", maybe_delivered=False) from exc
    except httpx.TransportError as exc:
        raise TransientNetworkError(f"stream {_short(url)} broke: {exc}") from exc


def deliver(action: Callable[[], Delivery]) -> Delivery:
    """Run a write (reply, post) and classify its failure for the publish layer.

    Rate limits, expired credentials and failures that surely sent nothing (connection refused,
    connect timeout) are raised: retrying them is safe. When the network may have acted — a read
    timeout, a 5xx, or a success whose answer we cannot read — the outcome is UNKNOWN, to be
    reconciled with ``find_delivery``. Any other refusal is FAILED, with the network's words.
    """
    try:
        return action()
    except NetworkTimeoutError as exc:
        if not exc.maybe_delivered:
            raise
        return Delivery(DeliveryOutcome.UNKNOWN, error=str(exc))
    except (ServerFailedError, MalformedPayloadError, PayloadTooLargeError) as exc:
        return Delivery(DeliveryOutcome.UNKNOWN, error=str(exc))
    except PermanentNetworkError as exc:
        return Delivery(DeliveryOutcome.FAILED, error=str(exc))


def normalise_page(
    raw_items: Iterable[Any], normalise: Callable[[Any], MentionIn | None]
) -> tuple[list[MentionIn], list[Rejected]]:
    """Normalise each raw item; a bad one becomes a ``Rejected`` and the rest are kept.

    ``normalise`` returns None for an item that is deliberately skipped (not an error).
    """
    items: list[MentionIn] = []
    rejected: list[Rejected] = []
    for raw in raw_items:
        try:
            item = normalise(raw)
        except (ValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
            rejected.append(Rejected(reason=excerpt(_reason(exc)), raw_excerpt=excerpt(raw)))
            continue
        if item is not None:
            items.append(item)
    return items, rejected


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"invalid item: {where}: {first['msg']}"
    if isinstance(exc, KeyError):
        return f"invalid item: missing field {exc}"
    return f"invalid item: {exc}"


def read_bounded(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLargeError(
            f"answer from {_short(str(response.url))} declares {int(declared)} bytes; "
            f"the limit is {max_bytes}"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLargeError(
                f"answer from {_short(str(response.url))} exceeds {max_bytes} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def error_for_status(answer: BoundedResponse) -> ConnectorError:
    """The typed error for a non-success answer, with a one-line excerpt of what was said."""
    status, where = answer.status_code, _short(answer.url)
    said = excerpt(answer.text)
    if status == 401:
        return AuthExpiredError(f"{where} refused the credentials (401): {said}")
    if status == 429:
        return RateLimitedError(
            f"{where} is rate limiting us (429)", retry_after=retry_after_from(answer.headers)
        )
    if status == 408 or status >= 500:
        hint = retry_after_from(answer.headers, default=0.0)
        return ServerFailedError(
            f"{where} failed with {status}: {said}", status=status, retry_after=hint
        )
    return PermanentNetworkError(f"{where} refused the request ({status}): {said}")


def retry_after_from(
    headers: Mapping[str, str],
    *,
    now: datetime | None = None,
    default: float = DEFAULT_RETRY_AFTER,
) -> float:
    """Seconds to wait, from ``Retry-After`` first, then a known rate-limit reset header."""
    now = now or datetime.now(UTC)
    for name in ("retry-after", *RESET_HEADERS):
        value = headers.get(name)
        if value:
            seconds = parse_retry_after(value, now=now)
            if seconds is not None:
                return seconds
    return default


def parse_retry_after(value: str, *, now: datetime) -> float | None:
    """Parse delta-seconds, a Unix time, an HTTP-date or an ISO 8601 time; None if garbled."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        moment = _parse_moment(value)
        return None if moment is None else _clamp((moment - now).total_seconds())
    if not math.isfinite(number):
        return None
    if number > _EPOCH_THRESHOLD:
        return _clamp(number - now.timestamp())
    return _clamp(number)


def _parse_moment(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    # An HTTP-date is GMT by definition; a naive ISO time from a server is taken as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _clamp(seconds: float) -> float:
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def parse_json(
    body: bytes | str, *, expect: type | tuple[type, ...] = dict, source: str = "answer"
) -> Any:
    """Decode JSON and check the top-level type; raise ``MalformedPayloadError`` otherwise."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayloadError(
            f"{_short(source)} sent invalid JSON ({exc}): {excerpt(body)}"
        ) from exc
    if not isinstance(value, expect):
        raise MalformedPayloadError(
            f"{_short(source)} sent JSON {type(value).__name__}, expected {_names(expect)}"
        )
    return value


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line rendering of something received, safe to log or show."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            value = repr(value)
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _short(url: str) -> str:
    # Query strings may carry tokens (some networks accept them there); never echo them.
    return url.split("?", 1)[0]


def _names(expect: type | tuple[type, ...]) -> str:
    types = expect if isinstance(expect, tuple) else (expect,)
    return " or ".join(t.__name__ for t in types)


# --- HTML to plain text -------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
     "tr", "table", "aside", "section", "article", "header", "footer", "hr"}
)  # fmt: skip
_SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe"})


class _TextExtractor(HTMLParser):
    """Keeps text and line structure; drops tags, attributes, scripts and styles entirely."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text from untrusted HTML: no markup survives, paragraphs become blank lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
