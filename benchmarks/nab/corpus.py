"""Load the NAB series and their label windows from the shared data folder."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks.nab.scorer import LabelledFile

DATA_DIR = (
    Path(os.environ["HEARTH_TRAINING_DATA"]) / "nab"
    if os.environ.get("HEARTH_TRAINING_DATA")
    else Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nab"
)
TWEETS = "realTweets"


@dataclass(frozen=True)
class Series:
    name: str  # e.g. "realTweets/Twitter_volume_AMZN.csv"
    timestamps: list[datetime]
    values: np.ndarray
    labels: LabelledFile


def parse_timestamp(text: str) -> datetime:
    """NAB timestamps are naive and, by the benchmark's convention, UTC."""
    return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)


def load_corpus(data_dir: Path = DATA_DIR) -> list[Series]:
    windows = json.loads((data_dir / "combined_windows.json").read_text())
    return [_load_series(data_dir, name, windows[name]) for name in sorted(windows)]


def _load_series(data_dir: Path, name: str, raw_windows: list[list[str]]) -> Series:
    with (data_dir / name).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    timestamps = [parse_timestamp(r["timestamp"]) for r in rows]
    index = {t: i for i, t in enumerate(timestamps)}
    spans = tuple(
        (index[parse_timestamp(first)], index[parse_timestamp(last)]) for first, last in raw_windows
    )
    in_window = np.array([r["label_window"] == "1" for r in rows])
    _check_windows(name, spans, in_window)
    values = np.array([float(r["value"]) for r in rows])
    return Series(name, timestamps, values, LabelledFile(name, len(rows), spans))


def _check_windows(name: str, spans, in_window: np.ndarray) -> None:
    expected = np.zeros_like(in_window)
    for first, last in spans:
        expected[first : last + 1] = True
    if not np.array_equal(expected, in_window):
        raise ValueError(f"{name}: windows in combined_windows.json disagree with label_window")


@dataclass(frozen=True)
class PublishedRow:
    detector: str
    profile: str
    file: str
    threshold: float
    score: float
    tp: int
    fp: int


def load_published(data_dir: Path = DATA_DIR) -> list[PublishedRow]:
    with (data_dir / "published_per_file_scores.csv").open(newline="") as handle:
        return [
            PublishedRow(
                r["Detector"],
                r["Profile"],
                r["File"],
                float(r["Threshold"]),
                float(r["Score"]),
                int(r["TP"]),
                int(r["FP"]),
            )
            for r in csv.DictReader(handle)
        ]
