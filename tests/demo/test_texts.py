"""Templates compile, every slot can be filled, and the texts are varied."""

import random
from datetime import timedelta

import pytest

from hearth.demo.brands import BRANDS
from hearth.demo.noise import light_edit, roughen, style_from
from hearth.demo.template import TemplateError, compile_template, render, slot_names
from hearth.demo.texts import _DRAWERS, Filler

CONTEXT = {
    "brand": "X",
    "at_brand": "@x",
    "domain": "x.fr",
    "order_prefix": "X",
    "me": "Ann Lee",
    "me_email": "ann@x.fr",
    "parent_handle": "@bob",
}


def _all_topics():
    for brand in BRANDS.values():
        for topic in brand.topics + brand.reply_topics + brand.scandal_topics:
            yield brand, topic


def _known_slots(brand):
    return set(CONTEXT) | set(_DRAWERS) | set(brand.vocab["fr"]) | {"pizza2"}


def test_render_picks_alternatives_and_fills_slots():
    seq = compile_template("{Salut|Hello} {name}{ !|}")
    seen = {render(seq, random.Random(i), lambda slot: slot.upper()) for i in range(50)}
    assert seen == {"Salut NAME !", "Salut NAME", "Hello NAME !", "Hello NAME"}


@pytest.mark.parametrize("bad", ["{oops", "oops}", "{a {b}", "{not a slot}"])
def test_malformed_template_is_refused(bad):
    with pytest.raises(TemplateError):
        compile_template(bad)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_template_renders_without_leftover_braces(lang):
    for brand, topic in _all_topics():
        for index, seq in enumerate(topic.templates(lang) + topic.titles(lang)):
            for seed in range(5):
                rng = random.Random(seed)
                filler = Filler(rng, lang, CONTEXT, brand.vocab[lang], brand.sets)
                text = render(seq, rng, filler)
                assert "{" not in text and "}" not in text, (topic.name, index)


def _literal_alternatives(seq):
    for node in seq:
        if isinstance(node, tuple) and node[0] == "c":
            for alternative in node[1]:
                if len(alternative) == 1 and isinstance(alternative[0], str):
                    yield alternative[0]
                yield from _literal_alternatives(alternative)


def test_no_slot_is_written_as_a_literal_alternative():
    # "{url_photo|}" is a choice of the literal word; a slot must be "{{url_photo}|}".
    for brand, topic in _all_topics():
        for lang in ("fr", "en"):
            for seq in topic.templates(lang) + topic.titles(lang):
                literals = set(_literal_alternatives(seq))
                assert not literals & _known_slots(brand), (topic.name, literals)


def test_every_slot_used_has_a_source():
    for brand, topic in _all_topics():
        for lang in ("fr", "en"):
            for seq in topic.templates(lang) + topic.titles(lang):
                assert slot_names(seq) <= _known_slots(brand) | {"set_num2"}, topic.name


def test_each_topic_has_french_and_english():
    for _, topic in _all_topics():
        assert topic.fr and topic.en, topic.name


def test_texts_are_varied(three_hours):
    texts = [
        m.text for m in three_hours if m.kind != "repost" and not m.raw["demo"]["near_duplicate_of"]
    ]
    assert len(set(texts)) > 0.9 * len(texts)
    templates = {m.raw["demo"]["template"] for m in three_hours}
    assert len(templates) > 150


def test_texts_carry_emojis_hashtags_handles_and_links(three_hours):
    texts = [m.text for m in three_hours]
    assert sum("#" in t for t in texts) > 0.2 * len(texts)
    assert sum("http" in t for t in texts) > 0.05 * len(texts)
    assert sum("@" in t for t in texts) > 0.05 * len(texts)
    assert sum(any(ord(c) > 0x1F000 for c in t) for t in texts) > 0.2 * len(texts)


def test_spam_appears_for_both_brands(world):
    items = world.items_between(world.start, world.start + timedelta(hours=6))
    spam = {m.raw["demo"]["brand"] for m in items if m.raw["demo"]["intent"] == "spam"}
    assert spam == {"briquo", "pizzadoro"}


def test_roughening_never_breaks_links_or_addresses():
    text = "Regardez https://youtu.be/AbCdEfGh et écrivez à jean.dupont@orange.fr trop génial !"
    for seed in range(300):
        rng = random.Random(seed)
        out = roughen(text, "fr", style_from(rng), "positive", rng)
        assert "youtu.be/abcdefgh" in out.lower() and "jean.dupont@orange.fr" in out.lower()


def test_light_edit_keeps_most_of_the_text():
    text = "BOYCOTT Pizzadoro ! Après la vidéo, on ne met plus un centime chez eux."
    for seed in range(100):
        edited = light_edit(text, random.Random(seed))
        assert len(set(edited.lower().split()) & set(text.lower().split())) >= 10
