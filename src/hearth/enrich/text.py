"""Text normalisation and tokenisation shared by every enrichment head.

The normalised text keeps the *same length* as the input, character for character, so that a
token found in it points straight back at the original text (evidence spans, keywords). That is
why URLs are blanked rather than replaced by a shorter placeholder and elongations are collapsed
per token, not in the string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

URL_RE = re.compile(r"(?:https?://|www\.)\S+|\bhttp\b", re.IGNORECASE)
HANDLE_RE = re.compile(r"(?<![\w.])@\w{1,30}")
# A word that mixes letters with leetspeak digits/symbols, e.g. "c0nn4rd", "f@gg0t", "$hit".
LEET_TOKEN_RE = re.compile(r"(?<![\w@$])(?=[\w@$!|]*[a-z])(?=[\w@$!|]*[0-9@$|])[a-z0-9@$!|]{3,}")
LEET_TABLE = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "8": "b",
        "9": "g",
    }
)
TOKEN_RE = re.compile(r"#?\w+'t\b|#?\w+'|#?\w+|[^\w\s]")
ELONG_RE = re.compile(r"(\w)\1{2,}")
SPACES_RE = re.compile(r"\s")
OTHER_SPACE_RE = re.compile(r"[^\S \x1e]")
URL_MARK = "_url"
HANDLE_MARK = "_usr"


@dataclass(slots=True)
class Token:
    """A token with its place in the original text (only built when spans are needed)."""

    text: str
    start: int
    end: int


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length (a few characters, like 'İ', grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[0] if c.lower() else c for c in text)


def _blank(match: re.Match[str], mark: str) -> str:
    width = match.end() - match.start()
    return (mark + " " * width)[:width] if width >= len(mark) else " " * width


def _deleet(match: re.Match[str]) -> str:
    word = match.group(0)
    # Pure numbers, "b2b", "mp3": leave when the digits are only at one end of a long word.
    if word.isdigit():
        return word
    return word.translate(LEET_TABLE)


# French and English words that English abuse data taught the model to fear, in the phrases where
# they are harmless ("en retard" = late, "pros and cons"). They are rewritten to a token the
# model never saw, keeping the length so every span still points into the original text.
_FALSE_FRIENDS = re.compile(
    r"\b(?:(?P<late>(?:en|du|de|d'|un|le|les|des|mon|son|ton|votre|notre|leur|au|aux|sans|avec"
    r"|quel|gros|petit|long|léger|leger|beaucoup de|peu de|trop de|jours de|heures de|minutes de"
    r"|semaines de) retard)s?|(?P<cons>pros (?:and|et|&) (?:les )?cons)"
    r"|(?P<nul>(?:c'est|c est|cest|c'etait|c'était|trop|vraiment|tellement|totalement|service"
    r"|produit|set|qualit[ée]|sav) nul(?:le)?s?))\b"
)


def _defuse(match: re.Match[str]) -> str:
    text = match.group(0)
    if match.group("late"):
        return text[:-6] + "retart" + ("" if len(text) == len(match.group("late")) else text[-1])
    if match.group("nul"):  # "c'est nul" is criticism of a thing, not abuse of a person
        at = text.rindex("nul")
        return text[:at] + "nuk" + text[at + 3 :]
    return text[:-4] + "conz"


def defuse_false_friends(low: str) -> str:
    if "retard" not in low and "cons" not in low and "nul" not in low:
        return low
    return _FALSE_FRIENDS.sub(_defuse, low)


def normalize(text: str) -> str:
    """Lower-case, blank URLs and handles, undo leetspeak; the result has len(text)."""
    text = SPACES_RE.sub(" ", text)
    low = lower_same_length(text).replace("\u2019", "'")
    low = URL_RE.sub(lambda m: _blank(m, URL_MARK), low)
    low = HANDLE_RE.sub(lambda m: _blank(m, HANDLE_MARK), low)
    if any(c in low for c in "0123456789@$!|"):
        low = LEET_TOKEN_RE.sub(_deleet, low)
    return defuse_false_friends(low)


def normalize_batch(texts: list[str]) -> list[str]:
    """`normalize` over a batch with one regex pass per rule over the joined batch."""
    joined = "\x1e".join(texts)
    if joined.count("\x1e") != max(len(texts) - 1, 0):
        joined = "\x1e".join(t.replace("\x1e", " ") for t in texts)
    low = lower_same_length(OTHER_SPACE_RE.sub(" ", joined)).replace("\u2019", "'")
    low = URL_RE.sub(lambda m: _blank(m, URL_MARK), low)
    low = HANDLE_RE.sub(lambda m: _blank(m, HANDLE_MARK), low)
    low = defuse_false_friends(LEET_TOKEN_RE.sub(_deleet, low))
    return low.split("\x1e") if texts else []


def collapse_elongation(word: str) -> str:
    """'trooooop' -> 'troop' (two letters kept so 'cool' and 'good' survive)."""
    return ELONG_RE.sub(r"\1\1", word)


def words_of(norm: str) -> list[str]:
    """Normalised tokens: '_url' and '_usr' stand for links and handles, elongations collapsed."""
    words = TOKEN_RE.findall(norm)
    if ELONG_RE.search(norm):
        words = [collapse_elongation(w) if ELONG_RE.search(w) else w for w in words]
    return words


def tokenize(norm: str) -> list[Token]:
    """Tokens with offsets, aligned one to one with `words_of(norm)`."""
    words = words_of(norm)
    return [
        Token(w, m.start(), m.end()) for w, m in zip(words, TOKEN_RE.finditer(norm), strict=False)
    ]


def strip_accents(word: str) -> str:
    """'déteste' -> 'deteste', for lexicon look-ups that must ignore missing accents."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> base letter, one character for one (keeps offsets)."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Accents removed with the same length: 'déteste' -> 'deteste'; other scripts untouched."""
    return text if text.isascii() else text.translate(_FOLD)
