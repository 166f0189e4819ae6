"""Enrichment engine: language, sentiment, toxicity, personal data, intent, keywords, copies.

`enrich(texts, langs=None) -> list[Enrichment]` is the whole public contract; see docs/models.md.
The pipeline (numpy, scipy, the weights) is imported on first use, so importing a light
sub-module such as `hearth.enrich.pii` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hearth.enrich.pipeline import (
        Enrichment,
        Intent,
        Sentiment,
        Toxicity,
        enrich,
        model_versions,
    )

__all__ = ["Enrichment", "Intent", "Sentiment", "Toxicity", "enrich", "model_versions"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hearth.enrich import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'hearth.enrich' has no attribute {name!r}")
