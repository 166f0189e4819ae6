"""Language identification: script rules first, then the learnt head, then the caller's hint.

Short or ambiguous posts get "unknown" rather than a confident wrong guess; a language hint
(the author's or the thread's language) is used when the text alone does not settle it.
"""

from __future__ import annotations

import re

import numpy as np

from hearth.enrich.lexicon import STOPWORDS

UNKNOWN = "unknown"
MIN_LETTERS = 3
CONFIDENT = 0.55  # below this the model's best guess is not trusted on its own
HINT_FLOOR = 0.15  # a hint wins when the model gives it at least this much

_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u2bff\U0001f000-\U0001faff]")
_SCRIPTS = (
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LETTER = re.compile(r"[^\W\d_]")
_MARKS = re.compile(r"_url|_usr")


def script_language(norm: str) -> str | None:
    """A language decided by its writing system alone (Arabic, Devanagari, CJK...)."""
    if not _NON_LATIN.search(norm):
        return None
    letters = len(_LETTER.findall(norm)) or 1
    best, best_count = None, 0
    for code, pattern in _SCRIPTS:
        count = len(pattern.findall(norm))
        if count > best_count:
            best, best_count = code, count
    if best == "zh" and _SCRIPTS[5][1].search(norm):
        best = "ja"
    return best if best_count * 2 >= letters else None


# XLM-T's "Hindi" tweets are romanised Hinglish (often with English in them), so the head
# also calls short English or junk "hi". In a short Latin-script text, Hindi is only accepted
# with a Hindi function word; longer texts keep the head's answer.
SHORT_TEXT = 4
_HINDI_WORDS = STOPWORDS["hi"]


def _without(p: np.ndarray, i: int) -> np.ndarray:
    q = p.copy()
    q[i] = 0.0
    total = q.sum()
    return q / total if total > 0 else p


def decide(
    norms: list[str], probs: np.ndarray, labels: tuple[str, ...], hints: list[str | None]
) -> list[str]:
    """Pick one language per message from script, model probabilities and hints."""
    out = []
    index = {lab: i for i, lab in enumerate(labels)}
    for norm, p, hint in zip(norms, probs, hints, strict=True):
        script = script_language(norm)
        if script is not None:
            out.append(script)
            continue
        letters = len(_LETTER.findall(_MARKS.sub(" ", norm)))
        tokens = norm.split()
        if "hi" in index and len(tokens) < SHORT_TEXT and not _HINDI_WORDS.intersection(tokens):
            p = _without(p, index["hi"])
        best = int(p.argmax())
        hint_p = p[index[hint]] if hint in index else -1.0
        if hint and (letters < MIN_LETTERS or hint_p >= HINT_FLOOR or p[best] < CONFIDENT):
            out.append(hint)
        elif letters < MIN_LETTERS or p[best] < CONFIDENT:
            out.append(UNKNOWN)
        else:
            out.append(labels[best])
    return out
