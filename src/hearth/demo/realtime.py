"""Feeding the demo world into a pipeline in (sped-up) real time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from hearth.demo.world import DemoWorld
from hearth.ingest.schemas import MentionIn

Sink = Callable[[list[MentionIn]], Awaitable[None]]


async def run_realtime(
    world: DemoWorld,
    sink: Sink,
    *,
    tick_seconds: float = 1.0,
    stop_event: asyncio.Event,
    since: datetime | None = None,
    max_batch: int = 1000,
    clock: Callable[[], float] = time.monotonic,
) -> datetime:
    """Every tick, hand the sink what happened in the simulated time that tick covered.

    Simulated time runs ``world.speedup`` times faster than the wall clock from ``since``
    (default: ``world.start``). Windows are half-open and contiguous, so nothing is skipped or
    sent twice even when the sink is slow (the next window is simply longer). On stop, the
    last partial window is still delivered; the returned simulated time is where a later run
    should resume (pass it as ``since``).
    """
    if tick_seconds <= 0 or max_batch <= 0:
        raise ValueError("tick_seconds and max_batch must be positive")
    cursor = origin = since or world.start
    wall_origin = clock()
    while True:
        stopping = await _wait(stop_event, tick_seconds)
        reached = origin + timedelta(seconds=(clock() - wall_origin) * world.speedup)
        if reached > cursor:
            items = world.items_between(cursor, reached)
            cursor = reached
            for begin in range(0, len(items), max_batch):
                await sink(items[begin : begin + max_batch])
        if stopping:
            return cursor


async def _wait(stop_event: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop_event.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True
