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


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    topic_key: str
    topic_label: str | None
    metric: str
    severity: str
    score: float
    reason: dict[str, Any]
    rising_terms: list[dict[str, Any]]
    opened_at: datetime
    acknowledged_at: datetime | None
    snoozed_until: datetime | None
    resolved_at: datetime | None


class IncidentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    number: int
    title: str
    severity: str
    topic_key: str
    alert_id: str | None
    started_at: datetime
    opened_at: datetime
    lead_id: str | None
    strict_since: datetime | None
    closed_at: datetime | None


class TimelineEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: datetime
    kind: str
    actor: str
    body: str | None
    data: dict[str, Any]


class StatementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    language: str
    template_key: str
    text: str
    state: str
    drafted_at: datetime
    approved_at: datetime | None


class IncidentDetailOut(IncidentOut):
    summary: str
    lessons: str
    facts: dict[str, Any]
    timeline: list[TimelineEntryOut]
    statements: list[StatementOut]
