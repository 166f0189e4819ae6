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

A handler that raises means "not now" (the database is down or locked): both backends deliver
the batch again after a growing delay and never give up, because the consumer itself refuses
(and counts) the items that are bad, so only transient failures reach the stream.
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
import queue
import threading
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
        return json.dumps(
            {"w": self.workspace_id, "p": self.payload}, separators=(",", ":")
        ).encode()

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
    def consume(
        self,
        handler: Handler,
        *,
        stop: threading.Event,
        batch_size: int = 200,
        max_wait: float = 0.5,
    ) -> None:
        """Run until ``stop`` is set. The handler commits; returning acknowledges the batch."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


class StreamFullError(RuntimeError):
    pass


def retry_delay_for(delivery: int, base: float, ceiling: float) -> float:
    """Exponential back-off per delivery, so a long database outage is not hammered."""
    return min(base * 2 ** max(delivery - 1, 0), ceiling)


class EmbeddedStream(Stream):
    def __init__(
        self, maxsize: int = 50_000, *, retry_delay: float = 1.0, max_retry_delay: float = 30.0
    ) -> None:
        self._queue: queue.Queue[Envelope] = queue.Queue(maxsize=maxsize)
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        # Back-pressure: a full queue blocks the producer (a connector or the demo) for a while,
        # then refuses, so the producer keeps its cursor and fetches again later.
        for envelope in envelopes:
            try:
                self._queue.put(envelope, timeout=30)
            except queue.Full:
                raise StreamFullError(
                    "the embedded stream is full; the consumer is behind"
                ) from None

    def pending(self) -> int:
        return self._queue.qsize()

    def _take(self, batch_size: int, max_wait: float) -> list[Envelope]:
        """Wait up to ``max_wait`` for one message, then take whatever else is already queued.

        Waiting to fill a batch held every message for up to ``max_wait`` at moderate rates (p50
        ~400 ms at 500 items/s); under load the queue fills batches by itself while the
        handler works, so nothing is gained by waiting."""
        try:
            batch = [self._queue.get(timeout=max_wait)]
        except queue.Empty:
            return []
        while len(batch) < batch_size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def consume(
        self,
        handler: Handler,
        *,
        stop: threading.Event,
        batch_size: int = 200,
        max_wait: float = 0.5,
    ) -> None:
        failed: list[Envelope] = []
        while not stop.is_set():
            # A failed batch is retried as it is, before anything new: putting it back on the
            # queue could block forever when producers have filled the queue meanwhile (this
            # thread is the one that empties it).
            batch = failed or self._take(batch_size, max_wait)
            if not batch:
                continue
            try:
                handler(batch)
                failed = []
            except Exception:
                log.exception("stream handler failed; the batch will be delivered again")
                failed = [Envelope(e.workspace_id, e.payload, e.delivery + 1) for e in batch]
                stop.wait(
                    retry_delay_for(batch[0].delivery, self.retry_delay, self.max_retry_delay)
                )
        if failed:
            log.warning("stopping with %d undelivered messages (embedded stream)", len(failed))


class NatsStream(Stream):
    """JetStream backend.

    The NATS connection lives on an event loop in a thread of its own, so one instance can
    publish from one thread while other threads consume (the demo feeder and the consumer in
    one process, or two consumers sharing a connection).

    Delivery: a message is acknowledged only after the handler returned (the database commit).
    A handler that raises means "try again later" (the database is down): the batch is
    negatively acknowledged with an increasing delay and never dropped (``max_deliver`` -1).
    A message that cannot be decoded is terminated and counted in ``malformed``; the consumer
    refuses invalid items itself, so only transient failures reach the retry path.
    """

    def __init__(
        self,
        url: str,
        *,
        ack_wait: float = 30.0,
        max_deliver: int = -1,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        max_ack_pending: int = 20_000,
    ) -> None:
        self.url = url
        self.ack_wait = ack_wait
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.max_ack_pending = max_ack_pending
        self.malformed = 0
        self._nc: Any = None
        self._js: Any = None
        self._connecting: asyncio.Lock | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="hearth-nats", daemon=True
        )
        self._thread.start()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    async def _connect(self) -> None:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:  # publish and consume may connect at the same moment
            if self._nc is not None and not self._nc.is_closed:
                return
            import nats
            from nats.js.api import StreamConfig

            self._nc = await nats.connect(
                self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.5
            )
            self._js = self._nc.jetstream()
            try:
                await self._js.stream_info(STREAM_NAME)
            except Exception:
                await self._js.add_stream(
                    StreamConfig(name=STREAM_NAME, subjects=[f"{SUBJECT_PREFIX}.>"])
                )

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        self._run(self._publish(envelopes))

    async def _publish(self, envelopes: Sequence[Envelope]) -> None:
        await self._connect()
        # Publish without waiting for each acknowledgement in turn, then wait for all of them:
        # publish() returns only once JetStream has stored every message durably.
        acks = [
            await self._js.publish_async(f"{SUBJECT_PREFIX}.{e.workspace_id}", e.encode())
            for e in envelopes
        ]
        await asyncio.gather(*acks)

    async def _subscription(self) -> Any:
        from nats.js.api import AckPolicy, ConsumerConfig

        await self._connect()
        config = ConsumerConfig(
            durable_name=DURABLE_NAME,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            max_ack_pending=self.max_ack_pending,
        )
        return await self._js.pull_subscribe(
            f"{SUBJECT_PREFIX}.>", durable=DURABLE_NAME, stream=STREAM_NAME, config=config
        )

    def consume(
        self,
        handler: Handler,
        *,
        stop: threading.Event,
        batch_size: int = 200,
        max_wait: float = 0.5,
    ) -> None:
        self._run(self._consume(handler, stop, batch_size, max_wait))

    async def _consume(
        self, handler: Handler, stop: threading.Event, batch_size: int, max_wait: float
    ) -> None:
        subscription = await self._subscription()
        try:
            while not stop.is_set():
                await self._consume_batch(subscription, handler, batch_size, max_wait)
        finally:
            await self._quietly(subscription.unsubscribe())

    async def _consume_batch(
        self, subscription: Any, handler: Handler, batch_size: int, max_wait: float
    ) -> None:
        messages = await self._fetch(subscription, batch_size, max_wait)
        valid, envelopes = await self._decode(messages)
        if not valid:
            return
        try:
            # The handler is synchronous database work: run it off the event loop so the
            # connection keeps its heartbeats.
            await asyncio.to_thread(handler, envelopes)
        except Exception:
            log.exception("stream handler failed; NATS will deliver the batch again")
            await self._settle(valid, failed=True)
            return
        await self._settle(valid, failed=False)

    async def _fetch(self, subscription: Any, batch_size: int, max_wait: float) -> list[Any]:
        import nats.errors

        try:
            return list(await subscription.fetch(batch_size, timeout=max_wait))
        except (nats.errors.TimeoutError, TimeoutError):
            return []
        except nats.errors.ConnectionClosedError:
            raise
        except nats.errors.Error:
            # Reconnecting: the client reconnects by itself; wait instead of spinning.
            log.warning("fetching from NATS failed; retrying", exc_info=True)
            await asyncio.sleep(max_wait)
            return []

    async def _decode(self, messages: list[Any]) -> tuple[list[Any], list[Envelope]]:
        valid, envelopes = [], []
        for message in messages:
            try:
                envelopes.append(Envelope.decode(message.data, message.metadata.num_delivered))
            except (ValueError, KeyError, TypeError):
                # Terminated, not acknowledged later: it must not be redelivered, and it is no
                # longer a candidate for ack (nats-py refuses a second acknowledgement).
                self.malformed += 1
                log.error("refused a malformed stream message: %r", message.data[:200])
                await self._quietly(message.term())
                continue
            valid.append(message)
        return valid, envelopes

    async def _settle(self, messages: list[Any], *, failed: bool) -> None:
        delivered = max(m.metadata.num_delivered for m in messages)
        delay = retry_delay_for(delivered, self.retry_delay, self.max_retry_delay)
        for message in messages:
            await self._quietly(message.nak(delay=delay) if failed else message.ack())
        # Acks are fire-and-forget publishes; flushing bounds how many a crash can lose (a lost
        # ack only means a harmless redelivery) without a round trip per message.
        await self._quietly(self._nc.flush(timeout=5))

    @staticmethod
    async def _quietly(operation: Any) -> None:
        try:
            await operation
        except Exception:  # a lost ack or nak means a redelivery after ack_wait: harmless
            log.warning("acknowledging a stream message failed", exc_info=True)

    def close(self) -> None:
        if self._nc is not None:
            try:
                # close(), not drain(): every ack was flushed already, and drain() waits up to
                # 30 s for the pull subscriptions' outstanding fetch requests.
                self._run(self._nc.close())
            except Exception:  # closing a broken connection must not hide the real error
                log.debug("closing NATS failed", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


def make_stream(backend: str, nats_url: str, **options: Any) -> Stream:
    if backend == "nats":
        return NatsStream(nats_url, **options)
    return EmbeddedStream(**options)
