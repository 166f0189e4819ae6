"""Detection cost per bucket for many concurrent topics (a benchmark, not a test).

`python -m benchmarks.crisis_cost [--topics 1000] [--buckets 2016]` feeds a week of 5-minute
buckets of synthetic counts (a daily rhythm with Poisson noise) to one `DetectorBank` holding
every topic, and reports the time per bucket for all topics, and per topic. For comparison it
also times the same work with one `Detector` object per topic on a sample.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from hearth.crisis.bank import DetectorBank
from hearth.crisis.detector import ALERT_THRESHOLD, Detector

START = datetime(2026, 3, 2, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[1] / "docs" / "crisis-detection.md"
MARKS = ("<!-- crisis-cost:start -->", "<!-- crisis-cost:end -->")
BUCKET = 300.0


def synthetic_counts(topics: int, buckets: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hours = (np.arange(buckets) * BUCKET / 3600.0) % 24
    rhythm = 0.25 + 0.75 * np.exp(-(((hours - 15) / 4.5) ** 2))
    size = rng.lognormal(mean=2.5, sigma=1.2, size=topics)[:, None]
    return rng.poisson(size * rhythm[None, :]).astype(float)


def time_bank(counts: np.ndarray) -> tuple[float, int]:
    topics, buckets = counts.shape
    bank = DetectorBank(topics)
    t0 = START.timestamp()
    began = time.perf_counter()
    alerts = 0
    for i in range(buckets):
        alerts += int(
            (bank.update(t0 + i * BUCKET, counts[:, i]).anomaly_score >= ALERT_THRESHOLD).sum()
        )
    return (time.perf_counter() - began) / buckets, alerts


def time_single(counts: np.ndarray, sample: int) -> float:
    detectors = [Detector() for _ in range(sample)]
    began = time.perf_counter()
    for i in range(counts.shape[1]):
        at = START + timedelta(seconds=i * BUCKET)
        for k, detector in enumerate(detectors):
            detector.update(at, counts[k, i])
    return (time.perf_counter() - began) / counts.shape[1] / sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--buckets", type=int, default=2016)
    parser.add_argument("--single-sample", type=int, default=20)
    args = parser.parse_args()
    counts = synthetic_counts(args.topics, args.buckets)
    per_bucket, alerts = time_bank(counts)
    single = time_single(counts[: args.single_sample, : min(args.buckets, 288)], args.single_sample)
    state = len(json.dumps(DetectorBank(1).to_dict()))
    report = {
        "topics": args.topics,
        "buckets": args.buckets,
        "bank_ms_per_bucket_all_topics": round(per_bucket * 1e3, 3),
        "bank_us_per_topic_bucket": round(per_bucket / args.topics * 1e6, 3),
        "single_detector_us_per_topic_bucket": round(single * 1e6, 1),
        "scores_above_alert_threshold_any_direction": alerts,
        "state_json_bytes_per_series": state,
    }
    text = json.dumps(report, indent=2)
    print(text)
    _write_doc(f"```json\n{text}\n```")


def _write_doc(block: str) -> None:
    if not DOC.exists():
        return
    start, end = MARKS
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    DOC.write_text(pattern.sub(lambda _: f"{start}\n{block}\n{end}", DOC.read_text()))


if __name__ == "__main__":
    main()
