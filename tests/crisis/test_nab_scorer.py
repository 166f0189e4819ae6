"""The NAB scorer against hand-computed cases and a plain row-by-row reading of the rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks.nab.scorer import (
    PROFILES,
    LabelledFile,
    normalise,
    optimise_threshold,
    probation_length,
    scaled_sigmoid,
    score_file,
    sweep,
)

STANDARD = PROFILES["standard"]
# 100 rows: probation is the first 15; one window over rows 40..49 (width 10).
FILE = LabelledFile("demo.csv", 100, ((40, 49),))


def scores_with(detections: list[int], n: int = 100) -> np.ndarray:
    scores = np.zeros(n)
    scores[detections] = 1.0
    return scores


def test_scaled_sigmoid_reference_points():
    assert float(scaled_sigmoid(-1.0)) == pytest.approx(0.98661, abs=1e-5)
    assert float(scaled_sigmoid(-0.5)) == pytest.approx(0.84828, abs=1e-5)
    assert float(scaled_sigmoid(0.0)) == 0.0
    assert float(scaled_sigmoid(3.0)) == -1.0


def test_probation_is_fifteen_percent_capped_at_750_rows():
    assert probation_length(100) == 15
    assert probation_length(100_000) == 750


def test_detection_at_window_start_earns_full_true_positive():
    result = score_file(scores_with([40]), FILE, STANDARD, 0.5)
    assert result.score == pytest.approx(1.0)
    assert (result.tp, result.fp, result.fn) == (1, 0, 9)


def test_only_first_detection_in_window_counts():
    early = score_file(scores_with([45]), FILE, STANDARD, 0.5).score
    both = score_file(scores_with([45, 48]), FILE, STANDARD, 0.5).score
    # Row 45 sits at relative position -(49 - 45 + 1)/10 = -0.5.
    assert early == pytest.approx(0.84828 / 0.98661, abs=1e-5)
    assert both == pytest.approx(early)


def test_missed_window_costs_false_negative_weight():
    low_fn = PROFILES["reward_low_FN_rate"]
    assert score_file(np.zeros(100), FILE, low_fn, 0.5).score == -2.0


def test_false_positive_before_any_window_costs_full_weight():
    result = score_file(scores_with([20, 40]), FILE, STANDARD, 0.5)
    assert result.score == pytest.approx(1.0 - 0.11)


def test_false_positive_just_after_window_costs_little():
    # Row 51: |49 - 51| / (10 - 1) = 2/9 past the window.
    expected = 1.0 + 0.11 * (2 / (1 + math.exp(5 * 2 / 9)) - 1)
    assert score_file(scores_with([40, 51]), FILE, STANDARD, 0.5).score == pytest.approx(expected)


def test_probationary_rows_are_not_scored():
    assert score_file(scores_with([3, 40]), FILE, STANDARD, 0.5).score == pytest.approx(1.0)


def test_normalise_maps_null_to_zero_and_perfect_to_hundred():
    files = [FILE, LabelledFile("b.csv", 100, ((60, 69), (80, 89)))]
    assert normalise(-3.0, files, STANDARD) == 0.0
    assert normalise(3.0, files, STANDARD) == 100.0


def reference_score(scores, labelled, profile, threshold) -> float:
    """The rules read one row at a time, independently of the vectorised scorer."""
    total, first_hit = 0.0, {}
    last_end, last_width = None, None
    for i, s in enumerate(scores):
        window = next((w for w in labelled.windows if w[0] <= i <= w[1]), None)
        if window is not None:
            last_end, last_width = window[1], window[1] - window[0] + 1
        if i < probation_length(labelled.n_rows) or s < threshold:
            continue
        if window is not None:
            first_hit.setdefault(window, i)
        elif last_end is None:
            total -= profile.fp
        else:
            total += profile.fp * float(scaled_sigmoid(abs(last_end - i) / (last_width - 1)))
    for window in labelled.windows:
        if window in first_hit:
            width = window[1] - window[0] + 1
            position = -(window[1] - first_hit[window] + 1) / width
            total += profile.tp * float(scaled_sigmoid(position)) / float(scaled_sigmoid(-1.0))
        else:
            total -= profile.fn
    return total


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_sweep_matches_row_by_row_reading_at_every_threshold(profile):
    rng = np.random.default_rng(0)
    files = [FILE, LabelledFile("b.csv", 150, ((30, 44), (100, 119)))]
    scores = [np.round(rng.random(f.n_rows), 2) for f in files]
    result = sweep(scores, files, profile)
    for threshold, raw in zip(result.thresholds[1:], result.scores[1:], strict=True):
        pairs = zip(scores, files, strict=True)
        expected = sum(reference_score(s, f, profile, threshold) for s, f in pairs)
        assert raw == pytest.approx(expected)


def test_optimiser_prefers_the_threshold_that_only_catches_the_anomaly():
    scores = np.full(100, 0.1)
    scores[40] = 0.9
    scores[[20, 70]] = 0.5
    threshold, raw = optimise_threshold([scores], [FILE], STANDARD)
    assert threshold == 0.9
    assert raw == pytest.approx(1.0)
