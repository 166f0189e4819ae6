"""What a teammate does in the inbox: reply, note, assign, tag, wait, snooze, close, reopen.

Each ``check_*`` authorises (in the domain, whatever the UI shows) and validates; each ``do_*``
changes state, adds the timeline event and writes the audit entry, in the caller's transaction.
Replies are delivered by a job enqueued in the same transaction (after commit, never before).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.policy import WorkspaceGrant
from hearth.authz.roles import Permission
from hearth.inbox.attachments import CheckedAttachment, do_store_attachments
from hearth.inbox.events import EventKind, add_event
from hearth.inbox.intake import refresh_priority
from hearth.inbox.routing import PRIORITY_LABELS
from hearth.kit import jobs
from hearth.kit.errors import ConflictError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import Membership, User
from hearth.models.inbox import Conversation, OutboundReply

MAX_REPLY_CHARS = 10_000
MAX_NOTE_CHARS = 10_000
MENTION_RE = re.compile(r"@([\w.+-]+@[\w-]+\.[\w.-]+|[\w.-]+)")


class ReplyCollisionError(ConflictError):
    """A teammate replied while you were writing: read their reply, then send yours if needed."""


def _target(conversation: Conversation) -> Target:
    return Target("conversation", conversation.id, conversation.subject[:120])


def access_conversation(
    session: Session,
    actor: Actor,
    workspace_id: str,
    conversation_id: str,
    permission: Permission = Permission.MENTIONS_VIEW,
) -> tuple[WorkspaceGrant, Conversation]:
    grant = access_with(session, actor, workspace_id, permission)
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        raise NotFoundError("conversation not found")
    return grant, conversation


# --- replies --------------------------------------------------------------------------------------


def check_reply(
    session: Session,
    actor: Actor,
    workspace_id: str,
    conversation_id: str,
    text: str,
    *,
    draft_started_at: datetime | None,
    confirmed: bool,
) -> Conversation:
    _, conversation = access_conversation(
        session, actor, workspace_id, conversation_id, Permission.INBOX_REPLY
    )
    text = text.strip()
    if not text:
        raise ValidationFailedError("write a reply first")
    if len(text) > MAX_REPLY_CHARS:
        raise ValidationFailedError("the reply is too long")
    if draft_started_at and not confirmed:
        other = session.scalar(
            select(OutboundReply)
            .where(
                OutboundReply.conversation_id == conversation.id,
                OutboundReply.created_at > draft_started_at,
                OutboundReply.author_id != actor.user_id,
            )
            .limit(1)
        )
        if other is not None:
            raise ReplyCollisionError()
    return conversation


def queue_reply(
    session: Session,
    conversation: Conversation,
    *,
    text: str,
    in_reply_to: str | None,
    idempotency_key: str,
    actor: Actor,
    counts_as_response: bool = True,
    attachments: Sequence[CheckedAttachment] = (),
) -> OutboundReply:
    """Record the reply (with its files) and enqueue its delivery. The same key twice is the
    same reply: a double submit stores neither the text nor the files again."""
    existing = session.scalar(
        select(OutboundReply).where(
            OutboundReply.workspace_id == conversation.workspace_id,
            OutboundReply.idempotency_key == idempotency_key,
        )
    )
    if existing is not None:
        return existing
    reply = OutboundReply(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        author_id=actor.user_id,
        in_reply_to_mention_id=in_reply_to,
        text=text,
        idempotency_key=idempotency_key[:80],
        outcome="queued",
    )
    try:
        with session.begin_nested():
            session.add(reply)
            session.flush()
    except IntegrityError:  # a concurrent submit of the same form won the race
        found = session.scalar(
            select(OutboundReply).where(
                OutboundReply.workspace_id == conversation.workspace_id,
                OutboundReply.idempotency_key == idempotency_key,
            )
        )
        assert found is not None
        return found
    if attachments:
        do_store_attachments(session, reply, attachments, actor=actor)
    add_event(
        session, conversation, EventKind.REPLY_QUEUED, actor=actor, reply_id=reply.id, body=text
    )
    if counts_as_response:  # a satisfaction survey is not an answer to the customer
        _answered(session, conversation, actor)
    jobs.enqueue(
        session,
        "inbox.reply.deliver",
        {"reply_id": reply.id},
        workspace_id=conversation.workspace_id,
    )
    record(
        session,
        actor=actor,
        action="inbox.reply.queued",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
        data={"reply": reply.id, "chars": len(text), "attachments": len(attachments)},
    )
    return reply


def _answered(session: Session, conversation: Conversation, actor: Actor) -> None:
    now = utcnow()
    conversation.last_outbound_at = now
    conversation.awaiting_since = None
    if conversation.first_response_at is None and not actor.is_system:
        conversation.first_response_at = now
        conversation.first_response_by_id = actor.user_id
    refresh_priority(session, conversation)


def do_reply(
    session: Session,
    conversation: Conversation,
    *,
    text: str,
    idempotency_key: str,
    actor: Actor,
    counts_as_response: bool = True,
    attachments: Sequence[CheckedAttachment] = (),
) -> OutboundReply:
    return queue_reply(
        session,
        conversation,
        text=text.strip(),
        in_reply_to=_last_inbound_mention(session, conversation),
        idempotency_key=idempotency_key,
        actor=actor,
        counts_as_response=counts_as_response,
        attachments=attachments,
    )


def _last_inbound_mention(session: Session, conversation: Conversation) -> str | None:
    from hearth.models.inbox import ConversationEvent

    return session.scalar(
        select(ConversationEvent.mention_id)
        .where(
            ConversationEvent.conversation_id == conversation.id,
            ConversationEvent.kind == EventKind.MESSAGE_RECEIVED,
        )
        .order_by(ConversationEvent.at.desc())
        .limit(1)
    )


# --- notes ----------------------------------------------------------------------------------------


def check_note(
    session: Session, actor: Actor, workspace_id: str, conversation_id: str, text: str
) -> Conversation:
    _, conversation = access_conversation(
        session, actor, workspace_id, conversation_id, Permission.INBOX_REPLY
    )
    if not text.strip() or len(text) > MAX_NOTE_CHARS:
        raise ValidationFailedError("a note holds between 1 and 10,000 characters")
    return conversation


def mentioned_teammates(session: Session, workspace_id: str, text: str) -> list[str]:
    """@alice or @alice@brand.example in a note: the teammates to notify (members only)."""
    names = {m.lower() for m in MENTION_RE.findall(text)}
    if not names:
        return []
    rows = session.execute(
        select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id)
    )
    return [
        uid for uid, email in rows if email.lower() in names or email.split("@")[0].lower() in names
    ]


def do_add_note(session: Session, conversation: Conversation, text: str, *, actor: Actor) -> None:
    mentioned = mentioned_teammates(session, conversation.workspace_id, text)
    add_event(
        session,
        conversation,
        EventKind.NOTE_ADDED,
        actor=actor,
        body=text.strip(),
        data={"mentions": mentioned},
    )
    record(
        session,
        actor=actor,
        action="inbox.note.added",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
        data={"mentions": len(mentioned)},
    )


# --- assignment, tags, priority -------------------------------------------------------------------


def check_assign(
    session: Session, actor: Actor, workspace_id: str, conversation_id: str, assignee_id: str | None
) -> Conversation:
    _, conversation = access_conversation(
        session, actor, workspace_id, conversation_id, Permission.INBOX_ASSIGN
    )
    if assignee_id and not session.scalar(
        select(Membership.id).where(
            Membership.workspace_id == workspace_id, Membership.user_id == assignee_id
        )
    ):
        raise ValidationFailedError("this person is not in the team")
    return conversation


def do_assign(
    session: Session, conversation: Conversation, assignee_id: str | None, *, actor: Actor
) -> None:
    conversation.assignee_id = assignee_id
    add_event(session, conversation, EventKind.ASSIGNED, actor=actor, data={"to": assignee_id})
    record(
        session,
        actor=actor,
        action="inbox.conversation.assigned",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
        data={"to": assignee_id},
    )


def clean_tags(raw: str | list[str]) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    tags = sorted({t.strip().lower()[:40] for t in items if t.strip()})
    if len(tags) > 20:
        raise ValidationFailedError("at most 20 tags")
    return tags


def do_set_tags(
    session: Session, conversation: Conversation, tags: list[str], *, actor: Actor
) -> None:
    conversation.tags = tags
    add_event(session, conversation, EventKind.TAGGED, actor=actor, data={"tags": tags})
    record(
        session,
        actor=actor,
        action="inbox.conversation.tagged",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
        data={"tags": tags},
    )


def do_set_priority(
    session: Session, conversation: Conversation, label: str, *, actor: Actor
) -> None:
    if label not in PRIORITY_LABELS:
        raise ValidationFailedError("priority is one of urgent, high, normal, low")
    conversation.priority_label = label
    refresh_priority(session, conversation)
    add_event(session, conversation, EventKind.PRIORITY, actor=actor, data={"label": label})
    record(
        session,
        actor=actor,
        action="inbox.conversation.prioritised",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
        data={"label": label},
    )


# --- lifecycle ------------------------------------------------------------------------------------

SNOOZE_LIMIT = timedelta(days=90)


def do_change_state(
    session: Session,
    conversation: Conversation,
    state: str,
    *,
    actor: Actor,
    snooze_until: datetime | None = None,
) -> None:
    """open (reopen), pending (waiting on the customer), snoozed (until a time), closed."""
    now = utcnow()
    if state == "snoozed" and (
        snooze_until is None or not now < snooze_until <= now + SNOOZE_LIMIT
    ):
        raise ValidationFailedError("snooze until a time in the next 90 days")
    if state not in ("open", "pending", "snoozed", "closed"):
        raise ValidationFailedError("unknown state")
    kind = {
        "open": EventKind.REOPENED,
        "pending": EventKind.PENDING,
        "snoozed": EventKind.SNOOZED,
        "closed": EventKind.CLOSED,
    }[state]
    conversation.state = state
    conversation.snoozed_until = snooze_until if state == "snoozed" else None
    conversation.closed_at = now if state == "closed" else None
    conversation.closed_by_id = actor.user_id if state == "closed" else None
    add_event(
        session,
        conversation,
        kind,
        actor=actor,
        data={"until": snooze_until.isoformat()} if snooze_until else {},
    )
    record(
        session,
        actor=actor,
        action=f"inbox.conversation.{kind.value.split('.')[-1]}",
        workspace_id=conversation.workspace_id,
        target=_target(conversation),
    )


def check_change_state(
    session: Session, actor: Actor, workspace_id: str, conversation_id: str
) -> Conversation:
    _, conversation = access_conversation(
        session, actor, workspace_id, conversation_id, Permission.INBOX_REPLY
    )
    return conversation


def wake_snoozed(session: Session, now: datetime | None = None) -> int:
    """Snoozed conversations whose time has come go back to the queue (a periodic job)."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Conversation).where(
                Conversation.state == "snoozed", Conversation.snoozed_until <= now
            )
        )
    )
    for conversation in due:
        conversation.state, conversation.snoozed_until = "open", None
        add_event(
            session,
            conversation,
            EventKind.REOPENED,
            actor=Actor.system("snooze"),
            data={"reason": "snooze ended"},
        )
    return len(due)


def do_touch_presence(
    session: Session, conversation: Conversation, user_id: str, activity: str
) -> None:
    """Ephemeral (not audited): who is looking or writing, for the collision warning."""
    from hearth.models.inbox import ConversationPresence

    presence = session.scalar(
        select(ConversationPresence).where(
            ConversationPresence.conversation_id == conversation.id,
            ConversationPresence.user_id == user_id,
        )
    )
    if presence is None:
        presence = ConversationPresence(
            workspace_id=conversation.workspace_id, conversation_id=conversation.id, user_id=user_id
        )
        session.add(presence)
    presence.activity = activity if activity in ("viewing", "drafting") else "viewing"
    presence.seen_at = utcnow()


def check_retry_reply(
    session: Session, actor: Actor, workspace_id: str, reply_id: str
) -> OutboundReply:
    reply = session.get(OutboundReply, reply_id)
    if reply is None or reply.workspace_id != workspace_id:
        raise NotFoundError("reply not found")
    access_conversation(session, actor, workspace_id, reply.conversation_id, Permission.INBOX_REPLY)
    if reply.outcome != "failed":
        raise ConflictError("only a reply that failed can be sent again")
    return reply


def do_retry_reply(session: Session, reply: OutboundReply, *, actor: Actor) -> None:
    """Same text, same files, same idempotency key: a network that saw the first try
    recognises it."""
    reply.outcome, reply.failed_at, reply.error = "queued", None, None
    jobs.enqueue(
        session, "inbox.reply.deliver", {"reply_id": reply.id}, workspace_id=reply.workspace_id
    )
    record(
        session,
        actor=actor,
        action="inbox.reply.retried",
        workspace_id=reply.workspace_id,
        target=Target("reply", reply.id, None),
    )
