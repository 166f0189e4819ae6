"""A tiny template language for the demo texts, compiled once and rendered fast.

    "{Salut|Coucou|} {brand} ! où trouver la notice du set {set_num} {?|svp}"

- ``{name}`` is a slot, filled by the caller (identifier characters only);
- ``{a|b|c}`` is a choice among alternatives, one picked uniformly; an empty alternative makes
  the group optional; groups nest: ``{merci {beaucoup|bcp}|thx}``.

Templates are written by hand in ``texts_*.py``; a malformed one fails at import with the
template quoted, so a typo in a text never reaches a running demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

# A compiled template: a sequence of nodes; a node is literal text, a slot name (tagged tuple)
# or a choice (tagged tuple of alternative sequences).
Node = str | tuple
Seq = tuple[Node, ...]

_SLOT = "s"
_CHOICE = "c"


class TemplateError(ValueError):
    pass


def compile_template(source: str) -> Seq:
    seq, end = _parse(source, 0, top=True)
    if end != len(source):
        raise TemplateError(f"unbalanced '}}' at {end} in template: {source!r}")
    return seq


def _parse(source: str, pos: int, *, top: bool) -> tuple[Seq, int]:
    """Parse until '}' or '|' (inside a group) or the end; return (sequence, position)."""
    nodes: list[Node] = []
    literal: list[str] = []
    while pos < len(source):
        char = source[pos]
        if char == "{":
            if literal:
                nodes.append("".join(literal))
                literal = []
            node, pos = _parse_group(source, pos + 1)
            nodes.append(node)
            continue
        if char in "|}" and not top:
            break
        if char == "}" and top:
            return tuple(nodes), pos
        literal.append(char)
        pos += 1
    if literal:
        nodes.append("".join(literal))
    return tuple(nodes), pos


def _parse_group(source: str, pos: int) -> tuple[Node, int]:
    alternatives: list[Seq] = []
    while True:
        seq, pos = _parse(source, pos, top=False)
        alternatives.append(seq)
        if pos >= len(source):
            raise TemplateError(f"unclosed '{{' in template: {source!r}")
        if source[pos] == "}":
            break
        pos += 1  # skip '|'
    pos += 1  # skip '}'
    if len(alternatives) == 1:
        only = alternatives[0]
        if len(only) == 1 and isinstance(only[0], str) and only[0].isidentifier():
            return (_SLOT, only[0]), pos
        raise TemplateError(f"a group needs '|' or a slot name in template: {source!r}")
    return (_CHOICE, tuple(alternatives)), pos


def render(seq: Seq, rng: random.Random, fill: Callable[[str], str]) -> str:
    out: list[str] = []
    _render_into(seq, rng, fill, out)
    return "".join(out)


def _render_into(seq: Seq, rng: random.Random, fill: Callable[[str], str], out: list[str]) -> None:
    for node in seq:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == _SLOT:
            out.append(fill(node[1]))
        else:
            alternatives = node[1]
            _render_into(alternatives[int(rng.random() * len(alternatives))], rng, fill, out)


def slot_names(seq: Seq) -> set[str]:
    """Every slot a template may use (for tests that check each slot can be filled)."""
    names: set[str] = set()
    for node in seq:
        if isinstance(node, str):
            continue
        if node[0] == _SLOT:
            names.add(node[1])
        else:
            for alternative in node[1]:
                names |= slot_names(alternative)
    return names


@dataclass(frozen=True)
class Topic:
    """What one kind of post is about, with its ground-truth labels and its templates.

    ``weight`` is the topic's share among a brand's original posts (or among the scandal's);
    ``platforms`` restricts where it is posted (empty: anywhere the brand is discussed).
    """

    name: str
    intent: str
    sentiment: str
    weight: float
    fr: tuple[str, ...]
    en: tuple[str, ...]
    abuse: str | None = None
    titles_fr: tuple[str, ...] = ()
    titles_en: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    compiled: dict[str, tuple[Seq, ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for key, sources in (
            ("fr", self.fr),
            ("en", self.en),
            ("title_fr", self.titles_fr),
            ("title_en", self.titles_en),
        ):
            self.compiled[key] = tuple(compile_template(s) for s in sources)

    def templates(self, lang: str) -> tuple[Seq, ...]:
        return self.compiled[lang] or self.compiled["en" if lang == "fr" else "fr"]

    def titles(self, lang: str) -> tuple[Seq, ...]:
        return self.compiled["title_" + lang]
