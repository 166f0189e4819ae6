"""Bluesky payloads (PostView, notification, Jetstream commit event) as ``MentionIn``: pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError

from hearth.ingest.connectors.base import Rejected
from hearth.ingest.connectors.http import MalformedPayloadError, excerpt, parse_json
from hearth.ingest.schemas import AuthorIn, MentionIn

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
NOTIFICATION_REASONS = ("mention", "reply", "quote")
DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"


def post_view_to_mention(view: Mapping[str, Any]) -> MentionIn:
    """An ``app.bsky.feed.defs#postView`` (search, getPosts) or a post notification."""
    author = view["author"]
    record = view["record"]
    metrics = {
        name: int(view[field])
        for name, field in (
            ("replies", "replyCount"),
            ("reposts", "repostCount"),
            ("likes", "likeCount"),
            ("quotes", "quoteCount"),
        )
        if isinstance(view.get(field), int)
    }
    return _record_to_mention(
        uri=view["uri"],
        author=AuthorIn(
            platform_user_id=author["did"],
            handle="@" + author["handle"] if author.get("handle") else "",
            display_name=author.get("displayName") or "",
        ),
        record=record,
        metrics=metrics,
        profile=author.get("handle") or author["did"],
    )


def notification_to_mention(notification: Mapping[str, Any]) -> MentionIn | None:
    """A ``listNotifications`` entry, or None when it is not a post (a like, a follow)."""
    if notification.get("reason") not in NOTIFICATION_REASONS:
        return None
    if notification["record"].get("$type") != POST_COLLECTION:
        return None
    return post_view_to_mention(notification)


def parse_jetstream_event(
    event: str | bytes | Mapping[str, Any], terms: Sequence[str] = ()
) -> MentionIn | None:
    """A Jetstream event as a mention when it creates a post containing one of ``terms``.

    Deletes, likes, identity and account events, and posts matching no term give None; a
    malformed event raises ``MalformedPayloadError`` naming what is wrong. Without ``terms``
    every new post is kept (the caller filters).
    """
    data = event if isinstance(event, Mapping) else parse_json(event, source="jetstream event")
    if data.get("kind") != "commit":
        return None
    commit = data.get("commit")
    if not isinstance(commit, Mapping):
        raise MalformedPayloadError(f"jetstream commit event without commit: {excerpt(data)}")
    if commit.get("operation") != "create" or commit.get("collection") != POST_COLLECTION:
        return None
    try:
        record = commit["record"]
        if not matches_terms(str(record.get("text", "")), record.get("tags"), terms):
            return None
        did = data["did"]
        return _record_to_mention(
            uri=f"at://{did}/{POST_COLLECTION}/{commit['rkey']}",
            author=AuthorIn(platform_user_id=did),
            record=record,
            metrics={},
            profile=did,
        )
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise MalformedPayloadError(f"jetstream post is invalid ({exc}): {excerpt(data)}") from exc


def iter_jetstream(
    lines: Iterable[str | bytes], terms: Sequence[str] = ()
) -> Iterator[MentionIn | Rejected]:
    """Mentions from Jetstream messages (one JSON event each); bad ones become ``Rejected``."""
    for line in lines:
        if not line.strip():
            continue
        try:
            mention = parse_jetstream_event(line, terms)
        except MalformedPayloadError as exc:
            yield Rejected(reason=exc.message, raw_excerpt=excerpt(line))
            continue
        if mention is not None:
            yield mention


def jetstream_url(
    base: str = DEFAULT_JETSTREAM, *, cursor_us: int | None = None, dids: Sequence[str] = ()
) -> str:
    """The websocket address for new posts; ``cursor_us`` replays from a ``time_us``."""
    params: list[tuple[str, str]] = [("wantedCollections", POST_COLLECTION)]
    params += [("wantedDids", did) for did in dids]
    if cursor_us is not None:
        params.append(("cursor", str(cursor_us)))
    return f"{base}?{urlencode(params)}"


def matches_terms(text: str, tags: Any, terms: Sequence[str]) -> bool:
    if not terms:
        return True
    haystack = text.casefold()
    tag_set = {f"#{t}".casefold() for t in tags} if isinstance(tags, list) else set()
    return any(t.casefold() in haystack or t.casefold() in tag_set for t in terms if t)


def post_url(profile: str, uri: str) -> str:
    return f"https://bsky.app/profile/{profile}/post/{uri.rsplit('/', 1)[-1]}"


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {value!r}")
    return moment


def _record_to_mention(
    *,
    uri: str,
    author: AuthorIn,
    record: Mapping[str, Any],
    metrics: dict[str, int],
    profile: str,
) -> MentionIn:
    if record.get("$type", POST_COLLECTION) != POST_COLLECTION:
        raise ValueError(f"not a post record: {record.get('$type')!r}")
    parent = (record.get("reply") or {}).get("parent", {}).get("uri")
    langs = record.get("langs") or []
    return MentionIn(
        platform=PLATFORM,
        external_id=uri,
        url=post_url(profile, uri),
        author=author,
        text=record["text"],
        kind="reply" if parent else "post",
        lang_hint=langs[0] if langs else None,
        created_at=parse_time(record["createdAt"]),
        parent_external_id=parent,
        metrics=metrics,
        raw={"uri": uri},
    )


def sort_time(item: Mapping[str, Any]) -> str | None:
    """The moment search sorts by: the earlier of createdAt and indexedAt (clock skew guard)."""
    created = (item.get("record") or {}).get("createdAt")
    indexed = item.get("indexedAt")
    try:
        moments = [parse_time(v) for v in (created, indexed) if isinstance(v, str)]
    except ValueError:
        return None
    return min(moments).isoformat() if moments else None
