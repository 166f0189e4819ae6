"""What a demo brand's inbox starts with: a voice guide, an FAQ, saved replies, service levels.

Written for the two fictional brands of the demo world (docs/demo.md).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.inbox.assist import do_add_knowledge, do_save_guide, do_save_reply
from hearth.inbox.voice import VoiceGuide
from hearth.models import Workspace
from hearth.models.inbox import KnowledgeItem, SlaPolicy

GUIDES = {
    "briquo": {"tone": "friendly", "fr_address": "tu", "emoji_policy": "sparingly",
               "max_emoji": 2, "signature": "— L'équipe Briquo", "signature_required": False,
               "words_to_use": ["constructeur", "builder"],
               "words_to_avoid": ["problème technique", "malheureusement", "unfortunately"],
               "public_contacts": ["service@briquo.example"]},
    "pizzadoro": {"tone": "friendly", "fr_address": "vous", "emoji_policy": "sparingly",
                  "max_emoji": 1, "signature": "— Pizzadoro", "signature_required": True,
                  "words_to_avoid": ["pas notre faute", "not our fault", "calmez-vous"],
                  "public_contacts": ["contact@pizzadoro.example", "01 80 00 00 00"]},
}

FAQ = {
    "briquo": [
        ("fr", "Il me manque des pièces dans ma boîte", "Oh non ! Envoie-nous le numéro du set "
         "et des pièces manquantes via le formulaire pièces de briquo.example/pieces : on te les "
         "expédie gratuitement sous 5 jours."),
        ("fr", "Où trouver la notice de montage d'un set ?", "Toutes les notices sont en "
         "téléchargement libre sur briquo.example/notices, il suffit de taper le numéro du set."),
        ("fr", "Ma commande n'est pas arrivée, où en est la livraison ?", "Désolés pour l'attente "
         "! Envoie-nous ton numéro de commande en message privé et on vérifie avec le "
         "transporteur tout de suite."),
        ("en", "Some pieces are missing from my set", "Sorry about that! Tell us the set number "
         "and the missing pieces at briquo.example/pieces and we'll ship them for free within "
         "5 days."),
        ("en", "Where can I find the building instructions?", "All instructions can be "
         "downloaded for free at briquo.example/instructions: just type the set number."),
        ("en", "Where is my order? It hasn't arrived", "Sorry for the wait! Send us your order "
         "number in a private message and we'll check with the carrier right away."),
    ],
    "pizzadoro": [
        ("fr", "Ma pizza est arrivée en retard ou froide", "Nous sommes vraiment désolés. "
         "Envoyez-nous votre numéro de commande en message privé : nous vous offrons la "
         "prochaine pizza."),
        ("fr", "Je voudrais être remboursé", "Bien sûr. Écrivez-nous en message privé avec votre "
         "numéro de commande, le remboursement est fait sous 48 h."),
        ("fr", "Quels sont les allergènes de vos pizzas ?", "La liste complète des allergènes "
         "par pizza est sur pizzadoro.example/allergenes, et nos équipes en boutique peuvent "
         "vous renseigner."),
        ("en", "My pizza arrived late or cold", "We're truly sorry. Send us your order number "
         "in a private message: your next pizza is on us."),
        ("en", "I want a refund", "Of course. Message us privately with your order number and "
         "the refund is made within 48 hours."),
        ("fr", "Qu'en est-il de la vidéo qui circule ?", "Nous avons vu la vidéo et nous sommes "
         "choqués. Les deux employés ont été suspendus et le restaurant est fermé pour "
         "inspection. Nous publierons les résultats en toute transparence."),
    ],
}

SAVED = {
    "briquo": [("Pièces manquantes", {
        "fr": "Salut {first_name} ! Désolés pour ces pièces manquantes 😕 Envoie-nous le numéro "
              "du set sur briquo.example/pieces et on te les envoie gratuitement.",
        "en": "Hi {first_name}! Sorry about the missing pieces. Send us the set number at "
              "briquo.example/pieces and we'll ship them for free."})],
    "pizzadoro": [("Suivi de commande", {
        "fr": "Bonjour {first_name}, merci pour votre message. Nous regardons la commande "
              "{order_id} tout de suite. — Pizzadoro",
        "en": "Hello {first_name}, thank you for your message. We're looking into order "
              "{order_id} right now. — Pizzadoro"})],
}

SLAS = (("Urgent", "urgent", 15, 30, 240), ("High", "high", 30, 60, 480),
        ("Everything else", None, 120, 240, 24 * 60))


def seed_inbox(session: Session, workspace: Workspace, brand: str) -> None:
    """Idempotent: a workspace that already has its FAQ is left alone."""
    if session.scalar(select(KnowledgeItem.id).where(
            KnowledgeItem.workspace_id == workspace.id).limit(1)):
        return
    actor = Actor.system("demo")
    do_save_guide(session, workspace, VoiceGuide.from_dict(GUIDES[brand]), actor=actor)
    for lang, question, answer in FAQ[brand]:
        do_add_knowledge(session, workspace.id, question, answer, lang, actor=actor)
    for name, variants in SAVED[brand]:
        do_save_reply(session, workspace.id, name, variants, actor=actor)
    for name, label, first, following, resolution in SLAS:
        session.add(SlaPolicy(workspace_id=workspace.id, name=name, priority_label=label,
                              first_response_minutes=first, next_response_minutes=following,
                              resolution_minutes=resolution))
