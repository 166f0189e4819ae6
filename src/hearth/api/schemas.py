"""Shapes of the JSON API v1 (documented at /api/docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WorkspaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    slug: str
    name: str
    timezone: str
    default_language: str


class TeamMemberOut(BaseModel):
    membership_id: str
    user_id: str
    email: str
    display_name: str
    role: str
    joined_at: datetime


class InvitationIn(BaseModel):
    email: str = Field(max_length=320)
    role: str


class InvitationOut(BaseModel):
    id: str
    email: str
    role: str
    expires_at: datetime
    link: str


class RoleIn(BaseModel):
    role: str


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    seq: int
    at: datetime
    actor_type: str
    actor_label: str
    action: str
    target_type: str | None
    target_id: str | None
    target_label: str | None
    data: dict[str, Any]


class MentionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    platform: str
    external_id: str
    url: str | None
    kind: str
    text: str
    language: str | None
    created_at: datetime
    received_at: datetime
    sentiment: str | None
    toxicity: float | None
    intent: str | None
