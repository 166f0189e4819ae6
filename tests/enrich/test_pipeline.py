"""The enrich() contract: shape of the record, batch behaviour, hints, versions, bad input."""

from __future__ import annotations

import json

import pytest

from hearth.enrich import Enrichment, enrich
from hearth.enrich.keywords import NEAR_DUPLICATE_BITS, signature_distance

CATEGORIES = {"insult", "threat", "identity_attack", "harassment", "sexual", "profanity"}


def test_record_has_every_documented_field():
    text = "Super service, merci ! écrivez à jean@example.com"
    record = enrich([text])[0].to_dict()
    assert set(record) == {
        "lang",
        "sentiment",
        "toxicity",
        "pii",
        "intent",
        "keywords",
        "dup_signature",
        "models",
    }
    assert record["sentiment"]["label"] in {"negative", "neutral", "positive"}
    assert set(record["sentiment"]["scores"]) == {"negative", "neutral", "positive"}
    assert set(record["toxicity"]["categories"]) == CATEGORIES
    assert isinstance(record["toxicity"]["toxic"], bool)
    start = text.index("jean@")
    assert record["pii"] == [{"type": "email", "start": start, "end": len(text)}]
    assert {"lang", "sentiment", "toxicity", "pii", "intent"} <= set(record["models"])
    json.dumps(record)  # the record must be plain JSON


def test_sentiment_scores_are_probabilities():
    scores = enrich(["I love it"])[0].sentiment.scores
    assert abs(sum(scores.values()) - 1.0) < 1e-3
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_batch_results_match_one_by_one_and_keep_order():
    texts = ["Je déteste les lundis", "what a great day", "", "@bob http://x.co ok", "1234"]
    batch = [e.to_dict() for e in enrich(texts)]
    single = [enrich([t])[0].to_dict() for t in texts]
    assert batch == single


def test_empty_batch_gives_empty_list():
    assert enrich([]) == []


def test_enrichment_is_frozen():
    result = enrich(["hello"])[0]
    assert isinstance(result, Enrichment)
    with pytest.raises(AttributeError):
        result.lang = "fr"  # type: ignore[misc]


def test_language_of_clear_french_and_english():
    langs = [
        e.lang
        for e in enrich(
            [
                "Je suis vraiment content de ce que vous avez fait pour nous cette année",
                "I am really happy with what you did for us this year",
            ]
        )
    ]
    assert langs == ["fr", "en"]


def test_too_short_text_is_unknown_without_hint():
    assert enrich(["ok 👍"])[0].lang == "unknown"


def test_language_hint_is_used_when_text_is_not_enough():
    assert enrich(["ok 👍", "ok 👍"], langs=["fr", None])[0].lang == "fr"


def test_script_decides_arabic_and_hindi():
    langs = [e.lang for e in enrich(["شكرا جزيلا على المساعدة", "बहुत अच्छा काम किया"])]
    assert langs == ["ar", "hi"]


def test_hint_list_must_match_batch_length():
    with pytest.raises(ValueError, match="langs"):
        enrich(["a", "b"], langs=["fr"])


def test_non_string_text_is_refused_with_its_index():
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        enrich(["fine", None])  # type: ignore[list-item]


def test_single_string_is_refused():
    with pytest.raises(TypeError, match="sequence"):
        enrich("not a list")


def test_huge_text_is_enriched_not_refused():
    result = enrich(["spam " * 50_000, "next"])
    assert len(result) == 2 and result[0].dup_signature != result[1].dup_signature


def test_evidence_spans_point_at_the_original_text():
    text = "T'es qu'un gros C0NN4RD"
    tox = enrich([text])[0].toxicity
    assert tox.toxic
    assert any(text[e["start"] : e["end"]] == "C0NN4RD" for e in tox.evidence)


def test_benign_swearing_keeps_profanity_but_is_not_toxic():
    tox = enrich(["Putain c'est trop bon"])[0].toxicity
    assert tox.categories["profanity"] >= 0.5
    assert not tox.toxic


def test_threat_without_swear_words_is_a_threat():
    tox = enrich(["I know where you live"])[0].toxicity
    assert tox.toxic and tox.categories["threat"] >= 0.5


def test_copies_share_a_signature():
    a, b, c = enrich(
        [
            "Boycott BrandX now!!! http://a.co/1 @bob",
            "boycott brandx now http://b.co/2 @alice",
            "Lovely weather in Lyon today, going for a walk",
        ]
    )
    assert a.dup_signature == b.dup_signature
    assert signature_distance(a.dup_signature, c.dup_signature) > NEAR_DUPLICATE_BITS


def test_light_edit_is_a_near_duplicate():
    a, b = enrich(
        [
            "Everyone should boycott BrandX because they lie to their customers every day",
            "Everyone should boycott BrandX because they lie to their clients every day",
        ]
    )
    assert signature_distance(a.dup_signature, b.dup_signature) <= NEAR_DUPLICATE_BITS


def test_keywords_include_hashtags_as_written():
    kws = enrich(["Nouvelle collection #Automne2025 disponible en boutique"])[0].keywords
    assert kws[0] == "#Automne2025"
    assert "collection" in kws


def test_lone_surrogates_and_control_characters_do_not_break_the_batch():
    texts = ["\ud83d lone half of an emoji", "\x00\x1e\x1f", "this is a perfectly fine sentence"]
    results = enrich(texts)
    assert len(results) == 3 and results[2].lang == "en"


def test_letter_soup_is_unknown():
    assert enrich(["a" * 300])[0].lang == "unknown"
