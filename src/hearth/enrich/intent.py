"""Intent: what the author wants, from cue patterns (EN/FR) and the sentiment head.

There is no labelled social-media intent data in ../shared/data, so the built-in intents are
rules, measured on the functional cases in tests/enrich; workspaces that need more train their
own categories (`hearth models train-classifier`, see custom.py).
"""

from __future__ import annotations

import math
import re

from hearth.enrich.lexicon import INTENT_PATTERNS
from hearth.enrich.text import strip_accents

INTENTS = (
    "question",
    "complaint",
    "praise",
    "purchase_intent",
    "feature_request",
    "spam_scam",
    "other",
)
VERSION = "intent-rules-1.0"
_PATTERNS = {
    name: re.compile("|".join(f"(?:{strip_accents(p)})" for p in pats))
    for name, pats in INTENT_PATTERNS.items()
}
# How much one cue, and the sentiment, count for each intent (the "other" class sits at 1.0).
_CUE_WEIGHT = {
    "question": 1.6,
    "complaint": 1.6,
    "praise": 1.3,
    "purchase_intent": 2.2,
    "feature_request": 2.4,
    "spam_scam": 2.0,
}


def _trigger_words(patterns: tuple[str, ...]) -> frozenset[str]:
    """Every literal word (and '?') of a family: a message with none of them cannot match.

    A cheap pre-filter: most messages skip most families without running a regex.
    """
    source = strip_accents(" ".join(patterns))
    return frozenset(re.findall(r"[a-z]+", source)) | {"?"}


_TRIGGERS = {name: _trigger_words(pats) for name, pats in INTENT_PATTERNS.items()}


def intent_scores(
    folded: str, words: frozenset[str], p_neg: float, p_pos: float
) -> dict[str, float]:
    """Probabilities over INTENTS for one message.

    `folded` is the normalised, accent-free text and `words` its set of words (Doc.wordset).
    """
    fold = folded.strip()
    raw = dict.fromkeys(INTENTS, 0.0)
    raw["other"] = 1.0
    for name, pattern in _PATTERNS.items():
        if not words.isdisjoint(_TRIGGERS[name]) and pattern.search(fold):
            raw[name] += _CUE_WEIGHT[name]
    raw["praise"] += 1.4 * max(0.0, p_pos - 0.4)
    raw["complaint"] += 1.4 * max(0.0, p_neg - 0.4)
    if raw["spam_scam"] and "_url" in fold:
        raw["spam_scam"] += 0.8
    top = max(raw.values())
    exps = {k: math.exp(2.0 * (v - top)) for k, v in raw.items()}
    total = sum(exps.values())
    return {k: round(v / total, 4) for k, v in exps.items()}
