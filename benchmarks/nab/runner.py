"""Run the crisis detector over the NAB corpus and score it with the NAB rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.nab.corpus import TWEETS, Series
from benchmarks.nab.scorer import PROFILES, Profile, normalise, optimise_threshold, score_file
from hearth.crisis.bank import DetectorBank, DetectorConfig


def detect_corpus(corpus: list[Series], config: DetectorConfig | None = None) -> list[np.ndarray]:
    """Anomaly scores for every row of every series, all series updated as one bank."""
    length = max(len(s.values) for s in corpus)
    times = np.full((len(corpus), length), np.nan)
    values = np.full((len(corpus), length), np.nan)
    for k, series in enumerate(corpus):
        times[k, : len(series.values)] = [t.timestamp() for t in series.timestamps]
        values[k, : len(series.values)] = series.values
    bank = DetectorBank(len(corpus), config)
    scores = np.zeros((len(corpus), length))
    for i in range(length):
        scores[:, i] = bank.update(times[:, i], values[:, i]).anomaly_score
    return [scores[k, : len(s.values)] for k, s in enumerate(corpus)]


@dataclass(frozen=True)
class ProfileResult:
    profile: str
    threshold: float
    corpus: float  # normalised, threshold optimised on the corpus (NAB's protocol)
    tweets: float  # normalised over realTweets only, same threshold
    corpus_fixed: float  # normalised, at the fixed default alert threshold
    tweets_fixed: float


def evaluate(
    corpus: list[Series], scores: list[np.ndarray], fixed_threshold: float
) -> list[ProfileResult]:
    return [_evaluate_profile(corpus, scores, p, fixed_threshold) for p in PROFILES.values()]


def _evaluate_profile(corpus, scores, profile: Profile, fixed: float) -> ProfileResult:
    files = [s.labels for s in corpus]
    threshold, _ = optimise_threshold(scores, files, profile)
    tweets = [k for k, s in enumerate(corpus) if s.name.startswith(TWEETS + "/")]

    def normalised(at: float, subset: list[int]) -> float:
        raw = sum(score_file(scores[k], files[k], profile, at).score for k in subset)
        return normalise(raw, [files[k] for k in subset], profile)

    everything = list(range(len(corpus)))
    return ProfileResult(
        profile=profile.name,
        threshold=threshold,
        corpus=normalised(threshold, everything),
        tweets=normalised(threshold, tweets),
        corpus_fixed=normalised(fixed, everything),
        tweets_fixed=normalised(fixed, tweets),
    )
