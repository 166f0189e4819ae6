"""Normalisation, tokenisation and the shared features."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hearth.enrich.features import N_FEATURES, analyse, featurize, negation_scope
from hearth.enrich.text import normalize, normalize_batch, words_of


@given(st.text(max_size=200))
def test_normalisation_keeps_the_length(text):
    assert len(normalize(text)) == len(text)


@given(st.lists(st.text(max_size=50), max_size=5))
def test_batch_normalisation_equals_one_by_one(texts):
    assert normalize_batch(texts) == [normalize(t) for t in texts]


def test_leetspeak_is_undone():
    assert "connard" in words_of(normalize("gros c0nn4rd"))


def test_plain_numbers_are_left_alone():
    assert "2025" in words_of(normalize("en 2025"))


def test_elongation_is_collapsed():
    assert words_of(normalize("trooooop bien")) == ["troop", "bien"]


def test_links_and_handles_become_placeholders():
    assert words_of(normalize("@marie_l voir https://ex.com/a?b=1")) == ["_usr", "voir", "_url"]


def test_negation_scope_covers_the_following_words_until_punctuation():
    words = words_of(normalize("je n'aime pas, mais bon"))
    scope = dict(zip(words, negation_scope(words), strict=True))
    assert scope["aime"] and not scope["bon"]


def test_english_contraction_negates():
    words = words_of(normalize("I don't hate them"))
    assert "don't" in words
    assert negation_scope(words)[words.index("hate")]


def test_feature_rows_do_not_grow_with_text_length():
    x = featurize(analyse(["hello world", "", "hello world " * 200]))
    assert x.shape == (3, N_FEATURES)
    norms = (x.multiply(x)).sum(axis=1).A1
    assert norms[1] <= 1.0
    assert 0.5 < norms[2] / norms[0] < 2
