"""Things every entry point (serve, worker, CLI commands) sets up the same way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from hearth.config import Settings
from hearth.kit import migrate
from hearth.kit.db import make_engine, make_sessionmaker, transaction


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.settings.resolved_database_url)
        self.sessionmaker = make_sessionmaker(self.engine)

    def upgrade(self) -> None:
        migrate.upgrade(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessionmaker) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
