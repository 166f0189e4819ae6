"""Pure predicates: may this actor, with this role in a workspace, do this? (DESIGN §3.4)."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.authz.actor import Actor, ActorKind
from hearth.authz.roles import ROLE_RANK, Permission, Role, role_has


@dataclass(frozen=True)
class WorkspaceGrant:
    """What an actor holds in one workspace, once access was established."""

    actor: Actor
    workspace_id: str
    role: Role

    def has(self, permission: Permission) -> bool:
        if self.actor.kind is ActorKind.SYSTEM:
            return True
        if not role_has(self.role, permission):
            return False
        if self.actor.kind is ActorKind.TOKEN:
            return permission in self.actor.token_scopes
        return True


def can(grant: WorkspaceGrant, permission: Permission) -> bool:
    return grant.has(permission)


def can_grant_role(grant: WorkspaceGrant, role: Role) -> bool:
    """Nobody hands out a role above their own; only owners make owners."""
    if not grant.has(Permission.TEAM_CHANGE_ROLE):
        return False
    if role is Role.OWNER:
        return grant.role is Role.OWNER or grant.actor.is_system
    return ROLE_RANK[role] <= ROLE_RANK[grant.role] or grant.actor.is_system


def can_change_member(grant: WorkspaceGrant, current_role: Role) -> bool:
    """Admins manage everyone below owner; owners manage everyone."""
    if not grant.has(Permission.TEAM_CHANGE_ROLE):
        return False
    if current_role is Role.OWNER:
        return grant.role is Role.OWNER or grant.actor.is_system
    return True


def can_remove_member(grant: WorkspaceGrant, current_role: Role) -> bool:
    if not grant.has(Permission.TEAM_REMOVE):
        return False
    if current_role is Role.OWNER:
        return grant.role is Role.OWNER or grant.actor.is_system
    return True


def can_create_workspace(actor: Actor) -> bool:
    return actor.is_system or actor.is_operator
