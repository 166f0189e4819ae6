"""Delivering replies to the networks, exactly once (DESIGN §3.6).

The job marks the reply ``sending`` and commits before calling the network, so no database lock
is held during the call and a crash mid-call is recognised: a reply found ``sending`` (or
``unknown`` after a timeout) is reconciled with ``find_delivery``, never blindly sent again.
A failure keeps the draft and shows the reason; the agent may retry with the same key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.actor import Actor
from hearth.inbox.attachments import outgoing_attachments
from hearth.inbox.events import EventKind, add_event
from hearth.ingest.connectors.base import (
    Capability,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    OutgoingAttachment,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.registry import get_connector_class
from hearth.kit import jobs
from hearth.kit.time import utcnow
from hearth.models import Channel, Mention, Workspace
from hearth.models.inbox import Conversation, OutboundReply

log = logging.getLogger("hearth.inbox")
DELIVERER = Actor.system("delivery")
MAX_RECONCILE = 10
RECONCILE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class _Plan:
    reply_id: str
    text: str
    key: str
    parent_external_id: str | None
    platform: str
    channel_sealed: str | None
    simulated: bool
    reconcile: bool
    attachments: tuple[OutgoingAttachment, ...] = ()


def _channel_for(session: Session, conversation: Conversation) -> Channel | None:
    if conversation.channel_id:
        channel = session.get(Channel, conversation.channel_id)
        if channel is not None and channel.disabled_at is None:
            return channel
    return session.scalar(
        select(Channel)
        .where(
            Channel.workspace_id == conversation.workspace_id,
            Channel.platform == conversation.platform,
            Channel.disabled_at.is_(None),
        )
        .limit(1)
    )


def _plan(session: Session, reply: OutboundReply) -> _Plan | None:
    conversation = session.get(Conversation, reply.conversation_id)
    workspace = session.get(Workspace, reply.workspace_id)
    if conversation is None or workspace is None:
        return None
    parent = (
        session.get(Mention, reply.in_reply_to_mention_id) if reply.in_reply_to_mention_id else None
    )
    channel = _channel_for(session, conversation)
    return _Plan(
        reply.id,
        reply.text,
        reply.idempotency_key,
        parent.external_id if parent else None,
        conversation.platform,
        channel.credentials_encrypted if channel else None,
        simulated=bool((workspace.settings or {}).get("demo")),
        reconcile=reply.outcome in ("sending", "unknown"),
        attachments=tuple(outgoing_attachments(session, reply.id)),
    )


def _send(plan: _Plan) -> Delivery:
    if plan.simulated:
        # The demo world is a simulated network: it takes every reply.
        return Delivery(DeliveryOutcome.SENT, external_id=f"demo-reply-{plan.key}")
    if plan.channel_sealed is None:
        return Delivery(
            DeliveryOutcome.FAILED,
            error=f"no connected {plan.platform} channel can send this reply: "
            "connect one in Settings › Channels",
        )
    from hearth.ingest.tasks import open_connector

    cls = get_connector_class(plan.platform)
    if Capability.REPLY not in cls.capabilities:
        return Delivery(DeliveryOutcome.FAILED, error=f"{cls.label} does not allow replies")
    if plan.attachments and Capability.ATTACHMENTS not in cls.capabilities:
        return Delivery(DeliveryOutcome.FAILED, error=f"{cls.label} does not take files")
    with open_connector(plan.platform, plan.channel_sealed) as connector:
        if plan.reconcile:
            found = connector.find_delivery(
                plan.key, text=plan.text, parent_external_id=plan.parent_external_id
            )
            if found is not None:
                return found
        if plan.parent_external_id is None:
            return Delivery(DeliveryOutcome.FAILED, error="there is no message to reply to")
        if not plan.attachments:  # connectors written before attachments keep working
            return connector.reply(plan.parent_external_id, plan.text, idempotency_key=plan.key)
        return connector.reply(
            plan.parent_external_id,
            plan.text,
            idempotency_key=plan.key,
            attachments=plan.attachments,
        )


@jobs.job_handler("inbox.reply.deliver")
def deliver_reply(session: Session, payload: dict[str, Any]) -> None:
    reply = session.get(OutboundReply, payload["reply_id"])
    if reply is None or reply.outcome in ("sent", "failed"):
        return
    plan = _plan(session, reply)
    if plan is None:
        return
    reply.outcome = "sending"
    session.commit()  # release the database before talking to the network
    try:
        delivery = _send(plan)
    except (RateLimitedError, TransientNetworkError):
        raise  # the job queue retries with backoff; the reply stays "sending" → reconciled
    except ConnectorError as exc:
        delivery = Delivery(DeliveryOutcome.FAILED, error=exc.message)
    _record(session, plan, delivery, checks=int(payload.get("checks", 0)))


def _record(session: Session, plan: _Plan, delivery: Delivery, *, checks: int) -> None:
    reply = session.get(OutboundReply, plan.reply_id)
    conversation = session.get(Conversation, reply.conversation_id) if reply else None
    if reply is None or conversation is None:
        return
    reply.outcome = delivery.outcome.value
    if delivery.outcome is DeliveryOutcome.SENT:
        reply.sent_at, reply.external_id, reply.url = utcnow(), delivery.external_id, delivery.url
        add_event(session, conversation, EventKind.REPLY_SENT, actor=DELIVERER, reply_id=reply.id)
    elif delivery.outcome is DeliveryOutcome.FAILED:
        reply.failed_at, reply.error = utcnow(), (delivery.error or "refused")[:1000]
        add_event(
            session,
            conversation,
            EventKind.REPLY_FAILED,
            actor=DELIVERER,
            reply_id=reply.id,
            data={"error": reply.error},
        )
    elif checks < MAX_RECONCILE:  # UNKNOWN: look again later, through find_delivery
        jobs.enqueue(
            session,
            "inbox.reply.deliver",
            {"reply_id": reply.id, "checks": checks + 1},
            workspace_id=reply.workspace_id,
            run_at=utcnow() + RECONCILE_EVERY,
        )
    else:
        reply.outcome, reply.failed_at = "failed", utcnow()
        reply.error = "the network never confirmed this reply: check the thread before resending"
    record(
        session,
        actor=DELIVERER,
        action=f"inbox.reply.{reply.outcome}",
        workspace_id=reply.workspace_id,
        target=Target("conversation", conversation.id, conversation.subject[:120]),
        data={"reply": reply.id, "error": reply.error} if reply.error else {"reply": reply.id},
    )


HOUSEKEEPING_JOB = "inbox.housekeeping.run"
HOUSEKEEPING_EVERY = timedelta(minutes=1)


@jobs.job_handler(HOUSEKEEPING_JOB)
def housekeeping(session: Session, payload: dict[str, Any]) -> None:
    """Every minute: wake snoozed conversations, let waiting time raise priorities."""
    from hearth.inbox.actions import wake_snoozed
    from hearth.inbox.intake import refresh_priority
    from hearth.inbox.sla import record_breaches

    wake_snoozed(session)
    record_breaches(session)
    waiting = session.scalars(select(Conversation).where(
        Conversation.state == "open", Conversation.awaiting_since.is_not(None))
        .order_by(Conversation.awaiting_since).limit(2000))
    now = utcnow()
    for conversation in waiting:
        refresh_priority(session, conversation, now=now)
    session.flush()
    # Re-arm: this job is RUNNING, so ask for the next one directly.
    jobs.enqueue(session, HOUSEKEEPING_JOB, run_at=now + HOUSEKEEPING_EVERY, max_attempts=10)


def ensure_housekeeping_scheduled(session: Session) -> bool:
    return jobs.ensure_scheduled(session, HOUSEKEEPING_JOB)
