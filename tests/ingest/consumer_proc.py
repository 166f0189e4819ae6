"""A NATS stream consumer in a process of its own, for the crash tests.

Run as ``python tests/ingest/consumer_proc.py`` with the repository root on PYTHONPATH.
Settings come from the environment:

- ``HEARTH_TEST_DATABASE``: the database URL;
- ``HEARTH_TEST_NATS_URL``: the NATS server;
- ``HEARTH_TEST_ACK_WAIT``: seconds before JetStream redelivers an unacknowledged message;
- ``HEARTH_TEST_BATCH_SIZE``: messages per fetch;
- ``HEARTH_TEST_HOLD``: ``before_commit`` or ``after_commit``: where the handler stops and waits
  (for ever), so the test can kill the process in the middle of a batch, before its ack.

It prints ``fetched <n>`` when a batch reaches the handler and ``committed <n>`` after its
database commit (flushed at once), so the test knows when to kill it.
"""

from __future__ import annotations

import os
import sys
import threading

from hearth.ingest.consumer import MentionConsumer
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.kit.stream import Envelope, NatsStream


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    hold = os.environ.get("HEARTH_TEST_HOLD", "after_commit")
    consumer = MentionConsumer(make_sessionmaker(make_engine(os.environ["HEARTH_TEST_DATABASE"])))
    forever = threading.Event()

    def handler(envelopes: list[Envelope]) -> None:
        say(f"fetched {len(envelopes)}")
        if hold == "before_commit":
            forever.wait()
        consumer(envelopes)
        say(f"committed {len(envelopes)} refused {consumer.rejected}")
        if hold == "after_commit":
            forever.wait()

    stream = NatsStream(
        os.environ["HEARTH_TEST_NATS_URL"],
        ack_wait=float(os.environ.get("HEARTH_TEST_ACK_WAIT", "2")),
    )
    say("ready")
    stream.consume(
        handler,
        stop=threading.Event(),
        batch_size=int(os.environ.get("HEARTH_TEST_BATCH_SIZE", "50")),
        max_wait=0.2,
    )


if __name__ == "__main__":
    main()
