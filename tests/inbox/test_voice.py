"""The brand-voice checker: what it flags, where, and what it must leave alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.inbox.voice import (
    NETWORK_LIMITS,
    Address,
    EmojiPolicy,
    NetworkLimit,
    Severity,
    Tone,
    VoiceGuide,
    VoiceGuideError,
    VoiceWarning,
    blocking,
    check_draft,
    count_length,
    emoji_spans,
    fold_text,
)

BRIQUO = VoiceGuide(
    tone=Tone.FRIENDLY,
    words_to_use=("builders", "bâtisseurs", "Briquo"),
    words_to_avoid=("cheap", "camelote", "jouet bas de gamme", "rembours*"),
    emoji_policy=EmojiPolicy.SPARINGLY,
    max_emoji=2,
    signature="— Léa, Briquo",
    signature_required=True,
    fr_address=Address.VOUS,
    max_exclamations=1,
    languages=("fr", "en"),
    public_contacts=("support@briquo.fr", "+33 1 84 88 12 34"),
)
PLAIN = VoiceGuide(max_exclamations=None, emoji_policy=EmojiPolicy.FREE)
SIGNED = " — Léa, Briquo"


def codes(warnings: list[VoiceWarning]) -> list[str]:
    return [w.code for w in warnings]


def flagged(text: str, warnings: list[VoiceWarning], code: str) -> list[str]:
    return [text[s:e] for w in warnings if w.code == code for s, e in w.spans]


def check_fr(text: str, guide: VoiceGuide = BRIQUO, **kw: object) -> list[VoiceWarning]:
    return check_draft(text, guide, lang="fr", network_limit=kw.get("limit"), public=True)


# -- the guide as stored JSON


def test_guide_round_trips_through_json() -> None:
    stored = json.loads(json.dumps(BRIQUO.to_dict()))
    assert VoiceGuide.from_dict(stored) == BRIQUO


def test_guide_from_partial_dict_takes_defaults() -> None:
    guide = VoiceGuide.from_dict({"tone": "formal", "fr_address": "vous"})
    assert guide.tone is Tone.FORMAL and guide.fr_address is Address.VOUS
    assert guide.emoji_policy is EmojiPolicy.SPARINGLY and guide.words_to_avoid == ()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"tone": "grumpy"}, "tone must be one of"),
        ({"emoji_policy": "lots"}, "emoji_policy"),
        ({"fr_address": "toi"}, "fr_address"),
        ({"words_to_avoid": "cheap"}, "list of strings"),
        ({"max_emoji": -1}, "max_emoji"),
        ({"max_exclamations": "two"}, "max_exclamations"),
        ({"signature_required": True}, "signature is empty"),
        ({"colour": "red"}, "Unknown voice guide field(s): colour"),
    ],
)
def test_guide_from_bad_dict_says_what_is_wrong(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(VoiceGuideError) as err:
        VoiceGuide.from_dict(data)
    assert fragment in str(err.value)
    assert err.value.status == 422


# -- a clean draft


def test_on_voice_french_draft_has_no_warning() -> None:
    text = (
        "Bonjour Camille, merci pour votre message ! Pouvez-vous nous envoyer le numéro du set ? "
        "Nous vous expédions les pièces manquantes sous 5 jours 🧱" + SIGNED
    )
    assert check_fr(text, limit=NETWORK_LIMITS["mastodon"]) == []


def test_empty_draft_has_no_warning() -> None:
    assert check_draft("   ", BRIQUO, lang="fr", network_limit=10, public=True) == []


# -- length the way networks count


def test_bluesky_counts_a_family_emoji_as_one_character() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert len(family) == 5
    assert count_length(family + " 🇫🇷 e\u0301", NETWORK_LIMITS["bluesky"]) == 5


def test_mastodon_counts_links_as_23_and_mentions_without_domain() -> None:
    url = "https://briquo.fr/notices/4021-phare-breton-notice-complete.pdf"
    text = f"@lea@piaille.fr voici la notice : {url}"
    assert count_length(text, NETWORK_LIMITS["mastodon"]) == len("@lea voici la notice : ") + 23


def test_link_beyond_limit_counts_in_full_without_url_rule() -> None:
    url = "https://briquo.fr/" + "x" * 40
    assert count_length(url, NetworkLimit(300, "graphemes")) == len(url)


def test_over_limit_is_an_error_pointing_at_the_overflow() -> None:
    text = "a" * 295 + " trop long"
    warnings = check_draft(text, PLAIN, lang="fr", network_limit=300, public=False)
    assert codes(warnings) == ["length.over_limit"]
    assert warnings[0].severity is Severity.ERROR
    assert warnings[0].spans == ((300, len(text)),)
    assert "5" in warnings[0].message("en") and "300" in warnings[0].message("fr")


def test_long_link_fits_on_mastodon_but_not_bluesky() -> None:
    text = "Notice : https://briquo.fr/" + "n" * 300
    mastodon = check_draft(
        text, PLAIN, lang="fr", network_limit=NETWORK_LIMITS["mastodon"], public=False
    )
    bluesky = check_draft(
        text, PLAIN, lang="fr", network_limit=NETWORK_LIMITS["bluesky"], public=False
    )
    assert mastodon == []
    assert codes(bluesky) == ["length.over_limit"]


# -- banned words


def test_banned_word_is_found_case_and_accent_insensitively() -> None:
    text = "Ce n'est pas de la Camélote, promis." + SIGNED
    warnings = check_fr(text)
    assert flagged(text, warnings, "words.banned") == ["Camélote"]
    assert blocking(warnings)[0].code == "words.banned"


def test_banned_prefix_matches_word_forms_and_phrases_span_spaces() -> None:
    text = "On vous rembourse, ce n'est pas un jouet  bas de gamme." + SIGNED
    assert flagged(text, check_fr(text), "words.banned") == ["rembourse", "jouet  bas de gamme"]


def test_banned_word_inside_another_word_or_link_is_not_flagged() -> None:
    text = "Cheapside est une rue de Londres : https://cheap.example/briques" + SIGNED
    assert "words.banned" not in codes(check_fr(text))


# -- tone


def test_formal_brand_flags_casual_words() -> None:
    guide = VoiceGuide(tone=Tone.FORMAL)
    text = "Salut ! Du coup on regarde ça, mdr"
    warnings = check_draft(text, guide, lang="fr", network_limit=None, public=False)
    assert flagged(text, warnings, "tone.formality_mismatch") == ["Salut", "Du coup", "mdr"]
    assert "soutenu" in warnings[0].message("fr")


def test_friendly_brand_flags_stiff_formulas() -> None:
    guide = VoiceGuide(tone=Tone.FRIENDLY)
    text = "Dear Sir or Madam, we regret to inform you that the set is sold out."
    warnings = check_draft(text, guide, lang="en", network_limit=None, public=False)
    assert flagged(text, warnings, "tone.formality_mismatch") == [
        "Dear Sir or Madam",
        "we regret to inform you",
    ]
    assert "stiff" in warnings[0].message("en")


def test_casual_word_inside_a_longer_word_is_not_flagged() -> None:
    guide = VoiceGuide(tone=Tone.FORMAL)
    text = "Your yogurt is in your pocket; the Sudbury shop in the U.S. opens at nine."
    assert check_draft(text, guide, lang="en", network_limit=None, public=False) == []


# -- French: tu or vous


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("Peux-tu nous envoyer une photo ?", ["tu"]),
        ("Merci, on t'envoie les pièces demain.", ["t'"]),
        ("Dis-nous si ça te convient.", ["te"]),
        ("C'est pour toi !", ["toi"]),
        ("Ton colis et ta notice partent avec tes pièces.", ["Ton", "ta", "tes"]),
        ("TU as raison, Rassure-toi.", ["TU", "toi"]),
    ],
)
def test_tu_forms_are_flagged_when_the_brand_says_vous(text: str, forms: list[str]) -> None:
    warnings = check_fr(text + SIGNED)
    assert flagged(text, warnings, "fr.address_mismatch") == forms
    assert "« tu » is used here but the brand says « vous »" in warnings[0].message("en")


@pytest.mark.parametrize(
    "text",
    [
        "Le statut de la commande est à jour, voici le tutoriel.",  # tu/te inside words
        "Nous gardons un ton léger, même sur ce ton-là.",  # the noun "ton"
        "Le client s'est tu puis a souri.",  # the verb "se taire"
        "Votre message « tu peux pas comprendre » nous a touchés.",  # quoted customer words
        "Vous avez écrit :\n> je te jure que la boîte était vide\nNous allons vérifier.",
        "A-t-il bien reçu la boîte ? Va-t-on la renvoyer ?",  # euphonic -t-
        "Suivez @tutu_bricks et #tetris sur https://briquo.fr/ta/tes",  # handles, tags, links
    ],
)
def test_tu_false_positives_are_not_flagged(text: str) -> None:
    assert "fr.address_mismatch" not in codes(check_fr(text + SIGNED))


def test_vous_is_flagged_when_the_brand_says_tu_but_rendez_vous_is_not() -> None:
    guide = VoiceGuide(fr_address=Address.TU)
    text = "Prenez un rendez-vous en boutique : votre set vous attend."
    warnings = check_draft(text, guide, lang="fr", network_limit=None, public=False)
    assert flagged(text, warnings, "fr.address_mismatch") == ["votre", "vous"]
    assert "plusieurs personnes" in warnings[0].message("fr")


def test_vous_in_a_quote_is_not_flagged_for_a_tu_brand() -> None:
    guide = VoiceGuide(fr_address=Address.TU)
    text = "Tu nous as écrit « vous m'avez oublié » : désolés, on s'en occupe !"
    assert check_draft(text, guide, lang="fr", network_limit=None, public=False) == []


def test_mixing_tu_and_vous_is_flagged_when_the_brand_has_no_rule() -> None:
    text = "Merci pour votre patience, vous recevrez le colis, tu verras."
    warnings = check_draft(text, PLAIN, lang="fr", network_limit=None, public=False)
    assert flagged(text, warnings, "fr.address_mixed") == ["tu"]


def test_address_is_not_checked_in_english() -> None:
    text = "Ta-da! Your Tu Tu costume is ready." + SIGNED
    warnings = check_draft(text, BRIQUO, lang="en", network_limit=None, public=False)
    assert "fr.address_mismatch" not in codes(warnings)


# -- signature


def test_missing_signature_is_flagged_at_the_end() -> None:
    text = "Merci pour votre message."
    warnings = check_fr(text)
    assert codes(warnings) == ["signature.missing"]
    assert warnings[0].spans == ((len(text), len(text)),)
    assert "— Léa, Briquo" in warnings[0].message("en")


def test_signature_with_other_dash_and_trailing_space_counts() -> None:
    assert check_fr("Merci pour votre message.\n- Léa · Briquo  \n") == []


# -- emoji, exclamation marks, capitals


def test_emoji_counts_flags_and_zwj_sequences_once_and_skips_typography() -> None:
    text = "Bravo 🇫🇷 👩‍🚀 ✨ ❤️ 1️⃣ © ✓ ★ Briquo™ ✔️"
    assert [text[s:e] for s, e in emoji_spans(text)] == ["🇫🇷", "👩‍🚀", "✨", "❤️", "1️⃣", "✔️"]


def test_emoji_beyond_the_sparing_budget_are_flagged() -> None:
    text = "Merci 🧱🧱🎉 !" + SIGNED
    warnings = check_fr(text)
    assert flagged(text, warnings, "emoji.too_many") == ["🎉"]


def test_any_emoji_is_flagged_when_the_brand_uses_none() -> None:
    guide = VoiceGuide(emoji_policy=EmojiPolicy.NONE)
    warnings = check_draft("Thanks 🙂", guide, lang="en", network_limit=None, public=False)
    assert codes(warnings) == ["emoji.not_allowed"]


def test_exclamation_marks_beyond_the_limit_are_flagged() -> None:
    text = "Super ! Merci !!" + SIGNED
    warnings = check_fr(text)
    assert [s for w in warnings if w.code == "punctuation.exclamations" for s in w.spans] == [
        (14, 15),
        (15, 16),
    ]


def test_shouting_is_flagged_but_acronyms_and_brand_names_are_not() -> None:
    text = "Contactez le SAV ou la SNCF, BRIQUO répond. C'EST VRAIMENT URGENT" + SIGNED
    warnings = check_fr(text)
    assert flagged(text, warnings, "shouting") == ["C'EST VRAIMENT URGENT"]


# -- personal data


def test_phone_number_in_a_public_reply_is_an_error() -> None:
    text = "Appelez Marc au 06 12 34 56 78 pour le retrait." + SIGNED
    warnings = check_fr(text)
    assert flagged(text, warnings, "pii.public") == ["06 12 34 56 78"]
    pii = next(w for w in warnings if w.code == "pii.public")
    assert pii.blocking
    assert pii.message("en").startswith("This reply would post a phone number publicly")
    assert "numéro de téléphone" in pii.message("fr")


def test_full_name_is_a_warning_but_a_first_name_greeting_is_not() -> None:
    text = "Bonjour Camille, nous avons parlé à Mme Sophie Lefèvre." + SIGNED
    warnings = check_fr(text)
    assert flagged(text, warnings, "pii.public") == ["Sophie Lefèvre"]
    assert not blocking(warnings)


def test_personal_data_in_a_private_message_is_fine() -> None:
    text = "Votre e-mail camille.martin@example.org est bien noté." + SIGNED
    warnings = check_draft(text, BRIQUO, lang="fr", network_limit=None, public=False)
    assert warnings == []


def test_brand_public_contacts_and_signature_are_not_personal_data() -> None:
    text = "Écrivez à support@briquo.fr ou appelez le 01 84 88 12 34." + SIGNED
    assert check_fr(text) == []


# -- language, ordering, serialisation


def test_language_outside_the_guide_is_flagged() -> None:
    text = "Danke für Ihre Nachricht." + SIGNED
    warnings = check_draft(text, BRIQUO, lang="de", network_limit=None, public=False)
    assert codes(warnings) == ["lang.not_in_guide"]


def test_errors_come_before_warnings() -> None:
    text = "Salut, c'est de la camelote, tu sais ?"
    severities = [w.severity for w in check_fr(text)]
    assert severities == sorted(severities, key=lambda s: s is not Severity.ERROR)
    assert severities[0] is Severity.ERROR


def test_warning_serialises_for_the_composer() -> None:
    text = "C'est de la camelote." + SIGNED
    data = check_fr(text)[0].to_dict("fr")
    assert data == {
        "code": "words.banned",
        "severity": "error",
        "spans": [[12, 20]],
        "message": "« camelote » fait partie des mots que la marque évite. "
        "Mots qu'elle préfère : builders, bâtisseurs, Briquo.",
    }


def test_fold_text_keeps_offsets() -> None:
    text = "Élodie’s İstanbul ŒUVRE"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded.startswith("elodie's i")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["fr", "en", "de"]), st.booleans())
def test_any_text_gets_spans_inside_it_and_never_raises(text: str, lang: str, public: bool) -> None:
    for warning in check_draft(text, BRIQUO, lang=lang, network_limit=120, public=public):
        assert all(0 <= s <= e <= len(text) for s, e in warning.spans)
        assert warning.message("en") and warning.message("fr")
