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
NO_CUE = 0.75  # factor on non-English model scores when no rule saw any abusive cue
POSITIVE_MITIGATION = 0.6  # positive-sentiment probability above which model scores are damped


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{strip_accents(p)})" for p in patterns))


_THREAT = _compile(lx.THREAT_PATTERNS)
_HARASS = _compile(lx.HARASSMENT_PATTERNS)
_COUNTER = _compile(lx.COUNTER_SPEECH_PATTERNS + lx.QUOTE_CUES)
_HATE_PHRASE = _compile(tuple(r"(?<!\w)" + re.escape(p) + r"(?!\w)" for p in lx.HATE_PHRASES))
_SELF_ID = _compile(lx.SELF_ID_PATTERNS)
_SENTENCE_END = frozenset(".!?;")
_QUOTE_CHARS = re.compile('["“«]')


def _triggers(words: str) -> frozenset[str]:
    """Words without which a pattern family cannot match (a cheap pre-filter for speed)."""
    return frozenset(strip_accents(w) for w in words.split())


_RECLAIM = _compile(lx.RECLAIM_PATTERNS)
_RECLAIM_TRIGGERS = _triggers(
    "queer dyke fag gay lesbian trans black nigga bi disabled muslim jewish immigrant gouine"
    " pédé pd lesbienne noir noire musulman musulmane juif juive immigré immigrée handicapé"
    " handicapée"
)
_HATE_CUE = _compile(lx.DISLIKE_PATTERNS)
_HATE_CUE_TRIGGERS = _triggers(
    "can't cannot can stand sick tired rid supporte supporter marre fed deport déporter"
)

# Every pattern of a family contains one of its trigger words: keep them in sync.
_THREAT_TRIGGERS = _triggers(
    "kill murder shoot stab hurt beat rape find destroy end break know watch dead die going"
    " gonna hope catch hang burn kys exterminate gas tuer buter crever frapper défoncer égorger"
    " violer retrouver massacrer niquer cramer brûler sais sait mourir regretter payer voir"
    " mort morte gaffe crève pendre suicider tue suicide exterminer gazer yourself urself"
    " sinon or"
)
_HARASS_TRIGGERS = _triggers(
    "nobody one no1 kill go shut stfu personne ferme gueule va dégage casse fuck ntm nique"
    " fils fdp tg mourir"
)
_PHRASE_TRIGGERS = frozenset(max(strip_accents(p).split(), key=len) for p in lx.HATE_PHRASES)
# For each counter-speech pattern, the words of one group it cannot match without.
_COUNTER_TRIGGERS = _triggers(
    "saying say says said claiming claim calling call tweets tweet statement statements think"
    " stop quit ok okay unacceptable disgusting wrong racist sexist homophobic hateful vile"
    " condemn denounce reject tolerate place room believe agree told called wrote tweeted"
    " dire affirmer prétendre écrire penser traiter arrêtez arrête cessez inacceptable raciste"
    " sexiste homophobe honteux ignoble intolérable scandaleux condamne condamnons dénonce"
    " dénonçons refuse dirais dirai dis pense pensais crois croirai dit disent traité traitée"
)
_STOP = frozenset().union(*lx.STOPWORDS.values())


@dataclass(slots=True)
class RuleHits:
    """What the rules saw in one message; spans index the original text."""

    scores: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    evidence: list[dict] = field(default_factory=list)
    mitigated: bool = False  # counter-speech, quote or negated hate
    benign_swear: bool = False

    def hit(self, category: str, score: float, doc: Doc, start: int, end: int, rule: str) -> None:
        self.scores[category] = max(self.scores[category], score)
        self.evidence.append(
            {
                "category": category,
                "text": doc.text[start:end],
                "start": start,
                "end": end,
                "source": "rule:" + rule,
            }
        )


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
    fold = doc.fold
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
                # "I don't hate women": the statement denies the attack. A negated insult
                # ("not an idiot, a moron") only loses that word.
                hits.mitigated = hits.mitigated or has_group
                continue
            prefix = fold[max(0, tok.start - 40) : tok.start]
            if "slur" in cats and not (w in lx.RECLAIMABLE and _SELF_ID.search(prefix)):
                hits.hit("identity_attack", 0.9, doc, tok.start, tok.end, "slur")
            if "profanity" in cats:
                hits.hit("profanity", 0.9, doc, tok.start, tok.end, "profanity")
            if "sexual" in cats:
                hits.hit("sexual", 0.7 if targeted else 0.4, doc, tok.start, tok.end, "sexual")
            aimed_at_group = has_group and ("profanity" not in cats or _group_follows(words, i))
            if aimed_at_group and {"hate", "dehum", "insult", "profanity"}.intersection(cats):
                hits.hit("identity_attack", 0.85, doc, tok.start, tok.end, "group+" + cats[0])
            elif "insult" in cats:
                led = i > 0 and words[i - 1] in lx.INSULT_LEADS  # "quel con", "sale rat"
                if w in lx.AMBIGUOUS_INSULTS and not targeted and not led:
                    continue  # "un gros carton", "mon chien": not aimed at anyone
                strength = 0.8 if targeted else 0.7 if led else 0.4
                hits.hit("insult", strength, doc, tok.start, tok.end, "insult")
                if targeted:
                    hits.hit("harassment", 0.5, doc, tok.start, tok.end, "targeted insult")


def _group_follows(words: list[str], i: int) -> bool:
    """'fuck all muslims', 'nique les arabes': a swear word aimed at a group right after it."""
    return any(w in lx.GROUPS for w in words[i + 1 : i + 4])


_CATEGORY_TABLE: dict[str, list[str]] = {}
for _name, _words in (
    ("slur", lx.SLURS),
    ("insult", lx.INSULTS),
    ("profanity", lx.PROFANITY),
    ("sexual", lx.SEXUAL),
    ("hate", lx.HATE_VERBS),
    ("dehum", lx.DEHUMANISING),
):
    for _w in _words:
        _CATEGORY_TABLE.setdefault(_w, []).append(_name)


def _word_categories(word: str) -> list[str]:
    return _CATEGORY_TABLE.get(word.lstrip("#"), [])


def _pattern_rules(doc: Doc, hits: RuleHits) -> None:
    fold, words = doc.fold, doc.wordset
    if not words.isdisjoint(_THREAT_TRIGGERS):
        for m in _THREAT.finditer(fold):
            hits.hit("threat", 0.9, doc, m.start(), m.end(), "threat")
            if any(w in lx.GROUPS for w in m.group(0).split()):
                hits.hit("identity_attack", 0.85, doc, m.start(), m.end(), "threat against group")
    if not words.isdisjoint(_HARASS_TRIGGERS):
        for m in _HARASS.finditer(fold):
            hits.hit("harassment", 0.75, doc, m.start(), m.end(), "harassment")
    if not words.isdisjoint(_PHRASE_TRIGGERS):
        for m in _HATE_PHRASE.finditer(fold):
            hits.hit("identity_attack", 0.85, doc, m.start(), m.end(), "exclusion")
    counter_cue = not words.isdisjoint(_COUNTER_TRIGGERS) or _QUOTE_CHARS.search(fold)
    if counter_cue and _COUNTER.search(fold):
        hits.mitigated = True
    if not words.isdisjoint(_RECLAIM_TRIGGERS) and _RECLAIM.search(fold):
        hits.mitigated = True
    if not words.isdisjoint(lx.GROUPS) and not words.isdisjoint(_HATE_CUE_TRIGGERS):
        for m in _HATE_CUE.finditer(fold):
            hits.hit("identity_attack", 0.85, doc, m.start(), m.end(), "group+dislike")


def apply_rules(doc: Doc, positive: float) -> RuleHits:
    """Run every rule on one message. `positive` is its positive-sentiment probability."""
    hits = RuleHits()
    _word_rules(doc, hits)
    _pattern_rules(doc, hits)
    s = hits.scores
    aimed = max(s["insult"], s["threat"], s["identity_attack"], s["harassment"])
    if s["profanity"] and aimed < 0.5:
        hits.benign_swear = _benign_swearing(doc, positive)
    if hits.mitigated:
        for cat in ("insult", "identity_attack", "harassment"):
            s[cat] *= MITIGATED
    return hits


def _benign_swearing(doc: Doc, positive: float) -> bool:
    """Swearing as an exclamation ("putain c'est trop bon", "merde, mes clés"), aimed at no one.

    Replies to someone (@handle, "you") are left to the model: there profanity is usually
    part of an attack, and OffensEval-style labels count it as offensive.
    """
    if any(w == "_usr" or w in lx.SECOND_PERSON for w in doc.words):
        return False
    first = next((w for w in doc.words if w[0].isalnum()), "")
    context = any(w in lx.BENIGN_SWEAR_CONTEXT for w in doc.words)
    return positive > 0.45 or context or first in lx.PROFANITY


def combine(
    hits: RuleHits, p_off: float, p_hate: float, positive: float = 0.0, lang: str = "unknown"
) -> tuple[float, dict[str, float]]:
    """Overall score and per-category scores from the rule hits and the model probabilities."""
    if not hits.evidence and lang != "en":
        # No abusive word or pattern at all. Outside English the only abuse data (MLMA) names
        # groups almost only to attack them, so the heads over-fire on plain mentions ("mon
        # voisin est arabe"). English has enough data of both kinds to trust the heads alone.
        p_off, p_hate = p_off * NO_CUE, p_hate * NO_CUE
    if hits.mitigated:
        p_off, p_hate = p_off * MITIGATED, p_hate * MITIGATED
    elif positive >= POSITIVE_MITIGATION and max(hits.scores.values()) < 0.5:
        # "I love working with immigrants": warm statements that merely name a group.
        p_off, p_hate = p_off * 0.6, p_hate * 0.6
    if hits.benign_swear:
        p_off, p_hate = min(p_off, 0.35), min(p_hate, 0.35)
    s = dict(hits.scores)
    explained = max(s["threat"], s["identity_attack"], s["harassment"], s["sexual"])
    s["insult"] = max(s["insult"], p_off * (0.5 if explained >= 0.5 else 0.9))
    s["identity_attack"] = max(s["identity_attack"], p_hate)
    overall = max(
        p_off, p_hate, s["insult"], s["threat"], s["identity_attack"], s["harassment"], s["sexual"]
    )
    return float(overall), {k: round(float(v), 4) for k, v in s.items()}


def model_evidence(doc: Doc, column: np.ndarray, hash_index, limit: int = 3) -> list[dict]:
    """The words whose learnt weights pushed the offensive score up the most."""
    scored = []
    for tok in doc.tokens:
        if len(tok.text) < 3 or tok.text in _STOP or tok.text in ("_url", "_usr"):
            continue
        weight = float(column[hash_index(tok.text)])
        if weight > 0.5:
            scored.append((weight, tok))
    scored.sort(key=lambda wt: -wt[0])
    return [
        {
            "category": "model",
            "text": doc.text[t.start : t.end],
            "start": t.start,
            "end": t.end,
            "source": "model:offensive",
            "weight": round(w, 3),
        }
        for w, t in scored[:limit]
    ]
