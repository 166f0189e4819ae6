"""Reading crisis alerts and the radar's buckets (no writes, no commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from hearth.crisis.radar import BUCKET
from hearth.models import CrisisAlert, CrisisBucket

CHART_LEAD = timedelta(hours=1)  # how much of the calm before the episode the chart shows
CHART_MAX = timedelta(days=2)


def find_banner_alert(session: Session, workspace_id: str, now: datetime) -> CrisisAlert | None:
    """The open, not snoozed alert to show on every page (one query on ix_crisis_alerts_open)."""
    return session.scalar(
        select(CrisisAlert)
        .where(
            CrisisAlert.workspace_id == workspace_id,
            CrisisAlert.resolved_at.is_(None),
            or_(CrisisAlert.snoozed_until.is_(None), CrisisAlert.snoozed_until <= now),
        )
        .order_by(CrisisAlert.opened_at.desc())
        .limit(1)
    )


def list_alerts(session: Session, workspace_id: str, limit: int = 50) -> list[CrisisAlert]:
    """Open alerts first (newest first), then the latest resolved ones."""
    still_open = case((CrisisAlert.resolved_at.is_(None), 0), else_=1)
    return list(
        session.scalars(
            select(CrisisAlert)
            .where(
                CrisisAlert.workspace_id == workspace_id,
            )
            .order_by(still_open, CrisisAlert.opened_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class ChartPoint:
    start: datetime
    mentions: int
    negative: int
    expected_mentions: float | None
    expected_negative: float | None


def alert_series(session: Session, alert: CrisisAlert, now: datetime) -> list[ChartPoint]:
    """Counts and the radar's baseline per bucket, from a little before the episode's start."""
    since = alert.opened_at - CHART_LEAD
    until = min(alert.resolved_at or now, since + CHART_MAX)
    return topic_series(session, alert.workspace_id, alert.topic_key, since, until)


def topic_series(
    session: Session, workspace_id: str, topic_key: str, since: datetime, until: datetime
) -> list[ChartPoint]:
    rows = session.scalars(
        select(CrisisBucket)
        .where(
            CrisisBucket.workspace_id == workspace_id,
            CrisisBucket.topic_key == topic_key,
            CrisisBucket.bucket_start >= since,
            CrisisBucket.bucket_start < until + BUCKET,
        )
        .order_by(CrisisBucket.bucket_start)
    )
    return [
        ChartPoint(r.bucket_start, r.mentions, r.negative, r.expected_mentions, r.expected_negative)
        for r in rows
    ]
