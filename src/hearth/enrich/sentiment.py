"""Sentiment: the learnt head, corrected by one rule the tweets teach badly — negated negatives.

"not bad at all", "pas terrible... du tout", "c'est pas si nul": a negative word under negation
with no plain negative word beside it reads as mildly positive. The head sees few such cases
(XLM-T has ~1,800 tweets per language), so the rule shifts its log-probabilities instead.
"""

from __future__ import annotations

import numpy as np

from hearth.enrich import lexicon as lx
from hearth.enrich.features import Doc

NEGATED_NEGATIVE_SHIFT = 1.2  # added to the positive log-probability, removed from negative


def _negated_negative(doc: Doc) -> bool:
    negated_neg = plain_neg = False
    for w, neg in zip(doc.words, doc.negated, strict=True):
        if w in lx.NEGATIVE:
            if neg:
                negated_neg = True
            else:
                plain_neg = True
    return negated_neg and not plain_neg and "pas terrible" not in doc.norm


def adjust(docs: list[Doc], probs: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Probabilities after the negation rule (rows that it does not concern are unchanged)."""
    rows = [i for i, d in enumerate(docs) if _negated_negative(d)]
    if not rows:
        return probs
    out = probs.copy()
    logp = np.log(np.clip(out[rows], 1e-9, 1.0))
    logp[:, labels.index("positive")] += NEGATED_NEGATIVE_SHIFT
    logp[:, labels.index("negative")] -= NEGATED_NEGATIVE_SHIFT
    e = np.exp(logp - logp.max(axis=1, keepdims=True))
    out[rows] = e / e.sum(axis=1, keepdims=True)
    return out
