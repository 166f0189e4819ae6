"""Workspaces and their teams: create, invite, accept, change roles, remove, API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.auth.actions import normalize_email
from hearth.authz.access import access_with
from hearth.authz.actor import Actor, ActorKind
from hearth.authz.policy import (
    WorkspaceGrant,
    can_change_member,
    can_create_workspace,
    can_grant_role,
    can_remove_member,
)
from hearth.authz.roles import ROLE_PERMISSIONS, Permission, Role
from hearth.kit.crypto import random_token, token_hash
from hearth.kit.errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import ApiToken, Invitation, Membership, User, Workspace

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
TOKEN_PREFIX = "hth_"


class LastOwnerError(ConflictError):
    """A workspace must keep at least one owner."""


class InvitationInvalidError(NotFoundError):
    """This invitation link is invalid, expired, revoked or already used."""


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64] or "workspace"


def check_create_workspace(session: Session, actor: Actor, name: str, slug: str | None) -> str:
    if not can_create_workspace(actor):
        raise ForbiddenError("only instance operators create workspaces")
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailedError("a workspace needs a name of at most 200 characters")
    slug = slug or slugify(name)
    if not SLUG_RE.match(slug):
        raise ValidationFailedError("the short name may hold a-z, 0-9 and dashes")
    if session.scalar(select(Workspace.id).where(Workspace.slug == slug)):
        raise ConflictError(f"the short name {slug!r} is taken")
    return slug


def do_create_workspace(
    session: Session, *, name: str, slug: str, owner: User, actor: Actor,
    timezone: str = "Europe/Paris", default_language: str = "fr",
) -> Workspace:
    workspace = Workspace(name=name.strip(), slug=slug, timezone=timezone,
                          default_language=default_language, settings={})
    session.add(workspace)
    session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=owner.id, role=Role.OWNER,
                           created_by_id=actor.user_id))
    # A new workspace starts with sensible routing (DMs, e-mails, questions, complaints).
    from hearth.inbox.rules import install_default_rules

    install_default_rules(session, workspace.id, actor=actor)
    record(session, actor=actor, action="workspace.workspace.created", workspace_id=workspace.id,
           target=Target("workspace", workspace.id, workspace.name),
           data={"owner": owner.email})
    return workspace


# --- invitations --------------------------------------------------------------------------------

def check_invite(
    session: Session, actor: Actor, workspace_id: str, email: str, role: str
) -> tuple[WorkspaceGrant, str, Role]:
    grant = access_with(session, actor, workspace_id, Permission.TEAM_INVITE)
    email = normalize_email(email)
    try:
        wanted = Role(role)
    except ValueError:
        raise ValidationFailedError(f"unknown role {role!r}") from None
    if not can_grant_role(grant, wanted):
        raise ForbiddenError("you cannot invite someone with a role above your own")
    already = session.scalar(
        select(Membership.id).join(User, User.id == Membership.user_id).where(
            Membership.workspace_id == workspace_id, User.email == email
        )
    )
    if already:
        raise ConflictError("this person is already a member")
    return grant, email, wanted


def do_invite(
    session: Session, grant: WorkspaceGrant, *, email: str, role: Role, days: int, actor: Actor
) -> tuple[Invitation, str]:
    raw = random_token(nbytes=24)
    invitation = Invitation(
        workspace_id=grant.workspace_id, email=email, role=role, token_hash=token_hash(raw),
        created_by_id=actor.user_id, expires_at=utcnow() + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    record(session, actor=actor, action="workspace.invitation.created",
           workspace_id=grant.workspace_id, target=Target("invitation", invitation.id, email),
           data={"role": role.value, "expires_at": invitation.expires_at.isoformat()})
    return invitation, raw


def find_valid_invitation(session: Session, raw: str) -> Invitation:
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(raw)))
    if (
        invitation is None
        or invitation.accepted_at
        or invitation.revoked_at
        or invitation.expires_at <= utcnow()
    ):
        raise InvitationInvalidError()
    return invitation


def do_accept_invitation(
    session: Session, invitation: Invitation, user: User, *, actor: Actor
) -> Membership:
    existing = session.scalar(select(Membership).where(
        Membership.workspace_id == invitation.workspace_id, Membership.user_id == user.id))
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    membership = existing or Membership(
        workspace_id=invitation.workspace_id, user_id=user.id, role=invitation.role,
        created_by_id=invitation.created_by_id,
    )
    session.add(membership)
    session.flush()
    record(session, actor=actor, action="workspace.invitation.accepted",
           workspace_id=invitation.workspace_id, target=Target("user", user.id, user.email),
           data={"role": invitation.role})
    return membership


def check_revoke_invitation(
    session: Session, actor: Actor, workspace_id: str, invitation_id: str
) -> Invitation:
    access_with(session, actor, workspace_id, Permission.TEAM_INVITE)
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.workspace_id != workspace_id:
        raise NotFoundError("invitation not found")
    return invitation


def do_revoke_invitation(session: Session, invitation: Invitation, *, actor: Actor) -> None:
    invitation.revoked_at = utcnow()
    invitation.revoked_by_id = actor.user_id
    record(session, actor=actor, action="workspace.invitation.revoked",
           workspace_id=invitation.workspace_id,
           target=Target("invitation", invitation.id, invitation.email))


# --- members ------------------------------------------------------------------------------------

def _membership_in(session: Session, workspace_id: str, membership_id: str) -> Membership:
    membership = session.get(Membership, membership_id)
    if membership is None or membership.workspace_id != workspace_id:
        raise NotFoundError("member not found")
    return membership


def _owner_count(session: Session, workspace_id: str) -> int:
    return session.scalar(select(func.count()).where(
        Membership.workspace_id == workspace_id, Membership.role == Role.OWNER)) or 0


def check_change_role(
    session: Session, actor: Actor, workspace_id: str, membership_id: str, role: str
) -> tuple[Membership, Role]:
    grant = access_with(session, actor, workspace_id, Permission.TEAM_CHANGE_ROLE)
    membership = _membership_in(session, workspace_id, membership_id)
    try:
        wanted = Role(role)
    except ValueError:
        raise ValidationFailedError(f"unknown role {role!r}") from None
    if not can_change_member(grant, Role(membership.role)) or not can_grant_role(grant, wanted):
        raise ForbiddenError("you cannot give or change this role")
    if membership.role == Role.OWNER and wanted != Role.OWNER and _owner_count(
        session, workspace_id
    ) <= 1:
        raise LastOwnerError()
    return membership, wanted


def do_change_role(
    session: Session, membership: Membership, role: Role, *, actor: Actor
) -> Membership:
    before = membership.role
    membership.role = role
    user = session.get(User, membership.user_id)
    record(session, actor=actor, action="workspace.member.role_changed",
           workspace_id=membership.workspace_id,
           target=Target("user", membership.user_id, user.email if user else None),
           data={"from": before, "to": role.value})
    return membership


def check_remove_member(
    session: Session, actor: Actor, workspace_id: str, membership_id: str
) -> Membership:
    grant = access_with(session, actor, workspace_id, Permission.TEAM_REMOVE)
    membership = _membership_in(session, workspace_id, membership_id)
    if not can_remove_member(grant, Role(membership.role)):
        raise ForbiddenError("you cannot remove this member")
    if membership.role == Role.OWNER and _owner_count(session, workspace_id) <= 1:
        raise LastOwnerError()
    return membership


def do_remove_member(session: Session, membership: Membership, *, actor: Actor) -> None:
    user = session.get(User, membership.user_id)
    # API tokens the member created stop working with them: a removed teammate keeps no access.
    for token in session.scalars(select(ApiToken).where(
        ApiToken.workspace_id == membership.workspace_id,
        ApiToken.created_by_id == membership.user_id, ApiToken.revoked_at.is_(None),
    )):
        token.revoked_at = utcnow()
        token.revoked_by_id = actor.user_id
    session.delete(membership)
    record(session, actor=actor, action="workspace.member.removed",
           workspace_id=membership.workspace_id,
           target=Target("user", membership.user_id, user.email if user else None),
           data={"role": membership.role})


# --- API tokens ---------------------------------------------------------------------------------

def check_create_api_token(
    session: Session, actor: Actor, workspace_id: str, name: str, scopes: list[str]
) -> tuple[WorkspaceGrant, frozenset[Permission]]:
    if actor.kind is not ActorKind.USER:
        raise ForbiddenError("API tokens are created by people")
    grant = access_with(session, actor, workspace_id, Permission.TOKENS_MANAGE)
    if not name.strip() or len(name) > 200:
        raise ValidationFailedError("give the token a name of at most 200 characters")
    try:
        wanted = frozenset(Permission(s) for s in scopes)
    except ValueError as exc:
        raise ValidationFailedError(f"unknown scope: {exc}") from None
    if not wanted:
        raise ValidationFailedError("choose at least one scope")
    if not wanted <= ROLE_PERMISSIONS[grant.role]:
        raise ForbiddenError("a token cannot hold more than your role allows")
    return grant, wanted


def do_create_api_token(
    session: Session, grant: WorkspaceGrant, *, name: str, scopes: frozenset[Permission],
    expires_days: int | None, actor: Actor,
) -> tuple[ApiToken, str]:
    raw = random_token(TOKEN_PREFIX, 32)
    token = ApiToken(
        workspace_id=grant.workspace_id, created_by_id=actor.user_id, name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=token_hash(raw), role=grant.role,
        scopes=sorted(s.value for s in scopes),
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    record(session, actor=actor, action="workspace.api_token.created",
           workspace_id=grant.workspace_id, target=Target("api_token", token.id, token.name),
           data={"scopes": token.scopes, "role": grant.role.value})
    return token, raw


def check_revoke_api_token(
    session: Session, actor: Actor, workspace_id: str, token_id: str
) -> ApiToken:
    access_with(session, actor, workspace_id, Permission.TOKENS_MANAGE)
    token = session.get(ApiToken, token_id)
    if token is None or token.workspace_id != workspace_id:
        raise NotFoundError("token not found")
    return token


def do_revoke_api_token(session: Session, token: ApiToken, *, actor: Actor) -> None:
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.user_id
    record(session, actor=actor, action="workspace.api_token.revoked",
           workspace_id=token.workspace_id, target=Target("api_token", token.id, token.name))


def authenticate_api_token(session: Session, raw: str) -> Actor | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    now = utcnow()
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
        return None
    # The creator must still belong to the workspace.
    if not session.scalar(select(Membership.id).where(
        Membership.workspace_id == token.workspace_id, Membership.user_id == token.created_by_id
    )):
        return None
    token.last_used_at = now
    return Actor(
        kind=ActorKind.TOKEN, id=token.id, label=f"token:{token.name}",
        user_id=token.created_by_id, token_workspace_id=token.workspace_id,
        token_role=Role(token.role), token_scopes=frozenset(Permission(s) for s in token.scopes),
    )
