"""Intent: what the author wants, from cue patterns (EN/FR) and the sentiment head.

There is no labelled social-media intent data in ../shared/data, so the built-in intents are
rules, measured on the functional cases in tests/enrich; workspaces that need more train their
own categories (`hearth models train-classifier`, see custom.py).
"""

from __future__ import annotations

import re

import numpy as np

from hearth.enrich.lexicon import INTENT_PATTERNS
from hearth.enrich.text import strip_accents

INTENTS = ("question", "complaint", "praise", "purchase_intent", "feature_request", "spam_scam",
           "other")
VERSION = "intent-rules-1.0"
_PATTERNS = {name: [re.compile(strip_accents(p)) for p in pats]
             for name, pats in INTENT_PATTERNS.items()}
# How much one cue, and the sentiment, count for each intent (the "other" class sits at 1.0).
_CUE_WEIGHT = {"question": 1.6, "complaint": 1.6, "praise": 1.3, "purchase_intent": 2.2,
               "feature_request": 2.4, "spam_scam": 2.0}


def intent_scores(norm: str, text: str, p_neg: float, p_pos: float) -> dict[str, float]:
    """Probabilities over INTENTS for one message."""
    fold = strip_accents(norm).strip()
    raw = dict.fromkeys(INTENTS, 0.0)
    raw["other"] = 1.0
    for name, patterns in _PATTERNS.items():
        hits = sum(1 for p in patterns if p.search(fold))
        if hits:
            raw[name] += _CUE_WEIGHT[name] + 0.4 * (hits - 1)
    raw["praise"] += 1.4 * max(0.0, p_pos - 0.4)
    raw["complaint"] += 1.4 * max(0.0, p_neg - 0.4)
    if raw["spam_scam"] and "_url" in norm:
        raw["spam_scam"] += 0.8
    values = np.array([raw[k] for k in INTENTS]) * 2.0
    e = np.exp(values - values.max())
    e /= e.sum()
    return {k: round(float(v), 4) for k, v in zip(INTENTS, e, strict=True)}
