"""The shipped linear heads: one weight matrix over the shared hashed features.

Stored as `models/heads.npz` (float16 weights, float32 biases) and `models/heads.json` (layout,
labels, version, training data). Loading is a single read; inference is one sparse x dense
product for every head at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from hearth.enrich.features import N_FEATURES

MODELS_DIR = Path(__file__).parent / "models"
HEADS_NPZ = "heads.npz"
HEADS_JSON = "heads.json"


class ModelMissingError(RuntimeError):
    """The trained artefacts are not there: run `hearth models train`."""


@dataclass(frozen=True, slots=True)
class Head:
    name: str
    labels: tuple[str, ...]
    start: int
    stop: int
    kind: str  # "softmax" (multi-class) or "sigmoid" (one binary column)
    version: str


@dataclass(frozen=True, slots=True)
class HeadSet:
    weights: np.ndarray  # (n_features, n_columns) float32
    bias: np.ndarray  # (n_columns,)
    heads: dict[str, Head]

    def scores(self, x: sparse.csr_matrix) -> np.ndarray:
        """Raw linear scores of every column for every row."""
        return np.asarray(x @ self.weights) + self.bias

    def probabilities(self, raw: np.ndarray, name: str) -> np.ndarray:
        """Probabilities of one head from the raw scores (softmax or sigmoid)."""
        head = self.heads[name]
        z = raw[:, head.start : head.stop]
        if head.kind == "sigmoid":
            return 1.0 / (1.0 + np.exp(-z[:, 0]))
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def save_heads(
    directory: Path,
    parts: list[tuple[str, tuple[str, ...], str, np.ndarray, np.ndarray]],
    meta: dict,
) -> dict:
    """Write heads.npz/heads.json from (name, labels, kind, coef (K,D), intercept (K,))."""
    cols, biases, layout, start = [], [], {}, 0
    for name, labels, kind, coef, intercept in parts:
        cols.append(coef.T.astype(np.float16))
        biases.append(intercept.astype(np.float32))
        digest = hashlib.sha256(coef.astype(np.float16).tobytes()).hexdigest()[:8]
        layout[name] = {
            "labels": list(labels),
            "start": start,
            "stop": start + coef.shape[0],
            "kind": kind,
            "version": f"{meta['version']}+{digest}",
        }
        start += coef.shape[0]
    directory.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(directory / HEADS_NPZ, weights=np.hstack(cols), bias=np.concatenate(biases))
    doc = {**meta, "heads": layout}
    (directory / HEADS_JSON).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    load_heads.cache_clear()
    return doc


@lru_cache(maxsize=4)
def load_heads(directory: Path = MODELS_DIR) -> HeadSet:
    """Load the shipped heads once per process."""
    try:
        doc = json.loads((directory / HEADS_JSON).read_text())
        arrays = np.load(directory / HEADS_NPZ)
    except FileNotFoundError as exc:
        raise ModelMissingError(
            f"enrichment models not found in {directory}; run `hearth models train`"
        ) from exc
    heads = {
        name: Head(name, tuple(h["labels"]), h["start"], h["stop"], h["kind"], h["version"])
        for name, h in doc["heads"].items()
    }
    weights = arrays["weights"].astype(np.float32)
    if weights.shape[0] != N_FEATURES:
        raise ModelMissingError(f"{directory} was trained for another feature width; retrain")
    return HeadSet(weights, arrays["bias"], heads)
