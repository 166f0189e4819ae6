"""The embedded (in-process) stream: at-least-once delivery into an idempotent store."""

from __future__ import annotations

import threading

from tests.natskit import (
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
from hearth.kit.stream import EmbeddedStream, Envelope


class CrashAfterFirstCommit:
    """Stores the first batch, then fails as a worker dying before its ack would: the stream
    must deliver that already-committed batch again."""

    def __init__(self, consumer: MentionConsumer) -> None:
        self.consumer = consumer
        self.first_batch: list[Envelope] = []
        self.redelivered = 0

    def __call__(self, envelopes: list[Envelope]) -> None:
        self.consumer(envelopes)
        self.redelivered += sum(1 for e in envelopes if e.delivery > 1)
        if not self.first_batch:
            self.first_batch = envelopes
            raise RuntimeError("worker died after commit, before ack")


def test_embedded_stores_n_items_once_with_duplicates_and_redelivery(factory):
    workspace_id = make_workspace_id(factory)
    envelopes = envelopes_for(workspace_id, distinct_items(150))
    stream = EmbeddedStream(retry_delay=0.01)
    handler = CrashAfterFirstCommit(MentionConsumer(factory))
    stream.publish(envelopes[:80])
    stream.publish(envelopes[50:120])  # a connector re-fetching an overlapping page
    stream.publish(envelopes[80:])
    running = run_consumer(stream, handler, batch_size=40)
    try:
        assert wait_for(
            lambda: stream.pending() == 0 and count_mentions(factory, workspace_id) == 150
        )
        ids_before = stored_ids(factory, workspace_id)
    finally:
        running.stop()
    assert handler.redelivered == len(handler.first_batch) > 0
    assert stored_ids(factory, workspace_id) == ids_before
    assert len(ids_before) == 150
    assert mentions_received_twice(factory, workspace_id) == []


def test_embedded_retries_a_failed_batch_while_producers_fill_the_queue():
    # Before: the failed batch was put back on the queue by the only thread that empties it; with
    # the queue full of newer messages that put blocked for ever and the stream stalled.
    stream = EmbeddedStream(maxsize=5, retry_delay=0.01)
    seen: list[int] = []
    failed_once = threading.Event()

    def handler(envelopes: list[Envelope]) -> None:
        if not failed_once.is_set():
            wait_for(lambda: stream.pending() == 5, timeout=10)
            failed_once.set()
            raise RuntimeError("database away")
        seen.extend(e.payload["n"] for e in envelopes)

    producer = threading.Thread(
        target=stream.publish, args=([Envelope("w", {"n": n}) for n in range(30)],), daemon=True
    )
    producer.start()
    running = run_consumer(stream, handler, batch_size=4, max_wait=0.05)
    try:
        assert wait_for(lambda: len(set(seen)) == 30, timeout=20)
    finally:
        running.stop()
        producer.join(timeout=5)
    assert failed_once.is_set()
    assert sorted(set(seen)) == list(range(30))


def test_embedded_two_consumers_share_the_queue_and_store_n(factory):
    workspace_id = make_workspace_id(factory)
    stream = EmbeddedStream()
    consumers = [MentionConsumer(factory), MentionConsumer(factory)]
    stream.publish(envelopes_for(workspace_id, distinct_items(200)))
    running = [run_consumer(stream, c, batch_size=20) for c in consumers]
    try:
        assert wait_for(lambda: count_mentions(factory, workspace_id) == 200)
    finally:
        for r in running:
            r.stop()
    assert all(c.stored > 0 for c in consumers)
    assert count_mentions(factory, workspace_id) == 200


def test_embedded_hands_over_a_partial_batch_without_waiting_to_fill_it():
    # Waiting for a full batch held each message up to max_wait (p50 ~400 ms at 500 items/s).
    stream = EmbeddedStream()
    batches: list[list[Envelope]] = []
    stream.publish([Envelope("w", {"n": n}) for n in range(3)])
    running = run_consumer(stream, batches.append, batch_size=200, max_wait=120)
    try:
        assert wait_for(lambda: len(batches) == 1, timeout=20)
    finally:
        running.halt.set()  # the loop notices at its next wake-up; no need to wait for it
    assert [e.payload["n"] for e in batches[0]] == [0, 1, 2]
