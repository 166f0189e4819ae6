"""Managing routing rules: create, change, reorder, switch off — and try them on the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.inbox.intake import facts_of
from hearth.inbox.routing import DEFAULT_RULES, compile_rule, validate_rule
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import MemberIdentity, Mention
from hearth.models.inbox import RoutingRule

PREVIEW_SCAN = 20_000


def check_save_rule(
    session: Session,
    actor: Actor,
    workspace_id: str,
    name: str,
    conditions: dict[str, Any],
    actions: dict[str, Any],
) -> str:
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationFailedError("give the rule a name of at most 200 characters")
    validate_rule(conditions, actions)
    return name


def do_create_rule(
    session: Session,
    workspace_id: str,
    name: str,
    conditions: dict[str, Any],
    actions: dict[str, Any],
    *,
    stop_processing: bool,
    actor: Actor,
) -> RoutingRule:
    position = (
        session.scalar(
            select(func.max(RoutingRule.position)).where(RoutingRule.workspace_id == workspace_id)
        )
        or 0
    ) + 1
    rule = RoutingRule(
        workspace_id=workspace_id,
        name=name,
        position=position,
        conditions=conditions,
        actions=actions,
        stop_processing=stop_processing,
        created_by_id=actor.user_id,
    )
    session.add(rule)
    session.flush()
    record(
        session,
        actor=actor,
        action="inbox.rule.created",
        workspace_id=workspace_id,
        target=Target("routing_rule", rule.id, name),
        data={"conditions": conditions, "actions": actions},
    )
    return rule


def access_rule(session: Session, actor: Actor, workspace_id: str, rule_id: str) -> RoutingRule:
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    rule = session.get(RoutingRule, rule_id)
    if rule is None or rule.workspace_id != workspace_id:
        raise NotFoundError("rule not found")
    return rule


def do_toggle_rule(session: Session, rule: RoutingRule, enabled: bool, *, actor: Actor) -> None:
    rule.disabled_at = None if enabled else utcnow()
    rule.updated_at = utcnow()
    record(
        session,
        actor=actor,
        action="inbox.rule.enabled" if enabled else "inbox.rule.disabled",
        workspace_id=rule.workspace_id,
        target=Target("routing_rule", rule.id, rule.name),
    )


def do_move_rule(session: Session, rule: RoutingRule, direction: int, *, actor: Actor) -> None:
    rules = list(
        session.scalars(
            select(RoutingRule)
            .where(RoutingRule.workspace_id == rule.workspace_id)
            .order_by(RoutingRule.position, RoutingRule.created_at)
        )
    )
    index = rules.index(rule)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for position, item in enumerate(rules, start=1):
        item.position = position
    record(
        session,
        actor=actor,
        action="inbox.rule.moved",
        workspace_id=rule.workspace_id,
        target=Target("routing_rule", rule.id, rule.name),
        data={"position": rule.position},
    )


@dataclass
class RulePreview:
    scanned: int
    matched: int
    samples: list[Mention]


def preview_rule(
    session: Session, workspace_id: str, conditions: dict[str, Any], days: int = 7
) -> RulePreview:
    """What this rule would have caught in the last ``days`` days (bounded scan)."""
    rule = compile_rule("preview", "preview", conditions, {"open": True})
    rows = session.execute(
        select(Mention, MemberIdentity.followers, MemberIdentity.handle)
        .outerjoin(MemberIdentity, MemberIdentity.id == Mention.identity_id)
        .where(
            Mention.workspace_id == workspace_id,
            Mention.created_at >= utcnow() - timedelta(days=days),
        )
        .order_by(Mention.created_at.desc())
        .limit(PREVIEW_SCAN)
    )
    scanned, matched, samples = 0, 0, []
    for mention, followers, handle in rows:
        scanned += 1
        if rule.matches(facts_of(mention, followers, handle or "")):
            matched += 1
            if len(samples) < 10:
                samples.append(mention)
    return RulePreview(scanned, matched, samples)


def install_default_rules(session: Session, workspace_id: str, *, actor: Actor) -> None:
    """A new workspace starts with sensible routing: DMs, e-mails, questions and complaints."""
    for name, conditions, actions in DEFAULT_RULES:
        do_create_rule(
            session, workspace_id, name, conditions, actions, stop_processing=False, actor=actor
        )
