"""The radar's job: `crisis.radar.tick`, every minute, re-enqueued by itself.

The job queue has no cron, so each tick enqueues the next one in its own transaction: if the
tick fails, its transaction (and the next tick) rolls back and the queue's retry with backoff
takes over; once it succeeds the chain goes on. `ensure_radar_scheduled` starts the chain (at
start-up, and from the mention path) and is a no-op while a tick is already queued or running.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from hearth.crisis.tick import run_tick
from hearth.kit import jobs
from hearth.kit.time import utcnow

log = logging.getLogger("hearth.crisis")

TICK_JOB = "crisis.radar.tick"
TICK_EVERY = timedelta(minutes=1)
# Per tick; the topics not reached wait for the next one (see `run_tick`).
TICK_BUDGET = timedelta(seconds=10)


@jobs.job_handler(TICK_JOB)
def radar_tick(session: Session, payload: dict[str, Any]) -> None:
    result = run_tick(session, budget=TICK_BUDGET)
    if result.opened or result.resolved or result.deferred:
        log.info(
            "crisis radar: %d buckets, opened %s, resolved %s, %d topics deferred",
            result.buckets,
            result.opened,
            result.resolved,
            result.deferred,
        )
    jobs.enqueue(session, TICK_JOB, run_at=utcnow() + TICK_EVERY, max_attempts=10)


def ensure_radar_scheduled(session: Session) -> bool:
    """Enqueue a tick unless one is waiting or running; True when one was enqueued."""
    return jobs.ensure_scheduled(session, TICK_JOB)
