"""Fake network servers for connector tests: real HTTP on 127.0.0.1, ephemeral ports."""

from tests.ingest.fakes.server import Canned, FakeServer, Recorded

__all__ = ["Canned", "FakeServer", "Recorded"]
