from __future__ import annotations

import numpy as np

from hearth.crisis.bank import DetectorBank, DetectorConfig
from hearth.crisis.detector import ALERT_THRESHOLD
from tests.crisis.helpers import BUCKET, MONDAY, rhythm_counts


def test_bank_rows_behave_as_independent_detectors():
    n, steps = 3, 400
    series = np.array([rhythm_counts(MONDAY, steps, seed=k) for k in range(n)])
    series[1, 350:] *= 6  # a surge in one series only
    series[2, 100:120] = np.nan  # a gap in another
    times = np.array([(MONDAY + i * BUCKET).timestamp() for i in range(steps)])
    together = DetectorBank(n)
    joint = np.array([together.update(times[i], series[:, i]).anomaly_score for i in range(steps)])
    for k in range(n):
        alone = DetectorBank(1)
        solo = [alone.update(times[i], series[k : k + 1, i]).anomaly_score[0] for i in range(steps)]
        np.testing.assert_allclose(joint[:, k], solo)
    assert joint[350, 1] > ALERT_THRESHOLD > joint[350, 0]


def test_bank_state_round_trip():
    bank = DetectorBank(2)
    times = [(MONDAY + i * BUCKET).timestamp() for i in range(50)]
    for t in times:
        bank.update(t, np.array([10.0, 100.0]))
    copy = DetectorBank.from_dict(bank.to_dict())
    last = (MONDAY + 50 * BUCKET).timestamp()
    a = bank.update(last, np.array([80.0, 100.0])).anomaly_score
    b = copy.update(last, np.array([80.0, 100.0])).anomaly_score
    np.testing.assert_array_equal(a, b)


def _climb(bank: DetectorBank, steps: int, climb: list[float]) -> np.ndarray:
    """Feed a quiet rhythm, then a surge reaching its peak over several buckets; return the
    surge buckets' scores."""
    counts = rhythm_counts(MONDAY, steps, seed=11)
    for i, value in enumerate(counts):
        bank.update((MONDAY + i * BUCKET).timestamp(), np.array([value]))
    start = MONDAY + steps * BUCKET
    return np.array(
        [
            bank.update((start + i * BUCKET).timestamp(), np.array([v])).anomaly_score[0]
            for i, v in enumerate(climb)
        ]
    )


def test_surge_climbing_over_several_buckets_scores_as_one_onset():
    scores = _climb(DetectorBank(1), 3 * 288, [300.0, 1000.0, 2000.0, 2000.0])
    assert scores[0] >= ALERT_THRESHOLD
    assert (scores[1:] < ALERT_THRESHOLD).all()


def test_larger_surge_hours_later_scores_again():
    bank = DetectorBank(1)
    _climb(bank, 3 * 288, [900.0])
    # Three hours on, a surge that beats the first one's record but not 1.5 times its onset.
    later = (MONDAY + (3 * 288 + 36) * BUCKET).timestamp()
    for i in range(1, 36):
        bank.update((MONDAY + (3 * 288 + i) * BUCKET).timestamp(), np.array([40.0]))
    assert bank.update(later, np.array([4000.0])).anomaly_score[0] >= ALERT_THRESHOLD


def test_state_stored_before_a_field_existed_still_loads():
    bank = DetectorBank(1)
    for i in range(50):
        bank.update((MONDAY + i * BUCKET).timestamp(), np.array([10.0]))
    stored = bank.to_dict()
    del stored["state"]["onset"]
    restored = DetectorBank.from_dict(stored)
    at = (MONDAY + 50 * BUCKET).timestamp()
    assert restored.update(at, np.array([10.0])).anomaly_score[0] < ALERT_THRESHOLD


def test_state_stored_before_surprise_memory_still_loads():
    bank = DetectorBank(1)
    for i in range(3 * 288):
        bank.update((MONDAY + i * BUCKET).timestamp(), np.array([10.0]))
    stored = bank.to_dict()
    del stored["state"]["surprises"]
    restored = DetectorBank.from_dict(stored)
    at = (MONDAY + 3 * 288 * BUCKET).timestamp()
    assert restored.update(at, np.array([200.0])).anomaly_score[0] >= ALERT_THRESHOLD


def _bursty_onset_scores(config: DetectorConfig) -> tuple[float, np.ndarray]:
    """A quiet series (about 2 a bucket) that jumps to about 200 for half an hour twice a day
    at random times, for two weeks: the first burst's score and the second week's onsets."""
    rng = np.random.default_rng(7)
    counts = rng.poisson(2.0, 14 * 288).astype(float)
    starts = [s for d in range(14) for s in sorted(rng.choice(range(d * 288, d * 288 + 280), 2))]
    for s in starts:
        counts[s : s + 6] = rng.poisson(200.0, 6)
    bank = DetectorBank(1, config)
    scores = np.array(
        [
            bank.update((MONDAY + i * BUCKET).timestamp(), counts[i : i + 1]).anomaly_score[0]
            for i in range(counts.size)
        ]
    )
    return scores[starts[0]], scores[[s for s in starts if s >= 7 * 288]]


def test_routine_bursts_score_lower_than_without_surprise_memory():
    first, routine = _bursty_onset_scores(DetectorConfig())
    _, forgetful = _bursty_onset_scores(DetectorConfig(rarity_base=1.0))
    assert first >= ALERT_THRESHOLD  # the first burst is news
    # Routine bursts score lower on the whole (not each one: the record then remembers smaller
    # sizes, so a burst right after a routine one can score a little higher).
    assert routine.mean() < forgetful.mean()
    assert (routine >= ALERT_THRESHOLD).sum() < (forgetful >= ALERT_THRESHOLD).sum()
