"""Mastodon entities (Status, Account, Notification) as ``MentionIn``: pure functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hearth.ingest.connectors.base import FetchRequest
from hearth.ingest.connectors.http import html_to_text
from hearth.ingest.schemas import AuthorIn, MentionIn

PLATFORM = "mastodon"


def keep_status(raw: Any, request: FetchRequest) -> MentionIn | None:
    if isinstance(raw, dict) and "type" in raw and "status" in raw:  # a notification
        if raw["type"] != "mention" or not raw["status"]:
            return None
        raw = raw["status"]
    mention = status_to_mention(raw)
    if request.since and mention.created_at < request.since:
        return None
    return mention


def status_to_mention(status: dict[str, Any]) -> MentionIn:
    """One Mastodon Status entity as a ``MentionIn``; raises on a status that is not one."""
    boosted = status.get("reblog")
    source = boosted if isinstance(boosted, dict) else status
    kind = "repost" if boosted else "reply" if status.get("in_reply_to_id") else "post"
    if status.get("visibility") == "direct":
        kind = "dm"
    return MentionIn(
        platform=PLATFORM,
        external_id=str(status["id"]),
        url=status.get("url") or status.get("uri"),
        author=account_to_author(status["account"]),
        text=html_to_text(source.get("content") or ""),
        title=source.get("spoiler_text") or None,  # the content warning
        kind=kind,
        lang_hint=source.get("language"),
        created_at=_parse_time(status["created_at"]),
        parent_external_id=opt_str(status.get("in_reply_to_id")),
        repost_of_external_id=opt_str(boosted.get("id")) if boosted else None,
        metrics={
            name: int(source.get(field) or 0)
            for name, field in (
                ("replies", "replies_count"),
                ("reposts", "reblogs_count"),
                ("likes", "favourites_count"),
            )
        },
        raw={"uri": status.get("uri"), "visibility": status.get("visibility")},
    )


def account_to_author(account: dict[str, Any]) -> AuthorIn:
    return AuthorIn(
        platform_user_id=str(account["id"]),
        handle="@" + str(account.get("acct") or account["username"]),
        display_name=account.get("display_name") or "",
        followers=account.get("followers_count"),
        url=account.get("url"),
    )


def _parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {value!r}")
    return moment


def opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
