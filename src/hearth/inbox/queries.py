"""Reads of the inbox: the queue, a conversation's timeline, the member beside it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hearth.inbox.attachments import list_reply_attachments
from hearth.kit.time import utcnow
from hearth.models import MemberIdentity, Mention, User
from hearth.models.inbox import (
    Attachment,
    Conversation,
    ConversationEvent,
    ConversationPresence,
    OutboundReply,
    RoutingRule,
    SavedReply,
)

VIEWS = ("mine", "unassigned", "open", "pending", "snoozed", "closed")
PRESENCE_TTL = timedelta(seconds=20)


@dataclass(frozen=True)
class QueueRow:
    conversation: Conversation
    handle: str
    followers: int | None
    assignee: str | None
    preview: str


def _view(query: Select, view: str, user_id: str) -> Select:
    if view == "mine":
        return query.where(
            Conversation.assignee_id == user_id, Conversation.state.in_(("open", "pending"))
        )
    if view == "unassigned":
        return query.where(Conversation.assignee_id.is_(None), Conversation.state == "open")
    if view in ("pending", "snoozed", "closed"):
        return query.where(Conversation.state == view)
    return query.where(Conversation.state == "open")


def list_queue(
    session: Session,
    workspace_id: str,
    view: str,
    user_id: str,
    *,
    limit: int = 50,
    tag: str | None = None,
) -> list[QueueRow]:
    query = (
        select(Conversation, MemberIdentity.handle, MemberIdentity.followers, User.display_name)
        .outerjoin(MemberIdentity, MemberIdentity.id == Conversation.identity_id)
        .outerjoin(User, User.id == Conversation.assignee_id)
        .where(Conversation.workspace_id == workspace_id)
    )
    query = _view(query, view, user_id)
    if view == "closed":
        query = query.order_by(Conversation.closed_at.desc())
    else:
        query = query.order_by(
            Conversation.priority.desc(), Conversation.awaiting_since.asc(), Conversation.id
        )
    rows = []
    for conversation, handle, followers, assignee in session.execute(
        query.limit(limit * 4 if tag else limit)
    ):
        if tag and tag not in (conversation.tags or []):
            continue
        rows.append(QueueRow(conversation, handle or "", followers, assignee, conversation.subject))
        if len(rows) >= limit:
            break
    return rows


def queue_counts(session: Session, workspace_id: str, user_id: str) -> dict[str, int]:
    counts = {}
    for view in VIEWS:
        if view == "closed":
            continue
        query = _view(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.workspace_id == workspace_id),
            view,
            user_id,
        )
        counts[view] = session.scalar(query) or 0
    return counts


@dataclass(frozen=True)
class TimelineItem:
    event: ConversationEvent
    mention: Mention | None
    reply: OutboundReply | None
    attachments: tuple[Attachment, ...] = ()


def timeline(session: Session, conversation: Conversation) -> list[TimelineItem]:
    events = list(
        session.scalars(
            select(ConversationEvent)
            .where(ConversationEvent.conversation_id == conversation.id)
            .order_by(ConversationEvent.at)
        )
    )
    mention_ids = [e.mention_id for e in events if e.mention_id]
    reply_ids = [e.reply_id for e in events if e.reply_id]
    mentions = {
        m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(mention_ids)))
    }
    replies = {
        r.id: r
        for r in session.scalars(select(OutboundReply).where(OutboundReply.id.in_(reply_ids)))
    }
    files = list_reply_attachments(session, list(replies))
    return [
        TimelineItem(
            e,
            mentions.get(e.mention_id or ""),
            replies.get(e.reply_id or ""),
            tuple(files.get(e.reply_id or "", ())),
        )
        for e in events
    ]


@dataclass
class MemberPanel:
    member_id: str
    tags: list[str]
    notes: list[Any]
    identities: list[MemberIdentity]
    mentions: int
    sentiment: Counter[str]
    trend: list[tuple[str, int, int]]  # week label, total, negative
    other_conversations: list[Conversation]


def member_panel(session: Session, conversation: Conversation) -> MemberPanel | None:
    if not conversation.member_id:
        return None
    identities = list(
        session.scalars(
            select(MemberIdentity).where(MemberIdentity.member_id == conversation.member_id)
        )
    )
    ids = [i.id for i in identities]
    rows = session.execute(
        select(Mention.created_at, Mention.sentiment)
        .where(Mention.identity_id.in_(ids))
        .order_by(Mention.created_at.desc())
        .limit(500)
    ).all()
    sentiment = Counter(s or "unknown" for _, s in rows)
    weeks: dict[str, list[int]] = {}
    for created, label in rows:
        key = created.strftime("%G-W%V")
        slot = weeks.setdefault(key, [0, 0])
        slot[0] += 1
        slot[1] += label == "negative"
    others = list(
        session.scalars(
            select(Conversation)
            .where(
                Conversation.member_id == conversation.member_id, Conversation.id != conversation.id
            )
            .order_by(Conversation.created_at.desc())
            .limit(10)
        )
    )
    from hearth.members.actions import list_member_notes
    from hearth.models import CommunityMember

    member = session.get(CommunityMember, conversation.member_id)
    return MemberPanel(
        member_id=conversation.member_id,
        tags=list(member.tags or []) if member else [],
        notes=list_member_notes(session, conversation.member_id),
        identities=identities,
        mentions=len(rows),
        sentiment=sentiment,
        trend=[(k, v[0], v[1]) for k, v in sorted(weeks.items())][-8:],
        other_conversations=others,
    )


def others_here(session: Session, conversation_id: str, user_id: str) -> list[tuple[str, str]]:
    """Teammates viewing or drafting this conversation in the last few seconds."""
    since = utcnow() - PRESENCE_TTL
    rows = session.execute(
        select(User.display_name, ConversationPresence.activity)
        .join(User, User.id == ConversationPresence.user_id)
        .where(
            ConversationPresence.conversation_id == conversation_id,
            ConversationPresence.user_id != user_id,
            ConversationPresence.seen_at >= since,
        )
    )
    return [(name, activity) for name, activity in rows]


def list_rules(session: Session, workspace_id: str) -> list[RoutingRule]:
    return list(
        session.scalars(
            select(RoutingRule)
            .where(RoutingRule.workspace_id == workspace_id)
            .order_by(RoutingRule.position, RoutingRule.created_at)
        )
    )


def list_saved_replies(session: Session, workspace_id: str) -> list[SavedReply]:
    return list(
        session.scalars(
            select(SavedReply)
            .where(SavedReply.workspace_id == workspace_id, SavedReply.archived_at.is_(None))
            .order_by(SavedReply.name)
        )
    )
