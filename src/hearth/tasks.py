"""Every job handler of Hearth, loaded by whatever runs the queue (`hearth worker`, `serve`).

Domains register handlers with ``@jobs.job_handler`` in their ``tasks`` modules; listing the
modules here keeps ``kit`` free of domain imports (DESIGN §2).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from hearth.config import Settings

TASK_MODULES = (
    "hearth.ingest.tasks",
    "hearth.inbox.tasks",
    "hearth.crisis.tasks",
    "hearth.crisis.notify_tasks",
    "hearth.crisis.statement_tasks",
)


@cache
def load() -> None:
    for name in TASK_MODULES:
        importlib.import_module(name)


def recurring_schedulers() -> list[Callable[[Session], bool]]:
    """Each recurring job's ``ensure_*_scheduled``: called once when a process starts."""
    load()
    from hearth.crisis.tasks import ensure_radar_scheduled
    from hearth.inbox.tasks import ensure_housekeeping_scheduled
    from hearth.ingest.tasks import ensure_polls_scheduled

    return [ensure_polls_scheduled, ensure_radar_scheduled, ensure_housekeeping_scheduled]


def start(factory: sessionmaker[Session], settings: Settings) -> None:
    """What a process that runs jobs does first: give jobs their settings, arm recurring jobs."""
    import logging

    from hearth.ingest.tasks import configure
    from hearth.kit.db import transaction

    load()
    configure(settings)
    try:
        with transaction(factory) as session:
            for ensure in recurring_schedulers():
                ensure(session)
    except Exception:  # e.g. a database not migrated yet: serving goes on, the pages say so
        logging.getLogger("hearth.jobs").warning("could not arm recurring jobs", exc_info=True)
