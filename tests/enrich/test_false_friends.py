"""Everyday customer French that English abuse data taught the model to fear must not read as
abuse, while the same words aimed at someone still do. (Found by routing demo complaints: a
toxic score sends a complaint to moderation instead of the inbox.)"""

from __future__ import annotations

import pytest

from hearth.enrich import enrich

HARMLESS = [
    "Ma commande est en retard, c'est inadmissible",
    "Livraison avec 3 jours de retard, bravo",
    "Désolé du retard !",
    "C'est nul, livraison en retard",
    "un gros sac de pièces",
    "la grosse boîte est arrivée",
    "mon chien adore ce set",
    "les pros et les cons de ce set",
    "Service client nul, jamais de réponse",
]
ABUSIVE = [
    "you are a retard",
    "t'es nul",
    "quel con ce livreur",
    "sale rat va",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_everyday_french_is_not_abuse(text: str) -> None:
    assert not enrich([text])[0].toxicity.toxic


@pytest.mark.parametrize("text", ABUSIVE)
def test_the_same_words_aimed_at_someone_are(text: str) -> None:
    assert enrich([text])[0].toxicity.toxic


@pytest.mark.parametrize(("text", "intent"), [
    ("Il manque des pièces dans ma boîte, que faire ?", "complaint"),
    ("Ma commande est en retard", "complaint"),
    ("Il manque un set fête foraine dans la gamme !", "feature_request"),
])
def test_missing_pieces_and_late_orders_are_complaints(text: str, intent: str) -> None:
    assert enrich([text])[0].intent.label == intent
