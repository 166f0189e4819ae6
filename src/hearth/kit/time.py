"""Time is always timezone-aware UTC inside Hearth; users see their own zone at the edges."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: Hearth only handles timezone-aware times")
    return value.astimezone(UTC)
