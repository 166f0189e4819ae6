from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hearth.kit import jobs
from hearth.kit.time import utcnow
from hearth.models import Job

RUNS: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    RUNS.clear()


@jobs.job_handler("tests.job.count")
def _count(session: Session, payload: dict) -> None:
    RUNS[payload["key"]] += 1


@jobs.job_handler("tests.job.fail")
def _fail(session: Session, payload: dict) -> None:
    raise RuntimeError("the network is down")


def test_job_enqueued_in_rolled_back_transaction_never_runs(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        jobs.enqueue(session, "tests.job.count", {"key": "rolled-back"})
        session.rollback()
    assert jobs.run_one(factory, "w1") is None
    assert RUNS["rolled-back"] == 0


def test_committed_job_runs_once_and_is_done(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        job = jobs.enqueue(session, "tests.job.count", {"key": "committed"})
        session.commit()
    assert jobs.run_one(factory, "w1") is jobs.JobState.DONE
    assert jobs.run_one(factory, "w1") is None
    with factory() as session:
        stored = session.get(Job, job.id)
        assert stored is not None and stored.finished_at is not None
    assert RUNS["committed"] == 1


def _make_due(factory: sessionmaker[Session], job_id: str) -> None:
    with factory() as session:
        stored = session.get(Job, job_id)
        assert stored is not None
        stored.run_at = utcnow() - timedelta(seconds=1)
        session.commit()


def test_failing_job_backs_off_then_lands_in_dead_letter(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        job = jobs.enqueue(session, "tests.job.fail", max_attempts=3)
        session.commit()
    delays = []
    for attempt in range(1, 4):
        before = utcnow()
        state = jobs.run_one(factory, "w1")
        with factory() as session:
            stored = session.get(Job, job.id)
            assert stored is not None
            assert stored.attempts == attempt
            assert "the network is down" in (stored.last_error or "")
            if attempt < 3:
                assert state is jobs.JobState.QUEUED
                delays.append((stored.run_at - before).total_seconds())
        if attempt < 3:
            assert jobs.run_one(factory, "w1") is None  # not due yet: backoff holds it
            _make_due(factory, job.id)
    assert state is jobs.JobState.DEAD
    assert delays[1] > delays[0] > 0
    with factory() as session:
        dead = jobs.list_dead_jobs(session)
        assert [j.id for j in dead] == [job.id]


def test_backoff_grows_and_is_capped() -> None:
    import random

    rng = random.Random(1)
    values = [jobs.backoff_delay(n, rng).total_seconds() for n in range(1, 15)]
    assert values[0] < values[3] < values[6]
    assert max(values) <= jobs.BACKOFF_CAP_SECONDS * 1.2


def test_two_workers_never_run_the_same_job(factory: sessionmaker[Session]) -> None:
    """SKIP LOCKED on PostgreSQL, the BEGIN IMMEDIATE write lock on SQLite."""
    n = 60
    with factory() as session:
        for i in range(n):
            jobs.enqueue(session, "tests.job.count", {"key": f"race-{i}"})
        session.commit()
    barrier = threading.Barrier(4)

    def drain(worker_id: str) -> None:
        barrier.wait()
        while jobs.run_one(factory, worker_id) is not None:
            pass

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = [RUNS[f"race-{i}"] for i in range(n)]
    assert counts == [1] * n
    with factory() as session:
        states = set(session.scalars(select(Job.state)).all())
    assert states == {"done"}
