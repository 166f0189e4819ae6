"""The JSON any other source POSTs to Hearth's inbound webhook (documented in docs/connectors.md).

The envelope is checked as a whole (a request that is not ``{"items": [...]}`` is refused);
items are checked one by one, so one bad item is reported and the others are kept.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from hearth.ingest.schemas import MAX_RAW_BYTES, MAX_TEXT_CHARS, AuthorIn, MentionIn

MAX_ITEMS = 500
DEFAULT_PLATFORM = "webhook"
SLUG = r"^[a-z0-9][a-z0-9_.-]{0,39}$"
KINDS = ("post", "reply", "repost", "article", "review", "comment", "email", "dm")


class WebhookAuthor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="The author's id at the source.")
    handle: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    followers: int | None = Field(default=None, ge=0)


class WebhookItem(BaseModel):
    """One mention. ``id`` must be stable: re-sending the same id updates, never duplicates."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=300)
    platform: str = Field(default=DEFAULT_PLATFORM, pattern=SLUG)
    text: str = Field(max_length=MAX_TEXT_CHARS)
    created_at: AwareDatetime
    author: WebhookAuthor
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    title: str | None = Field(default=None, max_length=1000)
    kind: str = Field(default="post")
    lang: str | None = Field(default=None, max_length=16)
    parent_id: str | None = Field(default=None, max_length=300)
    metrics: dict[str, int] = Field(default_factory=dict, max_length=50)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        return value

    @field_validator("extra")
    @classmethod
    def _bounded_extra(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, default=str)) > MAX_RAW_BYTES:
            raise ValueError(f"extra is larger than {MAX_RAW_BYTES} bytes once encoded")
        return value

    def to_mention(self) -> MentionIn:
        return MentionIn(
            platform=self.platform,
            external_id=self.id,
            url=self.url,
            author=AuthorIn(
                platform_user_id=self.author.id,
                handle=self.author.handle,
                display_name=self.author.name,
                followers=self.author.followers,
                url=self.author.url,
            ),
            text=self.text,
            title=self.title,
            kind=self.kind,
            lang_hint=self.lang,
            created_at=self.created_at,
            parent_external_id=self.parent_id,
            metrics=self.metrics,
            raw={"via": "webhook", **({"extra": self.extra} if self.extra else {})},
        )


class WebhookEnvelope(BaseModel):
    """The request body: a batch of items, validated item by item elsewhere."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(min_length=1, max_length=MAX_ITEMS)
