"""All tables, imported here so Alembic and the app see one complete metadata."""

from hearth.models.audit import AuditEntry, AuditHead
from hearth.models.channel import Channel
from hearth.models.job import Job
from hearth.models.listening import ListeningQuery, MentionMatch
from hearth.models.member import CommunityMember, MemberIdentity
from hearth.models.membership import ApiToken, Invitation, Membership
from hearth.models.mention import Mention
from hearth.models.user import LoginAttempt, User, UserSession
from hearth.models.workspace import Workspace

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Channel",
    "CommunityMember",
    "Invitation",
    "Job",
    "ListeningQuery",
    "LoginAttempt",
    "MemberIdentity",
    "Membership",
    "Mention",
    "MentionMatch",
    "User",
    "UserSession",
    "Workspace",
]
