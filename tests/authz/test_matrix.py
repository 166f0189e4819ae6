"""Role × permission matrix, checked through the domain's own check_* functions.

The expected table is written out here independently of hearth.authz.roles, so a change to the
roles that nobody meant shows up as a failing cell.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from hearth.auth.actions import check_reset_password, user_actor
from hearth.authz.access import access_with
from hearth.authz.roles import Permission, Role
from hearth.kit.errors import ForbiddenError
from hearth.workspace import actions
from tests.factories import add_member, make_user, make_workspace

Y, N = True, False
ROLES = ["owner", "admin", "manager", "agent", "moderator", "analyst", "viewer"]
#                             owner admin manager agent moder analyst viewer
EXPECTED: dict[str, list[bool]] = {
    "invite_agent":          [Y, Y, N, N, N, N, N],
    "invite_owner":          [Y, N, N, N, N, N, N],
    "change_role_to_viewer": [Y, Y, N, N, N, N, N],
    "remove_member":         [Y, Y, N, N, N, N, N],
    "create_api_token":      [Y, Y, N, N, N, N, N],
    "reset_password":        [Y, Y, N, N, N, N, N],
    "view_audit":            [Y, Y, Y, N, N, N, N],
    "manage_channels":       [Y, Y, Y, N, N, N, N],
    "export_mentions":       [Y, Y, Y, N, N, Y, N],
    "reply_inbox":           [Y, Y, Y, Y, N, N, N],
    "moderate":              [Y, Y, Y, N, Y, N, N],
    "approve_posts":         [Y, Y, Y, N, N, N, N],
    "manage_crisis":         [Y, Y, Y, N, N, N, N],
    "manage_privacy":        [Y, Y, N, N, N, N, N],
    "manage_jobs":           [Y, Y, N, N, N, N, N],
    "workspace_settings":    [Y, Y, N, N, N, N, N],
}
CASES = [(action, role, EXPECTED[action][i]) for action in EXPECTED for i, role in enumerate(ROLES)]


def _attempt(session: Session, action: str, actor, ws, target_membership, target_user) -> None:
    permission_actions = {
        "view_audit": Permission.AUDIT_VIEW, "manage_channels": Permission.CHANNELS_MANAGE,
        "export_mentions": Permission.MENTIONS_EXPORT, "reply_inbox": Permission.INBOX_REPLY,
        "moderate": Permission.MODERATION_ACT, "approve_posts": Permission.PUBLISH_APPROVE,
        "manage_crisis": Permission.CRISIS_MANAGE, "manage_privacy": Permission.PRIVACY_MANAGE,
        "manage_jobs": Permission.JOBS_MANAGE, "workspace_settings": Permission.WORKSPACE_SETTINGS,
    }
    if action in permission_actions:
        access_with(session, actor, ws.id, permission_actions[action])
    elif action == "invite_agent":
        actions.check_invite(session, actor, ws.id, "new@example.com", "agent")
    elif action == "invite_owner":
        actions.check_invite(session, actor, ws.id, "new@example.com", "owner")
    elif action == "change_role_to_viewer":
        actions.check_change_role(session, actor, ws.id, target_membership.id, "viewer")
    elif action == "remove_member":
        actions.check_remove_member(session, actor, ws.id, target_membership.id)
    elif action == "create_api_token":
        actions.check_create_api_token(session, actor, ws.id, "ci", ["workspace.view"])
    elif action == "reset_password":
        check_reset_password(session, actor, ws.id, target_user.id)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(action)


def test_role_permission_matrix(session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    ws = make_workspace(session, "Briquo", owner)
    actors = {"owner": user_actor(owner)}
    for role in ROLES[1:]:
        member = make_user(session, f"{role}@example.com")
        add_member(session, ws, member, Role(role))
        actors[role] = user_actor(member)
    target_user = make_user(session, "target@example.com")
    target = add_member(session, ws, target_user, Role.AGENT)
    wrong = []
    for action, role, allowed in CASES:
        try:
            _attempt(session, action, actors[role], ws, target, target_user)
            got = True
        except ForbiddenError:
            got = False
        if got != allowed:
            wrong.append(f"{role} {'may' if got else 'may not'} {action}")
    assert wrong == []


def test_admin_cannot_demote_or_remove_an_owner(session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    ws = make_workspace(session, "Briquo", owner)
    admin = make_user(session, "admin@example.com")
    add_member(session, ws, admin, Role.ADMIN)
    from hearth.workspace.queries import list_team

    owner_membership = next(m for m in list_team(session, ws.id) if m.email == owner.email)
    with pytest.raises(ForbiddenError):
        actions.check_change_role(session, user_actor(admin), ws.id,
                                  owner_membership.membership_id, "viewer")
    with pytest.raises(ForbiddenError):
        actions.check_remove_member(session, user_actor(admin), ws.id,
                                    owner_membership.membership_id)


def test_last_owner_cannot_leave_the_workspace_ownerless(session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    ws = make_workspace(session, "Briquo", owner)
    from hearth.workspace.queries import list_team

    mine = list_team(session, ws.id)[0]
    with pytest.raises(actions.LastOwnerError):
        actions.check_change_role(session, user_actor(owner), ws.id, mine.membership_id, "admin")


def test_admin_cannot_reset_password_of_someone_in_a_workspace_they_do_not_run(
    session: Session,
) -> None:
    owner = make_user(session, "owner@example.com")
    ws = make_workspace(session, "Briquo", owner)
    other_owner = make_user(session, "pizza@example.com")
    other = make_workspace(session, "Pizzadoro", other_owner)
    admin = make_user(session, "admin@example.com")
    add_member(session, ws, admin, Role.ADMIN)
    shared = make_user(session, "shared@example.com")
    add_member(session, ws, shared, Role.AGENT)
    add_member(session, other, shared, Role.ADMIN)
    with pytest.raises(ForbiddenError):
        check_reset_password(session, user_actor(admin), ws.id, shared.id)


def test_token_scopes_narrow_the_role(session: Session) -> None:
    owner = make_user(session, "owner@example.com")
    ws = make_workspace(session, "Briquo", owner)
    grant, scopes = actions.check_create_api_token(session, user_actor(owner), ws.id, "read",
                                                   ["workspace.view", "audit.view"])
    _, raw = actions.do_create_api_token(session, grant, name="read", scopes=scopes,
                                         expires_days=None, actor=user_actor(owner))
    token_actor = actions.authenticate_api_token(session, raw)
    assert token_actor is not None
    access_with(session, token_actor, ws.id, Permission.AUDIT_VIEW)
    with pytest.raises(ForbiddenError):
        access_with(session, token_actor, ws.id, Permission.TEAM_INVITE)
