"""Reply suggestions from a workspace's knowledge base, and saved-reply variables.

Two signals rank an item for an incoming message:

- **BM25 on words**: accents folded, FR/EN stop words dropped, a light suffix stemmer, a small
  table of customer-service concepts ("colis", "parcel", "livraison" all mean *delivery*), and
  unknown words mapped to the closest known word so a typo still finds its term;
- **TF-IDF on character n-grams** (3 to 5 characters inside words), which forgives typos and
  word forms the stemmer misses.

The index is built once per knowledge base (`SuggestionIndex(items)`) and is pure: no database,
no network. Items in the message's language come first; other languages are offered only when
nothing in the message's language matches.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

from hearth.inbox.voice import fold_text
from hearth.kit.errors import ValidationFailedError

Source = Literal["faq", "past_reply"]

# --------------------------------------------------------------------------------------------------
# Words

# fmt: off
_STOP_EN = """
a about above after again against all am an and any are aren as at be because been before being
below between both but by can cannot could couldn did didn do does doesn doing don down during
each few for from further had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just let me more most my myself no nor not now
of off on once only or other ought our ours ourselves out over own same shan she should shouldn
so some such than that the their theirs them themselves then there these they this those through
to too under until up very was wasn we were weren what when where which while who whom why will
with won would wouldn you your yours yourself yourselves hi hello thanks thank please hey dear
ll ve re s t d m get got still yet already also just really ok okay would like want wanted
"""
_STOP_FR = """
a ai aie aient aies ait alors as au aucun aucune aussi autre aux avais avait avant avec avez
avions avoir avons ayant bonjour bonsoir c ca car ce ceci cela celle celles celui cependant ces
cet cette ceux chaque chez ci comme comment d dans de des deja depuis donc dont du elle elles en
encore es est et etaient etais etait etant ete etes etre eu eux fait fais faire fois font hors
il ils j je jusqu l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre
nous on ont ou où par pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui
quoi s sa sans se ses si sien son sont sous suis sur t ta te tes toi ton tous tout toute toutes
tres tu un une vos votre vous y merci svp stp salut coucou cordialement bien toujours rien
voudrais voudrait veux veut aimerais faut
"""
# fmt: on
STOP_WORDS: frozenset[str] = frozenset(_STOP_EN.split()) | frozenset(_STOP_FR.split())

# Longest first; a suffix is removed only if at least four characters remain.
_SUFFIX_TEXT = """
issements issement ements ement ations ation ateurs ateur atrices atrice aisons aison ances
ance ences ence ables able ibles ible euses euse eux antes ante ants ant ees ee es e er ez ent
ions ion ons ait aient ir is it iques ique ies ied ing ings ed ers ly ness ments ment y s x
"""
_SUFFIXES = sorted(_SUFFIX_TEXT.split(), key=len, reverse=True)


def stem(word: str) -> str:
    """A deliberately light stemmer for folded FR/EN words: 'livraisons' -> 'livr'."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# Generic customer-service topics, in both languages; a concept token joins paraphrases
# ("my parcel never came" / "delivery") and even the two languages.
_CONCEPTS = {
    "delivery": "delivery deliver delivered shipping shipped shipment parcel package courier "
    "tracking arrive arrived arrival livraison livrer livre colis arriver arrive recu recevoir "
    "transporteur expedition expedie envoi",
    "delay": "late delay delayed overdue slow waiting wait retard retarde attente attendre "
    "attends lent tard",
    "refund": "refund refunded money reimburse reimbursed reimbursement repay compensation "
    "rembourser remboursement rembourse dedommagement avoir",
    "return": "return returned exchange retour retourner renvoyer echanger echange",
    "missing": "missing lost absent incomplete lacking forgot manquant manquante manque manquer "
    "perdu perdue incomplet oublie",
    "instructions": "instructions instruction manual booklet leaflet guide tutorial notice "
    "livret plan montage monter manuel emploi tuto assemble assembly build",
    "allergen": "allergen allergens allergy allergic gluten nut nuts peanut lactose dairy celiac "
    "allergene allergie allergique arachide arachides noix coeliaque",
    "damaged": "broken damaged cracked crushed casse cassee abime abimee endommage ecrase",
    "piece": "piece pieces part parts brick bricks block blocks brique briques element",
}
_CONCEPT_OF: dict[str, str] = {
    stem(word): concept for concept, words in _CONCEPTS.items() for word in words.split()
}

_TOKEN_RE = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """Folded, stemmed, stop-word-free words of `text`."""
    return [
        stem(w)
        for w in _TOKEN_RE.findall(fold_text(text))
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]


def _with_concepts(words: Iterable[str]) -> list[str]:
    out = []
    for w in words:
        out.append(w)
        if w in _CONCEPT_OF:
            out.append("~" + _CONCEPT_OF[w])
    return out


# --------------------------------------------------------------------------------------------------
# Items and results


@dataclass(frozen=True)
class KnowledgeItem:
    """An FAQ entry or a past reply marked good, in one language."""

    id: str
    question_or_title: str
    answer: str
    lang: str
    tags: tuple[str, ...] = ()
    source: Source = "faq"


@dataclass(frozen=True)
class Suggestion:
    """A ranked item; `score` is in [0, 1]; `why` / `why_fr` explain the match to the agent."""

    item: KnowledgeItem
    score: float
    why: str
    why_fr: str = ""
    matched: tuple[str, ...] = field(default=())

    def explain(self, locale: str = "en") -> str:
        return self.why_fr if locale.lower().startswith("fr") and self.why_fr else self.why


# --------------------------------------------------------------------------------------------------
# The index

_K1, _B = 1.2, 0.75
_TITLE_WEIGHT = 2  # the question says what an item is about; its answer says much else too
_WORD_SHARE = 0.65  # of the final score; the rest is character n-gram similarity
_PAST_REPLY_FACTOR = 0.95  # curated FAQ entries win ties over past replies
# BM25 saturates at idf * (k1 + 1) per term; an item that has a term a few times in its
# question already reaches about half of that, which we call a full match.
_STRONG_MATCH = 0.5
MIN_SCORE = 0.11  # on the test FAQ: paraphrased questions score ≥ 0.117, chit-chat ≤ 0.093
_MAX_MESSAGE_CHARS = 5000  # a long e-mail thread says what it is about in its first pages


def _item_terms(item: KnowledgeItem) -> list[str]:
    title = terms(item.question_or_title) + terms(" ".join(item.tags))
    return _with_concepts(title * _TITLE_WEIGHT + terms(item.answer))


def _item_chars(item: KnowledgeItem) -> str:
    title = f"{item.question_or_title} {' '.join(item.tags)}"
    return " ".join(_plain_words(f"{title} {title} {item.answer}"))


def _plain_words(text: str) -> list[str]:
    return [w for w in _TOKEN_RE.findall(fold_text(text)) if w not in STOP_WORDS]


def _gram_counts(text: str) -> dict[str, int]:
    """Character 3- to 5-grams inside words padded with a space, so word edges count."""
    counts: dict[str, int] = {}
    for word in _plain_words(text):
        padded = f" {word} "
        for n in (3, 4, 5):
            for i in range(max(len(padded) - n + 1, 1)):
                gram = padded[i : i + n]
                counts[gram] = counts.get(gram, 0) + 1
    return counts


def _l2_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ matrix)


class SuggestionIndex:
    """Knowledge items indexed for `suggest`; build once, query many times (read-only)."""

    def __init__(self, items: Sequence[KnowledgeItem]) -> None:
        ids = [i.id for i in items]
        if len(set(ids)) != len(ids):
            raise ValidationFailedError("Knowledge items must have distinct ids.")
        self.items: tuple[KnowledgeItem, ...] = tuple(items)
        self._langs = np.array([i.lang for i in self.items], dtype=object)
        self._factor = np.array(
            [_PAST_REPLY_FACTOR if i.source == "past_reply" else 1.0 for i in self.items]
        )
        self._build_words([_item_terms(i) for i in self.items])
        self._build_chars([_item_chars(i) for i in self.items])

    def __len__(self) -> int:
        return len(self.items)

    def _build_words(self, docs: list[list[str]]) -> None:
        vocab: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        for d, doc in enumerate(docs):
            counts: dict[str, int] = {}
            for t in doc:
                counts[t] = counts.get(t, 0) + 1
            for t, c in counts.items():
                rows.append(d)
                cols.append(vocab.setdefault(t, len(vocab)))
                tfs.append(c)
        n = max(len(docs), 1)
        tf = np.array(tfs, dtype=float)
        df = np.bincount(np.array(cols, dtype=int), minlength=len(vocab)).astype(float)
        self._idf = np.log1p((n - df + 0.5) / (df + 0.5))
        lengths = np.array([len(doc) for doc in docs], dtype=float)
        norm = 1 - _B + _B * lengths / max(float(lengths.mean()) if len(docs) else 1.0, 1.0)
        weight = self._idf[cols] * tf * (_K1 + 1) / (tf + _K1 * norm[rows])
        self._bm25 = sparse.csr_matrix((weight, (rows, cols)), shape=(len(docs), len(vocab)))
        self._vocab = vocab
        self._by_initial: dict[str, list[str]] = {}
        for word in vocab:
            if not word.startswith("~") and len(word) >= 5:
                self._by_initial.setdefault(word[0], []).append(word)

    def _build_chars(self, docs: list[str]) -> None:
        grams: dict[str, int] = {}
        rows, cols, counts = [], [], []
        for d, doc in enumerate(docs):
            for gram, count in _gram_counts(doc).items():
                rows.append(d)
                cols.append(grams.setdefault(gram, len(grams)))
                counts.append(count)
        df = np.bincount(np.array(cols, dtype=int), minlength=len(grams)).astype(float)
        self._gram_idf = np.log((1 + len(docs)) / (1 + df)) + 1
        weight = (1 + np.log(np.array(counts, dtype=float))) * self._gram_idf[cols]
        matrix = sparse.csr_matrix((weight, (rows, cols)), shape=(len(docs), len(grams)))
        self._char_matrix = _l2_rows(matrix)
        self._grams = grams

    # -- querying

    def _correct(self, word: str) -> str | None:
        """The known word a misspelt `word` most likely meant ('livrasion' -> 'livr')."""
        # Short stems are too easy to confuse ("poss" is not "post"); leave them to n-grams.
        if word in self._vocab or len(word) < 5 or not word.isalpha():
            return None
        close = difflib.get_close_matches(word, self._by_initial.get(word[0], ()), n=1, cutoff=0.72)
        return close[0] if close else None

    def _query_terms(self, message: str) -> tuple[list[str], dict[str, str], list[tuple[str, str]]]:
        """Query terms, the surface word behind each term, and the typo fixes applied."""
        surface: dict[str, str] = {}
        fixes: list[tuple[str, str]] = []
        out: list[str] = []
        for m in _TOKEN_RE.finditer(message):
            raw = m.group()
            word = fold_text(raw)
            if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
                continue
            term = stem(word)
            fixed = self._correct(term)
            if fixed is not None:
                fixes.append((raw, fixed))
                term = fixed
            surface.setdefault(term, raw)
            out.append(term)
        return _with_concepts(out), surface, fixes

    def _word_scores(self, query: list[str]) -> np.ndarray:
        unique = set(query)
        cols = [self._vocab[t] for t in unique if t in self._vocab]
        if not cols or not len(self.items):
            return np.zeros(len(self.items))
        # Normalise by what a perfect item could score on this query, unknown words included
        # (at the rarest idf), so a long message that shares one word with an item scores low.
        max_idf = float(self._idf.max())
        best = sum(
            float(self._idf[self._vocab[t]]) if t in self._vocab else max_idf for t in unique
        )
        raw = np.asarray(self._bm25[:, cols].sum(axis=1)).ravel()
        return np.minimum(raw / ((_K1 + 1) * best * _STRONG_MATCH), 1.0)

    def _char_scores(self, message: str) -> np.ndarray:
        counts = _gram_counts(message)
        known = [(self._grams[g], c) for g, c in counts.items() if g in self._grams]
        if not known:
            return np.zeros(len(self.items))
        cols = np.array([c for c, _ in known])
        q = (1 + np.log(np.array([n for _, n in known], dtype=float))) * self._gram_idf[cols]
        # Grams no item has still belong to the message: they count in its norm (at the idf of
        # a gram seen nowhere), so a long message about something else is not a close match.
        unseen_idf = np.log(1 + len(self.items)) + 1
        unseen = [(1 + np.log(c)) * unseen_idf for g, c in counts.items() if g not in self._grams]
        norm = np.sqrt(float(q @ q) + sum(w * w for w in unseen))
        return np.asarray(self._char_matrix[:, cols] @ (q / norm)).ravel()

    def scores(self, message: str) -> np.ndarray:
        """The score of every item for `message`, in item order (for evaluation and tuning)."""
        text = message[:_MAX_MESSAGE_CHARS]
        return self._combined(text, self._query_terms(text)[0])

    def _combined(self, text: str, query: list[str]) -> np.ndarray:
        words = self._word_scores(query)
        chars = self._char_scores(text)
        return (_WORD_SHARE * words + (1 - _WORD_SHARE) * chars) * self._factor

    def suggest(
        self, message: str, *, lang: str | None, k: int = 3, min_score: float = MIN_SCORE
    ) -> list[Suggestion]:
        """The `k` best items for `message`, in its language when anything there matches."""
        if not self.items or not message.strip() or k <= 0:
            return []
        text = message[:_MAX_MESSAGE_CHARS]
        query, surface, fixes = self._query_terms(text)
        scores = self._combined(text, query)
        good = scores >= min_score
        same = good & (self._langs == lang) if lang else good
        chosen = np.flatnonzero(same if same.any() else good)
        ranked = chosen[np.argsort(-scores[chosen], kind="stable")][:k]
        return [self._suggestion(int(i), float(scores[i]), query, surface, fixes) for i in ranked]

    def _suggestion(
        self,
        index: int,
        score: float,
        query: list[str],
        surface: dict[str, str],
        fixes: list[tuple[str, str]],
    ) -> Suggestion:
        row = self._bm25.getrow(index)
        present = {int(c): float(w) for c, w in zip(row.indices, row.data, strict=True)}
        hits = sorted(
            {t for t in query if self._vocab.get(t, -1) in present},
            key=lambda t: -present[self._vocab[t]],
        )
        words = [surface[t] for t in hits if not t.startswith("~") and t in surface][:4]
        topics = [t[1:] for t in hits if t.startswith("~")][:2]
        fixed = [raw for raw, term in fixes if term in hits][:2]
        return Suggestion(
            item=self.items[index],
            score=round(min(score, 1.0), 4),
            why=_why_en(words, topics, fixed, self.items[index].source),
            why_fr=_why_fr(words, topics, fixed, self.items[index].source),
            matched=tuple(words),
        )


def _why_en(words: list[str], topics: list[str], fixed: list[str], source: Source) -> str:
    parts = []
    if words:
        parts.append("shares the words " + ", ".join(f"« {w} »" for w in words))
    if topics:
        parts.append("same topic: " + ", ".join(topics))
    if fixed:
        parts.append("matched by spelling: " + ", ".join(f"« {w} »" for w in fixed))
    if not parts:
        parts.append("close wording")
    kind = "FAQ" if source == "faq" else "Past reply"
    return f"{kind}: " + "; ".join(parts) + "."


_TOPIC_FR = {
    "delivery": "livraison",
    "delay": "retard",
    "refund": "remboursement",
    "return": "retour",
    "missing": "élément manquant",
    "instructions": "notice",
    "allergen": "allergènes",
    "damaged": "produit abîmé",
    "piece": "pièces",
}


def _why_fr(words: list[str], topics: list[str], fixed: list[str], source: Source) -> str:
    parts = []
    if words:
        parts.append("mots en commun " + ", ".join(f"« {w} »" for w in words))
    if topics:
        parts.append("même sujet : " + ", ".join(_TOPIC_FR.get(t, t) for t in topics))
    if fixed:
        parts.append("rapproché par l'orthographe : " + ", ".join(f"« {w} »" for w in fixed))
    if not parts:
        parts.append("formulation proche")
    kind = "FAQ" if source == "faq" else "Réponse passée"
    return f"{kind} : " + " ; ".join(parts) + "."


def suggest(
    index: SuggestionIndex, message: str, *, lang: str | None, k: int = 3
) -> list[Suggestion]:
    """Module-level form of `SuggestionIndex.suggest`."""
    return index.suggest(message, lang=lang, k=k)


# --------------------------------------------------------------------------------------------------
# Saved replies with variables


class TemplateError(ValidationFailedError):
    """The saved reply's placeholders are not valid."""

    code = "inbox.template_invalid"


_TEMPLATE_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _parse(template: str) -> Iterable[tuple[int, int, str | None, str]]:
    """(start, end, placeholder name or None, literal text) for each brace construct."""
    for m in _TEMPLATE_RE.finditer(template):
        tok = m.group()
        if tok in ("{{", "}}"):
            yield m.start(), m.end(), None, tok[0]
        elif m.group(1) is not None:
            name = m.group(1).strip()
            if not _NAME_RE.fullmatch(name):
                raise TemplateError(
                    f"« {tok} » at character {m.start() + 1} is not a valid placeholder: "
                    "use letters, digits and _ (e.g. {first_name})."
                )
            yield m.start(), m.end(), name, tok
        else:
            raise TemplateError(
                f"Unmatched « {tok} » at character {m.start() + 1}; "
                f"write « {tok}{tok} » for a literal brace."
            )


def placeholders(template: str) -> list[str]:
    """The placeholder names in `template`, in order, once each; raises `TemplateError`."""
    return list(dict.fromkeys(name for _, _, name, _ in _parse(template) if name))


def fill(template: str, variables: Mapping[str, object]) -> tuple[str, list[str]]:
    """Replace `{name}` placeholders; `{{` and `}}` are literal braces.

    Returns the text and the names that had no value (absent, None or blank). Those stay in the
    text as `{name}` so the agent sees what to complete before sending. Values are inserted as
    they are, never parsed again. Raises `TemplateError` on a malformed template.
    """
    out: list[str] = []
    missing: list[str] = []
    cursor = 0
    for start, end, name, literal in _parse(template):
        out.append(template[cursor:start])
        cursor = end
        value = variables.get(name) if name else None
        if name is None:
            out.append(literal)
        elif value is None or not str(value).strip():
            if name not in missing:
                missing.append(name)
            out.append(literal)
        else:
            out.append(str(value))
    out.append(template[cursor:])
    return "".join(out), missing


__all__ = [
    "MIN_SCORE",
    "STOP_WORDS",
    "KnowledgeItem",
    "Suggestion",
    "SuggestionIndex",
    "TemplateError",
    "fill",
    "placeholders",
    "stem",
    "suggest",
    "terms",
]
