"""Guarded fetches: establish what an actor holds in a workspace, or answer 404.

A workspace the actor does not belong to is *not found*, never *forbidden*: its existence must
not leak (DESIGN §3.4).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor, ActorKind
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission, Role
from hearth.kit.errors import ForbiddenError, NotFoundError
from hearth.models import Membership, Workspace


class WorkspaceNotFoundError(NotFoundError):
    """Workspace not found."""


def find_role(session: Session, user_id: str, workspace_id: str) -> Role | None:
    role = session.scalar(
        select(Membership.role).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
    )
    return Role(role) if role else None


def access_workspace(session: Session, actor: Actor, workspace_id: str) -> WorkspaceGrant:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise WorkspaceNotFoundError()
    if actor.kind is ActorKind.SYSTEM:
        return WorkspaceGrant(actor=actor, workspace_id=workspace_id, role=Role.OWNER)
    if actor.kind is ActorKind.TOKEN:
        if actor.token_workspace_id != workspace_id or actor.token_role is None:
            raise WorkspaceNotFoundError()
        return WorkspaceGrant(actor=actor, workspace_id=workspace_id, role=actor.token_role)
    role = find_role(session, actor.user_id or "", workspace_id)
    if role is None:
        raise WorkspaceNotFoundError()
    return WorkspaceGrant(actor=actor, workspace_id=workspace_id, role=role)


def require(grant: WorkspaceGrant, permission: Permission) -> None:
    if not grant.has(permission):
        raise ForbiddenError(f"your role does not allow {permission.value}")


def access_with(
    session: Session, actor: Actor, workspace_id: str, permission: Permission
) -> WorkspaceGrant:
    grant = access_workspace(session, actor, workspace_id)
    require(grant, permission)
    return grant
