"""A database-backed job queue for low-volume work (DESIGN §1).

Jobs are enqueued in the caller's transaction, so a rollback removes them. A worker claims one
job at a time — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the ``BEGIN IMMEDIATE`` write lock on
SQLite — runs its handler in a fresh transaction that also marks it done (the handler's writes
and the completion commit together), and on failure reschedules it with exponential backoff
until its attempts are spent, when it lands in the dead-letter state for an admin to look at.
A job whose worker died mid-run is reclaimed once its lease expires.
"""

from __future__ import annotations

import enum
import logging
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from hearth.kit.db import is_postgres, transaction
from hearth.kit.time import utcnow
from hearth.models import Job

log = logging.getLogger("hearth.jobs")

LEASE = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


Handler = Callable[[Session, dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler for a dotted job kind, e.g. ``publish.post.deliver``."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    workspace_id: str | None = None,
    run_at: datetime | None = None,
    max_attempts: int = 5,
) -> Job:
    job = Job(kind=kind, payload=payload or {}, workspace_id=workspace_id,
              run_at=run_at or utcnow(), max_attempts=max_attempts, state=JobState.QUEUED)
    session.add(job)
    session.flush()
    return job


def backoff_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with ±20 % jitter, so failing jobs do not retry in lockstep."""
    base = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=base * jitter)


def _claimable(now: datetime, kinds: list[str] | None) -> Any:
    query = select(Job).where(
        or_(
            (Job.state == JobState.QUEUED) & (Job.run_at <= now),
            (Job.state == JobState.RUNNING) & (Job.locked_at <= now - LEASE),
        )
    ).order_by(Job.run_at).limit(1)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    return query


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


def claim(factory: sessionmaker[Session], worker_id: str,
          kinds: list[str] | None = None) -> ClaimedJob | None:
    with transaction(factory) as session:
        now = utcnow()
        query = _claimable(now, kinds)
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        job = session.scalar(query)
        if job is None:
            return None
        job.state = JobState.RUNNING
        job.locked_at = now
        job.locked_by = worker_id[:120]
        job.attempts += 1
        return ClaimedJob(job.id, job.kind, dict(job.payload), job.attempts, job.max_attempts)


def _record_failure(factory: sessionmaker[Session], claimed: ClaimedJob, error: str) -> JobState:
    with transaction(factory) as session:
        job = session.get(Job, claimed.id)
        assert job is not None
        job.last_error = error[-4000:]
        job.locked_at = None
        job.locked_by = None
        if job.attempts >= job.max_attempts:
            job.state = JobState.DEAD
            job.dead_at = utcnow()
            log.error("job %s (%s) is dead after %d attempts", job.id, job.kind, job.attempts)
        else:
            job.state = JobState.QUEUED
            job.run_at = utcnow() + backoff_delay(job.attempts)
        return JobState(job.state)


def run_claimed(factory: sessionmaker[Session], claimed: ClaimedJob) -> JobState:
    handler = _HANDLERS.get(claimed.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler registered for job kind {claimed.kind!r}")
        with transaction(factory) as session:
            handler(session, claimed.payload)
            job = session.get(Job, claimed.id)
            assert job is not None
            job.state = JobState.DONE
            job.finished_at = utcnow()
            job.locked_at = None
        return JobState.DONE
    except Exception:
        log.warning("job %s (%s) failed", claimed.id, claimed.kind, exc_info=True)
        return _record_failure(factory, claimed, traceback.format_exc())


def run_one(factory: sessionmaker[Session], worker_id: str,
            kinds: list[str] | None = None) -> JobState | None:
    claimed = claim(factory, worker_id, kinds)
    if claimed is None:
        return None
    return run_claimed(factory, claimed)


def list_dead_jobs(session: Session, workspace_id: str | None = None) -> list[Job]:
    query = select(Job).where(Job.state == JobState.DEAD).order_by(Job.dead_at.desc())
    if workspace_id is not None:
        query = query.where(Job.workspace_id == workspace_id)
    return list(session.scalars(query.limit(200)))


def requeue_dead(session: Session, job: Job) -> None:
    """An admin's second chance for a dead job: fresh attempts, run now."""
    job.state = JobState.QUEUED
    job.dead_at = None
    job.attempts = 0
    job.run_at = utcnow()


def ensure_scheduled(session: Session, kind: str, *, run_at: datetime | None = None,
                     max_attempts: int = 10) -> bool:
    """For recurring work: enqueue ``kind`` unless one is already waiting or running.

    The handler re-arms itself by calling this again with a later ``run_at``; a process that
    starts calls it once, so the chain survives restarts without ever running twice at once.
    """
    pending = session.scalar(select(Job.id).where(
        Job.kind == kind, Job.state.in_([JobState.QUEUED, JobState.RUNNING])).limit(1))
    if pending is not None:
        return False
    enqueue(session, kind, run_at=run_at, max_attempts=max_attempts)
    return True
