"""Posting approved holding statements to the networks, exactly once per channel.

Same discipline as inbox replies (DESIGN §3.6): the post is marked ``sending`` and committed
before the network call; one found ``sending`` or ``unknown`` is reconciled with the connector's
``find_delivery`` before anything is sent again. The outcome lands on the incident's timeline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.actor import Actor
from hearth.crisis.incidents import POST_JOB, SIMULATED_TARGET
from hearth.ingest.connectors.base import (
    Capability,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.registry import get_connector_class
from hearth.kit import jobs
from hearth.kit.time import utcnow
from hearth.models import Channel, Incident, IncidentEvent, IncidentStatement, StatementPost

log = logging.getLogger("hearth.crisis")
POSTER = Actor.system("statement.post")
MAX_RECONCILE = 10
RECONCILE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class _Plan:
    post_id: str
    text: str
    key: str
    platform: str
    channel_sealed: str | None
    reconcile: bool


def _send(plan: _Plan) -> Delivery:
    if plan.platform == SIMULATED_TARGET:
        return Delivery(DeliveryOutcome.SENT, external_id=f"demo-statement-{plan.key}")
    if plan.channel_sealed is None:
        return Delivery(DeliveryOutcome.FAILED, error="the channel was removed or disabled")
    from hearth.ingest.tasks import open_connector

    cls = get_connector_class(plan.platform)
    if Capability.PUBLISH not in cls.capabilities:
        return Delivery(DeliveryOutcome.FAILED, error=f"{cls.label} does not allow posting")
    with open_connector(plan.platform, plan.channel_sealed) as connector:
        if plan.reconcile:
            found = connector.find_delivery(plan.key, text=plan.text)
            if found is not None:
                return found
        return connector.publish(plan.text, idempotency_key=plan.key)


@jobs.job_handler(POST_JOB)
def post_statement(session: Session, payload: dict[str, Any]) -> None:
    post = session.get(StatementPost, payload["post_id"])
    if post is None or post.outcome in ("sent", "failed"):
        return
    statement = session.get(IncidentStatement, post.statement_id)
    if statement is None:
        return
    channel = session.get(Channel, post.channel_id) if post.channel_id else None
    usable = channel is not None and channel.disabled_at is None
    plan = _Plan(
        post.id,
        statement.text,
        post.idempotency_key,
        post.platform,
        channel.credentials_encrypted if usable and channel else None,
        reconcile=post.outcome in ("sending", "unknown"),
    )
    post.outcome = "sending"
    session.commit()  # release the database before talking to the network
    try:
        delivery = _send(plan)
    except (RateLimitedError, TransientNetworkError):
        raise  # retried with backoff; the post stays "sending" and is reconciled first
    except ConnectorError as exc:
        delivery = Delivery(DeliveryOutcome.FAILED, error=exc.message)
    _record(session, plan, delivery, checks=int(payload.get("checks", 0)))


def _record(session: Session, plan: _Plan, delivery: Delivery, *, checks: int) -> None:
    post = session.get(StatementPost, plan.post_id)
    statement = session.get(IncidentStatement, post.statement_id) if post else None
    incident = session.get(Incident, statement.incident_id) if statement else None
    if post is None or statement is None or incident is None:
        return
    post.outcome = delivery.outcome.value
    if delivery.outcome is DeliveryOutcome.SENT:
        post.sent_at, post.external_id, post.url = utcnow(), delivery.external_id, delivery.url
        _timeline(session, incident, "statement.posted", post, url=delivery.url)
    elif delivery.outcome is DeliveryOutcome.FAILED:
        post.error = (delivery.error or "refused")[:1000]
        _timeline(session, incident, "statement.failed", post, error=post.error)
    elif checks < MAX_RECONCILE:  # UNKNOWN: look again later, through find_delivery
        jobs.enqueue(
            session,
            POST_JOB,
            {"post_id": post.id, "checks": checks + 1},
            workspace_id=post.workspace_id,
            run_at=utcnow() + RECONCILE_EVERY,
        )
    else:
        post.outcome = "failed"
        post.error = "the network never confirmed this post: check the account before reposting"
        _timeline(session, incident, "statement.failed", post, error=post.error)
    record(
        session,
        actor=POSTER,
        action=f"crisis.statement.{post.outcome}",
        workspace_id=post.workspace_id,
        target=Target("incident", incident.id, f"INC-{incident.number} {incident.title}"[:200]),
        data={"post": post.id, "platform": post.platform, "error": post.error},
    )


def _timeline(
    session: Session, incident: Incident, kind: str, post: StatementPost, **data: Any
) -> None:
    session.add(
        IncidentEvent(
            workspace_id=incident.workspace_id,
            incident_id=incident.id,
            at=utcnow(),
            kind=kind,
            actor_label=POSTER.label,
            data={"statement": post.statement_id, "post": post.id, "platform": post.platform,
                  **{k: v for k, v in data.items() if v}},
        )
    )
