"""Raising a real alert cheaply: ordinary counts, then a surge, through the radar's own tick."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hearth.crisis.radar import BUCKET, Counts, bump_buckets
from hearth.crisis.tick import GRACE, run_tick
from hearth.models import CrisisAlert

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
CALM_BUCKETS = 144  # twelve hours
SURGE_BUCKETS = 3


def calm(i: int) -> Counts:
    return Counts(mentions=10 + i % 3, negative=2 + i % 2, new_authors=3, reach=1000)


def surge_at() -> datetime:
    return START + CALM_BUCKETS * BUCKET


def after(buckets: int) -> datetime:
    """The tick time at which the bucket `buckets` after the surge's start has closed."""
    return surge_at() + (buckets + 1) * BUCKET + GRACE


def raise_alert(factory: sessionmaker[Session], workspace_id: str, *, calm_after: int = 0) -> str:
    """Twelve calm hours, a three-bucket surge of negative mentions, then `calm_after` buckets."""
    rows = [("", START + i * BUCKET, calm(i)) for i in range(CALM_BUCKETS)]
    rows += [
        (
            "",
            surge_at() + i * BUCKET,
            Counts(mentions=200, negative=170, new_authors=150, reach=90_000),
        )
        for i in range(SURGE_BUCKETS)
    ]
    rows += [("", surge_at() + (SURGE_BUCKETS + i) * BUCKET, calm(i)) for i in range(calm_after)]
    with factory.begin() as session:
        bump_buckets(session, workspace_id, rows)
    with factory.begin() as session:
        run_tick(session, after(SURGE_BUCKETS - 1 + calm_after))
    with factory() as session:
        return session.scalars(
            select(CrisisAlert.id)
            .where(CrisisAlert.workspace_id == workspace_id)
            .order_by(CrisisAlert.opened_at)
        ).one()
