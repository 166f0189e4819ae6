"""The functional suite (tests/enrich/functional_cases.csv) stays above its floors.

The cases are written by hand, in French and English, for what lexicons and tweet-trained
models get wrong: negation, counter-speech, quotes, reclaimed terms, threats without insults,
benign swearing. docs/models.md reports the exact accuracies; these floors catch regressions.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from hearth.enrich import enrich

CASES = Path(__file__).parent / "functional_cases.csv"
FLOORS = {"toxicity": 0.8, "sentiment": 0.7, "intent": 0.8}


def _outcome(task: str, enrichment) -> str:
    if task == "toxicity":
        return "toxic" if enrichment.toxicity.toxic else "clean"
    if task == "sentiment":
        return enrichment.sentiment.label
    return enrichment.intent.label


def _accuracy_by_task_and_lang() -> dict[tuple[str, str], float]:
    with CASES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    results = enrich([r["text"] for r in rows])
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for row, res in zip(rows, results, strict=True):
        hits[(row["task"], row["lang"])].append(_outcome(row["task"], res) == row["expected"])
    return {k: sum(v) / len(v) for k, v in hits.items()}


@pytest.fixture(scope="module")
def accuracy() -> dict[tuple[str, str], float]:
    return _accuracy_by_task_and_lang()


@pytest.mark.parametrize("task", sorted(FLOORS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_functional_accuracy_above_floor(accuracy, task, lang):
    assert accuracy[(task, lang)] >= FLOORS[task]


def test_non_hateful_cases_are_mostly_not_flagged():
    non_hateful = {"counter_speech", "quote", "negation", "benign_swearing", "reclaimed"}
    with CASES.open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["task"] == "toxicity" and r["functionality"] in non_hateful
        ]
    flagged = [e.toxicity.toxic for e in enrich([r["text"] for r in rows])]
    assert sum(not f for f in flagged) / len(flagged) >= 0.7
