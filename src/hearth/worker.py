"""`hearth worker`: runs background jobs (and, as they land, the stream consumers).

Stops gracefully on SIGTERM/SIGINT: the job in hand finishes and commits, then the loop exits.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

from sqlalchemy.orm import Session, sessionmaker

from hearth.kit import jobs
from hearth.kit.metrics import JOBS_FINISHED

log = logging.getLogger("hearth.worker")


class Worker:
    def __init__(self, factory: sessionmaker[Session], *, idle_seconds: float = 1.0) -> None:
        from hearth import tasks

        tasks.load()
        self.factory = factory
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop())

    def stop(self) -> None:
        log.info("worker stopping after the current job")
        self.stopping.set()

    def run(self) -> None:
        log.info("worker %s started", self.worker_id)
        while not self.stopping.is_set():
            claimed = jobs.claim(self.factory, self.worker_id)
            if claimed is None:
                self.stopping.wait(self.idle_seconds)
                continue
            state = jobs.run_claimed(self.factory, claimed)
            JOBS_FINISHED.labels(claimed.kind, state.value).inc()
        log.info("worker %s stopped", self.worker_id)
