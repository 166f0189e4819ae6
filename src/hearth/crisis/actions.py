"""Crisis alerts: checked, audited writes (open, escalate, acknowledge, snooze, resolve).

The radar (a system actor) opens, escalates and resolves alerts; people acknowledge, snooze and
resolve them. Each change writes its audit entry in the same transaction (DESIGN §3.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.crisis import notify
from hearth.crisis.episodes import EpisodeTracker
from hearth.kit.errors import ConflictError, NotFoundError, ValidationFailedError
from hearth.kit.time import ensure_utc, utcnow
from hearth.models import CrisisAlert, CrisisWatch

RADAR = Actor.system("crisis.radar")
SNOOZE_CHOICES_MINUTES = (30, 60, 240, 1440)


class AlertNotFoundError(NotFoundError):
    """Alert not found."""


class AlertClosedError(ConflictError):
    """This alert is already resolved."""


@dataclass(frozen=True)
class NewAlert:
    """What the radar knows when an episode opens."""

    workspace_id: str
    topic_key: str
    topic_label: str | None
    metric: str
    severity: str
    score: float
    reason: dict[str, Any]
    rising_terms: list[dict[str, Any]]
    at: datetime
    snoozed_until: datetime | None = None


def _target(alert: CrisisAlert) -> Target:
    return Target("crisis_alert", alert.id, alert.topic_label or alert.metric)


def do_open_alert(session: Session, new: NewAlert, *, actor: Actor) -> CrisisAlert:
    alert = CrisisAlert(
        workspace_id=new.workspace_id,
        topic_key=new.topic_key,
        topic_label=new.topic_label,
        metric=new.metric,
        severity=new.severity,
        score=new.score,
        reason=new.reason,
        rising_terms=new.rising_terms,
        opened_at=new.at,
        snoozed_until=new.snoozed_until,
    )
    session.add(alert)
    session.flush()
    record(
        session,
        actor=actor,
        action="crisis.alert.opened",
        workspace_id=new.workspace_id,
        target=_target(alert),
        at=new.at,
        data={
            "metric": new.metric,
            "severity": new.severity,
            "score": round(new.score, 4),
            "topic_key": new.topic_key,
            "terms": [t["term"] for t in new.rising_terms[:5]],
        },
    )
    # Enqueued in this transaction: no alert, no message; a committed alert, its messages.
    notify.enqueue_alert_notifications(session, alert, "opened")
    notify.schedule_escalation(session, alert)
    return alert


def do_escalate_alert(
    session: Session,
    alert: CrisisAlert,
    *,
    severity: str,
    score: float,
    metric: str,
    reason: dict[str, Any],
    at: datetime,
    actor: Actor,
) -> None:
    previous = alert.severity
    alert.severity, alert.score, alert.metric, alert.reason = severity, score, metric, reason
    alert.escalated_at = at
    record(
        session,
        actor=actor,
        action="crisis.alert.escalated",
        workspace_id=alert.workspace_id,
        target=_target(alert),
        at=at,
        data={"from": previous, "to": severity},
    )
    notify.enqueue_alert_notifications(session, alert, f"escalated:{severity}")


def merge_terms(alert: CrisisAlert, rising: list[dict[str, Any]], limit: int = 10) -> None:
    """Keep the strongest rising terms seen during the episode (the radar's own observation)."""
    best: dict[str, dict[str, Any]] = {t["term"]: t for t in alert.rising_terms or []}
    for term in rising:
        known = best.get(term["term"])
        if known is None or term["score"] > known["score"]:
            best[term["term"]] = term
    alert.rising_terms = sorted(best.values(), key=lambda t: -t["score"])[:limit]


# --- people -----------------------------------------------------------------------------------


def access_alert(
    session: Session,
    actor: Actor,
    workspace_id: str,
    alert_id: str,
    permission: Permission = Permission.CRISIS_VIEW,
) -> CrisisAlert:
    access_with(session, actor, workspace_id, permission)
    alert = session.get(CrisisAlert, alert_id)
    if alert is None or alert.workspace_id != workspace_id:
        raise AlertNotFoundError()
    return alert


def _open_alert_to_manage(
    session: Session, actor: Actor, workspace_id: str, alert_id: str
) -> CrisisAlert:
    alert = access_alert(session, actor, workspace_id, alert_id, Permission.CRISIS_MANAGE)
    if alert.resolved_at is not None:
        raise AlertClosedError()
    return alert


def check_acknowledge_alert(
    session: Session, actor: Actor, workspace_id: str, alert_id: str
) -> CrisisAlert:
    alert = _open_alert_to_manage(session, actor, workspace_id, alert_id)
    if alert.acknowledged_at is not None:
        raise ConflictError("someone already acknowledged this alert")
    return alert


def do_acknowledge_alert(
    session: Session, alert: CrisisAlert, *, actor: Actor, at: datetime | None = None
) -> None:
    at = ensure_utc(at or utcnow())
    # The escalation job reads this and stands down (notify_tasks.escalate_alert).
    alert.acknowledged_at, alert.acknowledged_by_id = at, actor.user_id
    record(
        session,
        actor=actor,
        action="crisis.alert.acknowledged",
        workspace_id=alert.workspace_id,
        target=_target(alert),
        at=at,
    )


def check_snooze_alert(
    session: Session, actor: Actor, workspace_id: str, alert_id: str, minutes: int
) -> tuple[CrisisAlert, timedelta]:
    alert = _open_alert_to_manage(session, actor, workspace_id, alert_id)
    if minutes not in SNOOZE_CHOICES_MINUTES:
        raise ValidationFailedError("snooze for 30 minutes, 1 hour, 4 hours or 1 day")
    return alert, timedelta(minutes=minutes)


def do_snooze_alert(
    session: Session,
    alert: CrisisAlert,
    duration: timedelta,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> None:
    at = ensure_utc(at or utcnow())
    until = at + duration
    alert.snoozed_at, alert.snoozed_until, alert.snoozed_by_id = at, until, actor.user_id
    tracker = _tracker_of(session, alert)
    if tracker is not None:
        tracker[1].snooze(until)  # the radar's later events for this topic do not notify
        _save_tracker(*tracker)
    record(
        session,
        actor=actor,
        action="crisis.alert.snoozed",
        workspace_id=alert.workspace_id,
        target=_target(alert),
        at=at,
        data={"until": until.isoformat()},
    )


def check_resolve_alert(
    session: Session, actor: Actor, workspace_id: str, alert_id: str
) -> CrisisAlert:
    return _open_alert_to_manage(session, actor, workspace_id, alert_id)


def do_resolve_alert(
    session: Session, alert: CrisisAlert, *, actor: Actor, at: datetime | None = None
) -> None:
    at = ensure_utc(at or utcnow())
    alert.resolved_at, alert.resolved_by_id = at, actor.user_id
    watch = _watch_of(session, alert)
    if watch is not None and watch.alert_id == alert.id:
        # The episode may go on in the radar; it will not reopen this alert, and a new episode
        # gets a new one.
        watch.alert_id = None
    record(
        session,
        actor=actor,
        action="crisis.alert.resolved",
        workspace_id=alert.workspace_id,
        target=_target(alert),
        at=at,
        data={"by": "radar" if actor.is_system else "person"},
    )


def _watch_of(session: Session, alert: CrisisAlert) -> CrisisWatch | None:
    return session.scalar(
        select(CrisisWatch).where(
            CrisisWatch.workspace_id == alert.workspace_id, CrisisWatch.topic_key == alert.topic_key
        )
    )


def _tracker_of(session: Session, alert: CrisisAlert) -> tuple[CrisisWatch, EpisodeTracker] | None:
    watch = _watch_of(session, alert)
    if watch is None or watch.alert_id != alert.id or not watch.episode:
        return None
    return watch, EpisodeTracker.from_dict(watch.episode)


def _save_tracker(watch: CrisisWatch, tracker: EpisodeTracker) -> None:
    watch.episode = tracker.to_dict()
