"""How real people type: typos, elongations, slang, dropped accents, shouting, emojis.

Each author has a stable ``Style`` (drawn once from their id), so a given person always writes
the same way across the run: the one who never uses accents, the one who writes "trooop",
the one who ends everything with three emojis.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hearth.demo.rng import pick

_ACCENTS = str.maketrans("éèêëàâäîïôöùûüçÉÈÊÀÇ", "eeeeaaaiioouuucEEEAC")

_SLANG = {
    "fr": {
        "c'est": "c",
        "pourquoi": "pk",
        "beaucoup": "bcp",
        "quoi": "koi",
        "je suis": "chui",
        "s'il vous plaît": "svp",
        "s'il te plaît": "stp",
        "aujourd'hui": "auj",
        "quelqu'un": "qqn",
        "quelque chose": "qqch",
        "rien": "r1",
        "mais": "mé",
        "trop": "tro",
        "vraiment": "vrmt",
        "tellement": "tlm",
        "parce que": "pcq",
        "d'accord": "dac",
        "je sais pas": "jsp",
    },
    "en": {
        "you": "u",
        "are": "r",
        "please": "pls",
        "really": "rly",
        "because": "bc",
        "people": "ppl",
        "tonight": "tonite",
        "thanks": "thx",
        "I don't know": "idk",
        "to be honest": "tbh",
        "going to": "gonna",
        "want to": "wanna",
        "for real": "fr",
        "with": "w/",
        "right now": "rn",
    },
}

_SLANG_RE = {
    lang: re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True)) + r")\b"
    )
    for lang, table in _SLANG.items()
}

# Words people stretch when they feel strongly, with the letter they stretch.
_STRETCH = {
    "fr": {
        "trop": "o",
        "génial": "a",
        "super": "u",
        "non": "o",
        "grave": "a",
        "ouf": "u",
        "magnifique": "i",
        "honte": "o",
        "beau": "o",
        "bon": "o",
        "dégueu": "u",
        "enfin": "i",
    },
    "en": {
        "so": "o",
        "love": "o",
        "cool": "o",
        "sick": "i",
        "gross": "o",
        "no": "o",
        "yes": "e",
        "good": "o",
        "please": "e",
        "awesome": "e",
        "cute": "u",
        "why": "y",
    },
}

EMOJIS = {
    "positive": ("😍", "🥰", "🤩", "👍", "❤️", "🔥", "👏", "😊", "✨", "🧱", "💪", "🙌", "😁", "💯"),
    "neutral": ("🤔", "🙂", "👀", "📦", "🧐", "🤷", "📣", "ℹ️", "😅"),
    "negative": ("😡", "🤬", "🤮", "😤", "👎", "💀", "😠", "🙄", "😒", "😞", "😢", "🤢"),
}


@dataclass(frozen=True)
class Style:
    lowercase: bool
    no_accents: bool
    slang: float
    typos: float
    stretch: float
    emoji: float
    shouty: float
    exclaim: float


def style_from(rng: random.Random) -> Style:
    return Style(
        lowercase=rng.random() < 0.25,
        no_accents=rng.random() < 0.3,
        slang=pick(rng, (0.0, 0.0, 0.0, 0.3, 0.7)),
        typos=pick(rng, (0.0, 0.0, 0.02, 0.05, 0.1)),
        stretch=pick(rng, (0.0, 0.0, 0.3, 0.6)),
        emoji=pick(rng, (0.0, 0.2, 0.5, 0.8, 1.0)),
        shouty=pick(rng, (0.0, 0.0, 0.0, 0.2, 0.5)),
        exclaim=pick(rng, (0.0, 0.2, 0.5)),
    )


# A neutral style for texts written by organisations (news outlets, the brand): no mangling.
FORMAL = Style(False, False, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def roughen(text: str, lang: str, style: Style, sentiment: str, rng: random.Random) -> str:
    """Apply the author's habits to a clean rendered text."""
    if style is FORMAL:
        return text
    if style.slang and rng.random() < style.slang:
        text = _apply_slang(text, lang)
    if style.stretch and rng.random() < style.stretch:
        text = _stretch_one(text, lang, rng)
    if style.typos and rng.random() < style.typos * 10:
        text = _typo(text, rng)
    if style.no_accents and lang == "fr":
        text = text.translate(_ACCENTS)
    if (
        sentiment == "negative"
        and style.shouty
        and "http" not in text
        and rng.random() < style.shouty
    ):
        text = text.upper()
    elif style.lowercase:
        text = text.lower()
    if style.exclaim and rng.random() < style.exclaim and text.endswith(("!", "?")):
        text += text[-1] * rng.randint(1, 3)
    if style.emoji and rng.random() < style.emoji:
        text = _add_emojis(text, sentiment, rng)
    return text


def _apply_slang(text: str, lang: str) -> str:
    table = _SLANG[lang]
    return _SLANG_RE[lang].sub(lambda match: table[match.group(0)], text)


def _stretch_one(text: str, lang: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if w.lower().strip(",.!?") in _STRETCH[lang]]
    if not candidates:
        return text
    index = pick(rng, candidates)
    word = words[index]
    letter = _STRETCH[lang][word.lower().strip(",.!?")]
    at = word.lower().rfind(letter)
    if at >= 0:
        words[index] = word[: at + 1] + letter * rng.randint(2, 5) + word[at + 1 :]
    return " ".join(words)


def _typo(text: str, rng: random.Random) -> str:
    """Swap, drop or double one letter inside a word (never in a URL, handle or address)."""
    for _ in range(4):
        at = rng.randrange(1, max(2, len(text) - 2))
        left, right = text[at - 1], text[at]
        if not (left.isalpha() and right.isalpha()):
            continue
        start = text.rfind(" ", 0, at) + 1
        end = text.find(" ", at)
        word = text[start : end if end >= 0 else len(text)]
        if any(mark in word for mark in ("@", "/", "#", ".")):
            continue
        kind = rng.random()
        if kind < 0.4:
            return text[: at - 1] + right + left + text[at + 1 :]
        if kind < 0.7:
            return text[:at] + text[at + 1 :]
        return text[:at] + right + text[at:]
    return text


def _add_emojis(text: str, sentiment: str, rng: random.Random) -> str:
    pool = EMOJIS.get(sentiment, EMOJIS["neutral"])
    first = pick(rng, pool)
    count = pick(rng, (1, 1, 2, 3))
    run = first * count if rng.random() < 0.5 else "".join(pick(rng, pool) for _ in range(count))
    return f"{text} {run}"


def light_edit(text: str, rng: random.Random) -> str:
    """A copy-paste with small changes: what people do to a viral post (near-duplicate)."""
    choice = rng.random()
    if choice < 0.25:
        return text.rstrip(".!") + pick(rng, (" !!", " !", "!!!", ".", " 👇", " 🙏"))
    if choice < 0.45:
        return pick(rng, ("RT ", "Partagez : ", "⚠️ ", "Share this: ", "++ ", "")) + text
    if choice < 0.6:
        return text.lower()
    if choice < 0.8:
        return _typo(text, rng)
    return text + pick(rng, (" #boycott", " #partagez", " #share", " (via un ami)", " +1000"))
