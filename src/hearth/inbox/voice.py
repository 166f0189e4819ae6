"""Brand voice: a workspace's writing guide and a live checker for reply drafts.

`check_draft` runs on every (debounced) keystroke of the composer, so it is a pure function of
the draft and the guide: a handful of precompiled regular expressions over a folded copy of the
text that keeps the *same length* as the draft, so every match points straight back at the
characters the agent typed. Each warning carries a stable code, a severity ("error" blocks
sending until the agent overrides it), the spans concerned and a message in English and French
that says what is wrong and why.

Errors are kept for what would break (the network refuses the post), hurt someone (personal
data posted publicly) or what the brand explicitly banned; everything else is a warning.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from hearth.enrich.pii import find_pii
from hearth.kit.errors import ValidationFailedError

Span = tuple[int, int]
CountUnit = Literal["graphemes", "code_points"]


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FORMAL = "formal"
    PLAYFUL = "playful"
    NEUTRAL = "neutral"


class EmojiPolicy(StrEnum):
    NONE = "none"
    SPARINGLY = "sparingly"
    FREE = "free"


class Address(StrEnum):
    """How the brand addresses one customer in French."""

    TU = "tu"
    VOUS = "vous"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class VoiceGuideError(ValidationFailedError):
    """The brand voice guide is not valid."""

    code = "inbox.voice_guide_invalid"


# --------------------------------------------------------------------------------------------------
# The guide


@dataclass(frozen=True)
class VoiceGuide:
    """How a brand writes. Stored per workspace as JSON (`to_dict` / `from_dict`).

    `words_to_avoid` entries are matched as whole words, case- and accent-insensitively; a
    trailing `*` matches any ending (`rembours*`). `public_contacts` are the brand's own e-mail
    addresses and phone numbers, which may be posted publicly without a personal-data warning.
    """

    tone: Tone = Tone.NEUTRAL
    words_to_use: tuple[str, ...] = ()
    words_to_avoid: tuple[str, ...] = ()
    emoji_policy: EmojiPolicy = EmojiPolicy.SPARINGLY
    max_emoji: int = 2
    signature: str = ""
    signature_required: bool = False
    fr_address: Address | None = None
    max_exclamations: int | None = 1
    languages: tuple[str, ...] = ("fr", "en")
    public_contacts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate_guide(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that `from_dict` reads back to an equal guide."""
        return {
            "tone": str(self.tone),
            "words_to_use": list(self.words_to_use),
            "words_to_avoid": list(self.words_to_avoid),
            "emoji_policy": str(self.emoji_policy),
            "max_emoji": self.max_emoji,
            "signature": self.signature,
            "signature_required": self.signature_required,
            "fr_address": str(self.fr_address) if self.fr_address else None,
            "max_exclamations": self.max_exclamations,
            "languages": list(self.languages),
            "public_contacts": list(self.public_contacts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VoiceGuide:
        """Read a stored guide; missing keys take their defaults, anything else invalid raises."""
        if not isinstance(data, Mapping):
            raise VoiceGuideError("A voice guide must be a JSON object.")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise VoiceGuideError(f"Unknown voice guide field(s): {', '.join(unknown)}.")
        values: dict[str, Any] = {}
        for name, value in data.items():
            values[name] = _coerce_field(name, value)
        return cls(**values)


_ENUM_FIELDS: dict[str, type[StrEnum]] = {
    "tone": Tone,
    "emoji_policy": EmojiPolicy,
    "fr_address": Address,
}
_LIST_FIELDS = ("words_to_use", "words_to_avoid", "languages", "public_contacts")


def _coerce_field(name: str, value: Any) -> Any:
    if name in _ENUM_FIELDS:
        if value is None and name == "fr_address":
            return None
        enum = _ENUM_FIELDS[name]
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise VoiceGuideError(f"{name} must be one of {allowed}, not {value!r}.") from None
    if name in _LIST_FIELDS:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise VoiceGuideError(f"{name} must be a list of strings.")
        return tuple(value)
    return value


def _validate_guide(guide: VoiceGuide) -> None:
    for name in _LIST_FIELDS:
        items = getattr(guide, name)
        if not isinstance(items, tuple) or not all(isinstance(i, str) for i in items):
            raise VoiceGuideError(f"{name} must be a tuple of strings.")
    for name, enum in _ENUM_FIELDS.items():
        value = getattr(guide, name)
        if not (isinstance(value, enum) or (value is None and name == "fr_address")):
            raise VoiceGuideError(f"{name} must be a {enum.__name__}, not {value!r}.")
    if not isinstance(guide.max_emoji, int) or isinstance(guide.max_emoji, bool):
        raise VoiceGuideError("max_emoji must be a whole number.")
    if guide.max_emoji < 0:
        raise VoiceGuideError("max_emoji cannot be negative.")
    limit = guide.max_exclamations
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise VoiceGuideError("max_exclamations must be a whole number ≥ 0, or null for no limit.")
    if not isinstance(guide.signature, str) or not isinstance(guide.signature_required, bool):
        raise VoiceGuideError("signature must be text and signature_required true or false.")
    if guide.signature_required and not guide.signature.strip():
        raise VoiceGuideError("signature_required is set but the signature is empty.")
    if any(not w.strip(" *") for w in guide.words_to_avoid):
        raise VoiceGuideError("words_to_avoid contains an empty entry.")


# --------------------------------------------------------------------------------------------------
# Warnings


@dataclass(frozen=True)
class VoiceWarning:
    """One finding on a draft. `spans` index the draft (start, end); empty means the whole draft."""

    code: str
    severity: Severity
    spans: tuple[Span, ...]
    en: str
    fr: str

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, locale: str = "en") -> str:
        """The explanation in the reader's language (French for any `fr*` locale)."""
        return self.fr if locale.lower().startswith("fr") else self.en

    def to_dict(self, locale: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "spans": [list(s) for s in self.spans],
            "message": self.message(locale),
        }


def _warn(code: str, severity: Severity, spans: Iterable[Span], en: str, fr: str) -> VoiceWarning:
    return VoiceWarning(code, severity, tuple(spans), en, fr)


def _quote(words: Iterable[str], limit: int = 3) -> str:
    unique = list(dict.fromkeys(words))
    shown = ", ".join(f"« {w} »" for w in unique[:limit])
    return shown + (" …" if len(unique) > limit else "")


# --------------------------------------------------------------------------------------------------
# Text helpers: folding with offsets kept, masks, graphemes


def _fold_table() -> dict[int, str]:
    table = {ord(c): "'" for c in "\u2019\u2018\u02bc\u00b4`"}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code).lower())[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold_text(text: str) -> str:
    """Lower-cased, accents removed, curly apostrophes straightened; same length as `text`."""
    low = text.lower()
    if len(low) != len(text):  # "İ" grows when lowered; keep offsets aligned.
        low = "".join(c.lower()[:1] or c for c in text)
    return low.translate(_FOLD)


URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]'’]", re.IGNORECASE)
_HANDLE_RE = re.compile(r"(?<![\w.])@\w{1,30}(?:@[\w-]+(?:\.[\w-]+)+)?")
_HASHTAG_RE = re.compile(r"(?<![\w&])#\w+")
_QUOTE_RE = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"\n]*\"|^[ \t]*>.*$", re.MULTILINE)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * (m.end() - m.start()), text)


def _masked(text: str, *, quotes: bool) -> str:
    """Folded text with links, handles, hashtags (and quotations) blanked, same length."""
    low = fold_text(text)
    if "/" in low or "www." in low:
        low = _blank(low, URL_RE)
    if "@" in low:
        low = _blank(low, _HANDLE_RE)
    if "#" in low:
        low = _blank(low, _HASHTAG_RE)
    if quotes:
        low = _blank(low, _QUOTE_RE)
    return low


def _extender_class() -> str:
    """A regex class of the characters that extend the previous one into a single glyph.

    Combining marks (categories Mn, Me, Mc) of the Basic Multilingual Plane are read from
    unicodedata once; variation selectors, skin tones, the keycap and tag characters are added.
    """
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Me", "Mc"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    ranges += [[0x1F3FB, 0x1F3FF], [0xE0020, 0xE007F]]  # skin tones, subdivision-flag tags
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


_RI = "[\U0001f1e6-\U0001f1ff]"
# \r\n, a pair of regional indicators (a flag), or any character followed by combining
# marks / selectors, each zero-width joiner gluing one more character on.
_EXT = _extender_class()
_CLUSTER_RE = re.compile(rf"\r\n|{_RI}{_RI}|.(?:{_EXT}|\u200d.?)*", re.DOTALL)
# Clusters that may be emoji, so the Latin letters that make most of a draft are skipped in C.
_EMOJI_START = "\u00a9\u00ae\u203c\u2049"
_EMOJI_CANDIDATE_RE = re.compile(
    rf"{_RI}{_RI}|[0-9#*]\ufe0f?\u20e3"
    rf"|(?!{_EXT}|\u200d)(?:[^\x00-\u20a0]|[{_EMOJI_START}])(?:{_EXT}|\u200d.?)*",
    re.DOTALL,
)


def graphemes(text: str) -> Iterator[Span]:
    """User-perceived characters as (start, end): accents, ZWJ emoji, flags and keycaps join.

    An approximation of Unicode extended grapheme clusters that covers what people type in a
    reply (Latin scripts with combining marks and emoji); Hangul jamo are counted one by one.
    """
    for m in _CLUSTER_RE.finditer(text):
        yield m.span()


# --------------------------------------------------------------------------------------------------
# Length the way networks count it


@dataclass(frozen=True)
class NetworkLimit:
    """A network's length rule.

    `unit` is what the network counts: "graphemes" (Bluesky) or "code_points" (Mastodon).
    `url_length`, when set, is the fixed weight of any link (Mastodon and X count 23);
    `mention_local_only` counts `@user@instance` as `@user` (Mastodon).
    """

    limit: int
    unit: CountUnit = "graphemes"
    url_length: int | None = None
    mention_local_only: bool = False


NETWORK_LIMITS: Mapping[str, NetworkLimit] = {
    "mastodon": NetworkLimit(500, "code_points", url_length=23, mention_local_only=True),
    "bluesky": NetworkLimit(300, "graphemes"),
    "x": NetworkLimit(280, "code_points", url_length=23),
    "threads": NetworkLimit(500, "code_points"),
    "reddit": NetworkLimit(10_000, "code_points"),
    "discourse": NetworkLimit(32_000, "code_points"),
}

_MASTODON_MENTION_RE = re.compile(r"(?<![\w.])(@\w{1,30})@[\w-]+(?:\.[\w-]+)+")


def _special_segments(text: str, rule: NetworkLimit) -> list[tuple[int, int, int]]:
    """Links and remote mentions with the fixed weight the network gives them, in order."""
    special: list[tuple[int, int, int]] = []
    if rule.url_length is not None and ("/" in text or "www." in text.lower()):
        special += [(m.start(), m.end(), rule.url_length) for m in URL_RE.finditer(text)]
    if rule.mention_local_only and "@" in text:
        mentions = _MASTODON_MENTION_RE.finditer(text)
        special += [(m.start(), m.end(), len(m.group(1))) for m in mentions]
    special.sort()
    kept: list[tuple[int, int, int]] = []
    for segment in special:
        if not kept or segment[0] >= kept[-1][1]:
            kept.append(segment)
    return kept


def _weighted_segments(text: str, rule: NetworkLimit) -> Iterator[tuple[int, int, int]]:
    """(start, end, weight) pieces covering `text` in order."""
    cursor = 0
    for start, end, weight in _special_segments(text, rule):
        yield from _unit_segments(text, cursor, start, rule.unit)
        yield start, end, weight
        cursor = end
    yield from _unit_segments(text, cursor, len(text), rule.unit)


def _unit_segments(
    text: str, start: int, end: int, unit: CountUnit
) -> Iterator[tuple[int, int, int]]:
    if unit == "code_points" or text[start:end].isascii():
        for i in range(start, end):
            yield i, i + 1, 1
        return
    for m in _CLUSTER_RE.finditer(text, start, end):
        yield m.start(), m.end(), 1


def _unit_count(text: str, start: int, end: int, unit: CountUnit) -> int:
    if unit == "code_points" or text[start:end].isascii():
        return end - start
    return len(_CLUSTER_RE.findall(text, start, end))


def count_length(text: str, rule: NetworkLimit | int) -> int:
    """The length of `text` as the network counts it (an int rule counts graphemes)."""
    rule = rule if isinstance(rule, NetworkLimit) else NetworkLimit(rule)
    if rule.url_length is None and not rule.mention_local_only:
        return _unit_count(text, 0, len(text), rule.unit)
    total, cursor = 0, 0
    for start, end, weight in _special_segments(text, rule):
        total += _unit_count(text, cursor, start, rule.unit) + weight
        cursor = end
    return total + _unit_count(text, cursor, len(text), rule.unit)


def _overflow_start(text: str, rule: NetworkLimit) -> int:
    total = 0
    for start, _, weight in _weighted_segments(text, rule):
        total += weight
        if total > rule.limit:
            return start
    return len(text)


def _check_length(text: str, limit: NetworkLimit | int | None) -> list[VoiceWarning]:
    if limit is None:
        return []
    rule = limit if isinstance(limit, NetworkLimit) else NetworkLimit(limit)
    count = count_length(text, rule)
    if count <= rule.limit:
        return []
    over = count - rule.limit
    en = f"{count} characters: this network allows {rule.limit}, so {over} must go."
    fr = f"{count} caractères : ce réseau en accepte {rule.limit}, il faut en retirer {over}."
    if rule.url_length is not None and URL_RE.search(text):
        en += f" Each link counts as {rule.url_length}."
        fr += f" Chaque lien compte pour {rule.url_length}."
    span = (_overflow_start(text, rule), len(text))
    return [_warn("length.over_limit", Severity.ERROR, [span], en, fr)]


# --------------------------------------------------------------------------------------------------
# Words the brand avoids


@functools.lru_cache(maxsize=256)
def _avoid_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for word in sorted({fold_text(w.strip()) for w in words}, key=len, reverse=True):
        prefix = word.endswith("*")
        core = word.rstrip("*").strip()
        if not core:
            continue
        body = r"\s+".join(re.escape(piece) for piece in core.split())
        parts.append(body + (r"\w*" if prefix else ""))
    if not parts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


def _check_banned(text: str, masked: str, guide: VoiceGuide) -> list[VoiceWarning]:
    pattern = _avoid_pattern(guide.words_to_avoid)
    if pattern is None:
        return []
    by_word: dict[str, list[Span]] = {}
    for m in pattern.finditer(masked):
        by_word.setdefault(m.group(), []).append(m.span())
    warnings = []
    for spans in by_word.values():
        shown = text[spans[0][0] : spans[0][1]]
        en = f"« {shown} » is on the brand's list of words to avoid."
        fr = f"« {shown} » fait partie des mots que la marque évite."
        if guide.words_to_use:
            en += f" Words it likes: {', '.join(guide.words_to_use[:5])}."
            fr += f" Mots qu'elle préfère : {', '.join(guide.words_to_use[:5])}."
        warnings.append(_warn("words.banned", Severity.ERROR, spans, en, fr))
    return warnings


# --------------------------------------------------------------------------------------------------
# Tone: casual words in a formal voice, stiff formulas in a friendly one

# fmt: off
_CASUAL = {
    "en": (
        "hey", "hiya", "yo", "sup", "gonna", "wanna", "gotta", "kinda", "sorta", "lol", "lmao",
        "omg", "btw", "thx", "yeah", "yep", "yup", "nope", "dude", "guys", "u", "ur", "pls",
        "plz", "np", "no worries", "haha", "xoxo", "cool", "awesome", "ya",
    ),
    "fr": (
        "salut", "coucou", "ouais", "ouep", "mdr", "ptdr", "lol", "bisous", "bises", "stp",
        "tkt", "dsl", "bcp", "pb", "pk", "pq", "jsp", "wesh", "du coup", "ca roule", "nickel",
        "trop cool", "super cool", "ok ok", "yo",
    ),
}
_STIFF = {
    "en": (
        "dear sir or madam", "dear sir/madam", "to whom it may concern", "we regret to inform you",
        "please be advised", "kindly be advised", "hereby", "herewith", "pursuant to",
        "yours faithfully", "we acknowledge receipt", "aforementioned", "as per your request",
        "please do not hesitate to contact",
    ),
    "fr": (
        "madame, monsieur", "madame, mademoiselle, monsieur", "veuillez agreer",
        "nous vous prions d'agreer", "je vous prie d'agreer", "salutations distinguees",
        "sentiments distingues", "nous accusons reception", "nous avons le regret de",
        "par la presente", "nonobstant", "suite a votre courrier", "ci-dessus mentionne",
    ),
}
# fmt: on

_TONE_FR = {
    Tone.FRIENDLY: "chaleureux",
    Tone.FORMAL: "soutenu",
    Tone.PLAYFUL: "enjoué",
    Tone.NEUTRAL: "neutre",
}


@functools.lru_cache(maxsize=16)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(p) for p in phrase.split()) for phrase in ordered)
    # "u" is casual, "U.S." is not: a dot followed by a letter continues an abbreviation.
    return re.compile(r"(?<![\w'.])(?:" + body + r")(?![\w']|\.\w)")


def _phrases_for(table: Mapping[str, tuple[str, ...]], lang: str) -> tuple[str, ...]:
    if lang in table:
        return table[lang]
    return tuple(p for phrases in table.values() for p in phrases)


def _check_tone(text: str, masked: str, guide: VoiceGuide, lang: str) -> list[VoiceWarning]:
    if guide.tone is Tone.NEUTRAL:
        return []
    table = _CASUAL if guide.tone is Tone.FORMAL else _STIFF
    spans = [m.span() for m in _phrase_pattern(_phrases_for(table, lang)).finditer(masked)]
    if not spans:
        return []
    shown = _quote(text[s:e] for s, e in spans)
    if guide.tone is Tone.FORMAL:
        en = f"{shown} sounds casual; the brand's tone is formal."
        fr = f"{shown} fait familier ; le ton de la marque est soutenu."
    else:
        en = f"{shown} sounds stiff and administrative; the brand's tone is {guide.tone}."
        fr = f"{shown} fait très administratif ; le ton de la marque est {_TONE_FR[guide.tone]}."
    return [_warn("tone.formality_mismatch", Severity.WARNING, spans, en, fr)]


# --------------------------------------------------------------------------------------------------
# French: tu or vous

# Hyphens may precede a form ("peux-tu", "dis-toi") but apostrophes may not ("aujourd'hui").
_TU_RE = re.compile(r"(?<![\w'])(?:tu|te|toi|ton|ta|tes)(?![\w'])|(?<![\w'])t'(?=[a-z])")
_VOUS_RE = re.compile(r"(?<![\w'])(?:vous|votre|vos|votres)(?![\w'])")
# "le ton", "sur un ton" are the noun; "il s'est tu" is the verb "se taire".
_TON_NOUN_BEFORE = re.compile(
    r"(?:^|\W)(?:le|un|du|au|ce|son|mon|ton|quel|meme|bon|mauvais|beau|autre)\s+$"
)
_TU_PARTICIPLE_BEFORE = re.compile(r"(?:^|\W)(?:s'est|est|s'etait|etait|se sont)\s+$")
_RENDEZ_VOUS_RE = re.compile(r"rendez-$")


def _tu_forms(masked: str) -> list[Span]:
    spans = []
    for m in _TU_RE.finditer(masked):
        before = masked[max(0, m.start() - 12) : m.start()]
        if m.group() == "ton" and _TON_NOUN_BEFORE.search(before):
            continue
        if m.group() == "tu" and _TU_PARTICIPLE_BEFORE.search(before):
            continue
        spans.append(m.span())
    return spans


def _vous_forms(masked: str) -> list[Span]:
    # "un rendez-vous" is a noun, not a way of addressing someone.
    return [
        m.span()
        for m in _VOUS_RE.finditer(masked)
        if not _RENDEZ_VOUS_RE.search(masked, max(0, m.start() - 7), m.start())
    ]


def _check_address(text: str, masked: str, guide: VoiceGuide, lang: str) -> list[VoiceWarning]:
    if lang != "fr":
        return []
    tu, vous = _tu_forms(masked), _vous_forms(masked)
    if guide.fr_address is Address.VOUS and tu:
        shown = _quote(text[s:e] for s, e in tu)
        en = f"{shown}: « tu » is used here but the brand says « vous » to customers."
        fr = f"{shown} : le brouillon tutoie alors que la marque vouvoie ses clients."
        return [_warn("fr.address_mismatch", Severity.WARNING, tu, en, fr)]
    if guide.fr_address is Address.TU and vous:
        shown = _quote(text[s:e] for s, e in vous)
        en = (
            f"{shown}: « vous » is used here but the brand says « tu » to customers "
            "(fine if you are addressing several people)."
        )
        fr = (
            f"{shown} : le brouillon vouvoie alors que la marque tutoie ses clients "
            "(sauf si vous vous adressez à plusieurs personnes)."
        )
        return [_warn("fr.address_mismatch", Severity.WARNING, vous, en, fr)]
    if guide.fr_address is None and tu and vous:
        spans = tu if len(tu) <= len(vous) else vous
        en = "The draft mixes « tu » and « vous »; pick one way of addressing the customer."
        fr = "Le brouillon mélange « tu » et « vous » ; choisissez une seule façon de s'adresser."
        return [_warn("fr.address_mixed", Severity.WARNING, spans, en, fr)]
    return []


# --------------------------------------------------------------------------------------------------
# Signature


def _signature_words(text: str) -> list[str]:
    return re.findall(r"\w+", fold_text(text))


def _check_signature(text: str, guide: VoiceGuide) -> list[VoiceWarning]:
    if not guide.signature_required:
        return []
    wanted = _signature_words(guide.signature)
    # Compare words only, so "- Léa, Briquo" and "— Léa · Briquo" both count as signed.
    tail = _signature_words(text[-(len(guide.signature) * 2 + 40) :])
    if wanted and tail[-len(wanted) :] == wanted:
        return []
    sig = guide.signature.strip()
    en = f"The brand signs its replies « {sig} »; the signature is missing at the end."
    fr = f"La marque signe ses réponses « {sig} » ; la signature manque à la fin."
    return [_warn("signature.missing", Severity.WARNING, [(len(text), len(text))], en, fr)]


# --------------------------------------------------------------------------------------------------
# Emoji, exclamation marks, capitals


def _code_set(*ranges: tuple[int, int]) -> frozenset[int]:
    return frozenset(c for a, b in ranges for c in range(a, b + 1))


# Symbols below the emoji planes shown as emoji without a variation selector (Unicode's
# Emoji_Presentation), plus the few typed as emoji by habit (❤ ☺ ✌ ☀ ⚠ ❄). Typographic
# symbols such as ✓ ★ ™ count only when followed by the emoji selector U+FE0F.
_EMOJI_BMP = _code_set(
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2600, 0x2601), (0x2614, 0x2615), (0x2639, 0x263A), (0x2648, 0x2653), (0x267F, 0x267F),
    (0x2693, 0x2693), (0x26A0, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5),
    (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5),
    (0x26FA, 0x26FA), (0x26FD, 0x26FD), (0x2705, 0x2705), (0x270A, 0x270C), (0x2728, 0x2728),
    (0x2744, 0x2744), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2764, 0x2764), (0x2795, 0x2797), (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55),
)  # fmt: skip


def _is_emoji(cluster: str) -> bool:
    code = ord(cluster[0])
    if code < 0x2000 and len(cluster) == 1:
        return False
    if 0x1F000 <= code <= 0x1FAFF or code in _EMOJI_BMP:
        return True
    return "\ufe0f" in cluster or "\u20e3" in cluster


def emoji_spans(text: str) -> list[Span]:
    """Where the emoji are (a ZWJ family or a flag is one emoji)."""
    if text.isascii():
        return []
    return [m.span() for m in _EMOJI_CANDIDATE_RE.finditer(text) if _is_emoji(m.group())]


def _check_emoji(text: str, guide: VoiceGuide) -> list[VoiceWarning]:
    if guide.emoji_policy is EmojiPolicy.FREE:
        return []
    spans = emoji_spans(text)
    if guide.emoji_policy is EmojiPolicy.NONE and spans:
        en = f"The brand does not use emoji; this draft has {len(spans)}."
        fr = f"La marque n'utilise pas d'emoji ; ce brouillon en contient {len(spans)}."
        return [_warn("emoji.not_allowed", Severity.WARNING, spans, en, fr)]
    if len(spans) > guide.max_emoji:
        en = f"{len(spans)} emoji: the brand uses them sparingly (at most {guide.max_emoji})."
        fr = f"{len(spans)} emoji : la marque les utilise avec parcimonie ({guide.max_emoji} max.)."
        return [_warn("emoji.too_many", Severity.WARNING, spans[guide.max_emoji :], en, fr)]
    return []


def _check_exclamations(text: str, guide: VoiceGuide) -> list[VoiceWarning]:
    limit = guide.max_exclamations
    if limit is None or text.count("!") + text.count("\uff01") <= limit:
        return []
    marks = [m.span() for m in re.finditer(r"[!\uff01]", text)]
    en = f"{len(marks)} exclamation marks: the brand uses at most {limit}."
    fr = f"{len(marks)} points d'exclamation : la marque en met {limit} au plus."
    return [_warn("punctuation.exclamations", Severity.WARNING, marks[limit:], en, fr)]


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SHOUT_RUN_GAP = re.compile(r"[\s,.;:!?'’-]*")


def _shouted_runs(text: str, exempt: frozenset[str]) -> list[Span]:
    runs: list[list[int]] = []
    prev_end = -1
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if not (word.isupper() and len(word) >= 2) or fold_text(word) in exempt:
            prev_end = -1
            continue
        if runs and prev_end >= 0 and _SHOUT_RUN_GAP.fullmatch(text, prev_end, m.start()):
            runs[-1][1] = m.end()
        else:
            runs.append([m.start(), m.end()])
        prev_end = m.end()
    # A lone acronym ("SAV", "RGPD") is fine; a long word or several in a row is shouting.
    return [
        (s, e)
        for s, e in runs
        if sum(c.isalpha() for c in text[s:e]) >= 7 and (" " in text[s:e] or e - s >= 7)
    ]


def _check_shouting(text: str, guide: VoiceGuide) -> list[VoiceWarning]:
    if not any(c.isupper() for c in text):
        return []
    exempt = frozenset(
        w for phrase in (*guide.words_to_use, guide.signature) for w in _signature_words(phrase)
    )
    spans = _shouted_runs(_blank(text, URL_RE), exempt)
    if not spans:
        return []
    shown = _quote(text[s:e] for s, e in spans)
    en = f"{shown}: whole words in capitals read as shouting."
    fr = f"{shown} : des mots entiers en majuscules se lisent comme des cris."
    return [_warn("shouting", Severity.WARNING, spans, en, fr)]


# --------------------------------------------------------------------------------------------------
# Personal data posted publicly

_PII_NAMES = {
    "email": ("an e-mail address", "une adresse e-mail"),
    "phone": ("a phone number", "un numéro de téléphone"),
    "card": ("a payment card number", "un numéro de carte bancaire"),
    "iban": ("a bank account number (IBAN)", "un numéro de compte bancaire (IBAN)"),
    "ip": ("an IP address", "une adresse IP"),
    "address": ("a postal address", "une adresse postale"),
    "person": ("a person's full name", "le nom complet d'une personne"),
}


def _contact_key(value: str) -> str:
    """Compare contacts loosely: e-mails folded, phone numbers by their last nine digits."""
    if "@" in value:
        return fold_text(value.strip())
    digits = re.sub(r"\D", "", value)
    return digits[-9:] if len(digits) >= 6 else fold_text(value.strip())


def _signature_span(text: str, guide: VoiceGuide) -> Span | None:
    sig = guide.signature.strip()
    if not sig:
        return None
    at = fold_text(text).rfind(fold_text(sig))
    return (at, at + len(sig)) if at >= 0 else None


def _check_pii(text: str, guide: VoiceGuide) -> list[VoiceWarning]:
    allowed = {_contact_key(c) for c in guide.public_contacts}
    signature = _signature_span(text, guide)
    by_type: dict[str, list[Span]] = {}
    for span in find_pii(text):
        if _contact_key(text[span.start : span.end]) in allowed:
            continue
        if signature and signature[0] <= span.start and span.end <= signature[1]:
            continue
        if span.type == "person" and not any(c.isspace() for c in text[span.start : span.end]):
            continue  # "Bonjour Camille": greeting someone by first name discloses nothing
        by_type.setdefault(span.type, []).append((span.start, span.end))
    warnings = []
    for kind, spans in by_type.items():
        en_name, fr_name = _PII_NAMES.get(kind, ("personal data", "des données personnelles"))
        en = f"This reply would post {en_name} publicly; move it to a private message."
        fr = f"Cette réponse publierait {fr_name} ; passez plutôt par un message privé."
        # Names are often the customer's own public handle: worth a look, not a block.
        severity = Severity.WARNING if kind == "person" else Severity.ERROR
        warnings.append(_warn("pii.public", severity, spans, en, fr))
    return warnings


# --------------------------------------------------------------------------------------------------
# Language


def _check_language(guide: VoiceGuide, lang: str) -> list[VoiceWarning]:
    if not lang or not guide.languages or lang in guide.languages:
        return []
    langs = ", ".join(guide.languages)
    en = f"This reply is in « {lang} », which is not one of the brand's languages ({langs})."
    fr = f"Cette réponse est en « {lang} », qui n'est pas une langue de la marque ({langs})."
    return [_warn("lang.not_in_guide", Severity.WARNING, [], en, fr)]


# --------------------------------------------------------------------------------------------------
# Entry point


def check_draft(
    text: str,
    guide: VoiceGuide,
    *,
    lang: str,
    network_limit: NetworkLimit | int | None = None,
    public: bool = True,
) -> list[VoiceWarning]:
    """Everything worth telling the agent about `text` before it is sent, errors first.

    `lang` is the draft's language ("fr", "en", …). `network_limit` is the destination's length
    rule (a `NetworkLimit`, e.g. `NETWORK_LIMITS["mastodon"]`, or a plain number of graphemes;
    None for no limit). `public` says whether the reply is visible to everyone, which turns
    personal data in it into an error.
    """
    if not text.strip():
        return []
    masked = _masked(text, quotes=False)
    quiet = _masked(text, quotes=True)
    warnings = [
        *_check_length(text, network_limit),
        *(_check_pii(text, guide) if public else []),
        *_check_banned(text, masked, guide),
        *_check_tone(text, quiet, guide, lang),
        *_check_address(text, quiet, guide, lang),
        *_check_signature(text, guide),
        *_check_emoji(text, guide),
        *_check_exclamations(text, guide),
        *_check_shouting(text, guide),
        *_check_language(guide, lang),
    ]
    end = (len(text), len(text))
    warnings.sort(key=lambda w: (w.severity is not Severity.ERROR, w.spans[0] if w.spans else end))
    return warnings


def blocking(warnings: Sequence[VoiceWarning]) -> list[VoiceWarning]:
    """The warnings that stop the send button until the agent overrides them."""
    return [w for w in warnings if w.blocking]


__all__ = [
    "NETWORK_LIMITS",
    "Address",
    "EmojiPolicy",
    "NetworkLimit",
    "Severity",
    "Tone",
    "VoiceGuide",
    "VoiceGuideError",
    "VoiceWarning",
    "blocking",
    "check_draft",
    "count_length",
    "emoji_spans",
    "fold_text",
    "graphemes",
]
