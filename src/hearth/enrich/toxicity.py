"""Toxicity: learnt heads (offensive, identity attack) combined with rules and their evidence.

Learning catches the long tail of abuse in the training tweets; rules catch what tweets teach
badly (threats and exclusion without swear words, slurs in leetspeak) and, just as important,
what must *not* be flagged: counter-speech, quotes that condemn hate, negated statements and
benign swearing ("putain c'est trop bon").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from hearth.enrich import lexicon as lx
from hearth.enrich.features import Doc
from hearth.enrich.text import strip_accents

CATEGORIES = ("insult", "threat", "identity_attack", "harassment", "sexual", "profanity")
TOXIC_THRESHOLD = 0.5
MITIGATED = 0.3  # factor applied to model scores for counter-speech, quotes, negated hate


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{strip_accents(p)})" for p in patterns))


_THREAT = _compile(lx.THREAT_PATTERNS)
_HARASS = _compile(lx.HARASSMENT_PATTERNS)
_COUNTER = _compile(lx.COUNTER_SPEECH_PATTERNS + lx.QUOTE_CUES)
_HATE_PHRASE = _compile(tuple(r"(?<!\w)" + re.escape(p) + r"(?!\w)" for p in lx.HATE_PHRASES))
_SELF_ID = _compile(lx.SELF_ID_PATTERNS)
_SENTENCE_END = frozenset(".!?;")


@dataclass(slots=True)
class RuleHits:
    """What the rules saw in one message; spans index the original text."""

    scores: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    evidence: list[dict] = field(default_factory=list)
    mitigated: bool = False  # counter-speech, quote or negated hate
    benign_swear: bool = False

    def hit(self, category: str, score: float, doc: Doc, start: int, end: int, rule: str) -> None:
        self.scores[category] = max(self.scores[category], score)
        self.evidence.append({"category": category, "text": doc.text[start:end], "start": start,
                              "end": end, "source": "rule:" + rule})


def _sentences(doc: Doc) -> list[range]:
    """Index ranges of words per sentence, so a group and an insult must share a clause."""
    out, start = [], 0
    for i, w in enumerate(doc.words):
        if w in _SENTENCE_END:
            out.append(range(start, i))
            start = i + 1
    out.append(range(start, len(doc.words)))
    return out


def _word_rules(doc: Doc, hits: RuleHits) -> None:
    words, negated = doc.words, doc.negated
    toks = None
    fold = strip_accents(doc.norm)
    for sent in _sentences(doc):
        has_group = any(words[i] in lx.GROUPS for i in sent)
        targeted = any(words[i] in lx.SECOND_PERSON or words[i] == "_usr" for i in sent)
        for i in sent:
            w = words[i]
            cats = _word_categories(w)
            if not cats:
                continue
            toks = toks or doc.tokens
            tok = toks[i]
            if negated[i] and ("insult" in cats or "hate" in cats or "dehum" in cats):
                hits.mitigated = True
                continue
            prefix = fold[max(0, tok.start - 40):tok.start]
            if "slur" in cats and not (w in lx.RECLAIMABLE and _SELF_ID.search(prefix)):
                hits.hit("identity_attack", 0.9, doc, tok.start, tok.end, "slur")
            if "profanity" in cats:
                hits.hit("profanity", 0.9, doc, tok.start, tok.end, "profanity")
            if "sexual" in cats:
                hits.hit("sexual", 0.7, doc, tok.start, tok.end, "sexual")
            if has_group and {"hate", "dehum", "insult"}.intersection(cats):
                hits.hit("identity_attack", 0.85, doc, tok.start, tok.end, "group+" + cats[0])
            elif "insult" in cats:
                hits.hit("insult", 0.8 if targeted else 0.55, doc, tok.start, tok.end, "insult")
                if targeted:
                    hits.hit("harassment", 0.5, doc, tok.start, tok.end, "targeted insult")


_CATEGORY_TABLE: dict[str, list[str]] = {}
for _name, _words in (("slur", lx.SLURS), ("insult", lx.INSULTS), ("profanity", lx.PROFANITY),
                      ("sexual", lx.SEXUAL), ("hate", lx.HATE_VERBS),
                      ("dehum", lx.DEHUMANISING)):
    for _w in _words:
        _CATEGORY_TABLE.setdefault(_w, []).append(_name)


def _word_categories(word: str) -> list[str]:
    return _CATEGORY_TABLE.get(word.lstrip("#"), [])


def _pattern_rules(doc: Doc, hits: RuleHits) -> None:
    fold = strip_accents(doc.norm)
    if len(fold) != len(doc.text):
        fold = doc.norm
    for m in _THREAT.finditer(fold):
        hits.hit("threat", 0.9, doc, m.start(), m.end(), "threat")
        if any(w in lx.GROUPS for w in m.group(0).split()):
            hits.hit("identity_attack", 0.85, doc, m.start(), m.end(), "threat against group")
    for m in _HARASS.finditer(fold):
        hits.hit("harassment", 0.75, doc, m.start(), m.end(), "harassment")
    for m in _HATE_PHRASE.finditer(fold):
        hits.hit("identity_attack", 0.85, doc, m.start(), m.end(), "exclusion")
    if _COUNTER.search(fold):
        hits.mitigated = True


def apply_rules(doc: Doc, positive: float) -> RuleHits:
    """Run every rule on one message. `positive` is its positive-sentiment probability."""
    hits = RuleHits()
    _word_rules(doc, hits)
    _pattern_rules(doc, hits)
    s = hits.scores
    aimed = max(s["insult"], s["threat"], s["identity_attack"], s["harassment"])
    if s["profanity"] and aimed < 0.5:
        context = any(w in lx.BENIGN_SWEAR_CONTEXT for w in doc.words)
        hits.benign_swear = positive > 0.5 or context
    if hits.mitigated:
        for cat in ("insult", "identity_attack", "harassment"):
            s[cat] *= MITIGATED
    return hits


def combine(hits: RuleHits, p_off: float, p_hate: float) -> tuple[float, dict[str, float]]:
    """Overall score and per-category scores from the rule hits and the model probabilities."""
    if hits.mitigated:
        p_off, p_hate = p_off * MITIGATED, p_hate * MITIGATED
    if hits.benign_swear:
        p_off, p_hate = min(p_off, 0.35), min(p_hate, 0.35)
    s = dict(hits.scores)
    explained = max(s["threat"], s["identity_attack"], s["harassment"], s["sexual"])
    s["insult"] = max(s["insult"], p_off * (0.5 if explained >= 0.5 else 0.9))
    s["identity_attack"] = max(s["identity_attack"], p_hate)
    overall = max(p_off, p_hate, s["insult"], s["threat"], s["identity_attack"],
                  s["harassment"], s["sexual"] * 0.8)
    return float(overall), {k: round(float(v), 4) for k, v in s.items()}


def model_evidence(doc: Doc, column: np.ndarray, hash_index, limit: int = 3) -> list[dict]:
    """The words whose learnt weights pushed the offensive score up the most."""
    scored = []
    for tok in doc.tokens:
        if not any(c.isalnum() for c in tok.text) or tok.text in ("_url", "_usr"):
            continue
        weight = float(column[hash_index(tok.text)])
        if weight > 0.5:
            scored.append((weight, tok))
    scored.sort(key=lambda wt: -wt[0])
    return [{"category": "model", "text": doc.text[t.start:t.end], "start": t.start,
             "end": t.end, "source": "model:offensive", "weight": round(w, 3)}
            for w, t in scored[:limit]]
