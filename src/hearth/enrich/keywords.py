"""Keywords (hashtags and salient terms) and near-duplicate signatures.

The signature is a 64-bit SimHash of word unigrams over the normalised text: exact
copies and copies that differ only in case, links, handles, punctuation or emoji get the same
signature; light edits land a few bits away (compare with `signature_distance`).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from hearth.enrich.features import Doc
from hearth.enrich.lexicon import PROFANITY, STOPWORDS

MAX_KEYWORDS = 8
MIN_TERM_LENGTH = 4
NEAR_DUPLICATE_BITS = 8
_HASHTAG = re.compile(r"(?<![\w#])#(\w{2,60})")
_STOP = frozenset().union(*STOPWORDS.values())
_EMPTY_SIGNATURE = "0" * 16


def keywords(doc: Doc) -> list[str]:
    """Hashtags as written (without '#'), then the longest content words, de-duplicated."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in _HASHTAG.findall(doc.text):
        if tag.lower() not in seen:
            seen.add(tag.lower())
            out.append("#" + tag)
    terms = [
        w
        for w in doc.words
        if len(w) >= MIN_TERM_LENGTH
        and w.isalpha()
        and w not in _STOP
        and w not in PROFANITY
        and w not in seen
    ]
    for w in sorted(dict.fromkeys(terms), key=lambda t: (-terms.count(t), -len(t)))[:5]:
        seen.add(w)
        out.append(w)
    return out[:MAX_KEYWORDS]


def _shingles(doc: Doc) -> list[str]:
    words = [w.lstrip("#") for w in doc.words if w[0].isalnum() or w[0] == "#"]
    words = [w for w in words if w not in ("_url", "_usr")]
    return words


def signatures(docs: list[Doc]) -> list[str]:
    """SimHash of every message, vectorised over the batch."""
    shingles = [_shingles(d) for d in docs]
    counts = np.array([len(s) for s in shingles])
    flat = [s for group in shingles for s in group]
    if not flat:
        return [_EMPTY_SIGNATURE] * len(docs)
    lo = np.fromiter((zlib.crc32(s.encode()) for s in flat), dtype=np.uint64, count=len(flat))
    hi = np.fromiter((zlib.adler32(s.encode()) for s in flat), dtype=np.uint64, count=len(flat))
    with np.errstate(over="ignore"):
        h = ((hi * np.uint64(0x9E3779B97F4A7C15)) ^ lo) * np.uint64(0xBF58476D1CE4E5B9)
    bits = np.unpackbits(h.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)
    signed = bits.astype(np.int32) * 2 - 1
    out = []
    offsets = np.concatenate(([0], np.cumsum(counts)))
    for i in range(len(docs)):
        if counts[i] == 0:
            out.append(_EMPTY_SIGNATURE)
            continue
        total = signed[offsets[i] : offsets[i + 1]].sum(axis=0) > 0
        out.append(np.packbits(total).tobytes().hex())
    return out


def signature_distance(a: str, b: str) -> int:
    """Number of differing bits between two signatures (<= NEAR_DUPLICATE_BITS: near copy)."""
    return bin(int(a, 16) ^ int(b, 16)).count("1")
