"""Running the mention path in a process: the stream consumer and, in the demo, the feeder.

With the embedded stream (the default), `hearth serve` runs the consumer in a thread of its own
process. With NATS, `hearth worker` runs it, as many times as there are workers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from hearth.config import Settings, StreamBackend
from hearth.ingest.consumer import MentionConsumer
from hearth.ingest.schemas import MentionIn
from hearth.kit.stream import Envelope, Stream, make_stream

log = logging.getLogger("hearth.pipeline")


@dataclass
class IngestRuntime:
    settings: Settings
    factory: sessionmaker[Session]
    stream: Stream = field(init=False)
    consumer: MentionConsumer = field(init=False)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stream = make_stream(self.settings.stream_backend, self.settings.nats_url)
        self.consumer = MentionConsumer(self.factory)

    def start_consumer(self) -> None:
        self._spawn("hearth-consumer", lambda: self.stream.consume(self.consumer, stop=self.stop))

    def start_demo(self, workspaces: dict[str, str]) -> None:
        feeder = DemoFeeder(self.settings, self.stream, workspaces, self.stop)
        self._spawn("hearth-demo", feeder.run)

    def _spawn(self, name: str, target) -> None:  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def shutdown(self, timeout: float = 10.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=timeout)
        self.stream.close()

    @property
    def runs_consumer_in_process(self) -> bool:
        return self.settings.stream_backend is StreamBackend.EMBEDDED


def publish_items(stream: Stream, workspace_id: str, items: list[MentionIn]) -> None:
    stream.publish([Envelope(workspace_id, item.model_dump(mode="json")) for item in items])


@dataclass
class DemoFeeder:
    """Streams the demo world into the demo workspaces: first its recent past, then live.

    The simulated clock's position is saved in the data folder, so a restarted demo carries on
    where it stopped instead of replaying (replays would be harmless: upserts are idempotent).
    """

    settings: Settings
    stream: Stream
    workspaces: dict[str, str]  # brand slug -> workspace id
    stop: threading.Event

    @property
    def state_path(self) -> Path:
        return self.settings.data_dir / "demo_state.json"

    def _load_state(self) -> dict[str, str]:
        try:
            return json.loads(self.state_path.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def _save_state(self, state: dict[str, str]) -> None:
        self.state_path.write_text(json.dumps(state))

    def _world(self, state: dict[str, str]):  # type: ignore[no-untyped-def]
        from hearth.demo.brands import BRANDS
        from hearth.demo.world import DemoWorld

        start = datetime.fromisoformat(state["start"])
        scandal = self.settings.demo_scandal_minutes
        rates = {
            slug: b.default_rate * self.settings.demo_rate_factor for slug, b in BRANDS.items()
        }
        return DemoWorld(
            self.settings.demo_seed,
            start=start,
            speedup=self.settings.demo_speedup,
            scandal_at=None if scandal < 0 else timedelta(minutes=scandal),
            history=timedelta(hours=self.settings.demo_history_hours),
            rates=rates,
        )

    def _publish(self, items: list[MentionIn]) -> None:
        by_brand: dict[str, list[MentionIn]] = {}
        for item in items:
            brand = (item.raw.get("demo") or {}).get("brand", "")
            if brand in self.workspaces:
                by_brand.setdefault(brand, []).append(item)
        for brand, batch in by_brand.items():
            publish_items(self.stream, self.workspaces[brand], batch)

    def run(self) -> None:
        state = self._load_state()
        if "start" not in state:
            state = {"start": datetime.now(UTC).replace(microsecond=0).isoformat()}
        world = self._world(state)
        cursor = datetime.fromisoformat(state["cursor"]) if "cursor" in state else world.origin
        # Backfill what the world holds before now, a slice at a time so the page fills early.
        now = max(world.start, cursor)
        while cursor < now and not self.stop.is_set():
            upper = min(cursor + timedelta(hours=1), now)
            self._publish(world.items_between(cursor, upper))
            cursor = upper
            self._save_state({**state, "cursor": cursor.isoformat()})
        log.info("demo world live from %s", cursor.isoformat())
        asyncio.run(self._live(world, state, cursor))

    async def _live(self, world, state: dict[str, str], since: datetime) -> None:  # type: ignore[no-untyped-def]
        from hearth.demo.realtime import run_realtime

        stop = asyncio.Event()

        async def sink(items: list[MentionIn]) -> None:
            await asyncio.to_thread(self._publish, items)
            if items:
                self._save_state({**state, "cursor": items[-1].created_at.isoformat()})

        async def watch() -> None:
            await asyncio.to_thread(self.stop.wait)
            stop.set()

        watcher = asyncio.create_task(watch())
        await run_realtime(world, sink, tick_seconds=1.0, stop_event=stop, since=since)
        watcher.cancel()
