"""All tables, imported here so Alembic and the app see one complete metadata."""

from hearth.models.audit import AuditEntry, AuditHead
from hearth.models.channel import Channel
from hearth.models.crisis import CrisisAlert, CrisisBucket, CrisisDetectorState, CrisisWatch
from hearth.models.inbox import (
    Attachment,
    Conversation,
    ConversationEvent,
    ConversationPresence,
    CsatSurvey,
    KnowledgeItem,
    OutboundReply,
    RoutingRule,
    SavedReply,
    SlaBreach,
    SlaPolicy,
)
from hearth.models.incident import (
    Incident,
    IncidentEvent,
    IncidentStatement,
    IncidentTask,
    StatementPost,
)
from hearth.models.ingest import WebhookDelivery
from hearth.models.job import Job
from hearth.models.listening import ListeningQuery, MentionMatch
from hearth.models.member import CommunityMember, MemberIdentity, MemberNote
from hearth.models.membership import ApiToken, Invitation, Membership
from hearth.models.mention import Mention
from hearth.models.notification import (
    AlertDestination,
    AlertEscalationPolicy,
    AlertNotification,
    NotificationPreference,
)
from hearth.models.user import LoginAttempt, User, UserSession
from hearth.models.workspace import Workspace

__all__ = [
    "AlertDestination",
    "AlertEscalationPolicy",
    "AlertNotification",
    "NotificationPreference",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "Channel",
    "Conversation",
    "ConversationEvent",
    "ConversationPresence",
    "CsatSurvey",
    "CommunityMember",
    "CrisisAlert",
    "CrisisBucket",
    "CrisisDetectorState",
    "CrisisWatch",
    "Incident",
    "IncidentEvent",
    "IncidentStatement",
    "IncidentTask",
    "Invitation",
    "Job",
    "KnowledgeItem",
    "ListeningQuery",
    "LoginAttempt",
    "MemberIdentity",
    "MemberNote",
    "Membership",
    "Mention",
    "MentionMatch",
    "OutboundReply",
    "RoutingRule",
    "SavedReply",
    "SlaBreach",
    "StatementPost",
    "SlaPolicy",
    "User",
    "UserSession",
    "WebhookDelivery",
    "Workspace",
]
