"""Listening queries: the boolean language of social listening tools, parsed and matched fast.

    (lego OR "briques de construction") -duplo lang:fr
    #pizzagate OR (@pizzaroma NOT author:pizzaroma) platform:reddit
    pizz* AND (scandal* OR vidéo)

Words match whole words, ignoring case and accents (`pizza` matches "Pizza!" and "#pizza", not
"pizzaiolo"; `cafe` matches "Café"). A trailing `*` matches any word starting with what precedes
it. Operators are upper case (`AND`, `OR`, `NOT`); adjacent terms are ANDed; `NOT` and a leading
`-` exclude; `OR` binds loosest. The full reference is docs/listening-queries.md.

`parse` turns text into an immutable tree (`Query`) and raises `QuerySyntaxError` with the position
of the offending character. `QuerySet` compiles many queries once and matches batches of messages:
each message is tokenised once, and an inverted index over the terms a query cannot match without
means most queries are never evaluated for most messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hearth.kit.errors import ValidationFailedError

MAX_QUERY_LENGTH = 4096
MAX_DEPTH = 50
MIN_PREFIX_LENGTH = 2
FIELDS = ("lang", "platform", "author")


class QuerySyntaxError(ValidationFailedError):
    """A query that cannot be parsed; `position` is the offset of the offending character."""

    code = "listening.query_syntax"

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position=position)
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


# --------------------------------------------------------------------------------------------------
# Text normalisation, shared by queries and messages so both sides agree on what a word is.

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "’": "'", "ʼ": "'"}
)
_HAS_LIGATURE = re.compile("[œæøđłıʼ’]")
_WORD = re.compile(r"[^\W_]+|[\u2600-\u27bf\U0001f000-\U0001faff]")
_HASHTAG = re.compile(r"(?<![\w&#])#([^\W]+)")
_MENTION = re.compile(r"(?<![\w@])@(\w[\w.-]*(?:@[\w-]+(?:\.[\w-]+)+)?)")


def fold(text: str) -> str:
    """Lower case without accents: 'Écoute ŒUVRE' -> 'ecoute oeuvre'."""
    text = text.casefold()
    if text.isascii():
        return text
    if _HAS_LIGATURE.search(text):
        text = text.translate(_LIGATURES)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The folded words of `text`, in order (emoji count as words)."""
    return _WORD.findall(fold(text))


def _handle_forms(handle: str) -> set[str]:
    """'@Pizza.Roma@mastodon.social' is reachable as the full handle and as its local part."""
    folded = fold(handle).lstrip("@").rstrip(".-")
    if not folded:
        return set()
    forms = {folded}
    if "@" in folded:
        forms.add(folded.split("@", 1)[0])
    return forms


# --------------------------------------------------------------------------------------------------
# The tree


@dataclass(frozen=True)
class Term:
    """A whole word, or with `prefix` any word starting with `word`."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Hashtag:
    tag: str


@dataclass(frozen=True)
class Mention:
    handle: str


@dataclass(frozen=True)
class Field:
    name: str  # one of FIELDS
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Hashtag | Mention | Field | Not | And | Or


@dataclass(frozen=True)
class Query:
    """A parsed query: its source text and its tree."""

    source: str
    root: Node

    def matches(self, item: Matchable) -> bool:
        return _compile(self.root)(_Message.of(item, _PrefixPlan(_prefixes(self.root))))

    def __str__(self) -> str:
        return render(self.root)


def render(node: Node) -> str:
    """Canonical text for a tree; `parse(render(node)).root == node` for parsed trees."""
    if isinstance(node, Term):
        return node.word + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Hashtag):
        return "#" + node.tag
    if isinstance(node, Mention):
        return "@" + node.handle
    if isinstance(node, Field):
        return f"{node.name}:{node.value}"
    if isinstance(node, Not):
        inner = render(node.child)
        return f"NOT ({inner})" if isinstance(node.child, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(_group(c) for c in node.children)
    return " OR ".join(_group(c) for c in node.children)


def _group(child: Node) -> str:
    # Parentheses even where precedence would not need them: saved queries read unambiguously.
    text = render(child)
    return f"({text})" if isinstance(child, And | Or) else text


# --------------------------------------------------------------------------------------------------
# Lexer


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "atom"
    pos: int
    atom: Node | None = None


_OPERATORS = frozenset({"AND", "OR", "NOT"})
_WORD_END = frozenset(' \t\r\n()"\u00a0')
_LANG_VALUE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_NAME_VALUE = re.compile(r"\w[\w.@-]*")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, i))
            i += 1
        elif ch == '"':
            i = _read_phrase(text, i, tokens)
        elif ch == "-" and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")"):
            raise QuerySyntaxError("'-' must be followed directly by what it excludes", i)
        elif ch == "-":
            tokens.append(_Token("-", i))
            i += 1
        else:
            i = _read_word(text, i, tokens)
    return tokens


def _read_phrase(text: str, start: int, tokens: list[_Token]) -> int:
    end = text.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError("unclosed quote", start)
    phrase = words(text[start + 1 : end])
    if not phrase:
        raise QuerySyntaxError("empty phrase: put words between the quotes", start)
    tokens.append(_Token("atom", start, Phrase(tuple(phrase))))
    return end + 1


def _read_word(text: str, start: int, tokens: list[_Token]) -> int:
    end = start
    while end < len(text) and text[end] not in _WORD_END:
        end += 1
    raw = text[start:end]
    if raw in _OPERATORS:
        tokens.append(_Token(raw, start))
    else:
        tokens.append(_Token("atom", start, _atom(raw, start)))
    return end


def _atom(raw: str, pos: int) -> Node:
    if raw[0] == "#":
        return _hashtag(raw, pos)
    if raw[0] == "@":
        return Mention(_handle(raw[1:], pos, "'@' needs a handle after it"))
    name, colon, value = raw.partition(":")
    if colon:
        return _field(name, value, pos)
    return _term(raw, pos)


def _hashtag(raw: str, pos: int) -> Hashtag:
    tag = fold(raw[1:])
    if not tag:
        raise QuerySyntaxError("'#' needs a hashtag after it", pos)
    bad = re.search(r"\W", tag)
    if bad is not None:
        raise QuerySyntaxError(
            "a hashtag holds only letters, digits and '_'", pos + 1 + bad.start()
        )
    return Hashtag(tag)


def _handle(raw: str, pos: int, missing: str) -> str:
    if not raw:
        raise QuerySyntaxError(missing, pos)
    folded = fold(raw).rstrip(".")
    if not _NAME_VALUE.fullmatch(folded):
        raise QuerySyntaxError("a handle holds only letters, digits and '_', '.', '-', '@'", pos)
    return folded


def _field(name: str, value: str, pos: int) -> Field:
    key = name.lower()
    if key not in FIELDS:
        raise QuerySyntaxError(
            f"unknown field '{name}:' (known: lang:, platform:, author:); "
            "put the text in quotes to search for it",
            pos,
        )
    value_pos = pos + len(name) + 1
    if not value:
        raise QuerySyntaxError(f"missing value after '{name}:'", value_pos)
    if key == "author":
        return Field("author", _handle(value.lstrip("@"), value_pos, "missing author"))
    folded = fold(value)
    if key == "lang" and not _LANG_VALUE.fullmatch(folded):
        raise QuerySyntaxError("a language is a code such as 'fr' or 'en'", value_pos)
    if key == "platform" and not re.fullmatch(r"[a-z0-9_.-]+", folded):
        raise QuerySyntaxError("a platform is a name such as 'reddit'", value_pos)
    return Field(key, folded)


def _term(raw: str, pos: int) -> Node:
    star = raw.find("*")
    if 0 <= star < len(raw) - 1:
        raise QuerySyntaxError("'*' is only allowed at the end of a word", pos + star)
    prefix = star == len(raw) - 1
    found = words(raw[:-1] if prefix else raw)
    if not found:
        raise QuerySyntaxError(f"nothing to search for in '{raw}'", pos)
    if not prefix:
        return Term(found[0]) if len(found) == 1 else Phrase(tuple(found))
    if len(found) > 1:
        raise QuerySyntaxError("'*' works on a single word", pos + star)
    if len(found[0]) < MIN_PREFIX_LENGTH:
        raise QuerySyntaxError(
            f"'*' needs at least {MIN_PREFIX_LENGTH} letters before it", pos + star
        )
    return Term(found[0], prefix=True)


# --------------------------------------------------------------------------------------------------
# Parser: or := and (OR and)* ; and := unary (AND? unary)* ; unary := (NOT|-) unary | primary


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def previous(self) -> _Token | None:
        return self.tokens[self.i - 1] if self.i > 0 else None

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:  # only a stray ")" can stop parse_or early
            raise QuerySyntaxError("unmatched ')'", tok.pos)
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            children.append(self.parse_and())
        return _flatten(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.i += 1
            children.append(self.parse_unary())
        return _flatten(And, children)

    def parse_unary(self) -> Node:
        tok = self.expect_operand()
        if tok.kind in ("NOT", "-"):
            self.i += 1
            with _Nesting(self, tok):
                return Not(self.parse_unary())
        return self.parse_primary(tok)

    def parse_primary(self, tok: _Token) -> Node:
        self.i += 1
        if tok.kind == "atom":
            assert tok.atom is not None
            return tok.atom
        with _Nesting(self, tok):
            inner = self.parse_or()
        close = self.peek()
        if close is None:
            raise QuerySyntaxError("missing ')' to close this '('", tok.pos)
        self.i += 1
        return inner

    def expect_operand(self) -> _Token:
        """The next token, which must start an operand; otherwise explain what is missing."""
        tok, prev = self.peek(), self.previous()
        if tok is not None and tok.kind in ("atom", "(", "NOT", "-"):
            return tok
        if prev is not None and prev.kind == "(" and tok is not None and tok.kind == ")":
            raise QuerySyntaxError("empty parentheses", prev.pos)
        if prev is not None and prev.kind in ("AND", "OR", "NOT", "-"):
            if tok is None or tok.kind == ")":
                raise QuerySyntaxError(f"'{prev.kind}' with nothing after it", prev.pos)
            raise QuerySyntaxError(
                f"'{tok.kind}' right after '{prev.kind}': a term is missing", tok.pos
            )
        if tok is None:
            if prev is not None and prev.kind == "(":
                raise QuerySyntaxError("missing ')' to close this '('", prev.pos)
            raise QuerySyntaxError("empty query", 0)
        if tok.kind == ")":
            raise QuerySyntaxError("unmatched ')'", tok.pos)
        raise QuerySyntaxError(f"'{tok.kind}' with nothing before it", tok.pos)


class _Nesting:
    """Bounds recursion so a hostile query cannot exhaust the stack."""

    def __init__(self, parser: _Parser, tok: _Token) -> None:
        self.parser, self.tok = parser, tok

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"query nested more than {MAX_DEPTH} levels deep", self.tok.pos)

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1


def _flatten(kind: type[And | Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def parse(text: str) -> Query:
    """Parse a listening query; raises QuerySyntaxError pointing at the offending character."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    return Query(text, _Parser(_tokenize(text)).parse())


# --------------------------------------------------------------------------------------------------
# Matching


@dataclass(frozen=True)
class Matchable:
    """What a query is matched against: a message and a little about where it comes from."""

    text: str
    lang: str | None
    platform: str
    author_handle: str
    hashtags: tuple[str, ...] = ()  # extra tags a platform gives outside the text (optional)


@dataclass
class _Message:
    """A Matchable tokenised once, in the shapes the predicates look things up in."""

    tokens: list[str]
    words: set[str]
    prefixes: set[str]
    tags: set[str]
    mentions: set[str]
    lang: str
    platform: str
    authors: set[str]
    _positions: dict[str, list[int]] | None = field(default=None)

    @classmethod
    def of(cls, item: Matchable, plan: _PrefixPlan) -> _Message:
        text = item.text
        tokens = words(text)
        unique = set(tokens)
        tags = {fold(t) for t in _HASHTAG.findall(text)} if "#" in text else set()
        tags.update(fold(t).lstrip("#") for t in item.hashtags)
        mentions: set[str] = set()
        if "@" in text:
            for handle in _MENTION.findall(text):
                mentions |= _handle_forms(handle)
        prefixes = plan.prefixes_of(unique) if plan else set()
        lang = fold(item.lang).replace("_", "-").split("-", 1)[0] if item.lang else ""
        return cls(
            tokens,
            unique,
            prefixes,
            tags,
            mentions,
            lang,
            fold(item.platform),
            _handle_forms(item.author_handle),
        )

    def positions(self, word: str) -> list[int]:
        if self._positions is None:
            index: dict[str, list[int]] = {}
            for i, tok in enumerate(self.tokens):
                index.setdefault(tok, []).append(i)
            self._positions = index
        return self._positions.get(word, [])

    def has_phrase(self, phrase: tuple[str, ...]) -> bool:
        n = len(phrase)
        return any(tuple(self.tokens[i : i + n]) == phrase for i in self.positions(phrase[0]))


class _PrefixPlan:
    """Which wildcard prefixes (`pizz*`) each word of a message carries.

    `stems` holds every beginning (3 letters or more) of every wildcard prefix, like the paths of
    a trie: a word is walked letter by letter only while it stays on such a path, so most words
    cost one set lookup however many wildcards the queries use.
    """

    def __init__(self, prefixes: Iterable[str] = ()) -> None:
        self.known = frozenset(prefixes)
        self.short = frozenset(p for p in self.known if len(p) < 3)
        self.stems = frozenset(p[:n] for p in self.known for n in range(3, len(p) + 1))

    def __bool__(self) -> bool:
        return bool(self.known)

    def prefixes_of(self, unique_words: set[str]) -> set[str]:
        known, short, stems = self.known, self.short, self.stems
        found = {w[:2] for w in unique_words if w[:2] in short} if short else set()
        for w in [w for w in unique_words if w[:3] in stems]:
            n = 3
            while n <= len(w) and (stem := w[:n]) in stems:
                if stem in known:
                    found.add(stem)
                n += 1
        return found


Predicate = Callable[[_Message], bool]


def _compile(node: Node) -> Predicate:
    """A closure evaluating `node` on a tokenised message."""
    if isinstance(node, Term):
        word = node.word
        if node.prefix:
            return lambda m: word in m.prefixes
        return lambda m: word in m.words
    if isinstance(node, Phrase):
        return _compile_phrase(node.words)
    if isinstance(node, Hashtag):
        tag = node.tag
        return lambda m: tag in m.tags
    if isinstance(node, Mention):
        handle = node.handle
        return lambda m: handle in m.mentions
    if isinstance(node, Field):
        return _compile_field(node)
    if isinstance(node, Not):
        inner = _compile(node.child)
        return lambda m: not inner(m)
    parts = [_compile(c) for c in _cheap_first(node.children)]
    return _all_of(parts) if isinstance(node, And) else _any_of(parts)


def _all_of(parts: list[Predicate]) -> Predicate:
    # Two or three parts (the common case) get a direct closure, cheaper than all() over a
    # generator; long flat lists ("a b c d …", up to the query length limit) must not nest.
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda m: a(m) and b(m)
    if len(parts) == 3:
        a, b, c = parts
        return lambda m: a(m) and b(m) and c(m)
    return lambda m: all(p(m) for p in parts)


def _any_of(parts: list[Predicate]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda m: a(m) or b(m)
    if len(parts) == 3:
        a, b, c = parts
        return lambda m: a(m) or b(m) or c(m)
    return lambda m: any(p(m) for p in parts)


def _compile_phrase(phrase: tuple[str, ...]) -> Predicate:
    if len(phrase) == 1:
        word = phrase[0]
        return lambda m: word in m.words
    needed = set(phrase)
    return lambda m: needed <= m.words and m.has_phrase(phrase)


def _compile_field(node: Field) -> Predicate:
    value = node.value
    if node.name == "lang":
        primary = value.split("-", 1)[0]
        return lambda m: m.lang == primary
    if node.name == "platform":
        return lambda m: m.platform == value
    return lambda m: value in m.authors


def _cheap_first(children: tuple[Node, ...]) -> list[Node]:
    """Evaluate set look-ups before phrases and sub-trees so all()/any() stop early."""
    return sorted(
        children,
        key=lambda c: (
            0
            if isinstance(c, Term | Hashtag | Mention | Field)
            else 1
            if isinstance(c, Phrase)
            else 2
        ),
    )


def _prefixes(node: Node) -> set[str]:
    if isinstance(node, Term):
        return {node.word} if node.prefix else set()
    if isinstance(node, Not):
        return _prefixes(node.child)
    if isinstance(node, And | Or):
        return set().union(*(_prefixes(c) for c in node.children))
    return set()


# --------------------------------------------------------------------------------------------------
# Index: for each query, a set of keys at least one of which any matching message must contain.

Key = tuple[str, str]  # ("w", word) | ("p", prefix) | ("#", tag) | ("@", handle) | (field, value)

# Cost of relying on a key to filter, a guess at how many messages carry it: field values (lang:fr)
# are shared by many messages, hashtags and handles are rare, short words and function words are
# common (Zipf). For each AND, the planner indexes the child whose keys cost least.
_KEY_COST = {
    "w": 1.0,
    "#": 1.0,
    "@": 1.0,
    "p": 3.0,
    "author": 1.0,
    "lang": 500.0,
    "platform": 500.0,
}
_COMMON_WORDS_TEXT = """
    a an and are as at be but by for from have i in is it my not of on or so that the this
    to was we with you your au aux avec ce de des du elle en est et il je la le les mais ne
    on ou pas pour que qui sur un une vous
    """
_COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


def _key_cost(key: Key) -> float:
    kind, value = key
    if kind != "w":
        return _KEY_COST[kind]
    return 100.0 if value in _COMMON_WORDS else 1.0 + 6.0 / max(1, len(value))


def required_keys(node: Node) -> frozenset[Key] | None:
    """Keys covering every match of `node`, or None if no finite cover exists (e.g. NOT x)."""
    if isinstance(node, Term):
        return frozenset({("p" if node.prefix else "w", node.word)})
    if isinstance(node, Phrase):
        return frozenset({("w", min(node.words, key=lambda w: _key_cost(("w", w))))})
    if isinstance(node, Hashtag):
        return frozenset({("#", node.tag)})
    if isinstance(node, Mention):
        return frozenset({("@", node.handle)})
    if isinstance(node, Field):
        value = node.value.split("-", 1)[0] if node.name == "lang" else node.value
        return frozenset({(node.name, value)})
    if isinstance(node, Not):
        return None
    covers = [required_keys(c) for c in node.children]
    if isinstance(node, Or):
        if any(c is None for c in covers):
            return None
        return frozenset().union(*covers)  # type: ignore[arg-type]
    usable = [c for c in covers if c is not None]
    if not usable:
        return None
    return min(usable, key=lambda keys: sum(_key_cost(k) for k in keys))


class QuerySet:
    """Many queries compiled once, matched against batches of messages.

    Queries that do not parse are left out and reported in `errors` (query id -> error), so one
    broken saved query never stops the others from matching.
    """

    def __init__(self, queries: Mapping[str, str | Query]) -> None:
        self.errors: dict[str, QuerySyntaxError] = {}
        self.queries: dict[str, Query] = {}
        for query_id, source in queries.items():
            try:
                self.queries[query_id] = source if isinstance(source, Query) else parse(source)
            except QuerySyntaxError as exc:
                self.errors[query_id] = exc
        self._ids = list(self.queries)
        self._predicates = [_compile(q.root) for q in self.queries.values()]
        self._index: dict[str, dict[str, list[int]]] = {k: {} for k in _KEY_COST}
        self._always: list[int] = []
        prefixes: set[str] = set()
        for n, query in enumerate(self.queries.values()):
            prefixes |= _prefixes(query.root)
            self._add_to_index(n, query.root)
        self._plan = _PrefixPlan(prefixes)

    def _add_to_index(self, n: int, root: Node) -> None:
        keys = required_keys(root)
        if keys is None:
            self._always.append(n)
            return
        for kind, value in keys:
            self._index[kind].setdefault(value, []).append(n)

    def __len__(self) -> int:
        return len(self._ids)

    def match(self, item: Matchable) -> set[str]:
        """Ids of the queries matching `item`."""
        message = self._message(item)
        ids, predicates = self._ids, self._predicates
        return {ids[n] for n in self._candidates(message) if predicates[n](message)}

    def match_batch(self, items: Sequence[Matchable]) -> list[set[str]]:
        """For each item, in order, the ids of the queries matching it."""
        return [self.match(item) for item in items]

    def _message(self, item: Matchable) -> _Message:
        return _Message.of(item, self._plan)

    def _candidates(self, m: _Message) -> set[int]:
        index = self._index
        found: set[int] = set(self._always)
        for kind, values in (
            ("w", m.words),
            ("p", m.prefixes),
            ("#", m.tags),
            ("@", m.mentions),
            ("author", m.authors),
        ):
            table = index[kind]
            if table:
                for value in values:
                    hits = table.get(value)
                    if hits:
                        found.update(hits)
        for kind, value in (("lang", m.lang), ("platform", m.platform)):
            hits = index[kind].get(value)
            if hits:
                found.update(hits)
        return found
