"""Readers for the developer datasets in ../shared/data (train and validation splits only).

Each reader returns plain lists so the training and evaluation code stays dataset-agnostic.
The folder is found from HEARTH_TRAINING_DATA, else ../shared/data next to the repository.
"""

from __future__ import annotations

import csv
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

LANG_CODES = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
}
SUPPORTED_LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "nl", "pt")
SEED = 20251125


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    lang: str = ""


def default_data_dir() -> Path:
    env = os.environ.get("HEARTH_TRAINING_DATA")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[3]
    return (repo_root / ".." / "shared" / "data").resolve()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def unescape(text: str) -> str:
    """Some sources keep literal '\\u2019' escapes; turn them back into characters."""
    if "\\u" not in text:
        return text
    try:
        return re.sub(
            r"(\\u[0-9a-fA-F]{4})+",
            lambda m: (
                m.group(0)
                .encode("ascii")
                .decode("unicode-escape")
                .encode("utf-16", "surrogatepass")
                .decode("utf-16")
            ),
            text,
        )
    except (UnicodeDecodeError, UnicodeEncodeError):
        return text


def xlmt(data: Path, split: str) -> list[Example]:
    return [
        Example(unescape(r["text"]), r["label"], LANG_CODES[r["lang"]])
        for r in _rows(data / "xlmt_sentiment" / f"{split}.csv")
    ]


def tweeteval(data: Path, task: str, split: str) -> list[Example]:
    path = data / f"tweeteval_{task}" / f"{split}.csv"
    return [Example(r["text"], r["label"], "en") for r in _rows(path)]


def mlma(data: Path, split: str) -> list[Example]:
    return [
        Example(unescape(r["text"]), r["label"], r["lang"])
        for r in _rows(data / "mlma_hate_speech" / f"{split}.csv")
    ]


def mlma_rows(data: Path, split: str) -> list[dict[str, str]]:
    return _rows(data / "mlma_hate_speech" / f"{split}.csv")


def davidson(data: Path, split: str) -> list[Example]:
    return [
        Example(r["text"], r["label"], "en")
        for r in _rows(data / "davidson_hate_offensive" / f"{split}.csv")
    ]


def banking77(data: Path) -> list[Example]:
    return [Example(r["text"], r["label"], "en") for r in _rows(data / "banking77" / "train.csv")]


def sample(items: list, k: int, salt: int = 0) -> list:
    """A deterministic sample of at most k items."""
    if len(items) <= k:
        return list(items)
    return random.Random(SEED + salt).sample(items, k)
