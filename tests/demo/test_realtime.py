"""The realtime driver hands over contiguous windows of sped-up simulated time."""

import asyncio
from datetime import timedelta

import pytest

from hearth.demo import DemoWorld, run_realtime
from tests.asyncrun import run_async

from .conftest import START


class SteppingClock:
    """A wall clock that moves 10 s each time it is read: ticks without waiting for real."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 10.0
        return self.now


def _drive(world, batches_wanted, **kwargs):
    received: list[list] = []
    stop = asyncio.Event()

    async def sink(batch):
        received.append(batch)
        if len(received) >= batches_wanted:
            stop.set()

    async def main():
        return await run_realtime(
            world, sink, tick_seconds=0.001, stop_event=stop, clock=SteppingClock(), **kwargs
        )

    return run_async(main()), received


def test_realtime_delivers_exactly_the_simulated_timeline():
    world = DemoWorld(seed=7, start=START, speedup=60.0)
    reached, batches = _drive(world, 5)
    delivered = [m for batch in batches for m in batch]
    assert reached > START
    assert [m.model_dump() for m in delivered] == [
        m.model_dump() for m in world.items_between(START, reached)
    ]


def test_realtime_speedup_sets_how_much_simulated_time_passes():
    world = DemoWorld(seed=7, start=START, speedup=60.0)
    reached, _ = _drive(world, 3)
    # Each read of the clock adds 10 s of wall time, i.e. 10 simulated minutes.
    assert (reached - START) % timedelta(minutes=10) == timedelta(0)


def test_realtime_resumes_where_it_stopped():
    world = DemoWorld(seed=7, start=START)
    first_end, _ = _drive(world, 2)
    _, batches = _drive(world, 2, since=first_end)
    assert min(m.created_at for m in batches[0]) >= first_end


def test_realtime_splits_large_windows_into_bounded_batches():
    world = DemoWorld(seed=7, start=START, speedup=600.0)
    _, batches = _drive(world, 4, max_batch=50)
    assert all(0 < len(batch) <= 50 for batch in batches)


def test_realtime_refuses_a_zero_tick():
    world = DemoWorld(seed=7, start=START)
    with pytest.raises(ValueError):
        run_async(run_realtime(world, None, tick_seconds=0, stop_event=asyncio.Event()))
