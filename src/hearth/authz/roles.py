"""Roles and permissions: the one table that says who may do what (docs/permissions.md)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    MODERATOR = "moderator"
    ANALYST = "analyst"
    VIEWER = "viewer"


class Permission(enum.StrEnum):
    WORKSPACE_VIEW = "workspace.view"
    WORKSPACE_SETTINGS = "workspace.settings"
    TEAM_VIEW = "team.view"
    TEAM_INVITE = "team.invite"
    TEAM_CHANGE_ROLE = "team.change_role"
    TEAM_REMOVE = "team.remove"
    TEAM_RESET_PASSWORD = "team.reset_password"
    TOKENS_MANAGE = "tokens.manage"
    AUDIT_VIEW = "audit.view"
    CHANNELS_VIEW = "channels.view"
    CHANNELS_MANAGE = "channels.manage"
    MENTIONS_VIEW = "mentions.view"
    MENTIONS_EXPORT = "mentions.export"
    INBOX_REPLY = "inbox.reply"
    INBOX_ASSIGN = "inbox.assign"
    INBOX_RULES = "inbox.rules"
    MODERATION_ACT = "moderation.act"
    MODERATION_RULES = "moderation.rules"
    PUBLISH_DRAFT = "publish.draft"
    PUBLISH_SCHEDULE = "publish.schedule"
    PUBLISH_APPROVE = "publish.approve"
    CRISIS_VIEW = "crisis.view"
    CRISIS_MANAGE = "crisis.manage"
    ANALYTICS_VIEW = "analytics.view"
    PRIVACY_VIEW = "privacy.view"
    PRIVACY_MANAGE = "privacy.manage"
    JOBS_MANAGE = "jobs.manage"


P = Permission
_READ = {P.WORKSPACE_VIEW, P.CHANNELS_VIEW, P.MENTIONS_VIEW, P.CRISIS_VIEW, P.ANALYTICS_VIEW}
_ANALYST = _READ | {P.TEAM_VIEW, P.MENTIONS_EXPORT}
_AGENT = _READ | {P.TEAM_VIEW, P.INBOX_REPLY, P.INBOX_ASSIGN, P.PUBLISH_DRAFT}
_MODERATOR = _READ | {P.TEAM_VIEW, P.MODERATION_ACT}
_MANAGER = (
    _AGENT
    | _MODERATOR
    | _ANALYST
    | {
        P.CHANNELS_MANAGE,
        P.INBOX_RULES,
        P.MODERATION_RULES,
        P.PUBLISH_SCHEDULE,
        P.PUBLISH_APPROVE,
        P.CRISIS_MANAGE,
        P.AUDIT_VIEW,
        P.PRIVACY_VIEW,
    }
)
_ADMIN = set(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(_ADMIN),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MANAGER: frozenset(_MANAGER),
    Role.AGENT: frozenset(_AGENT),
    Role.MODERATOR: frozenset(_MODERATOR),
    Role.ANALYST: frozenset(_ANALYST),
    Role.VIEWER: frozenset(_READ),
}

# Higher rank may do more; used to stop anyone granting a role above their own.
ROLE_RANK: dict[Role, int] = {
    Role.VIEWER: 0,
    Role.ANALYST: 1,
    Role.MODERATOR: 1,
    Role.AGENT: 1,
    Role.MANAGER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
