"""Custom categories a workspace trains from its own labelled examples.

Each training run writes a new immutable version under
`$HEARTH_DATA_DIR/classifiers/<name>/v<N>/` (weights + meta.json with name, version, created,
labels and a hold-out accuracy); `classify` uses the latest version unless told otherwise.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from hearth.enrich.features import N_BITS, analyse, featurize

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MIN_PER_CLASS = 2
MAX_ROWS = 200_000


class ClassifierError(ValueError):
    """Bad training input or an unknown classifier; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class CustomClassifier:
    name: str
    version: int
    labels: tuple[str, ...]
    coef: np.ndarray  # (n_features, n_labels or 1)
    intercept: np.ndarray
    meta: dict

    def predict(self, texts: list[str]) -> list[tuple[str, dict[str, float]]]:
        """Label and per-label probability for every text."""
        if not texts:
            return []
        z = np.asarray(featurize(analyse(texts)) @ self.coef) + self.intercept
        if len(self.labels) == 2:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            probs = np.stack([1.0 - p1, p1], axis=1)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            probs = e / e.sum(axis=1, keepdims=True)
        out = []
        for row in probs.astype(np.float64):
            scores = {lab: round(float(p), 4) for lab, p in zip(self.labels, row, strict=True)}
            out.append((self.labels[int(row.argmax())], scores))
        return out


def data_dir() -> Path:
    return Path(os.environ.get("HEARTH_DATA_DIR", "./data"))


def classifier_dir(name: str) -> Path:
    check_name(name)
    return data_dir() / "classifiers" / name


def check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise ClassifierError(f"invalid classifier name {name!r}: use 1-64 of a-z, 0-9, '_' or '-'")


def read_training_csv(path: Path) -> tuple[list[str], list[str]]:
    """Rows of a `text,label` CSV; rows with an empty text or label are refused by line."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise ClassifierError(f"{path}: the CSV needs a header with columns text,label")
            texts, labels = [], []
            for line, row in enumerate(reader, start=2):
                text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip()
                if not text or not label:
                    raise ClassifierError(f"{path}: line {line} has an empty text or label")
                texts.append(text)
                labels.append(label)
                if len(texts) > MAX_ROWS:
                    raise ClassifierError(f"{path}: more than {MAX_ROWS} rows")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ClassifierError(f"cannot read {path}: {exc}") from exc
    return texts, labels


def _check_labels(labels: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for lab in labels:
        counts[lab] = counts.get(lab, 0) + 1
    if len(counts) < 2:
        raise ClassifierError("need at least two different labels")
    small = sorted(lab for lab, n in counts.items() if n < MIN_PER_CLASS)
    if small:
        raise ClassifierError(f"labels with fewer than {MIN_PER_CLASS} examples: {small}")
    return sorted(counts)


def _fit(texts: list[str], labels: list[str]):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=4.0, max_iter=500, solver="lbfgs")
    model.fit(featurize(analyse(texts)), np.asarray(labels))
    return model


def _holdout_accuracy(texts: list[str], labels: list[str]) -> float | None:
    """Accuracy on a deterministic 20% hold-out (None when there is too little data)."""
    idx = np.random.default_rng(0).permutation(len(texts))
    cut = len(texts) // 5
    test, train = idx[:cut], idx[cut:]
    train_labels = [labels[i] for i in train]
    if cut < 5 or len(set(train_labels)) < 2:
        return None
    model = _fit([texts[i] for i in train], train_labels)
    pred = model.predict(featurize(analyse([texts[i] for i in test])))
    return round(float(np.mean(pred == np.asarray([labels[i] for i in test]))), 4)


def train_classifier(name: str, texts: list[str], labels: list[str]) -> dict:
    """Train and save a new version of classifier `name`; returns its metadata."""
    folder = classifier_dir(name)
    label_set = _check_labels(labels)
    accuracy = _holdout_accuracy(texts, labels)
    model = _fit(texts, labels)
    version = 1 + max((int(p.name[1:]) for p in _versions(folder)), default=0)
    meta = {
        "name": name,
        "version": version,
        "created": datetime.now(UTC).isoformat(),
        "labels": label_set,
        "n_examples": len(texts),
        "holdout_accuracy": accuracy,
        "n_bits": N_BITS,
    }
    target = folder / f"v{version}"
    target.mkdir(parents=True, exist_ok=False)
    np.savez_compressed(
        target / "weights.npz",
        coef=model.coef_.T.astype(np.float16),
        intercept=model.intercept_.astype(np.float32),
    )
    (target / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def _versions(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if re.fullmatch(r"v\d+", p.name)),
        key=lambda p: int(p.name[1:]),
    )


def load_classifier(name: str, version: int | None = None) -> CustomClassifier:
    """The latest (or the given) version of a saved classifier."""
    versions = _versions(classifier_dir(name))
    if not versions:
        raise ClassifierError(f"no classifier named {name!r} in {data_dir() / 'classifiers'}")
    chosen = versions[-1] if version is None else classifier_dir(name) / f"v{version}"
    if not chosen.is_dir():
        raise ClassifierError(f"classifier {name!r} has no version {version}")
    return _load(chosen, chosen.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: Path, _mtime: int) -> CustomClassifier:
    meta = json.loads((path / "meta.json").read_text())
    arrays = np.load(path / "weights.npz")
    return CustomClassifier(
        meta["name"],
        meta["version"],
        tuple(meta["labels"]),
        arrays["coef"].astype(np.float32),
        arrays["intercept"],
        meta,
    )
