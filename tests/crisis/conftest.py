from __future__ import annotations

import copy
from datetime import datetime

import pytest

from hearth.crisis.detector import Detector
from tests.crisis.helpers import BUCKET, MONDAY, feed, rhythm_counts


@pytest.fixture(scope="session")
def _trained_state() -> tuple[dict, datetime]:
    detector = Detector("negative_mentions")
    weeks = 2 * 7 * 288
    feed(detector, MONDAY, rhythm_counts(MONDAY, weeks, seed=1))
    return detector.to_dict(), MONDAY + weeks * BUCKET


@pytest.fixture
def trained(_trained_state) -> tuple[Detector, datetime]:
    """A detector that has seen two ordinary weeks; returns it and the next bucket's time."""
    state, start = _trained_state
    return Detector.from_dict(copy.deepcopy(state)), start
