"""The demo world: simulated networks talking about two fictional brands (see docs/demo.md)."""

from hearth.demo.bulk import bulk
from hearth.demo.realtime import run_realtime
from hearth.demo.world import DemoWorld

__all__ = ["DemoWorld", "bulk", "run_realtime"]
