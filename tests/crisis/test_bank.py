from __future__ import annotations

import numpy as np

from hearth.crisis.bank import DetectorBank
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
