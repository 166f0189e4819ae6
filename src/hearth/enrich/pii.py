"""Personal data spotting and redaction: a pure, rule-based detector.

Structured identifiers (e-mail, phone, payment card, IBAN, IP) are found with precompiled regular
expressions and then *validated* (Luhn, mod-97, octet ranges, digit counts, context guards), so a
match is a claim we can defend. Postal addresses and person names are harder; for them we prefer
precision: a street needs a street word, a name needs a cue ("my name is", "Mme", "Dear") or a
known first name followed by a capitalised surname.

Everything here is a pure function of the text: no I/O, no model file, no global state besides the
compiled patterns. `find_pii_batch` is the vectorised entry point used by the enrichment engine.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

PII_MODEL_VERSION = "pii-rules-1.0"

PII_TYPES = ("email", "phone", "card", "iban", "ip", "address", "person")
_WEAK_PHONE = "_weak_phone"

# When two detectors claim overlapping text, the more specific (better validated) one wins.
# A phone number accepted only thanks to a cue word ("_weak_phone") yields to a street address.
_PRIORITY = {
    "email": 0,
    "iban": 1,
    "card": 2,
    "ip": 3,
    "phone": 4,
    "address": 5,
    _WEAK_PHONE: 6,
    "person": 7,
}

_PLACEHOLDER = {kind: f"[{kind.upper()}]" for kind in PII_TYPES}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _word_list(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class PiiSpan:
    """A piece of personal data at text[start:end]."""

    type: str
    start: int
    end: int


# --------------------------------------------------------------------------------------------------
# E-mail

# Local parts and domain labels may hold accented letters ("élodie@exemple.fr", IDN domains).
_EMAIL = re.compile(
    r"(?<![\w.+%-])[^\W_][\w.%+-]{0,63}@"
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


def _find_emails(text: str) -> Iterable[PiiSpan]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield PiiSpan("email", m.start(), m.end())


# --------------------------------------------------------------------------------------------------
# Payment cards

_CARD = re.compile(r"(?<![0-9A-Za-z.,/+#-])[0-9](?:[ -]?[0-9]){11,18}(?![0-9A-Za-z]|[.,/-][0-9])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_digits_ok(raw: str) -> bool:
    # Separators must be consistent (all spaces or all dashes) and groups 3-6 digits long, as
    # printed on cards; a run like "12 3 4567..." is more likely a list of numbers.
    seps = {c for c in raw if c in " -"}
    if len(seps) > 1:
        return False
    if seps and any(not 3 <= len(g) <= 6 for g in re.split(r"[ -]", raw)):
        return False
    digits = raw.replace(" ", "").replace("-", "")
    # ISO/IEC 7812 major industry identifiers 1-6 are the card issuers; 7-9 and 0 are not cards.
    if digits[0] not in "123456" or len(set(digits)) < 2:
        return False
    return 12 <= len(digits) <= 19 and _luhn_ok(digits)


# SIRET and IMEI numbers are Luhn-valid by design, and one order number in ten is by chance; the
# label in front tells them apart.
_NOT_CARD_BEFORE = re.compile(
    r"\b(?:siret|siren|imei|tva|vat|ean|isbn|gtin|serial|s/n|sn|order|commande|invoice|facture|"
    r"tracking|suivi|colis|parcel)\b[\s:#°n.-]*$",
    re.IGNORECASE,
)


def _find_cards(text: str) -> Iterable[PiiSpan]:
    for m in _CARD.finditer(text):
        if _card_digits_ok(m.group()) and not _NOT_CARD_BEFORE.search(
            text, max(0, m.start() - 16), m.start()
        ):
            yield PiiSpan("card", m.start(), m.end())


# --------------------------------------------------------------------------------------------------
# IBAN

# Lengths from the SWIFT IBAN registry; an IBAN of any other country or length is refused.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}", re.ASCII)


def _iban_ok(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def _iban_span(text: str, start: int, end: int) -> PiiSpan | None:
    raw = text[start:end]
    country = raw[:2].upper()
    length = _IBAN_LENGTHS.get(country)
    if length is None:
        return None
    # The regex is greedy and may run into the next word; cut at the country's length.
    kept, consumed = 0, 0
    for ch in raw:
        consumed += 1
        if ch != " ":
            kept += 1
            if kept == length:
                break
    if kept < length:
        return None
    stop = start + consumed
    if stop < len(text) and text[stop].isalnum():
        return None  # "GB82WEST12345698765432X": the run goes on, this is not an IBAN
    compact = raw[:consumed].replace(" ", "").upper()
    if not compact[4:].isalnum() or not _iban_ok(compact):
        return None
    return PiiSpan("iban", start, stop)


def _find_ibans(text: str) -> Iterable[PiiSpan]:
    for m in _IBAN.finditer(text):
        span = _iban_span(text, m.start(), m.end())
        if span is not None:
            yield span


# --------------------------------------------------------------------------------------------------
# IP addresses

_IPV4 = re.compile(r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])")
_IPV6 = re.compile(
    r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:|"
    r"(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?![0-9A-Za-z:])"
)
_VERSION_CUE = re.compile(
    r"\b(?:v|version|ver\.?|release|build|firmware|ios|android|update|mise à jour)\s*$",
    re.IGNORECASE,
)


def _ipv4_ok(raw: str) -> bool:
    # Octets above 255 or with a leading zero ("01.02.03.04") are dates, versions or codes.
    return all(int(p) <= 255 and (len(p) == 1 or p[0] != "0") for p in raw.split("."))


def _find_ips(text: str) -> Iterable[PiiSpan]:
    for m in _IPV4.finditer(text) if text.count(".") >= 3 else ():
        if _ipv4_ok(m.group()) and not _VERSION_CUE.search(text, max(0, m.start() - 12), m.start()):
            yield PiiSpan("ip", m.start(), m.end())
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            if _ipv6_ok(m.group()):
                yield PiiSpan("ip", m.start(), m.end())


def _ipv6_ok(raw: str) -> bool:
    groups = [g for g in raw.split(":") if g]
    # "12:30::" or "10::30" are more likely clock times or ratios than addresses.
    if len(groups) < 3 and not any(c in "abcdefABCDEF" for c in raw):
        return False
    try:
        ipaddress.IPv6Address(raw)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Phone numbers

_SEP = r"[ .\-\u00a0]"
_EXT = r"(?:[ ]?(?:x|ext\.?|poste)[ ]?[0-9]{1,5})?"

# A lenient net for anything phone-shaped; each candidate is then judged.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?<![0-9][.,:/-])"
    r"(?:\+|\b00)?[ ]?(?:\([0-9]{1,5}\)|[0-9]{1,5})"
    r"(?:(?:[ ]?\(0\))?"
    + _SEP
    + r"{0,2}(?:\([0-9]{1,5}\)|[0-9]{1,5})){0,7}"
    + _EXT
    + r"(?![\w:]|[.,][0-9])"
)

# Shapes that are phone numbers on their own, without a cue word nearby.
_STRONG_SHAPES = [
    # International: +33 6 12 34 56 78, +46 (0)8 928 571 38, +1-202-555-0143, 0044 20 7946 0958
    re.compile(
        r"(?:\+|00)[ ]?[0-9]{1,3}(?:[ ]?\(0\))?(?:"
        + _SEP
        + r"?\(?[0-9]{1,5}\)?){1,6}"
        + _EXT
        + r"(?![0-9])"
    ),
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199
    re.compile(
        r"(?:1[ .\-])?(?:\([0-9]{3}\)[ ]?|[0-9]{3}[.\-])[0-9]{3}[.\-][0-9]{4}" + _EXT + r"(?![0-9])"
    ),
    re.compile(r"\([0-9]{3}\) [0-9]{3} [0-9]{4}" + _EXT + r"(?![0-9])"),
    # Trunk code in brackets: (01632) 960123, (020) 1234567, (02) 9876 5432
    re.compile(r"\(0[1-9][0-9]{0,3}\)[ ]?[0-9]{2,8}(?:[ .\-][0-9]{2,4}){0,3}(?![0-9])"),
    # Russian trunk 8: 8 (495) 123-45-67
    re.compile(r"8[ ]?\([0-9]{3,4}\)[ ]?[0-9]{2,3}-[0-9]{2}-[0-9]{2}(?![0-9])"),
    # Area code in brackets, Latin American style: (64) 3591-3246
    re.compile(r"\([0-9]{2,3}\)[ ]?[0-9]{4,5}-[0-9]{4}(?![0-9])"),
    # French national: 06 12 34 56 78, 06.12.34.56.78, 0612345678
    re.compile(r"0[1-9](?:[ .\-]?[0-9]{2}){4}(?![0-9])"),
    # Other trunk-prefixed national numbers: 020 7946 0958, 07700 900123, 0490 75 40 81
    re.compile(r"0[1-9][0-9]{0,4}(?:[ .\-][0-9]{2,6}){1,4}(?![0-9])"),
]

# Shapes too loose to be picked out of a longer run of digits ("21 253 109 8211" is not
# "253 109 8211"): only a run that starts with them counts.
_STRONG_AT_START = [
    # North American with spaces only: 202 555 0143
    re.compile(r"[2-9][0-9]{2} [0-9]{3} [0-9]{4}" + _EXT + r"(?![0-9])"),
]

_PHONE_CUE = re.compile(
    r"(?:phone|tel\b|t[ée]l[ée]?phone|t[ée]l\b|mobile|portable|cell|fax|desk|office|call|"
    r"appel|appeler|appelez|rappel|joindre|joignable|number|num[ée]ro|n° de|whatsapp|sms|"
    r"text me|texto|contact|messages? to|ring|dial|hotline|standard)",
    re.IGNORECASE,
)
_PHONE_SUFFIX_CUE = re.compile(
    r"^[\s,-]*(?:office|fax|mobile|home|work|cell|tel|phone)", re.IGNORECASE
)
_NOT_PHONE_BEFORE = re.compile(
    r"(?:\b(?:order|commande|cmd|invoice|facture|r[ée]f(?:[ée]rence)?|ref|tracking|suivi|colis|"
    r"parcel|package|no\.?|num\.?|id|account|compte|siret|siren|ticket|dossier|isbn|ean|"
    r"sku|serial|s[ée]rie|iban|bic|code|version|v|ssn|social security|zip|postcode|cp)|#|n°)"
    r"(?:\s+(?:number|num[ée]ro|nr|no\.?|n°|id))?\s*[:#-]?\s*$",
    re.IGNORECASE,
)
_MONEY_BEFORE = re.compile(r"[$€£¥]\s*$")
_MONEY_AFTER = re.compile(
    r"^\s?(?:[$€£¥%]|eur\b|euros?\b|usd\b|dollars?\b|k€|m€|pts?\b|points?\b|km\b|kg\b|ms\b)",
    re.IGNORECASE,
)
_DATE_SHAPE = re.compile(
    r"(?:[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{2}|[0-9]{4})|[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2})"
)


def _digit_count(raw: str) -> int:
    return sum(ch.isdigit() for ch in raw)


def _phone_context_ok(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    if _NOT_PHONE_BEFORE.search(before) or _MONEY_BEFORE.search(before):
        return False
    after = text[end : end + 40]
    # "03262 2437 Main St": the last group is a house number, the run is not a phone.
    return not _MONEY_AFTER.search(after) and not _STREET_AFTER.match(after)


def _has_phone_cue(text: str, start: int, end: int) -> bool:
    if _PHONE_CUE.search(text, max(0, start - 40), start):
        return True
    return bool(_PHONE_SUFFIX_CUE.match(text[end : end + 12]))


def _strong_phone_at(text: str, pos: int, end: int, first: bool) -> re.Match[str] | None:
    best = None
    for shape in _STRONG_SHAPES + _STRONG_AT_START if first else _STRONG_SHAPES:
        m = shape.match(text, pos, end)
        if m is not None and (best is None or m.end() > best.end()):
            best = m
    if best is None or _DATE_SHAPE.fullmatch(best.group()):
        return None
    digits = _digit_count(re.sub(r"(?:x|ext\.?|poste)[ ]?[0-9]+$", "", best.group()))
    return best if 8 <= digits <= 15 else None


def _group_starts(text: str, start: int, end: int) -> Iterable[int]:
    yield start
    for i in range(start + 1, end):
        # Restart only after a space: "978-2-07-036822-8" is one token, not a phone inside one.
        if text[i - 1] in " \u00a0" and (text[i].isdigit() or text[i] in "+("):
            yield i


def _judge_candidate(text: str, start: int, end: int) -> list[PiiSpan]:
    if not _phone_context_ok(text, start, start):
        return []
    found: list[PiiSpan] = []
    resume = start
    for pos in _group_starts(text, start, end):
        if pos < resume:
            continue
        m = _strong_phone_at(text, pos, end, first=pos == start)
        if m is not None and _phone_context_ok(text, m.start(), m.end()):
            found.append(PiiSpan("phone", m.start(), m.end()))
            resume = m.end()
    if found:
        return found
    raw = text[start:end]
    if (
        7 <= _digit_count(raw) <= 15
        and not _DATE_SHAPE.fullmatch(raw.strip())
        and _has_phone_cue(text, start, end)
        and _phone_context_ok(text, start, end)
    ):
        return [PiiSpan(_WEAK_PHONE, start, end)]
    return []


def _find_phones(text: str) -> Iterable[PiiSpan]:
    for m in _PHONE_CANDIDATE.finditer(text):
        start, end = m.start(), m.end()
        while text[start] == " ":
            start += 1
        if _digit_count(text[start:end]) >= 7:
            yield from _judge_candidate(text, start, end)


# --------------------------------------------------------------------------------------------------
# Postal addresses

_FR_STREET = (
    r"(?:rue|avenue|av\.|bd|boulevard|place|pl\.|all[ée]e|impasse|chemin|route|rte|quai|cours|"
    r"square|passage|faubourg|fbg|r[ée]sidence|lotissement|voie|sentier|villa|cit[ée]|hameau|"
    r"esplanade|promenade|parvis|rond-point)"
)
_FR_PARTICLE = r"(?:de la |de l'|de l’|du |des |de |d'|d’|la |le |les |l'|l’)"
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*"
_FR_ADDRESS = re.compile(
    r"\b[0-9]{1,4}(?:[ ]?(?:bis|ter|[A-Da-d])\b)?,?[ ]"
    + r"(?i:"
    + _FR_STREET
    + r")[ ]"
    + _FR_PARTICLE
    + r"?"
    + _NAME_WORD
    + r"(?:[ -](?:"
    + _FR_PARTICLE
    + r")?"
    + _NAME_WORD
    + r"){0,4}"
)
_EN_STREET = (
    r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|"
    r"Court|Ct\.?|Way|Place|Pl\.?|Square|Sq\.?|Terrace|Crescent|Close|Gardens|Parkway|Pkwy\.?|"
    r"Highway|Hwy\.?|Row|Mews|Walk|Hill|Grove|Park|Circle|Cir\.?|Trail|Alley|Plaza|Forges?|"
    r"Squares?|Parks?|Fort|Rapids|Road|Via|Strasse|Straße|Gasse|Weg)"
)
_STREET_AFTER = re.compile(r"[ ](?:[A-Z][\w'’.-]*[ ]){1,3}" + _EN_STREET + r"\b")
_EN_ADDRESS = re.compile(
    r"\b[0-9]{1,5}[A-Za-z]?,?[ ](?:(?:[NSEW]|North|South|East|West)\.?[ ])?"
    r"(?:[A-Z][\w'’.-]*[ ]){1,4}" + _EN_STREET + r"\b"
)
# Continental "Street-name number" style and a few Romance street words: "Via Franscini 71",
# "Rua do Arenque 1634", "Puruntie 82", "Søndergade 52".
_EU_ADDRESS = re.compile(
    r"\b(?:(?:Via|Viale|Piazza|Rua|Rúa|Calle|C/|Avenida|Carrer|Plaza|Paseo|Largo|Travessa|Rue|"
    r"Avenue|ul\.|u\.)"
    r"(?:[ ](?:d[aeiou]s?|de la|del|della|di|do|da)?)?(?:[ ][A-ZÀ-ÖØ-Þ][\w'’-]*){1,3}"
    r"|[A-ZÀ-ÖØ-Þ][\w-]*(?:stra(?:ss|ß)e|str\.|gasse|weg|platz|gade|vej|vägen|gatan|gata|"
    r"veien|vegen|stien|straat|laan|plein|gracht|tie|katu|kuja|tanya|utca|tér|ulica|stræde|"
    r"braut|gata|brekka|vegur|torget|torg|allé|kaari|polku|raitti))"
    r"[ ][0-9]{1,4}[a-zA-Z]?\b"
)
_UNIT = re.compile(
    r"(?:,?[ ]|\n[ ]?)(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Bât\.?|"
    r"B[âa]timent|Appt\.?|Appartement|[ÉE]tage)[ ]?#?[0-9A-Za-z-]{1,5}\b"
)
_US_STATES = _word_list(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH
    NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC
    """
)
_CITY_TAIL = re.compile(
    r"(?:,[ ]?|\n[ ]?|[ ])"
    r"(?:[0-9]{5}[ ][A-ZÀ-ÖØ-Þ][\w'’-]+(?:[ -][A-ZÀ-ÖØ-Þ][\w'’-]+){0,2}(?:[ ]CEDEX)?"
    r"|[A-Z][\w'’-]+(?:[ ][A-Z][\w'’-]+){0,2},?[ ](?:" + "|".join(_US_STATES) + r")"
    r"[ ][0-9]{5}(?:-[0-9]{4})?"
    r"|(?:[A-Z][\w'’-]+[ ,]{1,2})?[A-Z]{1,2}[0-9][A-Z0-9]?[ ][0-9][A-Z]{2})\b"
)
# Stand-alone postcode + city lines, only when shaped unambiguously.
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?[ ][0-9][ABD-HJLNP-UW-Z]{2}\b")
_US_CITY_ZIP = re.compile(
    r"\b[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2},[ ](?:" + "|".join(_US_STATES) + r")[ ][0-9]{5}"
    r"(?:-[0-9]{4})?\b"
)
_FR_CITY_ZIP = re.compile(
    r"(?:^|(?<=[,\n]))[ ]?((?:0[1-9]|[1-8][0-9]|9[0-5]|97)[0-9]{3}[ ][A-ZÉ][A-Za-zÀ-ÿ'’-]+"
    r"(?:[ -][A-ZÉ][A-Za-zÀ-ÿ'’-]+){0,2}(?:[ ]CEDEX)?)\b",
    re.MULTILINE,
)


# Post boxes and US military addresses: "P.O. Box 287", "PSC 0413, Box 8144 / APO AA 42323".
_POSTBOX = re.compile(
    r"(?i:\b(?:P\.[ ]?O\.|PO|Post[ ]Office)[ ]Box[ ][0-9]{1,6}\b"
    r"|\bbo[iî]te[ ]postale[ ][0-9]{1,6}\b"
    r"|\b(?:PSC|Unit)[ ][0-9]{3,5},?[ ]Box[ ][0-9]{3,5}\b|(?<![\w-])USN[SV][ ][A-Z][a-z]+\b"
    r"|\b[AFD]PO[ ]A[AEP][ ][0-9]{5}\b)"
)
_MILITARY_TAIL = re.compile(r"(?i:\n?[ ]?[AFD]PO[ ]A[AEP][ ][0-9]{5})\b")
# A unit on its own ("Apt. 595", "Suite 501"): part of an address even without the street.
_UNIT_ALONE = re.compile(
    r"\b(?:(?:Apt\.|Apartment|Appt\.|Appartement)[ ]#?[0-9]{1,5}|Suite[ ]#?[0-9]{3,5})"
    r"[A-Za-z]?\b(?![.,][0-9])"
)
# Address blocks continue on the next lines: a city line if a postcode line follows, then a
# "Country 12345" line ("Finland 23221", "Cyprus (Greek) 51034").
_LINE_LEAD = r"\n[ >?]*"
_ZIP_LINE = re.compile(
    _LINE_LEAD + r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[ ][A-ZÀ-ÖØ-Þ(][^\W\d_()]*\)?){0,2}[ ][0-9]{4,6}\b"
)
_CITY_LINE = re.compile(
    _LINE_LEAD + r"[A-ZÀ-ÖØ-Þ][^\W\d_']*(?:[ -][A-ZÀ-ÖØ-Þ][^\W\d_']*){0,3}(?=\n[^\n]*[0-9]{4,6})"
)
_HOUSE_NUMBER_BEFORE = re.compile(r"[0-9]{1,6}[ ]$")
_ADDRESS_TAILS = (_UNIT, _CITY_TAIL, _MILITARY_TAIL, _ZIP_LINE, _CITY_LINE)


def _extend_address(text: str, end: int) -> int:
    for _ in range(6):
        for tail in _ADDRESS_TAILS:
            m = tail.match(text, end)
            if m is not None:
                end = m.end()
                break
        else:
            break
    return end


def _address_start(text: str, start: int) -> int:
    """Take in a building number written before the street number: "5049 Harjukuja 54"."""
    m = _HOUSE_NUMBER_BEFORE.search(text, max(0, start - 7), start)
    return m.start() if m is not None else start


# Every address shape has a number next to a word ("12 rue", "Harjukuja 54", "Box 287", "NW1 6XE"),
# and street-like ones a street, box or unit word: two cheap checks spare most posts the scans.
_ADDRESS_GATE = re.compile(r"[^\W\d_][ ,]{1,2}[0-9]|[0-9][A-Za-z]?,?[ ]{1,2}[^\W_]")
_STREET_WORDS = _word_set(
    """
    rue avenue av bd boulevard place pl allée allee impasse chemin route rte quai cours square
    passage faubourg fbg résidence residence lotissement voie sentier villa cité cite hameau
    esplanade promenade parvis rond-point street st ave road rd blvd lane ln drive dr court ct
    way sq terrace crescent close gardens parkway pkwy highway hwy row mews walk hill grove park
    circle cir trail alley plaza forge forges squares parks fort rapids via strasse straße gasse
    weg viale piazza rua rúa calle c/ avenida carrer paseo largo travessa ul u box apt apartment
    suite ste unit flat bât bâtiment batiment appt appartement étage etage psc usns usnv apo fpo
    dpo postale
    """
)
_STREET_SUFFIXES = tuple(
    _word_list(
        """
    strasse straße str gasse weg platz gade vej vägen gatan gata veien vegen stien straat laan
    plein gracht tie katu kuja tanya utca tér ulica stræde braut brekka vegur torget torg allé
    kaari polku raitti
    """
    )
)
_TOKEN_EDGES = ",.;:!?()[]\"'>"


def _has_street_word(text: str) -> bool:
    tokens = {t.strip(_TOKEN_EDGES) for t in text.lower().split()}
    if not tokens.isdisjoint(_STREET_WORDS):
        return True
    return any(t.endswith(_STREET_SUFFIXES) for t in tokens)


def _find_addresses(text: str) -> Iterable[PiiSpan]:
    if _ADDRESS_GATE.search(text) is None:
        return
    if _has_street_word(text):
        for pattern in (_FR_ADDRESS, _EN_ADDRESS, _EU_ADDRESS, _POSTBOX):
            for m in pattern.finditer(text):
                start = _address_start(text, m.start())
                yield PiiSpan("address", start, _extend_address(text, m.end()))
        for m in _UNIT_ALONE.finditer(text):
            yield PiiSpan("address", m.start(), _extend_address(text, m.end()))
    for pattern in (_UK_POSTCODE, _US_CITY_ZIP):
        for m in pattern.finditer(text):
            yield PiiSpan("address", m.start(), _extend_address(text, m.end()))
    for m in _FR_CITY_ZIP.finditer(text):
        yield PiiSpan("address", m.start(1), m.end(1))


# --------------------------------------------------------------------------------------------------
# Person names

# Common first names in France, the UK, the US and the rest of Europe, with a few from elsewhere
# (hand-picked; names that are also ordinary English or French words or places, such as "Will",
# "May", "Rose", "Pierre", "Chelsea", are left out to keep precision).
_FIRST_NAMES = _word_set(
    """
    Adam Adrien Agathe Agnès Aicha Alain Alan Albert Alex Alexander Alexandra Alexandre
    Alexis Alice Aline Alicia Amandine Amanda Amelia Amélie Amy Anaïs Andrew André Andrea
    Angela Anne Anna Annie Anthony Antoine Arnaud Arthur Audrey Aurélie Aurélien Axel
    Baptiste Barbara Benjamin Benoît Bernard Bertrand Brandon Brian Brigitte Bruno Camille
    Carl Carla Carole Caroline Catherine Cécile Céline Charles Charlotte Chloé Christian
    Christine Christophe Christopher Claire Claude Clément Colin Corinne Cyril Damien Daniel
    Daniela David Deborah Denis Dennis Didier Dominique Donald Dorothy Dylan Edward Élise
    Élodie Emily Emma Emmanuel Emmanuelle Eric Éric Erwan Estelle Ethan Étienne Eva Fabien
    Fabrice Fanny Florence Florian Francis Franck François Françoise Frédéric Gabriel Gaël
    Gary George Georges Gérard Gilles Grégory Guillaume Hannah Harry Hélène Henri Hugo Inès
    Isabelle Jacob Jacqueline Jacques James Jason Jean Jean-Claude Jean-François Jean-Luc
    Jean-Marc Jean-Michel Jean-Pierre Jeanne Jennifer Jérémy Jérôme Jessica Joanna Johanna
    John Jonathan Joseph Joshua Josiane Judith Julia Julie Julien Juliette Justin Karen
    Karim Katherine Kelly Kevin Kévin Kimberly Laetitia Laura Laurence Laurent Léa Léo Léon
    Linda Lisa Louis Louise Luc Lucas Lucie Ludovic Madeleine Manon Marc Marcel Margaux
    Margot Maria Marie Marine Martin Martine Mathieu Mathilde Matthew Maxime Mehdi Mélanie
    Melissa Michael Michel Michelle Mickaël Monique Nadia Nancy Nathalie Nathan Nicholas
    Nicolas Nicole Noah Noémie Océane Olivia Olivier Pascal Pascale Patricia Patrick Paul
    Pauline Philippe Quentin Rachel Raphaël Rebecca Richard Robert Romain Ryan Samantha
    Samuel Sandra Sandrine Sarah Sébastien Sharon Simon Sophie Stéphane Stéphanie Steven
    Susan Sylvain Sylvie Théo Thierry Thomas Timothy Tyler Valérie Vanessa Véronique Victor
    Victoria Vincent Virginie William Xavier Yann Yannick Yasmine Yves Zoé

    Aaron Abigail Adrian Agnieszka Ahmed Aisha Albin Aleksandr Aleksandra Alessandra Alessandro
    Alfredo Ali Alina Alvaro Ana Anders Andreas Andrei Andrej Andrzej Angelika Anja Anke Anneli
    Annika Antonio Antti Arne Ashley Astrid Barbora Beatrix Beatriz Bernadette Birgit Bjorn Björn
    Bogdan Brandon Brigitta Bryan Caitlin Carlos Carmen Carolina Cecilia Chiara Christina
    Christoph Clara Claudia Cristina Csaba Dagmar Daniele Dariusz Dmitri Dmitry Dorota Eduardo
    Elena Elias Elif Elin Elisa Elisabeth Elizabeth Ella Emil Emilia Emilie Emilio Enrico Erik
    Erika Ernesto Esther Eva Éva Evelyn Fabio Federico Felipe Felix Fernando Filip Francesca
    Francesco Franziska Fredrik Gabriela Gabriele Gianluca Giorgio Giovanni Giulia Giuseppe Gregor
    Gregory Greta Gunnar Gustavo Hana Hannes Hans Heidi Heinz Helena Helga Henrik Hiroshi Ibrahim
    Igor Ilona Ines Ingrid Irina Isabel Isabella Ivan Ivana Jakob Jakub Jan Jana Janina Janusz
    Javier Jelena Jens Jesper Jesús Joachim Joakim Joao João Johan Johannes Jonas Jorge José Josef
    Jozef Juan Juha Jukka Julian Julius Jürgen Kai Kamil Karin Karl Karolina Kasper Katarina
    Katarzyna Katharina Kathrin Katrin Kenneth Kerstin Klaus Krisztina Krzysztof Kristian Lars
    Lasse Lena Leonardo Leonie Lorenzo Luca Lucia Luigi Luis Lukas Łukasz Magdalena Magnus Malin
    Manuel Marco Marcin Marek Margarita Mariana Marina Mario Marius Marko Markus Marta Martina
    Marzena Mateusz Matteo Matthias Mattias Mehmet Mia Miguel Mikael Mikko Milan Miroslav Mohamed
    Mohammed Monika Natalia Natalie Nikita Niklas Nikola Nils Nina Noelle Olga Oliver Oscar Oskar
    Pablo Paolo Patrik Pavel Pawel Paweł Pedro Peter Petr Petra Piotr Rafael Rafał Raquel Ricardo
    Riccardo Roberto Rolf Roman Rosa Ruth Sabine Sandro Santiago Sara Sebastian Sergei Sergey Sergio
    Silvia Simone Sofia Sofie Sonja Stefan Stefano Stefanie Steffen Susanne Sven Svetlana Tatiana
    Tamara Teresa Thorsten Tobias Tomas Tomasz Tomás Torsten Ulrich Ursula Valentina Vera Veronika
    Viktor Vladimir Wojciech Wolfgang Yuki Yusuf Zoltan Zoltán Zuzana Anthony Betty Carol Cynthia
    Diane Donna Emma Eric Heather Helen Jacob Janet Jeffrey Jerry Joan Joyce Julie Katie Kenneth
    Larry Lauren Lori Margaret Matthew Megan Nancy Nathan Pamela Peter Rachel Raymond Roger Ronald
    Russell Ruth Scott Shirley Stephanie Stephen Teresa Terry Theresa Timothy Walter Wayne Zachary
    Abdul Amir Ayesha Fatima Hassan Hussein Khalid Leila Mariam Mustafa Omar Rania Samir Yasmin
    Anjali Arjun Priya Rahul Ravi Sanjay Sunita Vikram Aiko Haruto Kenji Mei Wei Yuna Ji-woo
    """
)
# Words that follow a first name without being a surname.
_NOT_SURNAME = _word_set(
    """
    Street Avenue Road Lane Drive Park Square Place Boulevard Rue Station Hospital School
    University College Airport Bank Hotel Centre Center Inc Ltd Group Foundation Museum
    Stadium Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April June July August September October November December Lundi Mardi Mercredi Jeudi
    Vendredi Samedi Dimanche The And Or But I Je Tu Il Elle On Nous Vous Ils Elles Le La Les
    Un Une Des Et Ou Mais Merci Thanks Thank Bonjour Hello Hi OK Ok Team World Everyone All
    Guys Folks Friends Tous Tout Monde Equipe Équipe Support Service There Here Again Sir
    Madam Customer Client Admin Moderators Union Cliffs Cliff Parks Flat Flats Fort Forges
    Forge Extensions Extension Crossing Estates Gardens Heights Hills Island Junction Lake
    Lakes Manor Meadows Mill Mills Mount Mountain Oval Pass Path Pike Pines Plains Plaza Point
    Port Ridge River Route Shores Springs Summit Terrace Trace Track Trail Valley View Village
    Ville Vista Walk Way Wells Investments Capital Partners Holdings Company Corp Bros Sons
    """
)
# Titles are cues of their own; a name span starts after them.
_TITLES = _word_set(
    """
    Mr Mrs Ms Dr Mme Mlle Mmes MM Me Pr M Mister Miss Madam Monsieur Madame Mademoiselle Sir
    Lady
    """
)

# Person names are looked for from each capitalised word, looking back at the words before it, so
# a post with no capital costs nothing and one with a few capitals costs a few set lookups.
_CAP_WORD = re.compile(r"(?<![\w'’@#.-])[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:-[A-ZÀ-ÖØ-Þ][^\W\d_]*)?")
# A cue right before a capitalised word makes it a name whatever the word. Cues are matched on the
# words before it (lower-cased, apostrophes unified), which costs a split and a few set lookups.
_CUE_PHRASES = frozenset(
    tuple(cue.split())
    for cue in (
        "my name is", "my name's", "name is", "surname is", "i am called", "i'm called",
        "m'appelle", "s'appelle", "mon nom est", "nom c'est", "signed", "sincerely", "regards",
        "cordialement", "bien à vous", "call me", "calls me", "called", "named", "nommé", "nommée",
        "says", "said", "written by", "directed by", "starring", "dit",
    )
)  # fmt: skip
_CUE_LENGTHS = sorted({len(c) for c in _CUE_PHRASES})
_TITLE_CUES = _word_set(
    "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Mme Mme. Mlle Mlle. Mmes M. Mister Madam Monsieur Madame "
    "Mademoiselle Dear Cher Chère"
)
_LABEL_CUES = frozenset({"name:", "nom:", "prénom:", "name", "nom", "prénom"})
_GREETINGS = frozenset(
    tuple(g.split())
    for g in (
        "hi", "hello", "hey", "dear", "bonjour", "bonsoir", "salut", "coucou", "merci", "thanks",
        "thank you", "i'm", "i am", "je suis",
    )
)  # fmt: skip


def _words_before(text: str, start: int) -> tuple[list[str], list[str]]:
    """The last three words before `start`, normalised, and the last two as written."""
    words = text[max(0, start - 40) : start].split()
    return [w.lower().replace("’", "'").rstrip(",") for w in words[-3:]], words[-2:]


_NAME_TOKEN = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*\.?|[^\W\d_]\.?(?=[ ])")
_CAP_BIGRAM = re.compile(
    r"(?<![\w-])([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?)[ ]"
    r"((?:[A-Z]\.[ ])?[A-ZÀ-ÖØ-Þ][\wà-öø-ÿ'’-]+)"
)


def _is_name_word(word: str) -> bool:
    if not word[:1].isupper() or word in _NOT_SURNAME or word in _TITLES:
        return False
    # "Dear CNN", "Miss USA", "Harry I'll": acronyms and contractions are not names.
    return not (1 < len(word) <= 3 and word.isupper()) and not _CONTRACTION.match(word)


def _name_tokens_at(text: str, pos: int, limit: int = 3) -> int:
    """End of up to `limit` capitalised words starting at pos (pos itself if there is none)."""
    end, cursor = pos, pos
    for _ in range(limit):
        m = _NAME_TOKEN.match(text, cursor)
        if m is None or not _is_name_word(m.group().rstrip(".")):
            break
        end = m.end()
        possessive = _POSSESSIVE.search(m.group())
        if possessive is not None:  # "David Bowie's Heroes": the name stops before the 's
            return m.start() + possessive.start()
        if end >= len(text) or text[end] != " ":
            break
        cursor = end + 1
    return _trim_name(text, pos, end)


def _trim_name(text: str, start: int, end: int) -> int:
    """Drop a sentence's full stop after a name, keep an initial's ("Faina D.")."""
    if end - start > 1 and text[end - 1] == "." and text[end - 3 : end - 2].strip():
        return end - 1
    return end


_NEAR_NUMBER = re.compile(r"[0-9][ ,]*$|[ ,]*[0-9]")
_CONTRACTION = re.compile(r"I['’]")
_POSSESSIVE = re.compile(r"['’]s$")
_SPEAKER_AFTER = re.compile(r"[ ]?:[ ]")


def _cue_before(text: str, start: int) -> str | None:
    """'strong' when a cue names the next word, 'greeting' after hello & co, else None."""
    if start == 0 or not text[start - 1].isspace():
        return None
    lowered, raw = _words_before(text, start)
    if not lowered:
        return None
    if raw[-1] in _TITLE_CUES:
        # "Cheriton Dr Reuquén": Dr after a capitalised word is Drive, not Doctor.
        street = raw[-1].startswith("Dr") and len(raw) == 2 and raw[-2][:1].isupper()
        return None if street and (lowered[-2],) not in _GREETINGS else "strong"
    if lowered[-1] in _LABEL_CUES and (lowered[-1].endswith(":") or text[start - 2] == ":"):
        return "strong"
    if lowered[-1] == ":" and len(lowered) > 1 and lowered[-2] in _LABEL_CUES:
        return "strong"
    for n in _CUE_LENGTHS:
        if tuple(lowered[-n:]) in _CUE_PHRASES:
            return "strong"
    if tuple(lowered[-1:]) in _GREETINGS or tuple(lowered[-2:]) in _GREETINGS:
        return "greeting"
    return None


def _person_at(text: str, word: re.Match[str]) -> PiiSpan | None:
    start = word.start()
    cue = _cue_before(text, start)
    if cue == "strong":
        end = _name_tokens_at(text, start)
        return PiiSpan("person", start, end) if end > start else None
    known = word.group() in _FIRST_NAMES
    if cue == "greeting":
        if known:
            return PiiSpan("person", start, _name_tokens_at(text, start, 2))
        # "Dear Vinicio," names someone unknown to our list; "Bonjour Free," or "Thanks Lego!"
        # usually greets a brand, so other greetings need a known first name.
        dear = _words_before(text, start)[0][-1:] == ["dear"]
        if dear and text[word.end() : word.end() + 1] == "," and _is_name_word(word.group()):
            return PiiSpan("person", start, word.end())
    if known:
        return _known_first_name(text, word)
    return None


def _known_first_name(text: str, word: re.Match[str]) -> PiiSpan | None:
    start, end = word.start(), word.end()
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip() and _SPEAKER_AFTER.match(text, end):
        return PiiSpan("person", start, end)  # "Maria: Remember me" in a transcript
    m = _CAP_BIGRAM.match(text, start)
    if m is None or not _is_name_word(m.group(2).rstrip(".")):
        return None
    if _NEAR_NUMBER.search(text, max(0, start - 3), start) or _NEAR_NUMBER.match(text, m.end()):
        return None  # "5850 Jana Nerudy 894", "Peter Zuidhove 188": a street named after someone
    surname_end = _name_tokens_at(text, m.start(2), 1)
    return PiiSpan("person", start, surname_end) if surname_end > m.start(2) else None


def _find_persons(text: str) -> Iterable[PiiSpan]:
    covered = 0
    for word in _CAP_WORD.finditer(text):
        if word.start() < covered:
            continue
        span = _person_at(text, word)
        if span is not None:
            covered = span.end
            yield span


# --------------------------------------------------------------------------------------------------
# Public API

# Each finder runs only when the text holds enough digits for what it finds (a phone has 7+, a
# card 12+), so the usual post with a date or a price costs a digit count and little else.
_FINDERS_BY_MIN_DIGITS: tuple[tuple[int, Callable[[str], Iterable[PiiSpan]]], ...] = (
    (0, _find_emails),
    (4, _find_ibans),
    (12, _find_cards),
    (7, _find_phones),
    (1, _find_addresses),
)
_DIGIT = re.compile(r"[0-9]")
_HAS_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def _resolve(candidates: list[PiiSpan]) -> list[PiiSpan]:
    """Keep non-overlapping spans: higher priority first, then longer."""
    ranked = sorted(candidates, key=lambda s: (_PRIORITY[s.type], s.start - s.end, s.start))
    kept: list[PiiSpan] = []
    for span in ranked:
        if span.end > span.start and all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    kept.sort(key=lambda s: s.start)
    return [PiiSpan("phone", s.start, s.end) if s.type == _WEAK_PHONE else s for s in kept]


def find_pii(text: str) -> list[PiiSpan]:
    """Personal data in `text`, as non-overlapping spans sorted by start."""
    candidates: list[PiiSpan] = []
    digits = len(_DIGIT.findall(text))
    for min_digits, finder in _FINDERS_BY_MIN_DIGITS:
        if digits >= min_digits:
            candidates.extend(finder(text))
    if digits >= 4 or text.count(":") >= 2:
        candidates.extend(_find_ips(text))
    if _HAS_CAPITAL.search(text):
        candidates.extend(_find_persons(text))
    if not candidates:
        return []
    return _resolve(candidates)


def find_pii_batch(texts: Sequence[str]) -> list[list[PiiSpan]]:
    """`find_pii` over a batch, in order."""
    return [find_pii(text) for text in texts]


def redact(text: str, spans: Sequence[PiiSpan] | None = None) -> str:
    """`text` with each personal-data span replaced by its placeholder, e.g. `[EMAIL]`."""
    if spans is None:
        spans = find_pii(text)
    parts: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < cursor:
            # Overlapping spans from a caller: hide their union behind the first placeholder.
            cursor = max(cursor, span.end)
            continue
        parts.append(text[cursor : span.start])
        parts.append(_PLACEHOLDER.get(span.type, "[PII]"))
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)
