"""The measured runs: throughput of the whole mention path, and delay at a steady rate.

Each run gets a workspace of its own in the same database, and (for JetStream) a fresh
nats-server, so runs never see each other's messages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hearth.authz.actor import Actor
from hearth.demo.bulk import bulk_world
from hearth.ingest.consumer import AfterCommit, MentionConsumer
from hearth.ingest.schemas import MentionIn
from hearth.ingest.store import Incoming, StoreResult
from hearth.kit.db import transaction
from hearth.kit.stream import EmbeddedStream, Envelope, NatsStream, Stream
from hearth.models import Mention

REPO = Path(__file__).resolve().parents[2]
CHUNK = 200  # items per publish call, as a connector publishes a fetched page


@dataclass(frozen=True)
class Target:
    """One database under test."""

    name: str  # "SQLite" or "PostgreSQL"
    url: str
    factory: sessionmaker[Session]


@dataclass
class Throughput:
    database: str
    stream: str
    consumers: int
    items: int
    seconds: float
    full: bool

    @property
    def rate(self) -> float:
        return self.items / self.seconds


@dataclass
class Delay:
    database: str
    stream: str
    target_rate: float
    achieved_rate: float
    delays_ms: list[float] = field(repr=False)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.delays_ms, q))


# --- set-up -----------------------------------------------------------------------------------

_workspaces = 0


def new_workspace(factory: sessionmaker[Session]) -> str:
    from hearth.auth.actions import do_create_user
    from hearth.workspace.actions import do_create_workspace

    global _workspaces
    _workspaces += 1
    actor = Actor.system("benchmark")
    with transaction(factory) as session:
        owner = do_create_user(
            session,
            email=f"bench-{_workspaces}@example.com",
            display_name="Bench",
            password="bench-password-123",
            actor=actor,
        )
        return do_create_workspace(
            session,
            name=f"Bench {_workspaces}",
            slug=f"bench-{_workspaces}",
            owner=owner,
            actor=actor,
        ).id


def make_consumer(
    factory: sessionmaker[Session], *, full: bool, after_commit: list[AfterCommit] | None = None
) -> MentionConsumer:
    """``full``: with the hooks the consumer runs by default (crisis counters, inbox routing);
    otherwise the ingest path alone (enrich → upsert)."""
    consumer = MentionConsumer(factory, after_commit=after_commit or [])
    if not full:
        consumer.in_transaction = []
    return consumer


def count(factory: sessionmaker[Session], workspace_id: str) -> int:
    with factory() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Mention)
                .where(Mention.workspace_id == workspace_id)
            )
            or 0
        )


@contextmanager
def nats_server() -> Iterator[str]:
    """A fresh nats-server with JetStream on a port of its choosing (`-p -1`)."""
    with tempfile.TemporaryDirectory(prefix="hearth-bench-nats-") as name:
        folder = Path(name)
        binary = Path(sys.executable).with_name("nats-server")
        process = subprocess.Popen(
            [
                str(binary),
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                "-1",
                "-sd",
                str(folder / "store"),
                "--ports_file_dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield _client_url(folder / f"nats-server_{process.pid}.ports")
        finally:
            process.terminate()
            process.wait(timeout=10)


def _client_url(ports: Path) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            return str(json.loads(ports.read_text())["nats"][0])
        except (FileNotFoundError, ValueError, KeyError, IndexError):
            time.sleep(0.02)
    raise RuntimeError("nats-server did not start")


def generate(n: int, seed: int) -> Iterator[list[MentionIn]]:
    """The demo world's items (already normalised MentionIn), one simulated minute at a time."""
    world = bulk_world(seed)
    cursor, produced = world.start, 0
    while produced < n:
        items = world.items_between(cursor, cursor + timedelta(minutes=1))[: n - produced]
        produced += len(items)
        cursor += timedelta(minutes=1)
        yield items


def envelopes(workspace_id: str, items: list[MentionIn]) -> list[Envelope]:
    return [Envelope(workspace_id, item.model_dump(mode="json")) for item in items]


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the pipeline did not store every item in time")
        time.sleep(0.05)


# --- consumers --------------------------------------------------------------------------------


class ThreadConsumers:
    """Consumers as threads of this process (the embedded stream's only option)."""

    def __init__(
        self,
        stream_for: Callable[[], Stream],
        factory: sessionmaker[Session],
        n: int,
        *,
        full: bool,
        hook: AfterCommit | None = None,
    ) -> None:
        self.stop = threading.Event()
        self.streams: list[Stream] = []
        self.threads: list[threading.Thread] = []
        for _ in range(n):
            stream = stream_for()
            consumer = make_consumer(factory, full=full, after_commit=[hook] if hook else [])
            thread = threading.Thread(
                target=stream.consume, args=(consumer,), kwargs={"stop": self.stop}, daemon=True
            )
            thread.start()
            self.streams.append(stream)
            self.threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        for stream in self.streams:
            if isinstance(stream, NatsStream):
                stream.close()


class ProcessConsumers:
    """JetStream consumers as separate processes, as `hearth worker` runs them."""

    def __init__(self, database_url: str, nats_url: str, n: int, *, full: bool) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "BENCH_DATABASE_URL": database_url,
            "BENCH_NATS_URL": nats_url,
            "BENCH_FULL": "1" if full else "0",
        }
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.ingest.worker"],
                env=env,
                cwd=REPO,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(n)
        ]
        for process in self.processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"

    def close(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=20)


# --- throughput -------------------------------------------------------------------------------


def _produce(stream: Stream, workspace_id: str, n: int, seed: int) -> None:
    for items in generate(n, seed):
        for start in range(0, len(items), CHUNK):
            stream.publish(envelopes(workspace_id, items[start : start + CHUNK]))


def throughput(
    target: Target, stream_kind: str, consumers: int, n: int, *, full: bool, seed: int = 11
) -> Throughput:
    workspace_id = new_workspace(target.factory)
    with _stream_setup(target, stream_kind, consumers, full) as producer:
        started = time.perf_counter()
        threading.Thread(
            target=_produce, args=(producer, workspace_id, n, seed), daemon=True
        ).start()
        wait_until(lambda: count(target.factory, workspace_id) >= n, timeout=300)
        seconds = time.perf_counter() - started
    return Throughput(target.name, stream_kind, consumers, n, seconds, full)


@contextmanager
def _stream_setup(target: Target, stream_kind: str, consumers: int, full: bool) -> Iterator[Stream]:
    if stream_kind == "embedded":
        stream = EmbeddedStream()
        group = ThreadConsumers(lambda: stream, target.factory, consumers, full=full)
        try:
            yield stream
        finally:
            group.close()
        return
    with nats_server() as url:
        processes = ProcessConsumers(target.url, url, consumers, full=full)
        producer = NatsStream(url)
        try:
            yield producer
        finally:
            processes.close()
            producer.close()


# --- delay at a steady rate -------------------------------------------------------------------


class CommitClock:
    """After-commit hook: when each item became visible in the database."""

    def __init__(self) -> None:
        self.committed: dict[str, float] = {}

    def __call__(self, _result: StoreResult, incoming: list[Incoming]) -> None:
        now = time.perf_counter()
        for entry in incoming:
            self.committed.setdefault(entry.item.external_id, now)


def _paced_publish(
    stream: Stream,
    workspace_id: str,
    items: list[MentionIn],
    rate: float,
    published: dict[str, float],
) -> None:
    tick = 0.02
    per_tick = max(1, round(rate * tick))
    started = time.perf_counter()
    for index in range(0, len(items), per_tick):
        due = started + (index / rate)
        time.sleep(max(0.0, due - time.perf_counter()))
        chunk = items[index : index + per_tick]
        now = time.perf_counter()
        for item in chunk:
            published[item.external_id] = now
        stream.publish(envelopes(workspace_id, chunk))


def delay(target: Target, stream_kind: str, rate: float, seconds: float, seed: int = 23) -> Delay:
    workspace_id = new_workspace(target.factory)
    items = [item for chunk in generate(int(rate * seconds), seed) for item in chunk]
    clock, published = CommitClock(), {}
    with _delay_setup(target, stream_kind, clock) as producer:
        started = time.perf_counter()
        _paced_publish(producer, workspace_id, items, rate, published)
        sent = time.perf_counter() - started
        wait_until(lambda: len(clock.committed) >= len(items), timeout=120)
    warm = set(list(published)[: int(rate)])  # the first second warms caches and connections
    delays = [
        (clock.committed[key] - at) * 1000 for key, at in published.items() if key not in warm
    ]
    return Delay(target.name, stream_kind, rate, len(items) / sent, delays)


@contextmanager
def _delay_setup(target: Target, stream_kind: str, clock: CommitClock) -> Iterator[Stream]:
    # One consumer in this process, so the commit clock and the publication clock are the same.
    if stream_kind == "embedded":
        stream = EmbeddedStream()
        group = ThreadConsumers(lambda: stream, target.factory, 1, full=False, hook=clock)
        try:
            yield stream
        finally:
            group.close()
        return
    with nats_server() as url:
        group = ThreadConsumers(lambda: NatsStream(url), target.factory, 1, full=False, hook=clock)
        producer = NatsStream(url)
        try:
            yield producer
        finally:
            group.close()
            producer.close()


# --- where a consumer's time goes ---------------------------------------------------------------


@dataclass
class Stages:
    database: str
    enrich_ms: float  # per item: enrichment of a batch of 200
    store_ms: float  # per item: validation + one transaction of upserts (no hooks)
    hooks_ms: float  # per item: the default hooks (crisis counters, inbox routing)


def _consume_ms(target: Target, full: bool, items: list[MentionIn]) -> float:
    workspace_id = new_workspace(target.factory)
    consumer = make_consumer(target.factory, full=full)
    batches = [envelopes(workspace_id, items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]
    started = time.perf_counter()
    for batch in batches:
        consumer(batch)
    return (time.perf_counter() - started) * 1000 / len(items)


def stages(target: Target, n: int = 1000, seed: int = 31) -> Stages:
    """Batches of 200 through one consumer, directly (no stream): enrichment alone, the ingest
    consumer, the full consumer; each on fresh items in a fresh workspace."""
    from hearth.ingest.consumer import enrich_items

    pool = [item for chunk in generate(3 * n, seed) for item in chunk]
    enrich_items(pool[:CHUNK])  # warm-up: model loading is not a per-item cost
    started = time.perf_counter()
    for i in range(0, n, CHUNK):
        enrich_items(pool[i : i + CHUNK])
    enrich_ms = (time.perf_counter() - started) * 1000 / n
    ingest_ms = _consume_ms(target, False, pool[n : 2 * n])
    full_ms = _consume_ms(target, True, pool[2 * n :])
    return Stages(target.name, enrich_ms, ingest_ms - enrich_ms, full_ms - ingest_ms)
