"""Reply suggestions: the right FAQ first for paraphrased, misspelt questions; saved replies."""

from __future__ import annotations

import pytest

from hearth.inbox.suggest import (
    KnowledgeItem,
    SuggestionIndex,
    TemplateError,
    fill,
    placeholders,
    stem,
    suggest,
    terms,
)
from hearth.kit.errors import ValidationFailedError

BRIQUO = (
    KnowledgeItem(
        "bq-missing-fr",
        "Il manque des pièces dans ma boîte",
        "Désolés ! Envoyez-nous le numéro du set et la référence des pièces manquantes "
        "(elle est dans la notice, page inventaire) : nous les expédions gratuitement "
        "sous 5 jours.",
        "fr",
        ("pièces", "sav"),
    ),
    KnowledgeItem(
        "bq-missing-en",
        "Pieces are missing from my box",
        "Sorry about that! Send us the set number and the part numbers of the missing pieces "
        "(see the inventory page of the instructions) and we ship them free within 5 days.",
        "en",
        ("parts", "support"),
    ),
    KnowledgeItem(
        "bq-instructions-fr",
        "Où trouver la notice de montage d'un set ?",
        "Toutes les notices sont en PDF sur briquo.fr/notices : tapez le numéro du set "
        "(par exemple 4021) pour télécharger le livret étape par étape.",
        "fr",
        ("notice",),
    ),
    KnowledgeItem(
        "bq-instructions-en",
        "Where can I find the building instructions for a set?",
        "Every instruction booklet is a PDF on briquo.fr/instructions: type the set number "
        "(for example 4021) to download the step-by-step guide.",
        "en",
        ("instructions",),
    ),
    KnowledgeItem(
        "bq-delay-fr",
        "Ma commande n'est pas encore arrivée",
        "Les colis partent sous 48 h et La Poste livre en 3 à 5 jours ouvrés. Au-delà, "
        "donnez-nous votre numéro de commande et nous relançons le transporteur.",
        "fr",
        ("livraison", "retard"),
    ),
    KnowledgeItem(
        "bq-delay-en",
        "My order has not arrived yet",
        "Parcels leave within 48 hours and the carrier delivers in 3 to 5 working days. After "
        "that, send us your order number and we will chase the carrier.",
        "en",
        ("delivery", "delay"),
    ),
    KnowledgeItem(
        "bq-returns-fr",
        "Comment retourner un set ?",
        "Vous avez 30 jours pour nous renvoyer un set non ouvert : l'étiquette retour est dans "
        "votre espace client, le remboursement suit la réception du colis.",
        "fr",
        ("retour",),
    ),
    KnowledgeItem(
        "bq-returns-en",
        "How do I return a set?",
        "You have 30 days to send back an unopened set: print the return label from your "
        "account; we refund you once the parcel is back with us.",
        "en",
        ("returns",),
    ),
    KnowledgeItem(
        "bq-past-castle",
        "Le Château des Brumes est-il compatible avec les anciennes briques ?",
        "Oui, toutes nos briques sont compatibles depuis 2010, y compris celles du 7750.",
        "fr",
        (),
        "past_reply",
    ),
)

PIZZADORO = (
    KnowledgeItem(
        "pz-late-fr",
        "Ma pizza est en retard",
        "Nous sommes désolés de l'attente. Au-delà de 45 minutes après l'heure annoncée, la "
        "livraison est offerte : écrivez-nous avec votre numéro de commande.",
        "fr",
        ("livraison", "retard"),
    ),
    KnowledgeItem(
        "pz-late-en",
        "My pizza delivery is late",
        "We are sorry for the wait. If your order arrives more than 45 minutes after the "
        "announced time, delivery is free: message us with your order number.",
        "en",
        ("delivery", "late"),
    ),
    KnowledgeItem(
        "pz-refund-fr",
        "Comment obtenir un remboursement ?",
        "Si une pizza est manquante ou abîmée, nous vous remboursons sur le moyen de paiement "
        "utilisé sous 5 jours ; envoyez-nous une photo et le numéro de commande.",
        "fr",
        ("remboursement",),
    ),
    KnowledgeItem(
        "pz-refund-en",
        "How do I get a refund?",
        "If a pizza is missing or damaged we refund the card you paid with within 5 days; "
        "send us a photo and the order number.",
        "en",
        ("refund",),
    ),
    KnowledgeItem(
        "pz-allergens-fr",
        "Quels allergènes contiennent vos pizzas ?",
        "La liste des allergènes (gluten, lait, fruits à coque…) de chaque pizza est sur la "
        "fiche produit. Nos pâtes sans gluten sont préparées dans la même cuisine : traces "
        "possibles.",
        "fr",
        ("allergènes", "gluten"),
    ),
    KnowledgeItem(
        "pz-allergens-en",
        "Which allergens are in your pizzas?",
        "Each pizza's product page lists its allergens (gluten, milk, nuts…). Our gluten-free "
        "bases are made in the same kitchen, so traces are possible.",
        "en",
        ("allergens", "gluten"),
    ),
)


@pytest.fixture(scope="module")
def briquo() -> SuggestionIndex:
    return SuggestionIndex(BRIQUO)


@pytest.fixture(scope="module")
def pizzadoro() -> SuggestionIndex:
    return SuggestionIndex(PIZZADORO)


def top(index: SuggestionIndex, message: str, lang: str) -> str | None:
    found = index.suggest(message, lang=lang)
    return found[0].item.id if found else None


# -- ranking


@pytest.mark.parametrize(
    ("message", "lang", "expected"),
    [
        ("bonjour, il me manque 3 pieces dans la boite du phare 4021 :(", "fr", "bq-missing-fr"),
        ("Salut, ya des briques manquantes dans mon set, c'est normal ??", "fr", "bq-missing-fr"),
        ("piece manquante dans le 7072, le train a vapeur", "fr", "bq-missing-fr"),
        ("où est le mode d'emploi pour monter le camion de pompiers", "fr", "bq-instructions-fr"),
        ("je trouve pas la notisse du chateau des brumes", "fr", "bq-instructions-fr"),
        ("mon colis n'est toujours pas livré, commandé il y a 10 jours", "fr", "bq-delay-fr"),
        ("livrasion en retard, je l'attends depuis une semaine", "fr", "bq-delay-fr"),
        ("je voudrais renvoyer le set, il ne plait pas à mon fils", "fr", "bq-returns-fr"),
        ("comment faire un retour ? le cadeau ne convient pas", "fr", "bq-returns-fr"),
        ("hi, two bricks are missng from the Misty Castle box", "en", "bq-missing-en"),
        ("The box came with a part missing, the red 2x4 brick", "en", "bq-missing-en"),
        (
            "lost the instrucitons booklet for the fire truck, where can I get it?",
            "en",
            "bq-instructions-en",
        ),
        ("where do I download the manual for set 4021", "en", "bq-instructions-en"),
        ("my package still hasnt shown up, ordered 2 weeks ago", "en", "bq-delay-en"),
        ("my parcel is late, tracking hasn't moved in days", "en", "bq-delay-en"),
        ("can I send back a set I bought as a gift?", "en", "bq-returns-en"),
    ],
)
def test_briquo_question_finds_its_faq(
    briquo: SuggestionIndex, message: str, lang: str, expected: str
) -> None:
    assert top(briquo, message, lang) == expected


@pytest.mark.parametrize(
    ("message", "lang", "expected"),
    [
        ("ça fait une heure que j'attends ma pizza !!", "fr", "pz-late-fr"),
        ("livreur en retard de 40 min, pizza froide", "fr", "pz-late-fr"),
        ("toujours pas livré au bout d'une heure, c'est long", "fr", "pz-late-fr"),
        ("je veux être rembourssé, il manquait une pizza", "fr", "pz-refund-fr"),
        ("pizza arrivée écrasée, je veux un remboursement", "fr", "pz-refund-fr"),
        ("vous pouvez me rembourser ? la commande était incomplète", "fr", "pz-refund-fr"),
        (
            "est ce que la margherita contient du gluten ? mon fils est coeliaque",
            "fr",
            "pz-allergens-fr",
        ),
        ("y a-t-il des arachides dans la pâte ? allergie", "fr", "pz-allergens-fr"),
        ("my pizza is over an hour late", "en", "pz-late-en"),
        ("still waiting for my delivery, 50 minutes already", "en", "pz-late-en"),
        ("Can I get my money back? Half the order was missing", "en", "pz-refund-en"),
        ("I'd like to be reimbursed, the pizza was squashed", "en", "pz-refund-en"),
        ("does the calzone have nuts? my daughter is allergic", "en", "pz-allergens-en"),
        ("is the dough glutn free?", "en", "pz-allergens-en"),
    ],
)
def test_pizzadoro_question_finds_its_faq(
    pizzadoro: SuggestionIndex, message: str, lang: str, expected: str
) -> None:
    assert top(pizzadoro, message, lang) == expected


def test_suggestions_stay_in_the_message_language(briquo: SuggestionIndex) -> None:
    found = briquo.suggest("Il manque une pièce, où est la notice ?", lang="fr", k=5)
    assert found and {s.item.lang for s in found} == {"fr"}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_other_languages_are_offered_only_when_nothing_matches() -> None:
    index = SuggestionIndex([i for i in BRIQUO if i.id != "bq-returns-fr"])
    found = index.suggest("Je veux retourner le set, return possible ?", lang="fr")
    assert found[0].item.id == "bq-returns-en"
    assert all(s.item.lang == "en" for s in found)


def test_unknown_language_searches_every_item(briquo: SuggestionIndex) -> None:
    assert top(briquo, "missing pieces in my box", "de") == "bq-missing-en"


@pytest.mark.parametrize(
    ("brand", "message", "lang"),
    [
        ("briquo", "Quel temps fait-il à Brest ?", "fr"),
        ("briquo", "J'adore vos sets !!", "fr"),
        ("briquo", "Vivement le prochain set de Noël", "fr"),
        ("briquo", "what is the weather like", "en"),
        ("pizzadoro", "Thanks, the pizza was delicious", "en"),
        ("pizzadoro", "La meilleure pizza de Lyon, bravo", "fr"),
    ],
)
def test_chit_chat_gets_no_suggestion(
    request: pytest.FixtureRequest, brand: str, message: str, lang: str
) -> None:
    index: SuggestionIndex = request.getfixturevalue(brand)
    assert index.suggest(message, lang=lang) == []


def test_why_names_the_shared_words_and_the_spelling_match(pizzadoro: SuggestionIndex) -> None:
    best = pizzadoro.suggest("je veux être rembourssé", lang="fr")[0]
    assert "« rembourssé »" in best.why and "spelling" in best.why
    assert "orthographe" in best.explain("fr")
    assert best.matched == ("rembourssé",)


def test_past_reply_can_be_suggested(briquo: SuggestionIndex) -> None:
    found = briquo.suggest("les briques du chateau des brumes sont compatibles ?", lang="fr")
    assert found[0].item.source == "past_reply"
    assert found[0].why.startswith("Past reply")


def test_module_level_suggest_respects_k(briquo: SuggestionIndex) -> None:
    assert len(suggest(briquo, "set pièces notice colis retour", lang="fr", k=2)) == 2


def test_empty_index_and_empty_message_give_nothing(briquo: SuggestionIndex) -> None:
    assert SuggestionIndex([]).suggest("where is my parcel", lang="en") == []
    assert briquo.suggest("   ", lang="en") == []


def test_duplicate_ids_are_refused() -> None:
    item = BRIQUO[0]
    with pytest.raises(ValidationFailedError, match="distinct ids"):
        SuggestionIndex([item, item])


# -- tokenisation


def test_terms_fold_accents_and_drop_stop_words() -> None:
    assert terms("Où est la LIVRAISON de mes pièces ?") == ["livr", "piec"]
    assert terms("Where is the delivery of my parcels?") == ["deliver", "parcel"]


def test_stem_joins_word_forms() -> None:
    assert stem("remboursement") == stem("rembourse") == stem("remboursee")
    assert stem("refunded") == stem("refunds") == "refund"


# -- saved replies


def test_fill_replaces_known_placeholders() -> None:
    text, missing = fill(
        "Bonjour {first_name}, la commande {order_id} part demain.",
        {"first_name": "Camille", "order_id": "BQ-1042"},
    )
    assert text == "Bonjour Camille, la commande BQ-1042 part demain."
    assert missing == []


def test_fill_reports_missing_and_keeps_them_visible() -> None:
    text, missing = fill(
        "Hi {first_name}, order {order_id} ({order_id}).", {"first_name": "Sam", "order_id": "  "}
    )
    assert text == "Hi Sam, order {order_id} ({order_id})."
    assert missing == ["order_id"]


def test_fill_unescapes_double_braces_and_never_reformats_values() -> None:
    text, missing = fill("{{code}} = {code} {{}}", {"code": "{first_name}"})
    assert text == "{code} = {first_name} {}"
    assert missing == []


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("Hi {first_name", "Unmatched « { » at character 4"),
        ("Hi first_name}", "Unmatched « } » at character 14"),
        ("Hi {first name}", "not a valid placeholder"),
        ("Hi {0.__class__}", "not a valid placeholder"),
    ],
)
def test_malformed_template_is_refused_clearly(template: str, fragment: str) -> None:
    with pytest.raises(TemplateError, match=fragment):
        fill(template, {"first_name": "Sam"})


def test_placeholders_lists_names_once_in_order() -> None:
    assert placeholders("{b} {a} {{c}} { b }") == ["b", "a"]
