from __future__ import annotations

import json

import numpy as np

from hearth.crisis.topics import TermTracker, TopicRules

USUAL = {"pizza": 40, "delivery": 20, "cheese": 15, "#friday": 5}


def warmed(buckets: int = 50, seed: int = 0) -> TermTracker:
    rng = np.random.default_rng(seed)
    tracker = TermTracker()
    for _ in range(buckets):
        tracker.update({t: int(rng.poisson(c)) for t, c in USUAL.items()})
    return tracker


def test_new_term_surging_ranks_first():
    tracker = warmed()
    ranked = tracker.update({**USUAL, "video": 60, "#boycott": 12})
    assert [r.term for r in ranked] == ["video", "#boycott"]
    assert ranked[0].ratio > 10


def test_usual_terms_do_not_rise_when_everything_doubles():
    tracker = warmed()
    assert tracker.update({t: 2 * c for t, c in USUAL.items()}) == []


def test_known_term_rising_far_above_its_history_is_found():
    tracker = warmed()
    ranked = tracker.update({**USUAL, "cheese": 150})
    assert [r.term for r in ranked] == ["cheese"]


def test_below_minimum_count_is_ignored():
    tracker = warmed()
    assert tracker.update({**USUAL, "typo": 2}) == []


def test_single_new_mention_cannot_outrank_a_large_surge():
    tracker = TermTracker(TopicRules(min_count=1))
    for _ in range(20):
        tracker.update(USUAL)
    ranked = tracker.update({**USUAL, "video": 80, "rare": 1})
    assert ranked[0].term == "video"


def test_a_term_that_stays_high_stops_being_emerging():
    tracker = warmed()
    for _ in range(600):
        ranked = tracker.update({**USUAL, "video": 60})
    assert ranked == []


def test_vocabulary_is_bounded():
    tracker = TermTracker(TopicRules(max_terms=100))
    for k in range(50):
        tracker.update({f"term{k}-{j}": 1 for j in range(10)})
    assert len(tracker.terms) <= 100


def test_state_round_trips_through_json():
    tracker = warmed()
    restored = TermTracker.from_dict(json.loads(json.dumps(tracker.to_dict())))
    bucket = {**USUAL, "video": 60}
    assert restored.update(dict(bucket)) == tracker.update(dict(bucket))
