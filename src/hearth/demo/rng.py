"""Deterministic randomness for the demo world.

Every random decision is drawn from a ``random.Random`` seeded by a *key* made of the world
seed and the coordinates of what is being decided (brand, bucket, phase). That is what makes any
time window a pure function of the seed: nothing depends on what was generated before, only on
where it sits. We never use ``hash()`` of strings (it changes per process).
"""

from __future__ import annotations

import bisect
import math
import random
import zlib
from collections.abc import Sequence
from itertools import accumulate

_MASK = (1 << 64) - 1


def _splitmix(value: int) -> int:
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def stable_int(text: str) -> int:
    """A process-independent integer for a name (crc32 is stable, ``hash()`` is not)."""
    return zlib.crc32(text.encode("utf-8"))


def mix(*parts: int) -> int:
    """Combine integers (any sign) into one well-spread 64-bit key."""
    state = 0x2545F4914F6CDD1D
    for part in parts:
        state = _splitmix(state ^ (part & _MASK))
    return state


def rng_for(*parts: int) -> random.Random:
    """A generator for a coordinate. The parts are concatenated, not hashed: Mersenne Twister's
    seeding already spreads any key, and concatenation is injective and cheap (this is called
    for every item)."""
    key = 0
    for part in parts:
        key = (key << 64) | (part & _MASK)
    return random.Random(key)


def pick(rng: random.Random, options: Sequence):
    """``rng.choice`` without its rejection sampling (faster; the bias is far below 2**-40)."""
    return options[int(rng.random() * len(options))]


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw; exact for small means, normal approximation past 40 (plenty for counts)."""
    if lam <= 0.0:
        return 0
    if lam < 40.0:
        limit = math.exp(-lam)
        count, product = 0, rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


class WeightedChoice:
    """Draw from a fixed list of options with fixed weights in O(log n) (bisect on the CDF)."""

    __slots__ = ("_cdf", "_total", "options")

    def __init__(self, options: Sequence[object], weights: Sequence[float]) -> None:
        if len(options) != len(weights) or not options:
            raise ValueError("options and weights must be non-empty and of the same length")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        self.options = list(options)
        self._cdf = list(accumulate(weights))
        self._total = self._cdf[-1]

    def index(self, rng: random.Random) -> int:
        return bisect.bisect_right(self._cdf, rng.random() * self._total)

    def pick(self, rng: random.Random) -> object:
        at = bisect.bisect_right(self._cdf, rng.random() * self._total)
        return self.options[at if at < len(self.options) else -1]


def zipf_weights(size: int, exponent: float, offset: float = 1.0) -> list[float]:
    """Heavy-tailed popularity by rank: a few ranks get most of the mass."""
    return [1.0 / (rank + offset) ** exponent for rank in range(size)]
