from datetime import UTC, datetime, timedelta

import pytest

from hearth.demo import DemoWorld

# A Friday, 18:00 in Paris: dinner time, the pizza chain's busiest evening.
START = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return DemoWorld(seed=7, start=START)


@pytest.fixture(scope="module")
def three_hours(world):
    return world.items_between(START, START + timedelta(hours=3))
