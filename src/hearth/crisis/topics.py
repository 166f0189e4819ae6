"""Emerging topics: terms, hashtags or near-duplicate cluster ids far above their own history.

`TermTracker.update(counts)` takes one bucket's counts (any hashable keys, e.g. "#boycott",
"video", a cluster id) and returns the terms that rise, ranked, before learning the bucket.

For each term the history is an exponentially weighted *share* of the bucket's total. The
expected count now is that share times the current total, so when all volume doubles every
term's expectation doubles with it and only what people talk about *differently* stands out.
A new term has no history: a small prior share (`prior_count` per bucket, spread over the
vocabulary) smooths it, so one never-seen mention cannot outrank an established surge.

Terms are ranked by the Poisson log-likelihood ratio of the observed count against the expected
one (large for big counts far above expectation), and kept only when they reach `min_count` and
`min_ratio`. State is a few numpy arrays; the vocabulary is pruned to `max_terms`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RisingTerm:
    term: Hashable
    count: int
    expected: float
    ratio: float
    score: float  # Poisson log-likelihood ratio, observed vs expected


@dataclass(frozen=True)
class TopicRules:
    memory_buckets: float = 288.0  # a day of 5-minute buckets
    min_count: int = 5
    min_ratio: float = 3.0
    prior_count: float = 0.5  # pseudo-count for a term never seen before
    max_terms: int = 20_000
    top: int = 10


class TermTracker:
    def __init__(self, rules: TopicRules | None = None) -> None:
        self.rules = rules or TopicRules()
        self.index: dict[Hashable, int] = {}
        self.terms: list[Hashable] = []
        self.share = np.zeros(0)
        self.buckets = 0

    def update(self, counts: Mapping[Hashable, int]) -> list[RisingTerm]:
        """Rank this bucket's rising terms, then learn it."""
        terms = [t for t, c in counts.items() if c > 0]
        if not terms:
            self._learn(np.zeros(0, dtype=np.int64), np.zeros(0), 0.0)
            return []
        observed = np.array([counts[t] for t in terms], dtype=float)
        total = float(observed.sum())
        rows = self._rows_for(terms)
        ranked = self._rank(terms, observed, rows, total)
        self._learn(rows, observed, total)
        return ranked

    def _rows_for(self, terms: list[Hashable]) -> np.ndarray:
        for term in terms:
            if term not in self.index:
                self.index[term] = len(self.terms)
                self.terms.append(term)
        if len(self.terms) > self.share.size:
            self.share = np.concatenate([self.share, np.zeros(len(self.terms) - self.share.size)])
        return np.array([self.index[t] for t in terms], dtype=np.int64)

    def _rank(self, terms, observed, rows, total) -> list[RisingTerm]:
        rules = self.rules
        prior = rules.prior_count / max(total, 1.0)
        expected = (self.share[rows] + prior) * total
        ratio = observed / expected
        llr = observed * np.log(observed / expected) - (observed - expected)
        keep = (observed >= rules.min_count) & (ratio >= rules.min_ratio) & (self.buckets > 0)
        order = np.argsort(-llr[keep], kind="stable")[: rules.top]
        picked = np.flatnonzero(keep)[order]
        return [
            RisingTerm(
                terms[k], int(observed[k]), float(expected[k]), float(ratio[k]), float(llr[k])
            )
            for k in picked
        ]

    def _learn(self, rows: np.ndarray, observed: np.ndarray, total: float) -> None:
        # Until a memory's worth of buckets is seen, a plain average keeps early history fair.
        self.buckets += 1
        rate = max(1.0 / self.rules.memory_buckets, 1.0 / self.buckets)
        self.share *= 1.0 - rate
        if total > 0:
            self.share[rows] += rate * observed / total
        if len(self.terms) > self.rules.max_terms:
            self._prune()

    def _prune(self) -> None:
        keep = np.sort(np.argsort(-self.share, kind="stable")[: self.rules.max_terms // 2])
        self.terms = [self.terms[k] for k in keep]
        self.share = self.share[keep]
        self.index = {t: k for k, t in enumerate(self.terms)}

    def to_dict(self) -> dict:
        """Keys must be JSON-friendly (strings or numbers) for the result to be stored as JSON."""
        return {
            "rules": self.rules.__dict__.copy(),
            "terms": list(self.terms),
            "share": self.share.tolist(),
            "buckets": self.buckets,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TermTracker:
        tracker = cls(TopicRules(**data["rules"]))
        tracker.terms = list(data["terms"])
        tracker.index = {t: k for k, t in enumerate(tracker.terms)}
        tracker.share = np.asarray(data["share"], dtype=float)
        tracker.buckets = int(data["buckets"])
        return tracker
