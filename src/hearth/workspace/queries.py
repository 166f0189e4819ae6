"""Reads for workspaces and teams. Callers have already been granted access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.kit.time import utcnow
from hearth.models import ApiToken, AuditEntry, Invitation, Membership, User, Workspace


@dataclass(frozen=True)
class TeamMember:
    membership_id: str
    user_id: str
    email: str
    display_name: str
    role: str
    joined_at: datetime


def list_user_workspaces(session: Session, user_id: str) -> list[tuple[Workspace, str]]:
    rows = session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user_id)
        .order_by(Workspace.name)
    ).all()
    return [(ws, role) for ws, role in rows]


def find_workspace_by_slug(session: Session, slug: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.slug == slug))


def list_team(session: Session, workspace_id: str) -> list[TeamMember]:
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.display_name)
    ).all()
    return [
        TeamMember(m.id, u.id, u.email, u.display_name, m.role, m.created_at) for m, u in rows
    ]


def list_pending_invitations(session: Session, workspace_id: str) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).where(
            Invitation.workspace_id == workspace_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        ).order_by(Invitation.created_at.desc())
    ))


def list_api_tokens(session: Session, workspace_id: str) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.workspace_id == workspace_id)
        .order_by(ApiToken.created_at.desc())
    ))


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None  # substring of the actor's label (e-mail, token name)
    action: str | None = None  # prefix of the dotted action
    since: datetime | None = None
    until: datetime | None = None


def list_audit(
    session: Session, workspace_id: str, flt: AuditFilter, *, limit: int = 50,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)
    if flt.actor:
        query = query.where(AuditEntry.actor_label.contains(flt.actor, autoescape=True))
    if flt.action:
        query = query.where(AuditEntry.action.startswith(flt.action, autoescape=True))
    if flt.since:
        query = query.where(AuditEntry.at >= flt.since)
    if flt.until:
        query = query.where(AuditEntry.at < flt.until)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    return list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
