"""The NAB scoring rules, written from their published description.

A detector gives one anomaly score per row. For a threshold, every row whose score is at least
the threshold is a detection. Each labelled window is worth a scaled sigmoid of how early its
first detection came (the left edge earns the full true-positive weight, the right edge almost
nothing) or minus the false-negative weight when missed. A detection outside every window costs
the false-positive weight, less when it follows a window closely. The first 15 % of each file
(at most 750 rows) is a probationary period that is not scored. The threshold is the one that
maximises the summed raw score over the whole corpus, per profile; scores are normalised so the
null detector gets 0 and a perfect one 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

PROBATION_PERCENT = 0.15
START_THRESHOLD = 1.1  # above any score in [0, 1]: nothing is detected


@dataclass(frozen=True)
class Profile:
    name: str
    tp: float
    fp: float
    fn: float


PROFILES: dict[str, Profile] = {
    "standard": Profile("standard", tp=1.0, fp=0.11, fn=1.0),
    "reward_low_FP_rate": Profile("reward_low_FP_rate", tp=1.0, fp=0.22, fn=1.0),
    "reward_low_FN_rate": Profile("reward_low_FN_rate", tp=1.0, fp=0.11, fn=2.0),
}


@dataclass(frozen=True)
class LabelledFile:
    """One series with its labels: `windows` are inclusive (first_row, last_row) index pairs."""

    name: str
    n_rows: int
    windows: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FileResult:
    name: str
    threshold: float
    score: float
    tp: int
    tn: int
    fp: int
    fn: int


def scaled_sigmoid(position: np.ndarray | float) -> np.ndarray:
    """2·sigmoid(-5x) - 1, and exactly -1 from three window widths past a window on."""
    x = np.asarray(position, dtype=float)
    value = 2.0 / (1.0 + np.exp(5.0 * x)) - 1.0
    return np.where(x >= 3.0, -1.0, value)


def probation_length(n_rows: int) -> float:
    return min(math.floor(PROBATION_PERCENT * n_rows), PROBATION_PERCENT * 5000)


def row_weights(labelled: LabelledFile, profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the score a detection there would earn, and its window index (-1 outside).

    Rows in the probationary period get window index -2 and are never scored.
    """
    n = labelled.n_rows
    weight = np.empty(n)
    window_of = np.full(n, -1, dtype=np.int64)
    max_tp = float(scaled_sigmoid(-1.0))
    index = np.arange(n)
    previous_end, previous_width = None, None
    cursor = 0
    for w, (first, last) in enumerate(labelled.windows):
        _fill_outside(weight, index, cursor, first, previous_end, previous_width, profile)
        width = float(last - first + 1)
        inside = index[first : last + 1]
        weight[first : last + 1] = (
            scaled_sigmoid(-(last - inside + 1) / width) * profile.tp / max_tp
        )
        window_of[first : last + 1] = w
        previous_end, previous_width, cursor = last, width, last + 1
    _fill_outside(weight, index, cursor, n, previous_end, previous_width, profile)
    window_of[index < probation_length(n)] = -2
    return weight, window_of


def _fill_outside(weight, index, start, stop, previous_end, previous_width, profile) -> None:
    rows = index[start:stop]
    if previous_end is None:
        weight[start:stop] = -1.0 * profile.fp
        return
    # A window of one row would divide by zero here; NAB never labels one.
    position = np.abs(previous_end - rows) / max(previous_width - 1.0, 1e-9)
    weight[start:stop] = scaled_sigmoid(position) * profile.fp


@dataclass(frozen=True)
class Sweep:
    """Raw score for every distinct threshold, highest threshold first."""

    thresholds: np.ndarray
    scores: np.ndarray


def sweep(scores_per_file: list[np.ndarray], files: list[LabelledFile], profile: Profile) -> Sweep:
    """Raw corpus score at every threshold where it can change (NAB's threshold sweep)."""
    anomaly, weight, window = _pool(scores_per_file, files, profile)
    n_windows = int(window.max()) + 1 if window.size else 0
    order = np.argsort(-anomaly, kind="stable")
    anomaly, weight, window = anomaly[order], weight[order], window[order]
    gain = np.where(window < 0, weight, 0.0)
    best = np.full(n_windows, -profile.fn)
    for k in np.flatnonzero(window >= 0):
        w = window[k]
        # Only the earliest detection in a window counts, and it is also the best-weighted one.
        if weight[k] > best[w]:
            gain[k] = weight[k] - best[w]
            best[w] = weight[k]
    running = -profile.fn * n_windows + np.cumsum(gain)
    last_of_group = np.flatnonzero(np.r_[anomaly[1:] != anomaly[:-1], True])
    thresholds = np.r_[START_THRESHOLD, anomaly[last_of_group]]
    totals = np.r_[-profile.fn * n_windows, running[last_of_group]]
    return Sweep(thresholds=thresholds, scores=totals)


def _pool(scores_per_file, files, profile):
    anomalies, weights, windows = [], [], []
    offset = 0
    for scores, labelled in zip(scores_per_file, files, strict=True):
        if len(scores) != labelled.n_rows:
            raise ValueError(f"{labelled.name}: {len(scores)} scores for {labelled.n_rows} rows")
        weight, window_of = row_weights(labelled, profile)
        scored = window_of != -2
        window_of = np.where(window_of >= 0, window_of + offset, -1)
        offset += len(labelled.windows)
        anomalies.append(np.asarray(scores, dtype=float)[scored])
        weights.append(weight[scored])
        windows.append(window_of[scored])
    return np.concatenate(anomalies), np.concatenate(weights), np.concatenate(windows)


def optimise_threshold(
    scores_per_file: list[np.ndarray], files: list[LabelledFile], profile: Profile
) -> tuple[float, float]:
    """(threshold, raw corpus score) maximising the pooled score; ties go to the higher one."""
    result = sweep(scores_per_file, files, profile)
    best = int(np.argmax(result.scores))
    return float(result.thresholds[best]), float(result.scores[best])


def score_file(
    scores: np.ndarray, labelled: LabelledFile, profile: Profile, threshold: float
) -> FileResult:
    """Raw score and row counts of one file for a fixed threshold (detection = score >= it)."""
    weight, window_of = row_weights(labelled, profile)
    scored = window_of != -2
    detected = (np.asarray(scores, dtype=float) >= threshold) & scored
    inside = window_of >= 0
    total = float(weight[detected & ~inside].sum())
    for w in range(len(labelled.windows)):
        hits = np.flatnonzero(detected & (window_of == w))
        total += float(weight[hits[0]]) if hits.size else -profile.fn
    return FileResult(
        name=labelled.name,
        threshold=threshold,
        score=total,
        tp=int((detected & inside).sum()),
        tn=int((~detected & scored & ~inside).sum()),
        fp=int((detected & ~inside).sum()),
        fn=int((~detected & inside).sum()),
    )


def null_score(files: list[LabelledFile], profile: Profile) -> float:
    """Raw score of the detector that never fires: every window missed."""
    return -profile.fn * sum(len(f.windows) for f in files)


def normalise(raw: float, files: list[LabelledFile], profile: Profile) -> float:
    """100 · (raw - null) / (perfect - null) over the given files."""
    perfect = profile.tp * sum(len(f.windows) for f in files)
    baseline = null_score(files, profile)
    return 100.0 * (raw - baseline) / (perfect - baseline)
