from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from hearth.kit import jobs
from hearth.models import Job
from hearth.worker import Worker

DONE: list[str] = []


@jobs.job_handler("tests.worker.note")
def _note(session: Session, payload: dict) -> None:
    DONE.append(payload["name"])


def test_worker_runs_queued_jobs_and_stops_gracefully(factory: sessionmaker[Session]) -> None:
    DONE.clear()
    with factory() as session:
        job = jobs.enqueue(session, "tests.worker.note", {"name": "first"})
        session.commit()
    worker = Worker(factory, idle_seconds=0.05)
    thread = threading.Thread(target=worker.run)
    thread.start()
    deadline = time.monotonic() + 20
    while DONE != ["first"] and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert DONE == ["first"]
    with factory() as session:
        assert session.get(Job, job.id).state == "done"
