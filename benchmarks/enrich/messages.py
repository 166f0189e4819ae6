"""A deterministic, realistic mix of short FR/EN social posts for the benchmark.

Emojis, @handles, URLs, hashtags, some personal data (e-mails, phones, cards) and some abuse,
in roughly the proportions a brand's mention stream shows.
"""

from __future__ import annotations

import random

HANDLES = ["@marie_l", "@BrandSupport", "@jdupont", "@alex99", "@sam", "@TheRealTom"]
URLS = ["https://t.co/x7Gh2k", "http://bit.ly/3abcD", "https://www.example.com/promo?id=42"]
EMOJIS = ["😍", "😡", "😂", "👍", "🔥", "🙄", "😭", "❤️", "🤡", "🎉"]
TAGS = ["#fail", "#love", "#BlackFriday", "#SAV", "#nouveauté", "#help", "#concours"]
EN = [
    "Just got my new phone and it's amazing",
    "Still waiting for my refund, third week now",
    "Does anyone know when the store opens on Sunday?",
    "Worst customer service ever",
    "Please add a dark mode to the app",
    "This burger is so fucking good",
    "Where can I buy the limited edition?",
    "Not bad at all, the update fixed the bug",
    "The app keeps crashing every time I open it",
    "Thanks for the quick answer, great team",
    "Win a free iPhone, click the link now",
    "I know where you live, watch your back",
    "you are a pathetic idiot",
    "Go back to your country",
    "Love the new collection!!!",
]
FR = [
    "Trop contente de ma commande, merci",
    "Toujours pas remboursée, c'est inadmissible",
    "Quelqu'un sait si le magasin est ouvert dimanche ?",
    "Pire service client de ma vie",
    "Ce serait bien d'avoir un mode sombre",
    "Putain c'est trop bon ce burger",
    "Je veux acheter la nouvelle édition, elle est où ?",
    "Pas mal du tout la mise à jour",
    "L'appli plante à chaque fois que je l'ouvre",
    "Merci pour la réponse rapide, équipe au top",
    "Gagnez 1000€ par jour, cliquez ici",
    "Je sais où tu habites, fais gaffe à toi",
    "t'es vraiment un gros c0nn4rd",
    "Retourne dans ton pays",
    "J'adore la nouvelle collection !!!",
]
PII = [
    "écrivez-moi à jean.dupont@example.fr",
    "call me on +44 7700 900123",
    "ma carte 4539 1488 0343 6467 a été débitée deux fois",
    "mon numéro: 06 12 34 56 78",
    "my email is sam.smith@example.com",
]


FILLER = [
    "vraiment",
    "franchement",
    "today",
    "again",
    "encore",
    "honestly",
    "lol",
    "mdr",
    "genre",
    "bref",
    "ok",
    "so",
    "maybe",
    "demain",
    "tomorrow",
    "livraison",
    "delivery",
    "colis",
    "parcel",
    "order",
    "commande",
    "prix",
    "price",
    "app",
    "appli",
    "store",
    "magasin",
    "team",
    "équipe",
    "week-end",
    "weekend",
    "update",
    "version",
    "produit",
    "product",
]


def generate(n: int, seed: int = 7) -> list[str]:
    """n messages, the same for a given seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(FR if rng.random() < 0.5 else EN)]
        if rng.random() < 0.4:
            parts.insert(0, rng.choice(HANDLES))
        parts.extend(rng.sample(FILLER, rng.randint(0, 4)))
        if rng.random() < 0.3:
            parts.append(str(rng.randint(1, 9999)))
        if rng.random() < 0.3:
            parts.append(rng.choice(EMOJIS) * rng.randint(1, 3))
        if rng.random() < 0.25:
            parts.append(rng.choice(TAGS))
        if rng.random() < 0.2:
            parts.append(rng.choice(URLS))
        if rng.random() < 0.08:
            parts.append(rng.choice(PII))
        out.append(" ".join(parts))
    return out
