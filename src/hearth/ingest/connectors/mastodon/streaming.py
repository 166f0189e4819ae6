"""The Mastodon streaming API as server-sent events, parsed line by line.

The same events arrive over the SSE endpoints (``GET /api/v1/streaming/hashtag?tag=…``) and over
the websocket, so the parser takes any iterable of text lines and is transport-free; the
connector's :meth:`MastodonConnector.stream` feeds it from an HTTP stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from hearth.ingest.connectors.base import Rejected
from hearth.ingest.connectors.http import excerpt
from hearth.ingest.connectors.mastodon.normalise import status_to_mention
from hearth.ingest.schemas import MentionIn

MAX_EVENT_CHARS = 1_000_000  # one event larger than this is refused, the stream goes on


@dataclass(frozen=True)
class StreamEvent:
    event: str
    data: str
    oversized: bool = False  # data was dropped: larger than MAX_EVENT_CHARS


def parse_sse(lines: Iterable[str]) -> Iterator[StreamEvent]:
    """Server-sent events from text lines: ``event:``/``data:`` fields, blank line dispatches.

    Comment lines (``:thump`` heartbeats) are skipped; multi-line ``data`` is joined with
    newlines, as the SSE specification says; an event without a name is a ``message``. An
    event whose data exceeds ``MAX_EVENT_CHARS`` is yielded empty with ``oversized`` set.
    """
    event, data, size = "", list[str](), 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if size:
                yield _dispatch(event, data, size)
            event, data, size = "", [], 0
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            size += len(value) + 1
            if size <= MAX_EVENT_CHARS:
                data.append(value)
    if size:  # a stream that ends without a final blank line still delivers its last event
        yield _dispatch(event, data, size)


def _dispatch(event: str, data: list[str], size: int) -> StreamEvent:
    if size > MAX_EVENT_CHARS:
        return StreamEvent(event or "message", "", oversized=True)
    return StreamEvent(event or "message", "\n".join(data))


def iter_stream(
    lines: Iterable[str], *, terms: Sequence[str] = ()
) -> Iterator[MentionIn | Rejected]:
    """Mentions from a Mastodon event stream; bad events become ``Rejected``, never fatal.

    ``update`` carries a Status, ``notification`` a Notification (only mentions are kept);
    ``delete``, ``status.update`` and other events are ignored here. With ``terms``, only
    statuses containing one of them (case-insensitive) are kept: the public stream is unfiltered.
    """
    wanted = [term.casefold() for term in terms if term]
    for event in parse_sse(lines):
        if event.event not in ("update", "notification"):
            continue
        if event.oversized:
            yield Rejected(f"{event.event} event larger than {MAX_EVENT_CHARS} characters", "")
            continue
        try:
            mention = _event_to_mention(event)
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
            yield Rejected(
                reason=f"bad {event.event} event: {excerpt(str(exc))}",
                raw_excerpt=excerpt(event.data),
            )
            continue
        if mention is None:
            continue
        if wanted and not any(term in mention.text.casefold() for term in wanted):
            continue
        yield mention


def _event_to_mention(event: StreamEvent) -> MentionIn | None:
    payload = json.loads(event.data)
    if event.event == "notification":
        if payload.get("type") != "mention" or not payload.get("status"):
            return None
        payload = payload["status"]
    if not isinstance(payload, dict):
        raise TypeError("event data is not a JSON object")
    return status_to_mention(payload)
