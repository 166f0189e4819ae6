"""A JetStream consumer in a process of its own, as `hearth worker` runs it (benchmark only).

Environment: ``BENCH_DATABASE_URL``, ``BENCH_NATS_URL``, ``BENCH_BATCH`` (messages per fetch),
``BENCH_FULL`` (1: with the consumer's default hooks, crisis counters and inbox routing).
Prints ``ready`` once subscribed; stops on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from benchmarks.ingest.runs import make_consumer
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.kit.stream import NatsStream


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    factory = make_sessionmaker(make_engine(os.environ["BENCH_DATABASE_URL"]))
    consumer = make_consumer(factory, full=os.environ.get("BENCH_FULL") == "1")
    stream = NatsStream(os.environ["BENCH_NATS_URL"])
    stream.publish([])  # connects and creates the JetStream stream before saying ready
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    stream.consume(consumer, stop=stop, batch_size=int(os.environ.get("BENCH_BATCH", "200")))
    stream.close()


if __name__ == "__main__":
    main()
