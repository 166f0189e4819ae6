"""`enrich()`: every enrichment of a batch of texts in one vectorised pass.

Pure function of its input (DESIGN §1): no database, no network. The shared featurisation runs
once per batch; all learnt heads are one sparse x dense product; rules then run per message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hearth.enrich import intent as intent_mod
from hearth.enrich import lang as lang_mod
from hearth.enrich import sentiment as sentiment_mod
from hearth.enrich import toxicity as tox
from hearth.enrich.features import Doc, analyse, featurize, word_column
from hearth.enrich.heads import load_heads
from hearth.enrich.keywords import keywords, signatures

MAX_TEXT_CHARS = 10_000
_SURROGATE = re.compile(
    "[\ud800-\udfff]"
)  # longer texts are enriched on their first 10,000 characters
DEDUP_VERSION = "simhash64-1.0"
KEYWORDS_VERSION = "keywords-1.0"
TOXICITY_RULES_VERSION = "tox-rules-1.0"
SENTIMENT_RULES_VERSION = "negation-1.0"


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: str
    scores: dict[str, float]


@dataclass(frozen=True, slots=True)
class Toxicity:
    score: float
    toxic: bool
    categories: dict[str, float]
    evidence: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Intent:
    label: str
    scores: dict[str, float]


@dataclass(frozen=True, slots=True)
class Enrichment:
    """Everything Hearth knows about one message; `to_dict()` is the documented JSON record."""

    lang: str
    sentiment: Sentiment
    toxicity: Toxicity
    pii: list[Any]
    intent: Intent
    keywords: list[str]
    dup_signature: str
    models: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "sentiment": {"label": self.sentiment.label, "scores": dict(self.sentiment.scores)},
            "toxicity": {
                "score": self.toxicity.score,
                "toxic": self.toxicity.toxic,
                "categories": dict(self.toxicity.categories),
                "evidence": [dict(e) for e in self.toxicity.evidence],
            },
            "pii": [{"type": s.type, "start": s.start, "end": s.end} for s in self.pii],
            "intent": {"label": self.intent.label, "scores": dict(self.intent.scores)},
            "keywords": list(self.keywords),
            "dup_signature": self.dup_signature,
            "models": dict(self.models),
        }


def model_versions() -> dict[str, str]:
    """Name -> version of every model that contributes to an Enrichment."""
    from hearth.enrich.pii import PII_MODEL_VERSION

    heads = load_heads().heads
    return {
        "lang": "hearth-lang-" + heads["lang"].version,
        "sentiment": f"hearth-sentiment-{heads['sentiment'].version}/{SENTIMENT_RULES_VERSION}",
        "toxicity": (
            f"hearth-toxicity-{heads['offensive'].version}"
            f"/{heads['hate'].version}/{TOXICITY_RULES_VERSION}"
        ),
        "pii": PII_MODEL_VERSION,
        "intent": intent_mod.VERSION,
        "keywords": KEYWORDS_VERSION,
        "dup_signature": DEDUP_VERSION,
    }


def _clip(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("enrich() takes a sequence of texts, not a single string")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
        t = t[:MAX_TEXT_CHARS]
        if not t.isascii() and _SURROGATE.search(t):
            # Lone surrogates (valid in JSON, not in UTF-8) would break encoding later.
            t = _SURROGATE.sub("\ufffd", t)
        out.append(t)
    return out


def _sentiments(probs: np.ndarray, labels: tuple[str, ...]) -> list[Sentiment]:
    rounded = np.round(probs.astype(np.float64), 4).tolist()
    return [
        Sentiment(labels[int(p.argmax())], dict(zip(labels, r, strict=True)))
        for p, r in zip(probs, rounded, strict=True)
    ]


def _toxicities(
    docs: list[Doc],
    langs: list[str],
    p_pos: np.ndarray,
    p_off: np.ndarray,
    p_hate: np.ndarray,
    off_column: np.ndarray,
) -> list[Toxicity]:
    out = []
    for doc, lang, pos, off, hate in zip(docs, langs, p_pos, p_off, p_hate, strict=True):
        hits = tox.apply_rules(doc, float(pos))
        score, cats = tox.combine(hits, float(off), float(hate), float(pos), lang)
        toxic = score >= tox.TOXIC_THRESHOLD
        evidence = hits.evidence
        if toxic and off >= tox.TOXIC_THRESHOLD:
            evidence = evidence + tox.model_evidence(doc, off_column, word_column)
        out.append(Toxicity(round(score, 4), toxic, cats, evidence))
    return out


def enrich(texts: Sequence[str], *, langs: Sequence[str | None] | None = None) -> list[Enrichment]:
    """Enrich a batch of texts. `langs` optionally gives a per-text language hint (or None)."""
    from hearth.enrich.pii import find_pii_batch

    batch = _clip(texts)
    if langs is not None and len(langs) != len(batch):
        raise ValueError(f"langs has {len(langs)} entries for {len(batch)} texts")
    if not batch:
        return []
    hints: list[str | None] = list(langs) if langs is not None else [None] * len(batch)
    heads = load_heads()
    docs = analyse(batch)
    raw = heads.scores(featurize(docs))
    lang_head = heads.heads["lang"]
    languages = lang_mod.decide(
        [" ".join(d.words) for d in docs], heads.probabilities(raw, "lang"), lang_head.labels, hints
    )
    sent_labels = heads.heads["sentiment"].labels
    sent_probs = sentiment_mod.adjust(docs, heads.probabilities(raw, "sentiment"), sent_labels)
    sentiments = _sentiments(sent_probs, sent_labels)
    p_neg = sent_probs[:, sent_labels.index("negative")]
    p_pos = sent_probs[:, sent_labels.index("positive")]
    off_col = heads.weights[:, heads.heads["offensive"].start]
    toxicities = _toxicities(
        docs,
        languages,
        p_pos,
        heads.probabilities(raw, "offensive"),
        heads.probabilities(raw, "hate"),
        off_col,
    )
    pii = find_pii_batch(batch)
    sigs = signatures(docs)
    versions = model_versions()
    out = []
    for i, doc in enumerate(docs):
        scores = intent_mod.intent_scores(doc.fold, doc.wordset, float(p_neg[i]), float(p_pos[i]))
        label = max(scores, key=scores.__getitem__)
        out.append(
            Enrichment(
                languages[i],
                sentiments[i],
                toxicities[i],
                pii[i],
                Intent(label, scores),
                keywords(doc),
                sigs[i],
                versions,
            )
        )
    return out
