"""Personal data detection: formats that must be found and traps that must not be."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.enrich.pii import (
    PII_MODEL_VERSION,
    PII_TYPES,
    PiiSpan,
    find_pii,
    find_pii_batch,
    redact,
)


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in find_pii(text)]


def kinds(text: str) -> set[str]:
    return {s.type for s in find_pii(text)}


# --- e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "jean.dupont@gmail.com",
        "a.b-c+promo@sub.example.co.uk",
        "UtaKortig@jourrapide.com",
        "contact@pizza-roma.fr",
        "élodie.dupré@orange.fr",
        "first_last@café.fr",
    ],
)
def test_email_found_whole(email: str) -> None:
    assert found(f"Écrivez-moi à {email}, merci") == [("email", email)]


def test_email_handle_is_not_an_email() -> None:
    assert kinds("merci @pizzaroma et @lego_fr !") == set()


# --- phone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "+33 6 12 34 56 78",
        "+33612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "(555) 123-4567",
        "555-123-4567",
        "+1-202-555-0143",
        "+1 (202) 555-0143",
        "+44 20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "+46 (0)8 928 571 38",
        "0033 1 42 68 53 00",
        "+49 30 901820",
        "345-899-3560x4587",
    ],
)
def test_phone_international_formats_found(phone: str) -> None:
    assert found(f"ok so {phone} is where I am") == [("phone", phone)]


@pytest.mark.parametrize(
    "text,phone",
    [
        ("Phone: 451 5986", "451 5986"),
        ("Can someone call me on 9472 7916? thanks", "9472 7916"),
        ("appelez-moi au 699 956 915", "699 956 915"),
    ],
)
def test_short_phone_found_next_to_a_cue(text: str, phone: str) -> None:
    assert found(text) == [("phone", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Livré le 12/05/2024 à 14:30",
        "rendez-vous le 12.05.2024",
        "posted 2025-12-22 04:34:22",
        "Commande n° 1234567890 toujours pas arrivée",
        "my order #555-123-4567 never came",
        "Order number: 0612345678",
        "Tracking 0612 3456 78 please",
        "It costs $1 299 999 now",
        "le prix est passé à 1 234 567 €",
        "they sold 450 000 units in 2023",
        "upgrade to version 10.2.3.4 today",
        "ISBN 978-2-07-036822-8",
        "1 2 3 4 5 6 7 8 go",
        "we were 451 5986 people",
    ],
)
def test_phone_traps_are_not_phones(text: str) -> None:
    assert "phone" not in kinds(text)


# --- payment card ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "378282246310005",
        "3566 0020 2036 0505",
        "6011111111111117",
    ],
)
def test_card_with_valid_luhn_found(card: str) -> None:
    assert found(f"ma carte {card} a été débitée deux fois") == [("card", card)]


def test_card_with_bad_luhn_ignored() -> None:
    assert "card" not in kinds("ma carte 4111 1111 1111 1112 a été débitée")


@pytest.mark.parametrize("label", ["SIRET", "siret n°", "IMEI:", "commande n°", "Order #"])
def test_luhn_valid_identifier_with_its_label_is_not_a_card(label: str) -> None:
    # Both pass Luhn and start like a card number; only the label says what they are.
    number = "356938035643809" if label == "IMEI:" else "40483304800022"
    assert "card" not in kinds(f"{label} {number}")


def test_luhn_valid_number_with_non_issuer_prefix_ignored() -> None:
    # 79927398713 is the textbook Luhn example; 12+ digits starting with 9 are not card numbers.
    assert "card" not in kinds("ticket 9799273987131 closed")


# --- IBAN -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "FR7630006000011234567890189",
        "GB82 WEST 1234 5698 7654 32",
        "gb42nawi04454264788619",
        "DE89 3704 0044 0532 0130 00",
        "BE68 5390 0754 7034",
    ],
)
def test_iban_with_valid_checksum_found(iban: str) -> None:
    assert found(f"virement sur {iban} svp") == [("iban", iban)]


def test_iban_with_bad_checksum_ignored() -> None:
    assert "iban" not in kinds("virement sur FR76 3000 6000 0112 3456 7890 188 svp")


def test_iban_with_wrong_country_length_ignored() -> None:
    assert "iban" not in kinds("GB82 WEST 1234 5698 7654 3 is short")


def test_iban_cut_at_country_length_before_next_word() -> None:
    text = "IBAN GB82 WEST 1234 5698 7654 32 merci beaucoup"
    assert found(text) == [("iban", "GB82 WEST 1234 5698 7654 32")]


# --- IP -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip", ["192.168.1.12", "86.121.97.248", "2001:db8::8a2e:370:7334", "fe80::1ff:fe23:4567:890a"]
)
def test_ip_found(ip: str) -> None:
    assert found(f"connexion depuis {ip} hier") == [("ip", ip)]


@pytest.mark.parametrize(
    "text",
    [
        "score 256.1.1.1",
        "version 1.2.3.4 is out",
        "v10.0.0.1 beta",
        "il est 12:30:45",
        "ratio 10::30",
        "01.02.03.04",
    ],
)
def test_ip_traps_are_not_ips(text: str) -> None:
    assert "ip" not in kinds(text)


# --- addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,address",
    [
        ("j'habite 12 rue de la Paix, 75002 Paris depuis", "12 rue de la Paix, 75002 Paris"),
        ("livré au 3 bis avenue Victor Hugo hier", "3 bis avenue Victor Hugo"),
        ("I live at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        (
            "ship to 1600 Pennsylvania Avenue, Washington, DC 20500 asap",
            "1600 Pennsylvania Avenue, Washington, DC 20500",
        ),
        ("office: 42 Main St Apt. 5", "42 Main St Apt. 5"),
    ],
)
def test_address_found(text: str, address: str) -> None:
    assert found(text) == [("address", address)]


@pytest.mark.parametrize(
    "text,address",
    [
        ("send it to P.O. Box 287 please", "P.O. Box 287"),
        ("Meet me at PSC 0413, Box 8144\nAPO AA 42323", "PSC 0413, Box 8144\nAPO AA 42323"),
        ("He lives at 5049 Harjukuja 54, fine", "5049 Harjukuja 54"),
        (
            "Ship to: Via Franscini 71\n Suite 680\n Kissousa\n Cyprus 36903\nThanks",
            "Via Franscini 71\n Suite 680\n Kissousa\n Cyprus 36903",
        ),
        ("my flat is Apt. 595 now", "Apt. 595"),
        ("12 rue de la Paix\nMerci pour tout", "12 rue de la Paix"),
    ],
)
def test_address_blocks_and_fragments_found(text: str, address: str) -> None:
    assert found(text) == [("address", address)]


@pytest.mark.parametrize(
    "text",
    [
        "I waited 3 hours at the Station",
        "2 Street Fighter games",
        "on a 12 rue stories sur Insta",
        "Bach's Cello Suite 1 is lovely",
    ],
)
def test_address_traps_are_not_addresses(text: str) -> None:
    assert "address" not in kinds(text)


# --- person names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,name",
    [
        ("Bonjour, je m'appelle Camille Durand et j'ai un souci", "Camille Durand"),
        ("Hi, my name is Rubija", "Rubija"),
        ("Dear Mr. Holmes, thanks", "Holmes"),
        ("Merci Mme Lefèvre pour votre aide", "Lefèvre"),
        ("Thomas Martin m'a répondu très vite", "Thomas Martin"),
        ("Bonjour Marie, ça marche", "Marie"),
    ],
)
def test_person_found_after_cue_or_known_first_name(text: str, name: str) -> None:
    assert ("person", name) in found(text)


@pytest.mark.parametrize(
    "text,name",
    [
        ("Dear Vinicio, I am contacting you", "Vinicio"),
        ("Maria: Remember me?", "Maria"),
        ('"Enough," says Fiammetta Zetticci in a statement', "Fiammetta Zetticci"),
        ("Name: Faina D. Yefremova", "Faina D. Yefremova"),
        ("Hello Dr Smith", "Smith"),
        ("David Bowie's Heroes", "David Bowie"),
    ],
)
def test_person_found_with_other_cues(text: str, name: str) -> None:
    assert ("person", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Carry Me Back To Canada",
        "Meet me at 12 Cheriton Dr Tomorrow",
        "Pizza Roma is the best",
        "Hello Team, new drop today",
        "Victoria Street is closed",
        "Update: the new set is out",
        "Bonjour Free, ma box ne marche plus",
        "Thanks Lego! Best set ever",
        "Dear CNN, thanks",
        "if you want Harry I'll get more",
        "The bus station is on Peter Zuidhove 188",
        "Russell Investments is a firm",
    ],
)
def test_person_traps_are_not_people(text: str) -> None:
    assert "person" not in kinds(text)


# --- spans, batch, redaction ----------------------------------------------------------------------


def test_spans_sorted_and_non_overlapping() -> None:
    text = (
        "Mail marie@x.fr, tel +33 6 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189, "
        "IP 10.0.0.1, carte 4111 1111 1111 1111"
    )
    spans = find_pii(text)
    assert [s.type for s in spans] == ["email", "phone", "iban", "ip", "card"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_email_digits_not_reported_as_phone() -> None:
    assert found("write to john0612345678@mail.com") == [("email", "john0612345678@mail.com")]


def test_batch_matches_single_calls() -> None:
    texts = ["rien ici", "mail a@b.io", "", "tel 06 12 34 56 78"]
    assert find_pii_batch(texts) == [find_pii(t) for t in texts]


def test_text_without_pii_gives_no_spans() -> None:
    assert find_pii("Trop bonne la pizza 🍕 #miam @pizzaroma, 2 fois cette semaine") == []


def test_redact_replaces_each_span_with_its_placeholder() -> None:
    text = "Je suis joignable au 06 12 34 56 78 ou par mail à jd@ex.fr"
    assert redact(text) == "Je suis joignable au [PHONE] ou par mail à [EMAIL]"


def test_redact_with_given_spans_and_overlaps() -> None:
    spans = [PiiSpan("person", 0, 4), PiiSpan("ip", 2, 6), PiiSpan("card", 7, 9)]
    assert redact("abcdefghij", spans) == "[PERSON]g[CARD]j"


def test_model_version_is_set() -> None:
    assert PII_MODEL_VERSION


PII_ALPHABET = st.sampled_from(list("0123456789 +-.()@:/#,\nabcXYZé€$") + ["Mr ", "rue ", "Street"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(PII_ALPHABET, max_size=40).map("".join)))
def test_any_text_gives_sorted_disjoint_in_bounds_spans(text: str) -> None:
    spans = find_pii(text)
    assert all(0 <= s.start < s.end <= len(text) and s.type in PII_TYPES for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert redact(text, spans).count("[") >= len(spans)
