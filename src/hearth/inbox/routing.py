"""Routing rules: which mentions become conversations and what happens to them. Pure.

A rule has conditions (all must hold) and actions. Rules run in their order; a rule may stop
the ones after it. Conditions read what enrichment found, so routing never re-analyses text:

    {"platforms": ["mastodon"], "languages": ["fr"], "sentiments": ["negative"],
     "intents": ["question", "complaint"], "kinds": ["post", "reply", "dm", "email"],
     "min_toxicity": 0.0, "max_toxicity": 0.5, "min_followers": 1000,
     "query": "livraison OR delivery -promo"}

Actions: {"open": true, "assign": {"mode": "user|round_robin|least_loaded", "user_ids": [...]},
          "tags": ["delivery"], "priority": "urgent|high|normal|low", "escalate": true,
          "auto_ack": {"outside_hours": true, "text": {"fr": "...", "en": "..."}}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hearth.kit.errors import ValidationFailedError
from hearth.listening.query import Matchable, Query, QuerySyntaxError, parse

PRIORITY_LABELS = ("urgent", "high", "normal", "low")
ASSIGN_MODES = ("user", "round_robin", "least_loaded")
LIST_CONDITIONS = ("platforms", "languages", "sentiments", "intents", "kinds")
NUMBER_CONDITIONS = ("min_toxicity", "max_toxicity", "min_followers")


@dataclass(frozen=True)
class MentionFacts:
    """What routing may look at, taken from a stored mention and its enrichment."""

    platform: str
    kind: str
    text: str
    language: str | None
    sentiment: str | None
    intent: str | None
    toxicity: float
    followers: int
    author_handle: str = ""


class InvalidRuleError(ValidationFailedError):
    """The routing rule is not valid."""


@dataclass(frozen=True)
class CompiledRule:
    id: str
    name: str
    conditions: Mapping[str, Any]
    actions: Mapping[str, Any]
    stop_processing: bool
    query: Query | None = field(default=None, compare=False)

    def matches(self, facts: MentionFacts) -> bool:
        c = self.conditions
        for key, value in (
            ("platforms", facts.platform),
            ("languages", facts.language),
            ("sentiments", facts.sentiment),
            ("intents", facts.intent),
            ("kinds", facts.kind),
        ):
            if c.get(key) and value not in c[key]:
                return False
        if facts.toxicity < float(c.get("min_toxicity", 0.0)):
            return False
        if "max_toxicity" in c and facts.toxicity > float(c["max_toxicity"]):
            return False
        if facts.followers < int(c.get("min_followers", 0)):
            return False
        if self.query is not None:
            return self.query.matches(
                Matchable(
                    text=facts.text,
                    lang=facts.language,
                    platform=facts.platform,
                    author_handle=facts.author_handle,
                )
            )
        return True


def validate_rule(conditions: Mapping[str, Any], actions: Mapping[str, Any]) -> None:
    """Refuse what the engine would misread, with a message saying what is wrong."""
    unknown = set(conditions) - set(LIST_CONDITIONS) - set(NUMBER_CONDITIONS) - {"query"}
    if unknown:
        raise InvalidRuleError(f"unknown condition {sorted(unknown)[0]!r}")
    for key in LIST_CONDITIONS:
        if key in conditions and not (
            isinstance(conditions[key], list) and all(isinstance(v, str) for v in conditions[key])
        ):
            raise InvalidRuleError(f"{key} must be a list of names")
    for key in NUMBER_CONDITIONS:
        if key in conditions and not isinstance(conditions[key], int | float):
            raise InvalidRuleError(f"{key} must be a number")
    if conditions.get("query"):
        try:
            parse(str(conditions["query"]))
        except QuerySyntaxError as exc:
            raise InvalidRuleError(f"query, character {exc.position + 1}: {exc.message}") from None
    _validate_actions(actions)


def _validate_actions(actions: Mapping[str, Any]) -> None:
    unknown = set(actions) - {"open", "assign", "tags", "priority", "escalate", "auto_ack"}
    if unknown:
        raise InvalidRuleError(f"unknown action {sorted(unknown)[0]!r}")
    if "priority" in actions and actions["priority"] not in PRIORITY_LABELS:
        raise InvalidRuleError("priority is one of urgent, high, normal, low")
    assign = actions.get("assign")
    if assign is not None:
        if not isinstance(assign, dict) or assign.get("mode") not in ASSIGN_MODES:
            raise InvalidRuleError("assign needs a mode: user, round_robin or least_loaded")
        if not assign.get("user_ids"):
            raise InvalidRuleError("assign needs at least one teammate")
    if "tags" in actions and not all(isinstance(t, str) for t in actions["tags"]):
        raise InvalidRuleError("tags must be a list of words")


def compile_rule(
    rule_id: str,
    name: str,
    conditions: Mapping[str, Any],
    actions: Mapping[str, Any],
    stop_processing: bool = False,
) -> CompiledRule:
    query = parse(str(conditions["query"])) if conditions.get("query") else None
    return CompiledRule(rule_id, name, dict(conditions), dict(actions), stop_processing, query)


@dataclass
class Decision:
    """What the rules decided for one mention."""

    open: bool = False
    rule_ids: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    priority_label: str | None = None
    assign: dict[str, Any] | None = None
    escalate: bool = False
    auto_ack: dict[str, Any] | None = None


def decide(rules: Sequence[CompiledRule], facts: MentionFacts) -> Decision:
    decision = Decision()
    for rule in rules:
        if not rule.matches(facts):
            continue
        decision.rule_ids.append(rule.id)
        actions = rule.actions
        decision.open = decision.open or bool(actions.get("open"))
        decision.tags.extend(t for t in actions.get("tags", []) if t not in decision.tags)
        decision.priority_label = actions.get("priority") or decision.priority_label
        decision.assign = actions.get("assign") or decision.assign
        decision.escalate = decision.escalate or bool(actions.get("escalate"))
        decision.auto_ack = actions.get("auto_ack") or decision.auto_ack
        if rule.stop_processing:
            break
    return decision


DEFAULT_RULES: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = (
    ("Direct messages and e-mails", {"kinds": ["dm", "email"]}, {"open": True}),
    (
        # Someone asking where to buy waits for an answer as much as someone with a question.
        "Questions, complaints and buying intent",
        {"intents": ["question", "complaint", "purchase_intent"], "max_toxicity": 0.7},
        {"open": True},
    ),
    (
        "Unhappy customers with a large audience",
        {"sentiments": ["negative"], "min_followers": 10000},
        {"open": True, "priority": "high", "tags": ["reach"]},
    ),
)
