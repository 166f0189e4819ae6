"""Many demo items fast, for benchmarks: the same world, at a high constant rate."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from hearth.demo.world import DemoWorld
from hearth.ingest.schemas import MentionIn

BULK_START = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)  # a Friday evening, for the record
BULK_RATES = {"briquo": 40_000.0, "pizzadoro": 60_000.0}


def bulk_world(seed: int = 7, *, brands: Sequence[str] = ("briquo", "pizzadoro")) -> DemoWorld:
    """A flat-rate world (about 1,700 items per simulated minute) whose scandal starts at
    minute 20 at a modest strength, so a long run mixes ordinary chatter and the pile-on."""
    return DemoWorld(
        seed,
        start=BULK_START,
        brands=brands,
        rates=BULK_RATES,
        seasonal=False,
        scandal_at=timedelta(minutes=20),
        scandal_strength=2.0,
    )


def bulk(
    n: int, seed: int = 7, *, brands: Sequence[str] = ("briquo", "pizzadoro")
) -> list[MentionIn]:
    """The first ``n`` items of the bulk world: deterministic for a seed, time-ordered."""
    if n < 0:
        raise ValueError("n must be non-negative")
    world = bulk_world(seed, brands=brands)
    items: list[MentionIn] = []
    cursor, step = world.start, timedelta(minutes=1)
    with _cyclic_gc_paused():
        while len(items) < n:
            items.extend(world.items_between(cursor, cursor + step))
            cursor += step
    return items[:n]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hundreds of thousands of live items make the cyclic collector rescan them again and
    again (it cost a third of the time); nothing built here forms a cycle, so pause it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
