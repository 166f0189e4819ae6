"""Helpers for inbox tests: mentions sent through the real stream consumer (enrich → store →
route), as they arrive in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hearth.ingest.consumer import MentionConsumer
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.kit.stream import Envelope

NOW = datetime.now(UTC)


def item(
    n: int | str,
    text: str,
    *,
    platform: str = "mastodon",
    kind: str = "post",
    parent: str | None = None,
    author: str = "lea",
    followers: int = 120,
    minutes_ago: float = 0,
) -> MentionIn:
    return MentionIn(
        platform=platform,
        external_id=f"{platform}-{n}",
        text=text,
        kind=kind,
        author=AuthorIn(
            platform_user_id=f"u-{author}",
            handle=author,
            display_name=author.title(),
            followers=followers,
        ),
        created_at=NOW - timedelta(minutes=minutes_ago),
        parent_external_id=parent,
    )


def deliver(factory, workspace_id: str, *items: MentionIn) -> None:
    MentionConsumer(factory)([Envelope(workspace_id, i.model_dump(mode="json")) for i in items])
