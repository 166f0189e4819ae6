"""Mentions into conversations, inside the transaction that stores them (DESIGN §4).

For each newly stored mention: a reply in a thread the team already works joins that
conversation (and reopens it if it was closed or waiting); a direct message or e-mail joins its
author's open conversation; anything else goes through the workspace's routing rules, which may
open a conversation, assign it, tag it, set its priority, escalate it or acknowledge it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.inbox.events import EventKind, add_event
from hearth.inbox.priority import priority_score
from hearth.inbox.routing import CompiledRule, Decision, MentionFacts, compile_rule, decide
from hearth.ingest.store import Incoming, StoreResult
from hearth.kit.crypto import random_token
from hearth.kit.time import utcnow
from hearth.models import MemberIdentity, Mention, Workspace
from hearth.models.inbox import Conversation, ConversationEvent, RoutingRule
from hearth.moderation.policy import REVIEW_TAG, ModerationPolicy, policy_for

ROUTER = Actor.system("routing")
OPEN_STATES = ("open", "pending", "snoozed")


def load_rules(session: Session, workspace_id: str) -> list[CompiledRule]:
    rows = session.scalars(
        select(RoutingRule)
        .where(RoutingRule.workspace_id == workspace_id, RoutingRule.disabled_at.is_(None))
        .order_by(RoutingRule.position, RoutingRule.created_at)
    )
    return [compile_rule(r.id, r.name, r.conditions, r.actions, r.stop_processing) for r in rows]


def facts_of(mention: Mention, followers: int | None, handle: str = "") -> MentionFacts:
    return MentionFacts(
        platform=mention.platform,
        kind=mention.kind,
        text=f"{mention.title or ''} {mention.text}",
        language=mention.language,
        sentiment=mention.sentiment,
        intent=mention.intent,
        toxicity=mention.toxicity or 0.0,
        followers=followers or 0,
        author_handle=handle,
    )


@dataclass(frozen=True)
class _Arrival:
    mention: Mention
    identity: MemberIdentity | None


def _arrivals(session: Session, mention_ids: Sequence[str]) -> list[_Arrival]:
    seen = set(
        session.scalars(
            select(ConversationEvent.mention_id).where(
                ConversationEvent.mention_id.in_(list(mention_ids))
            )
        )
    )
    rows = session.execute(
        select(Mention, MemberIdentity)
        .outerjoin(MemberIdentity, MemberIdentity.id == Mention.identity_id)
        .where(Mention.id.in_([m for m in mention_ids if m not in seen]))
        .order_by(Mention.created_at)
    )
    return [_Arrival(m, i) for m, i in rows]


DEFAULT_MAX_AGE_HOURS = 48


def max_conversation_age(workspace: Workspace | None) -> timedelta:
    """Connecting a channel can bring in weeks of history: mentions older than this are heard in
    Listening but open no conversation (replies to conversations already open still join)."""
    hours = (workspace.settings or {}).get("inbox_max_age_hours") if workspace else None
    return timedelta(hours=float(hours or DEFAULT_MAX_AGE_HOURS))


def _conversation_of_parent(session: Session, mention: Mention) -> Conversation | None:
    if not mention.parent_external_id:
        return None
    return session.scalar(
        select(Conversation)
        .join(ConversationEvent, ConversationEvent.conversation_id == Conversation.id)
        .join(Mention, Mention.id == ConversationEvent.mention_id)
        .where(
            Mention.workspace_id == mention.workspace_id,
            Mention.platform == mention.platform,
            Mention.external_id == mention.parent_external_id,
        )
        .limit(1)
    )


def _thread_key(mention: Mention) -> str:
    if mention.kind in ("dm", "email") and mention.identity_id:
        return f"{mention.platform}:author:{mention.identity_id}"
    return f"{mention.platform}:post:{mention.external_id}"


def route_stored(session: Session, batch: Sequence[Incoming], result: StoreResult) -> int:
    """A step of ``store_incoming``: route what a batch stored, workspace by workspace."""
    by_workspace: dict[str, list[str]] = {}
    for (workspace_id, _, _), mention_id in result.mention_ids.items():
        by_workspace.setdefault(workspace_id, []).append(mention_id)
    return sum(route_mentions(session, ws, ids) for ws, ids in by_workspace.items())


def route_mentions(session: Session, workspace_id: str, mention_ids: Sequence[str]) -> int:
    """Place new mentions of one workspace in conversations. Returns how many were placed."""
    if not mention_ids:
        return 0
    rules = load_rules(session, workspace_id)
    workspace = session.get(Workspace, workspace_id)
    cutoff = utcnow() - max_conversation_age(workspace)
    policy = policy_for(workspace.settings if workspace else None)
    placed = 0
    for arrival in _arrivals(session, mention_ids):
        if _place(session, arrival, rules, cutoff, policy) is not None:
            placed += 1
    return placed


def _place(session: Session, arrival: _Arrival, rules: list[CompiledRule],
           max_age_cutoff: datetime, policy: ModerationPolicy) -> Conversation | None:
    mention, identity = arrival.mention, arrival.identity
    conversation = _conversation_of_parent(session, mention)
    if conversation is None:
        conversation = session.scalar(
            select(Conversation).where(
                Conversation.workspace_id == mention.workspace_id,
                Conversation.thread_key == _thread_key(mention),
            )
        )
    if conversation is not None:
        _receive(session, conversation, mention)
        return conversation
    if mention.created_at < max_age_cutoff:
        return None  # heard in Listening, but too old to open a conversation now
    followers = identity.followers if identity else 0
    decision = decide(rules, facts_of(mention, followers, identity.handle if identity else ""))
    review = policy.review_reason(mention.toxicity)
    if review is not None:  # the moderation mode puts it in front of a moderator
        decision.open = True
        decision.tags.append(REVIEW_TAG)
        decision.priority_label = policy.review_priority
    if not decision.open:
        return None
    conversation = _open(session, mention, identity, decision)
    _receive(session, conversation, mention)
    _apply(session, conversation, decision, mention)
    return conversation


def _open(
    session: Session, mention: Mention, identity: MemberIdentity | None, decision: Decision
) -> Conversation:
    subject = (mention.title or mention.text or "").strip().replace("\n", " ")[:300]
    conversation = Conversation(
        workspace_id=mention.workspace_id,
        thread_key=_thread_key(mention),
        platform=mention.platform,
        channel_id=mention.channel_id,
        subject=subject,
        member_id=identity.member_id if identity else None,
        identity_id=mention.identity_id,
        root_mention_id=mention.id,
        language=mention.language,
        # The customer's clock starts when they wrote, not when Hearth heard them.
        created_at=min(mention.created_at, utcnow()),
        state="open",
        priority_label=decision.priority_label or "normal",
        tags=[],
        routed_by_rule_id=decision.rule_ids[0] if decision.rule_ids else None,
    )
    session.add(conversation)
    session.flush()
    add_event(
        session, conversation, EventKind.OPENED, actor=ROUTER, data={"rules": decision.rule_ids}
    )
    return conversation


def _receive(session: Session, conversation: Conversation, mention: Mention) -> None:
    add_event(
        session, conversation, EventKind.MESSAGE_RECEIVED, actor=ROUTER, mention_id=mention.id
    )
    conversation.last_inbound_at = max(
        filter(None, (conversation.last_inbound_at, mention.created_at))
    )
    if conversation.awaiting_since is None:
        conversation.awaiting_since = mention.created_at
    if conversation.state != "open":
        conversation.state = "open"
        conversation.snoozed_until = conversation.closed_at = conversation.closed_by_id = None
        add_event(
            session, conversation, EventKind.REOPENED, actor=ROUTER, data={"reason": "new message"}
        )
    refresh_priority(session, conversation, mention)


def refresh_priority(
    session: Session,
    conversation: Conversation,
    mention: Mention | None = None,
    now: datetime | None = None,
) -> None:
    mention = mention or (
        session.get(Mention, conversation.root_mention_id) if conversation.root_mention_id else None
    )
    followers = 0
    if conversation.identity_id:
        identity = session.get(MemberIdentity, conversation.identity_id)
        followers = identity.followers or 0 if identity else 0
    conversation.priority = priority_score(
        label=conversation.priority_label,
        sentiment=mention.sentiment if mention else None,
        intent=mention.intent if mention else None,
        followers=followers,
        awaiting_since=conversation.awaiting_since,
        now=now or utcnow(),
    )


def _apply(
    session: Session, conversation: Conversation, decision: Decision, mention: Mention
) -> None:
    if decision.rule_ids:
        add_event(
            session,
            conversation,
            EventKind.RULE_APPLIED,
            actor=ROUTER,
            data={"rules": decision.rule_ids},
        )
    if decision.tags:
        conversation.tags = sorted(set(conversation.tags) | set(decision.tags))
        add_event(
            session, conversation, EventKind.TAGGED, actor=ROUTER, data={"tags": decision.tags}
        )
    if decision.escalate:
        conversation.priority_label = "urgent"
        add_event(session, conversation, EventKind.ESCALATED, actor=ROUTER)
    if decision.assign:
        assignee = pick_assignee(session, conversation.workspace_id, decision.assign)
        if assignee:
            conversation.assignee_id = assignee
            add_event(
                session,
                conversation,
                EventKind.ASSIGNED,
                actor=ROUTER,
                data={"to": assignee, "mode": decision.assign["mode"]},
            )
    refresh_priority(session, conversation, mention)
    if decision.auto_ack:
        _auto_acknowledge(session, conversation, decision.auto_ack, mention)


def pick_assignee(session: Session, workspace_id: str, assign: dict) -> str | None:
    """user: the first; least_loaded: fewest open conversations; round_robin: assigned least
    recently (ties broken by the order given), so the turn survives restarts."""
    from hearth.models import Membership

    wanted = list(assign.get("user_ids", []))
    members = set(session.scalars(select(Membership.user_id).where(
        Membership.workspace_id == workspace_id, Membership.user_id.in_(wanted))))
    candidates = [u for u in wanted if u in members]  # keep the rule's order
    if not candidates:
        return None
    if assign["mode"] == "user":
        return candidates[0]
    if assign["mode"] == "least_loaded":
        loads = dict(
            session.execute(
                select(Conversation.assignee_id, func.count())
                .where(
                    Conversation.workspace_id == workspace_id,
                    Conversation.state.in_(OPEN_STATES),
                    Conversation.assignee_id.in_(candidates),
                )
                .group_by(Conversation.assignee_id)
            ).all()
        )
        return min(candidates, key=lambda u: (loads.get(u, 0), candidates.index(u)))
    last = dict(
        session.execute(
            select(Conversation.assignee_id, func.max(Conversation.created_at))
            .where(
                Conversation.workspace_id == workspace_id, Conversation.assignee_id.in_(candidates)
            )
            .group_by(Conversation.assignee_id)
        ).all()
    )
    epoch = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
    return min(candidates, key=lambda u: (last.get(u) or epoch, candidates.index(u)))


def within_opening_hours(workspace: Workspace, at: datetime) -> bool:
    """Opening hours live in the workspace settings: {"mon": ["09:00", "18:00"], …}; no
    setting means always open (no automatic acknowledgement)."""
    hours = (workspace.settings or {}).get("opening_hours")
    if not hours:
        return True
    local = at.astimezone(ZoneInfo(workspace.timezone))
    span = hours.get(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()])
    if not span:
        return False
    return span[0] <= local.strftime("%H:%M") < span[1]


def _auto_acknowledge(
    session: Session, conversation: Conversation, auto_ack: dict, mention: Mention
) -> None:
    workspace = session.get(Workspace, conversation.workspace_id)
    if workspace is None or (
        auto_ack.get("outside_hours", True) and within_opening_hours(workspace, utcnow())
    ):
        return
    texts = auto_ack.get("text") or {}
    text = (
        texts.get(conversation.language or "")
        or texts.get(workspace.default_language)
        or next(iter(texts.values()), None)
    )
    if not text:
        return
    from hearth.inbox.actions import queue_reply

    queue_reply(
        session,
        conversation,
        text=text,
        in_reply_to=mention.id,
        idempotency_key=f"ack-{mention.id}",
        actor=Actor.system("auto-ack"),
    )


def new_idempotency_key() -> str:
    return random_token(nbytes=18)
