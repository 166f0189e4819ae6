"""JSON API v1: workspaces, team, invitations, audit log. Same permissions as the UI."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from hearth.api.deps import api_grant
from hearth.api.schemas import (
    AuditEntryOut,
    InvitationIn,
    InvitationOut,
    RoleIn,
    TeamMemberOut,
    WorkspaceOut,
)
from hearth.authz.access import require
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.models import Workspace
from hearth.web.context import db_session
from hearth.workspace import actions
from hearth.workspace.queries import AuditFilter, list_audit, list_team

router = APIRouter(prefix="/api/v1/workspaces/{workspace_id}", tags=["workspaces"])


def _aware(value: datetime | None) -> datetime | None:
    """Query-string times without a zone are read as UTC (the database refuses naive ones)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@router.get("", response_model=WorkspaceOut)
def get_workspace(
    grant: WorkspaceGrant = Depends(api_grant), db: Session = Depends(db_session, scope="function")
) -> Workspace:
    require(grant, Permission.WORKSPACE_VIEW)
    workspace = db.get(Workspace, grant.workspace_id)
    assert workspace is not None
    return workspace


@router.get("/members", response_model=list[TeamMemberOut])
def members(
    grant: WorkspaceGrant = Depends(api_grant), db: Session = Depends(db_session, scope="function")
) -> list:
    require(grant, Permission.TEAM_VIEW)
    return [m.__dict__ for m in list_team(db, grant.workspace_id)]


@router.post("/invitations", response_model=InvitationOut, status_code=201)
def invite(
    body: InvitationIn,
    request: Request,
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = Depends(db_session, scope="function"),
) -> InvitationOut:
    settings = request.app.state.settings
    grant, email, role = actions.check_invite(
        db, grant.actor, grant.workspace_id, body.email, body.role
    )
    invitation, raw = actions.do_invite(
        db, grant, email=email, role=role, days=settings.invitation_days, actor=grant.actor
    )
    base = (settings.base_url or str(request.base_url)).rstrip("/")
    return InvitationOut(
        id=invitation.id,
        email=email,
        role=role.value,
        expires_at=invitation.expires_at,
        link=f"{base}/invite/{raw}",
    )


@router.patch("/members/{membership_id}", response_model=TeamMemberOut)
def change_role(
    membership_id: str,
    body: RoleIn,
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = Depends(db_session, scope="function"),
) -> dict:
    membership, role = actions.check_change_role(
        db, grant.actor, grant.workspace_id, membership_id, body.role
    )
    actions.do_change_role(db, membership, role, actor=grant.actor)
    return next(
        m.__dict__ for m in list_team(db, grant.workspace_id) if m.membership_id == membership_id
    )


@router.delete("/members/{membership_id}", status_code=204)
def remove_member(
    membership_id: str,
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    membership = actions.check_remove_member(db, grant.actor, grant.workspace_id, membership_id)
    actions.do_remove_member(db, membership, actor=grant.actor)
    return Response(status_code=204)


@router.get("/audit", response_model=list[AuditEntryOut])
def audit(
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: int | None = None,
    limit: int = 50,
    grant: WorkspaceGrant = Depends(api_grant),
    db: Session = Depends(db_session, scope="function"),
) -> list:
    require(grant, Permission.AUDIT_VIEW)
    flt = AuditFilter(actor=actor, action=action, since=_aware(since), until=_aware(until))
    return list_audit(db, grant.workspace_id, flt, limit=max(1, min(limit, 500)), before_seq=before)
