"""Fixtures shared by connector tests: a fake network server, an HTTP client with short timeouts."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.ingest.fakes.server import FakeServer

# Short enough that a "hang" test finishes quickly, long enough for a loaded 2-core machine.
TEST_TIMEOUT = httpx.Timeout(5.0, read=0.5)


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=TEST_TIMEOUT) as client:
        yield client
