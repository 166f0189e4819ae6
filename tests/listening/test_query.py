"""Listening queries: syntax, errors, matching, and agreement with a naive evaluator."""

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.listening.query import (
    And,
    Field,
    Hashtag,
    Matchable,
    Mention,
    Node,
    Not,
    Or,
    Phrase,
    QuerySet,
    QuerySyntaxError,
    Term,
    parse,
    render,
)


def item(
    text: str,
    lang: str | None = "fr",
    platform: str = "mastodon",
    author: str = "someone",
    hashtags: tuple[str, ...] = (),
) -> Matchable:
    return Matchable(
        text=text, lang=lang, platform=platform, author_handle=author, hashtags=hashtags
    )


def hits(query: str, text: str, **kw: object) -> bool:
    return parse(query).matches(item(text, **kw))  # type: ignore[arg-type]


# --- words ----------------------------------------------------------------------------------------


def test_word_matches_regardless_of_case_and_punctuation() -> None:
    assert hits("pizza", "Pizza!")


def test_word_does_not_match_inside_a_longer_word() -> None:
    assert not hits("pizza", "le meilleur pizzaiolo")


def test_word_matches_without_accents_both_ways() -> None:
    assert hits("cafe", "Un CAFÉ svp") and hits("vidéo", "la video virale")


def test_word_matches_inside_a_hashtag_and_a_handle() -> None:
    assert hits("pizza", "#pizza time") and hits("roma", "merci @roma")


def test_prefix_wildcard_matches_word_starts_only() -> None:
    assert hits("pizz*", "quel pizzaiolo") and not hits("izza*", "quel pizzaiolo")


def test_phrase_needs_words_adjacent_and_in_order() -> None:
    assert hits('"pizza roma"', "Pizza, Roma!") and not hits('"pizza roma"', "roma pizza")


def test_word_with_apostrophe_is_a_phrase() -> None:
    assert hits("l'avion", "L’avion est parti") and not hits("l'avion", "l'autre avion")


# --- operators ------------------------------------------------------------------------------------


def test_implicit_and_between_adjacent_terms() -> None:
    assert hits("pizza roma", "roma a la pizza") and not hits("pizza roma", "pizza")


def test_or_binds_looser_than_and() -> None:
    assert parse("a b OR c").root == Or((And((Term("a"), Term("b"))), Term("c")))


def test_not_and_minus_exclude() -> None:
    assert parse("pizza -ananas").root == parse("pizza NOT ananas").root
    assert not hits("pizza -ananas", "pizza ananas") and hits("pizza -ananas", "pizza reine")


def test_lowercase_operators_are_plain_words() -> None:
    assert parse("pizza or pasta").root == And((Term("pizza"), Term("or"), Term("pasta")))


def test_parentheses_group() -> None:
    assert hits("(lego OR duplo) -prix", "mon set Duplo") and not hits(
        "(lego OR duplo) -prix", "lego prix"
    )


def test_pure_negative_query_matches_messages_without_the_term() -> None:
    qs = QuerySet({"q": "-spam"})
    assert qs.match_batch([item("bonjour"), item("du spam")]) == [{"q"}, set()]


# --- hashtags, handles, fields --------------------------------------------------------------------


def test_hashtag_matches_only_as_hashtag() -> None:
    assert hits("#PizzaGate", "scandale #pizzagate") and not hits("#pizzagate", "pizzagate")


def test_hashtag_given_by_the_platform_counts() -> None:
    assert hits("#lego", "look at this", hashtags=("#LEGO",))


def test_handle_matches_mentions_including_fediverse_form() -> None:
    assert hits("@pizzaroma", "cc @PizzaRoma@mastodon.social")
    assert not hits("@pizzaroma", "pizzaroma sans arobase")


def test_lang_field_matches_primary_subtag() -> None:
    assert hits("pizza lang:fr", "pizza", lang="fr-CA") and not hits(
        "pizza lang:fr", "pizza", lang="en"
    )


def test_lang_field_never_matches_unknown_language() -> None:
    assert not hits("lang:fr", "pizza", lang=None)


def test_platform_and_author_fields() -> None:
    assert hits("platform:Reddit author:@Jean", "x", platform="reddit", author="jean")
    assert hits("author:jean", "x", author="@jean@piaille.fr")
    assert not hits("author:jean", "x", author="jeanne")


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,position,message",
    [
        ('pizza "roma', 6, "unclosed quote"),
        ("(pizza OR roma", 0, "missing ')'"),
        ("pizza)", 5, "unmatched ')'"),
        ("pizza OR", 6, "'OR' with nothing after it"),
        ("pizza AND (roma OR)", 16, "'OR' with nothing after it"),
        ("OR pizza", 0, "'OR' with nothing before it"),
        ("pizza OR AND roma", 9, "'AND' right after 'OR'"),
        ("pizza NOT", 6, "'NOT' with nothing after it"),
        ("pizza - roma", 6, "'-' must be followed directly"),
        ("()", 0, "empty parentheses"),
        ("", 0, "empty query"),
        ("   ", 0, "empty query"),
        ('pizza ""', 6, "empty phrase"),
        ("piz*za", 3, "'*' is only allowed at the end"),
        ("p*", 1, "at least 2 letters"),
        ("foo:bar", 0, "unknown field 'foo:'"),
        ("pizza lang:", 11, "missing value after 'lang:'"),
        ("lang:français", 5, "a language is a code"),
        ("#", 0, "'#' needs a hashtag"),
        ("#pizza-roma", 6, "a hashtag holds only"),
        ("pizza !!!", 6, "nothing to search for"),
    ],
)
def test_syntax_error_points_at_the_offending_character(
    text: str, position: int, message: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert caught.value.position == position and message in caught.value.message


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(QuerySyntaxError, match="nested"):
        parse("(" * 1000 + "a" + ")" * 1000)


def test_long_flat_query_matches_without_recursion_trouble() -> None:
    words = [f"w{i}" for i in range(700)]
    query = " ".join(words)
    assert hits(query, " ".join(reversed(words))) and not hits(query, " ".join(words[1:]))
    assert hits(" OR ".join(words[:400]), "w399")


def test_overlong_query_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="longer than"):
        parse("a " * 3000)


def test_query_set_keeps_valid_queries_and_reports_broken_ones() -> None:
    qs = QuerySet({"ok": "pizza", "bad": "pizza OR"})
    assert qs.match(item("pizza")) == {"ok"} and set(qs.errors) == {"bad"}
    assert qs.errors["bad"].position == 6


def test_query_set_batch_keeps_order() -> None:
    qs = QuerySet({"p": "pizza", "l": "lego OR #lego", "fr": "lang:fr (pizza OR lego)"})
    batch = [item("Lego!", lang="en"), item("rien"), item("pizza et lego")]
    assert qs.match_batch(batch) == [{"l"}, set(), {"p", "l", "fr"}]


# --- property tests: compiled matching agrees with a naive evaluator ------------------------------

WORDS = ["pizza", "roma", "lego", "brique", "cafe", "video", "scandale", "pizzaiolo", "de", "la"]
PREFIXES = ["pi", "piz", "pizza", "sca", "caf", "vid", "br", "ro"]
TAGS = ["pizza", "lego", "fail"]
HANDLES = ["roma", "pizza_roma", "lego.fr"]
# Message pieces, with the case, accent and punctuation variants real posts have.
PIECES = [
    "pizza",
    "Pizza!",
    "PIZZA",
    "pizzaïolo",
    "roma",
    "Roma,",
    "lego",
    "LEGO.",
    "brique",
    "briques",
    "café",
    "Cafe",
    "vidéo",
    "scandale",
    "scandaleux",
    "de",
    "la",
    "l'avion",
    "#pizza",
    "#Lego",
    "#fail",
    "@roma",
    "@Pizza_Roma",
    "@roma@mastodon.social",
    "@lego.fr",
    "🍕",
    "...",
    "?",
    "rien",
    "pizza-roma",
    "la_pizza",
]

leaves = st.one_of(
    st.sampled_from(WORDS).map(Term),
    st.sampled_from(PREFIXES).map(lambda p: Term(p, prefix=True)),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda w: Phrase(tuple(w))),
    st.sampled_from(TAGS).map(Hashtag),
    st.sampled_from(HANDLES).map(Mention),
    st.sampled_from(["fr", "en"]).map(lambda v: Field("lang", v)),
    st.sampled_from(["reddit", "mastodon"]).map(lambda v: Field("platform", v)),
    st.sampled_from(["jean", "marie"]).map(lambda v: Field("author", v)),
)


def _combine(kind: type[And] | type[Or], children: list[Node]) -> Node:
    # Canonical trees, as the parser builds them: no And directly inside And (same for Or).
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: _combine(And, cs)),
        st.lists(inner, min_size=2, max_size=3).map(lambda cs: _combine(Or, cs)),
    ),
    max_leaves=8,
)

messages = st.builds(
    item,
    st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join),
    lang=st.sampled_from([None, "fr", "en", "fr-CA", "EN"]),
    platform=st.sampled_from(["reddit", "Mastodon", "bluesky"]),
    author=st.sampled_from(["jean", "@Marie", "jean@piaille.fr", "paul"]),
)


def naive_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def naive_word_regex(word: str, prefix: bool = False) -> re.Pattern[str]:
    tail = "" if prefix else r"(?![^\W_])"
    return re.compile(r"(?<![^\W_])" + re.escape(word) + tail)


def naive_handles(handle: str) -> set[str]:
    h = naive_fold(handle).lstrip("@")
    return {h, h.split("@")[0]}


def naive_eval(node: Node, m: Matchable) -> bool:
    """Straight from the documented semantics, on the raw text, without tokenising."""
    text = naive_fold(m.text)
    pieces = text.split()
    if isinstance(node, Term):
        return naive_word_regex(node.word, node.prefix).search(text) is not None
    if isinstance(node, Phrase):
        pattern = r"[\W_]+".join(re.escape(w) for w in node.words)
        return re.search(r"(?<![^\W_])" + pattern + r"(?![^\W_])", text) is not None
    if isinstance(node, Hashtag):
        tags = {re.match(r"#(\w*)", p).group(1) for p in pieces if p.startswith("#")}  # type: ignore[union-attr]
        return node.tag in tags | {naive_fold(t).lstrip("#") for t in m.hashtags}
    if isinstance(node, Mention):
        found = set()
        for p in pieces:
            if p.startswith("@"):
                found |= naive_handles(p.rstrip(".,!?"))
        return node.handle in found
    if isinstance(node, Field):
        if node.name == "lang":
            return m.lang is not None and m.lang.lower().split("-")[0] == node.value
        if node.name == "platform":
            return m.platform.lower() == node.value
        return node.value in naive_handles(m.author_handle)
    if isinstance(node, Not):
        return not naive_eval(node.child, m)
    if isinstance(node, And):
        return all(naive_eval(c, m) for c in node.children)
    return any(naive_eval(c, m) for c in node.children)


@st.composite
def loose_renderings(draw: st.DrawFn, node: Node) -> str:
    """Text a person could type for `node`: implicit AND, '-' or NOT, odd case and spacing."""
    space = draw(st.sampled_from([" ", "  ", "\t"]))
    if isinstance(node, Term):
        word = node.word
        if draw(st.booleans()):
            word = word.capitalize().replace("Cafe", "Café").replace("Video", "Vidéo")
        return word + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + draw(st.sampled_from([" ", ", ", " - "])).join(node.words) + '"'
    if isinstance(node, Mention) and draw(st.booleans()):
        return "@" + node.handle.upper()
    if isinstance(node, Field) and node.name == "author" and draw(st.booleans()):
        return f"author:@{node.value}"
    if isinstance(node, Hashtag | Mention | Field):
        return render(node)
    if isinstance(node, Not):
        inner = draw(loose_renderings(node.child))
        if isinstance(node.child, And | Or):
            inner = f"({inner})"
        return draw(st.sampled_from(["-", "NOT "])) + inner
    parts = []
    for child in node.children:
        text = draw(loose_renderings(child))
        parts.append(f"({space}{text} )" if isinstance(child, And | Or) else text)
    if isinstance(node, Or):
        return f"{space}OR{space}".join(parts)
    return (
        "".join(p + draw(st.sampled_from([space, f"{space}AND{space}"])) for p in parts[:-1])
        + parts[-1]
    )


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(trees)
def test_parse_of_render_round_trips(tree: Node) -> None:
    assert parse(render(tree)).root == tree


@FAST
@given(st.data(), trees)
def test_parse_of_loose_rendering_gives_the_same_tree(data: st.DataObject, tree: Node) -> None:
    assert parse(data.draw(loose_renderings(tree))).root == tree


@FAST
@given(st.lists(trees, min_size=1, max_size=6), st.lists(messages, min_size=1, max_size=6))
def test_query_set_agrees_with_naive_evaluation(
    query_trees: list[Node], batch: list[Matchable]
) -> None:
    qs = QuerySet({str(i): render(t) for i, t in enumerate(query_trees)})
    expected = [{str(i) for i, t in enumerate(query_trees) if naive_eval(t, m)} for m in batch]
    assert qs.match_batch(batch) == expected


@FAST
@given(trees, messages)
def test_single_query_agrees_with_naive_evaluation(tree: Node, message: Matchable) -> None:
    assert parse(render(tree)).matches(message) == naive_eval(tree, message)


@FAST
@given(st.text(max_size=40))
def test_any_text_parses_or_raises_a_positioned_error(text: str) -> None:
    try:
        parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)


@FAST
@given(st.text(max_size=60), st.sampled_from([None, "fr", "", "zh-Hant"]))
def test_any_message_text_is_matched_without_error(text: str, lang: str | None) -> None:
    qs = QuerySet({"w": "pizza OR pizz*", "p": '"la pizza"', "t": "#pizza", "n": "-pizza"})
    message = item(text, lang=lang)
    assert qs.match(message) == {q for q, query in qs.queries.items() if query.matches(message)}
