"""The unified shape of an item coming in from any network, before it is stored.

Every connector (and the demo world) turns what a network sends into a ``MentionIn``.
It is validated here, bounded in size, and carries nothing but plain data: the stream
serialises it as JSON and the store upserts it on (workspace, platform, external_id).
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 20_000
MAX_RAW_BYTES = 64_000


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform_user_id: str = Field(min_length=1, max_length=200)
    handle: str = Field(default="", max_length=200)
    display_name: str = Field(default="", max_length=300)
    followers: int | None = Field(default=None, ge=0)
    url: str | None = Field(default=None, max_length=2000)
    lang: str | None = Field(default=None, max_length=16)


class MentionIn(BaseModel):
    """One post, comment, reply, article, e-mail or direct message, normalised."""

    model_config = ConfigDict(extra="forbid")

    platform: str = Field(min_length=1, max_length=40)
    external_id: str = Field(min_length=1, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    author: AuthorIn
    text: str = Field(max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=1000)
    kind: str = Field(default="post", max_length=40)  # post, reply, repost, article, email, dm
    lang_hint: str | None = Field(default=None, max_length=16)
    created_at: AwareDatetime
    parent_external_id: str | None = Field(default=None, max_length=300)
    repost_of_external_id: str | None = Field(default=None, max_length=300)
    channel_id: str | None = Field(default=None, max_length=64)
    metrics: dict[str, int] = Field(default_factory=dict)
    raw: dict[str, Any] = Field(default_factory=dict)

    @field_validator("text", mode="before")
    @classmethod
    def _clip_text(cls, value: Any) -> Any:
        # Networks occasionally send enormous bodies; we keep a bounded prefix rather than
        # refusing the whole item, so the mention is still heard.
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return value[:MAX_TEXT_CHARS]
        return value

    def received_key(self) -> tuple[str, str]:
        return (self.platform, self.external_id)
