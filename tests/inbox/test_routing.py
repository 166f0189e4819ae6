from __future__ import annotations

import pytest

from hearth.inbox.routing import (
    InvalidRuleError,
    MentionFacts,
    compile_rule,
    decide,
    validate_rule,
)


def facts(**overrides) -> MentionFacts:
    base = dict(
        platform="mastodon",
        kind="post",
        text="Où est ma commande ?",
        language="fr",
        sentiment="negative",
        intent="question",
        toxicity=0.05,
        followers=300,
    )
    return MentionFacts(**{**base, **overrides})


def test_all_conditions_must_hold() -> None:
    rule = compile_rule(
        "r", "fr questions", {"languages": ["fr"], "intents": ["question"]}, {"open": True}
    )
    assert rule.matches(facts())
    assert not rule.matches(facts(language="en"))
    assert not rule.matches(facts(intent="praise"))


def test_numeric_and_query_conditions() -> None:
    rule = compile_rule(
        "r",
        "loud delivery complaints",
        {"min_followers": 1000, "max_toxicity": 0.5, "query": "(commande OR livraison) -promo"},
        {"open": True},
    )
    assert rule.matches(facts(followers=5000))
    assert not rule.matches(facts(followers=50))
    assert not rule.matches(facts(followers=5000, toxicity=0.9))
    assert not rule.matches(facts(followers=5000, text="promo sur ma commande"))


def test_rules_apply_in_order_and_stop() -> None:
    first = compile_rule(
        "a", "tag", {"intents": ["question"]}, {"tags": ["q"], "open": True}, stop_processing=True
    )
    second = compile_rule("b", "never reached", {}, {"priority": "urgent"})
    decision = decide([first, second], facts())
    assert decision.open and decision.tags == ["q"] and decision.priority_label is None
    assert decision.rule_ids == ["a"]


def test_a_mention_no_rule_opens_stays_out_of_the_inbox() -> None:
    rule = compile_rule("a", "tag only", {}, {"tags": ["seen"]})
    assert decide([rule], facts()).open is False


@pytest.mark.parametrize(
    ("conditions", "actions", "message"),
    [
        ({"colour": ["red"]}, {}, "unknown condition"),
        ({"languages": "fr"}, {}, "list"),
        ({"query": "(pizza"}, {}, "character"),
        ({}, {"priority": "asap"}, "priority"),
        ({}, {"assign": {"mode": "user"}}, "teammate"),
        ({}, {"explode": True}, "unknown action"),
    ],
)
def test_invalid_rules_are_refused_with_a_reason(conditions, actions, message) -> None:
    with pytest.raises(InvalidRuleError, match=message):
        validate_rule(conditions, actions)
