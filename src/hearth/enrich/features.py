"""One feature-hashing pass per batch, shared by every learnt head.

Each message becomes a sparse row of hashed features: character 1-4-grams of the normalised text
(computed for the whole batch at once in numpy), word unigrams and bigrams, negation-scoped words,
and a few rule features (lexicon polarity, emoji, elongation, stop words per language...). The
same function builds the training matrices, so training and inference cannot drift apart.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from hearth.enrich import lexicon as lx
from hearth.enrich.text import ELONG_RE, Token, fold, normalize_batch, tokenize, words_of

N_BITS = 18
N_FEATURES = 1 << N_BITS
CHAR_NGRAMS = (1, 2, 3, 4)
NEGATION_SCOPE = 4
CHAR_WEIGHT = 1.0
WORD_WEIGHT = 1.0
RULE_WEIGHT = 0.5
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - N_BITS)

_POS_PHRASES = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, lx.POSITIVE_PHRASES)) + r")(?!\w)")
_NEG_PHRASES = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, lx.NEGATIVE_PHRASES)) + r")(?!\w)")


# The longest token of every phrase: a text without any of them cannot contain a phrase.
_PHRASE_KEYS = frozenset(
    max(words_of(p), key=len) for p in lx.POSITIVE_PHRASES + lx.NEGATIVE_PHRASES
)


@dataclass(slots=True)
class Doc:
    """A message after normalisation: what the rules and the featuriser both read."""

    text: str
    norm: str
    words: list[str]
    negated: list[bool]
    _tokens: list[Token] | None = None
    _fold: str | None = None
    _wordset: frozenset[str] | None = None

    @property
    def fold(self) -> str:
        """The normalised text without accents (same length), for rule patterns."""
        if self._fold is None:
            self._fold = fold(self.norm)
        return self._fold

    @property
    def wordset(self) -> frozenset[str]:
        """The accent-free words, to skip rule families whose trigger words are absent."""
        if self._wordset is None:
            words = set(self.words)
            if not self.norm.isascii():
                words |= {fold(w) for w in words}
            words |= {w[:-1] for w in words if w.endswith("'")}
            self._wordset = frozenset(words)
        return self._wordset

    @property
    def tokens(self) -> list[Token]:
        """Words with offsets into `text`, computed on first use (evidence, keywords)."""
        if self._tokens is None:
            self._tokens = tokenize(self.norm)
        return self._tokens


_hash_cache: dict[str, int] = {}


def _word_hash(word: str) -> int:
    h = _hash_cache.get(word)
    if h is None:
        if len(_hash_cache) > 500_000:
            _hash_cache.clear()
        h = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        _hash_cache[word] = h
    return h


def negation_scope(words: list[str]) -> list[bool]:
    """True for words within a few tokens after a negator ("pas terrible", "not bad")."""
    out = [False] * len(words)
    left = 0
    for i, word in enumerate(words):
        if word in lx.NEGATION_BREAKERS:
            left = 0
        elif word in lx.NEGATORS or word.endswith("n't"):
            left = NEGATION_SCOPE
        elif left:
            out[i] = True
            left -= 1
    return out


_STARRED = re.compile(r"(?<![\w*])[a-z]+\*+[a-z]*(?![\w*])|(?<![\w*])\*+[a-z]+(?![\w*])")
_OFFENSIVE_WORDS = lx.PROFANITY | lx.INSULTS | lx.SLURS | lx.DEHUMANISING
_STAR_LETTERS = "aeiouck"


def _unstar(match: re.Match[str]) -> str:
    """'sc*m' -> 'scum', 'f**k' -> 'fuck' when exactly one offensive word fits the stars."""
    word = match.group(0)
    if word.count("*") > 3:
        return word
    pattern = re.compile("^" + word.replace("*", f"[{_STAR_LETTERS}]") + "$")
    fits = [w for w in _OFFENSIVE_WORDS if len(w) == len(word) and pattern.match(w)]
    return fits[0] if len(set(fits)) == 1 else word


def analyse(texts: list[str]) -> list[Doc]:
    """Normalise and tokenise a batch."""
    norms = normalize_batch(texts)
    norms = [_STARRED.sub(_unstar, n) if "*" in n else n for n in norms]
    docs = []
    for text, norm in zip(texts, norms, strict=True):
        words = words_of(norm)
        docs.append(Doc(text, norm, words, negation_scope(words)))
    return docs


def _build_static_features() -> dict[str, tuple[str, ...]]:
    """word -> rule features that do not depend on context (category, stop-word language)."""
    table: dict[str, list[str]] = {}
    lists = {
        "_prof": lx.PROFANITY,
        "_insult": lx.INSULTS,
        "_slur": lx.SLURS,
        "_group": lx.GROUPS,
        "_2p": lx.SECOND_PERSON,
        "_dehum": lx.DEHUMANISING,
        "_hatev": lx.HATE_VERBS,
    }
    for lang, words in lx.STOPWORDS.items():
        lists["_sw_" + lang] = words
    for name, words in lists.items():
        for w in words:
            table.setdefault(w, []).append(name)
            table.setdefault("#" + w, []).append(name)
    for e in lx.POSITIVE_EMOJI:
        table.setdefault(e, []).append("_emo_pos")
    for e in lx.NEGATIVE_EMOJI:
        table.setdefault(e, []).append("_emo_neg")
    return {w: tuple(v) for w, v in table.items()}


_STATIC = _build_static_features()
_POLARITY = {**{w: 1 for w in lx.NEGATIVE}, **{w: 2 for w in lx.POSITIVE}}
_POLARITY.update({"#" + w: p for w, p in list(_POLARITY.items())})
# (polarity, negated, intensified) -> feature; a negated negative is only weakly positive.
_POLAR_FEATS = {
    (2, False, False): ("_lex_pos",),
    (2, False, True): ("_lex_pos", "_lex_pos_int"),
    (2, True, False): ("_lex_neg",),
    (2, True, True): ("_lex_neg", "_lex_neg_int"),
    (1, False, False): ("_lex_neg",),
    (1, False, True): ("_lex_neg", "_lex_neg_int"),
    (1, True, False): ("_lex_pos_weak",),
    (1, True, True): ("_lex_pos_weak",),
}


def _lexicon_features(doc: Doc) -> list[str]:
    """Rule features: polarity (flipped under negation), emoji, style, stop-word language votes."""
    feats: list[str] = []
    prev = ""
    static, polarity, intens = _STATIC, _POLARITY, lx.INTENSIFIERS
    for w, neg in zip(doc.words, doc.negated, strict=True):
        f = static.get(w)
        if f:
            feats.extend(f)
        p = polarity.get(w)
        if p:
            feats.extend(_POLAR_FEATS[(p, neg, prev in intens)])
        prev = w
    if ELONG_RE.search(doc.norm):
        feats.append("_elong")
    if not doc.wordset.isdisjoint(_PHRASE_KEYS):
        padded = " " + doc.norm + " "
        feats.extend("_phrase_pos" for _ in _POS_PHRASES.finditer(padded))
        feats.extend("_phrase_neg" for _ in _NEG_PHRASES.finditer(padded))
    if "!" in doc.text:
        feats.append("_excl")
    if "?" in doc.text:
        feats.append("_quest")
    return feats


def word_column(word: str) -> int:
    """The feature column of a word unigram (to read a head's weight for it: evidence)."""
    return ((_word_hash(word) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> (64 - N_BITS)


def _word_features(doc: Doc) -> list[int]:
    """Hashed word unigrams, bigrams and negated unigrams of one message."""
    hashes = [_word_hash(w) for w in doc.words]
    out = hashes[:]
    out.extend(((a * 1_000_003) ^ b) & 0xFFFFFFFF for a, b in zip(hashes, hashes[1:], strict=False))
    out.extend(_word_hash("!" + w) for w, n in zip(doc.words, doc.negated, strict=True) if n)
    return out


def _rule_features(doc: Doc) -> list[int]:
    return [_word_hash(f) for f in _lexicon_features(doc)]


def _char_ngrams(norms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of every character n-gram of the batch, computed without a Python loop."""
    joined = "\n".join(" " + n + " " for n in norms)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 10
    doc_of = np.cumsum(is_sep)
    seps = np.concatenate(([0], np.cumsum(is_sep)))
    rows, cols = [], []
    length = len(codes)
    for n in CHAR_NGRAMS:
        m = length - n + 1
        if m <= 0:
            continue
        valid = (seps[n : n + m] - seps[:m]) == 0
        h = np.full(m, np.uint64(n * 0x9E3779B1), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(n):
                h = (h ^ codes[k : k + m]) * _PRIME
            h = (h * _MIX) >> _SHIFT
        rows.append(doc_of[:m][valid])
        cols.append(h[valid])
    return np.concatenate(rows), np.concatenate(cols)


def _block(rows: np.ndarray, cols: np.ndarray, n_rows: int, normalise: bool) -> sparse.csr_matrix:
    """Counts -> log(1 + count), optionally scaled to unit L2 norm per row."""
    data = np.ones(len(rows), dtype=np.float32)
    x = sparse.csr_matrix((data, (rows, cols.astype(np.int64))), shape=(n_rows, N_FEATURES))
    x.sum_duplicates()
    np.log1p(x.data, out=x.data)
    if normalise:
        per_row = np.diff(x.indptr)
        norms = np.sqrt(
            np.bincount(
                np.repeat(np.arange(n_rows), per_row),
                weights=x.data.astype(np.float64) ** 2,
                minlength=n_rows,
            )
        )
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, per_row).astype(np.float32)
    return x


def _hashed_block(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    lens = np.fromiter((len(w) for w in lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists), dtype=np.int64), lens)
    flat = [h for ws in lists for h in ws]
    if not flat:
        return rows, np.zeros(0, np.uint64)
    return rows, (np.asarray(flat, dtype=np.uint64) * _MIX) >> _SHIFT


def featurize(docs: list[Doc]) -> sparse.csr_matrix:
    """The hashed feature matrix (len(docs) x N_FEATURES).

    Three blocks, each weighted on its own so that the ~300 character n-grams of a tweet do
    not drown its 20 words and its few rule features: characters and words are L2-normalised
    per row, rule features keep a fixed weight per occurrence.
    """
    n = len(docs)
    crow, ccol = _char_ngrams([d.norm for d in docs])
    x = _block(crow, ccol, n, True) * CHAR_WEIGHT
    wrow, wcol = _hashed_block([_word_features(d) for d in docs])
    x = x + _block(wrow, wcol, n, True) * WORD_WEIGHT
    rrow, rcol = _hashed_block([_rule_features(d) for d in docs])
    x = x + _block(rrow, rcol, n, False) * RULE_WEIGHT
    return x.tocsr()
