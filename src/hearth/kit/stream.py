"""The mention stream: one interface, two backends (DESIGN §1).

``EmbeddedStream`` (the default) is an in-process bounded queue: no server, at-least-once within
the process (a batch whose handler fails is delivered again), nothing survives a crash — the
connectors' cursors are only advanced after publishing, so a restart re-fetches what was lost.

``NatsStream`` uses NATS JetStream: a subject per workspace, a durable pull consumer shared by
every worker, and an ack only after the handler's database commit, so a crashed worker loses
nothing and N workers on N machines share the load.

Both deliver ``Envelope``s: a workspace id and a JSON payload (a ``MentionIn``). The consumer's
handler receives a batch, does its work, commits, and returns; the stream then acknowledges.
Redeliveries are expected: the store upserts on (workspace, platform, external id).
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("hearth.stream")

SUBJECT_PREFIX = "hearth.mentions"
STREAM_NAME = "HEARTH_MENTIONS"
DURABLE_NAME = "hearth-enrich"


@dataclass(frozen=True)
class Envelope:
    workspace_id: str
    payload: dict[str, Any]
    delivery: int = 1  # how many times this message was delivered (1 = first time)

    def encode(self) -> bytes:
        return json.dumps({"w": self.workspace_id, "p": self.payload}, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, data: bytes, delivery: int = 1) -> Envelope:
        body = json.loads(data)
        return cls(workspace_id=str(body["w"]), payload=body["p"], delivery=delivery)


Handler = Callable[[list[Envelope]], None]


class Stream(abc.ABC):
    """Publish batches; run a consumer loop that hands batches to a handler."""

    @abc.abstractmethod
    def publish(self, envelopes: Sequence[Envelope]) -> None: ...

    @abc.abstractmethod
    def consume(self, handler: Handler, *, stop: threading.Event, batch_size: int = 200,
                max_wait: float = 0.5) -> None:
        """Run until ``stop`` is set. The handler commits; returning acknowledges the batch."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


class StreamFullError(RuntimeError):
    pass


class EmbeddedStream(Stream):
    def __init__(self, maxsize: int = 50_000, *, retry_delay: float = 1.0) -> None:
        self._queue: queue.Queue[Envelope] = queue.Queue(maxsize=maxsize)
        self.retry_delay = retry_delay

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        # Back-pressure: a full queue blocks the producer (a connector or the demo) for a while,
        # then refuses, so the producer keeps its cursor and fetches again later.
        for envelope in envelopes:
            try:
                self._queue.put(envelope, timeout=30)
            except queue.Full:
                raise StreamFullError("the embedded stream is full; the consumer is behind") from None

    def pending(self) -> int:
        return self._queue.qsize()

    def _take(self, batch_size: int, max_wait: float, stop: threading.Event) -> list[Envelope]:
        batch: list[Envelope] = []
        deadline = time.monotonic() + max_wait
        while len(batch) < batch_size and not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 and batch:
                break
            try:
                batch.append(self._queue.get(timeout=max(remaining, 0.05)))
            except queue.Empty:
                if batch or remaining <= 0:
                    break
        return batch

    def consume(self, handler: Handler, *, stop: threading.Event, batch_size: int = 200,
                max_wait: float = 0.5) -> None:
        while not stop.is_set():
            batch = self._take(batch_size, max_wait, stop)
            if not batch:
                continue
            try:
                handler(batch)
            except Exception:
                log.exception("stream handler failed; the batch will be delivered again")
                for envelope in batch:
                    self._queue.put(Envelope(envelope.workspace_id, envelope.payload,
                                             envelope.delivery + 1))
                stop.wait(self.retry_delay)


class NatsStream(Stream):
    """JetStream backend. Runs its own event loop in the calling thread (sync callers)."""

    def __init__(self, url: str, *, ack_wait: float = 30.0, max_deliver: int = 20) -> None:
        self.url = url
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self._loop = asyncio.new_event_loop()
        self._nc: Any = None
        self._js: Any = None
        self._lock = threading.Lock()

    def _run(self, coro: Any) -> Any:
        with self._lock:
            return self._loop.run_until_complete(coro)

    async def _connect(self) -> None:
        if self._nc is not None and self._nc.is_connected:
            return
        import nats
        from nats.js.api import StreamConfig

        self._nc = await nats.connect(self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
        self._js = self._nc.jetstream()
        try:
            await self._js.stream_info(STREAM_NAME)
        except Exception:
            await self._js.add_stream(StreamConfig(name=STREAM_NAME,
                                                   subjects=[f"{SUBJECT_PREFIX}.>"]))

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        async def send() -> None:
            await self._connect()
            # JetStream acknowledges each publish once the message is stored durably.
            for envelope in envelopes:
                await self._js.publish(f"{SUBJECT_PREFIX}.{envelope.workspace_id}", envelope.encode())

        self._run(send())

    async def _subscription(self) -> Any:
        from nats.js.api import AckPolicy, ConsumerConfig

        await self._connect()
        config = ConsumerConfig(durable_name=DURABLE_NAME, ack_policy=AckPolicy.EXPLICIT,
                                ack_wait=self.ack_wait, max_deliver=self.max_deliver,
                                max_ack_pending=20_000)
        return await self._js.pull_subscribe(f"{SUBJECT_PREFIX}.>", durable=DURABLE_NAME,
                                             stream=STREAM_NAME, config=config)

    def consume(self, handler: Handler, *, stop: threading.Event, batch_size: int = 200,
                max_wait: float = 0.5) -> None:
        self._run(self._consume(handler, stop, batch_size, max_wait))

    async def _consume(self, handler: Handler, stop: threading.Event, batch_size: int,
                       max_wait: float) -> None:
        import nats.errors

        subscription = await self._subscription()
        while not stop.is_set():
            try:
                messages = await subscription.fetch(batch_size, timeout=max_wait)
            except (nats.errors.TimeoutError, TimeoutError):
                continue
            envelopes = []
            for message in messages:
                try:
                    envelopes.append(Envelope.decode(message.data, message.metadata.num_delivered))
                except (ValueError, KeyError, TypeError):
                    log.error("dropping a malformed stream message: %r", message.data[:200])
                    await message.term()
            try:
                # The handler is synchronous database work: run it off the event loop so the
                # connection keeps its heartbeats.
                await asyncio.to_thread(handler, envelopes)
            except Exception:
                log.exception("stream handler failed; NATS will deliver the batch again")
                for message in messages:
                    await message.nak(delay=1.0)
                continue
            for message in messages:
                await message.ack_sync()

    def close(self) -> None:
        if self._nc is not None:
            try:
                self._run(self._nc.drain())
            except Exception:  # closing a broken connection must not hide the real error
                log.debug("closing NATS failed", exc_info=True)
        self._loop.close()


def make_stream(backend: str, nats_url: str) -> Stream:
    if backend == "nats":
        return NatsStream(nats_url)
    return EmbeddedStream()
