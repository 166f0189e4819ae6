"""The workspace's moderation mode: the standard rule set, or the strict one used in a crisis.

A crisis brings a wave of angry and abusive posts. The strict mode lowers the bar at which a
mention is put in front of a moderator: in strict mode every mention whose toxicity reaches
``review_toxicity`` opens (or joins) an inbox conversation tagged ``moderation`` at high priority,
even when no routing rule would have opened it. The incident room switches the mode on for the
incident's duration and restores the previous mode when the incident closes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

MODE_SETTING = "moderation_mode"
REVIEW_TAG = "moderation"


class ModerationMode(enum.StrEnum):
    STANDARD = "standard"
    STRICT = "strict"


@dataclass(frozen=True)
class ModerationPolicy:
    mode: ModerationMode
    # Toxicity from which a mention goes to a moderator regardless of the routing rules;
    # None: the routing rules alone decide.
    review_toxicity: float | None
    review_priority: str = "high"

    def review_reason(self, toxicity: float | None) -> dict[str, Any] | None:
        """Why this mention needs a moderator under this policy, as data; None when it does not."""
        if self.review_toxicity is None or toxicity is None or toxicity < self.review_toxicity:
            return None
        return {
            "mode": self.mode.value,
            "toxicity": round(toxicity, 2),
            "threshold": self.review_toxicity,
        }


POLICIES: dict[ModerationMode, ModerationPolicy] = {
    ModerationMode.STANDARD: ModerationPolicy(ModerationMode.STANDARD, review_toxicity=None),
    # 0.5: the enrichment's own decision threshold for "toxic" (docs/models.md), i.e. anything
    # the model leans towards calling abusive is seen by a person during a crisis.
    ModerationMode.STRICT: ModerationPolicy(ModerationMode.STRICT, review_toxicity=0.5),
}


def mode_of(settings: dict[str, Any] | None) -> ModerationMode:
    value = (settings or {}).get(MODE_SETTING)
    try:
        return ModerationMode(value) if value else ModerationMode.STANDARD
    except ValueError:
        return ModerationMode.STANDARD


def policy_for(settings: dict[str, Any] | None) -> ModerationPolicy:
    return POLICIES[mode_of(settings)]
