"""Enrichment engine: language, sentiment, toxicity, personal data, intent, keywords, copies.

`enrich(texts, langs=None) -> list[Enrichment]` is the whole public contract; see docs/models.md.
"""

from hearth.enrich.pipeline import Enrichment, Intent, Sentiment, Toxicity, enrich, model_versions

__all__ = ["Enrichment", "Intent", "Sentiment", "Toxicity", "enrich", "model_versions"]
