"""The priority score of a conversation, 0–100: who is upset, how loud, how long they wait. Pure."""

from __future__ import annotations

import math
from datetime import datetime

LABEL_BASE = {"urgent": 60, "high": 35, "normal": 15, "low": 0}
INTENT_WEIGHT = {"complaint": 15, "question": 10, "purchase_intent": 10, "spam_scam": -20}
SENTIMENT_WEIGHT = {"negative": 12, "neutral": 0, "positive": -5}


def priority_score(
    *,
    label: str,
    sentiment: str | None,
    intent: str | None,
    followers: int,
    awaiting_since: datetime | None,
    now: datetime,
) -> int:
    score = LABEL_BASE.get(label, 15)
    score += SENTIMENT_WEIGHT.get(sentiment or "", 0) + INTENT_WEIGHT.get(intent or "", 0)
    # Reach counts on a log scale: 100 followers +4, 10 000 +8, 1 000 000 +12.
    score += int(2 * math.log10(max(followers, 1)))
    if awaiting_since is not None:
        # Waiting raises priority by up to 25 points over four hours.
        waited = max((now - awaiting_since).total_seconds(), 0) / 3600
        score += int(min(waited / 4, 1) * 25)
    return max(0, min(100, score))
