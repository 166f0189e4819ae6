"""Filling template slots: numbers, prices, places, links, and the personal data in complaints.

Phone numbers come from ranges reserved for fiction (France: 06 39 98 xx xx, ARCEP's range for
audiovisual works; UK: 07700 900xxx, Ofcom's drama range), so the demo never prints a real
person's number, yet the PII detectors see realistic formats.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence

from hearth.demo.rng import pick

PII_SLOTS = {"phone": "phone", "me_email": "email", "me": "person_name", "spam_email": "email"}

CITIES_FR = (
    "Lyon",
    "Paris",
    "Marseille",
    "Toulouse",
    "Lille",
    "Nantes",
    "Bordeaux",
    "Rennes",
    "Strasbourg",
    "Montpellier",
    "Grenoble",
    "Dijon",
    "Brest",
    "Tours",
    "Annecy",
)
CITIES_EN = (
    "London",
    "Manchester",
    "Brussels",
    "Montreal",
    "Dublin",
    "Geneva",
    "Leeds",
    "Bristol",
    "Edinburgh",
    "Lyon",
    "Paris",
)
PROMO_CODES = ("DORO20", "PIZZA30", "MARDI3", "WELCOME15", "MATCHNIGHT", "DOROFAN")
WEEKEND_DAYS_FR = ("samedi", "dimanche", "week-end prochain", "samedi 14", "dimanche 22")
WEEKEND_DAYS_EN = ("Saturday", "Sunday", "weekend", "Saturday 14th")
PHOTO_HOSTS = (
    "https://imgur.com/a/",
    "https://flic.kr/p/",
    "https://pixelfed.social/p/briq/",
    "https://photos.app.goo.gl/",
)
VIDEO_HOSTS = (
    "https://youtu.be/",
    "https://www.tiktok.com/@leakcuisine/video/",
    "https://x.com/i/status/",
    "https://www.instagram.com/reel/",
)
SPAM_HOSTS = ("https://bit.ly/", "https://tinyurl.com/", "https://cutt.ly/", "https://is.gd/")
NEWS_HOSTS = (
    "https://www.lequotidiendurhone.fr/",
    "https://www.infoconso-mag.fr/",
    "https://www.jouets-actu.fr/",
    "https://www.foodbiz-news.com/",
)
_ALNUM = string.ascii_letters + string.digits


def rand_token(rng: random.Random, length: int) -> str:
    value = rng.getrandbits(6 * length)
    out = []
    for _ in range(length):
        value, digit = divmod(value, 62)
        out.append(_ALNUM[digit])
    return "".join(out)


def fiction_phone(rng: random.Random, lang: str) -> str:
    if lang == "en" and rng.random() < 0.6:
        tail = rng.randrange(1000)
        return pick(rng, (f"07700 900{tail:03d}", f"+44 7700 900{tail:03d}"))
    a, b = rng.randrange(100), rng.randrange(100)
    return pick(
        rng,
        (
            f"06 39 98 {a:02d} {b:02d}",
            f"0639 98{a:02d}{b:02d}",
            f"06.39.98.{a:02d}.{b:02d}",
            f"+33 6 39 98 {a:02d} {b:02d}",
            f"063998{a:02d}{b:02d}",
        ),
    )


class Filler:
    """Fills the slots of one text; a slot keeps its value for the whole text.

    ``context`` holds per-item values (the author's name and address, the parent's handle);
    ``vocab`` the brand's word lists for the language; ``rows`` the linked columns (a set's
    number and name must match).
    """

    __slots__ = ("context", "lang", "pii", "rng", "rows", "values", "vocab")

    def __init__(
        self,
        rng: random.Random,
        lang: str,
        context: Mapping[str, str],
        vocab: Mapping[str, Sequence[str]],
        rows: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        self.rng = rng
        self.lang = lang
        self.context = context
        self.vocab = vocab
        self.rows = rows
        self.values: dict[str, str] = {}
        self.pii: set[str] = set()

    def __call__(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            value = self._draw(name)
            self.values[name] = value
            if name in PII_SLOTS and value:
                self.pii.add(PII_SLOTS[name])
        return value

    def _draw(self, name: str) -> str:
        if name in self.context:
            return self.context[name]
        words = self.vocab.get(name)
        if words:
            return words[int(self.rng.random() * len(words))]
        if name.endswith("2") and name[:-1] in self.vocab:
            return self._other_than(name[:-1], self.vocab[name[:-1]])
        drawer = _DRAWERS.get(name)
        if drawer is None:
            raise KeyError(f"no value for template slot {name!r}")
        return drawer(self)

    def _other_than(self, base: str, words: Sequence[str]) -> str:
        first = self(base)
        others = [w for w in words if w != first]
        return pick(self.rng, others) if others else first

    def set_row(self) -> tuple[str, str, str]:
        row = pick(self.rng, self.rows)
        self.values.setdefault("set_num", row[0])
        self.values.setdefault("set_name", row[1] if self.lang == "fr" else row[2])
        return row


def _set_num(f: Filler) -> str:
    return f.set_row()[0]


def _set_name(f: Filler) -> str:
    row = f.set_row()
    return row[1] if f.lang == "fr" else row[2]


def _set_num2(f: Filler) -> str:
    first = f("set_num")
    others = [row[0] for row in f.rows if row[0] != first]
    return pick(f.rng, others)


def _price(f: Filler) -> str:
    euros = pick(f.rng, (19, 29, 39, 49, 59, 79, 99, 129, 149, 199, 249, 349))
    return f"{euros},99 €" if f.lang == "fr" else f"€{euros}.99"


def _order_no(f: Filler) -> str:
    prefix = f.context.get("order_prefix", "CMD")
    number = f.rng.randrange(100000, 999999)
    return pick(f.rng, (f"{prefix}-{number}", f"{prefix}{number}", f"n° {prefix}-{number}"))


def _url_notice(f: Filler) -> str:
    return f"https://www.{f.context['domain']}/notices/{f('set_num')}"


def _store_ref(f: Filler) -> str:
    return pick(f.rng, ("", "", f" {f('store')}" if f.lang == "fr" else f" at {f('store')}"))


def _store_city(f: Filler) -> str:
    return f"de {f('city_fr')}" if f.lang == "fr" else f"in {f('city_en')}"


def _spam_email(f: Filler) -> str:
    return (
        f"{pick(f.rng, ('promo', 'deals', 'contact', 'cash'))}{f.rng.randrange(99)}@mail-promo.biz"
    )


_DRAWERS = {
    "small_num": lambda f: str(f.rng.randint(2, 9)),
    "big_num": lambda f: str(f.rng.randint(12, 2400)),
    "age": lambda f: str(f.rng.randint(5, 14)),
    "days": lambda f: str(f.rng.randint(3, 24)),
    "late_min": lambda f: str(pick(f.rng, (55, 65, 75, 80, 90, 105, 120, 150))),
    "set_small_hours": lambda f: str(f.rng.randint(2, 40)),
    "set_num": _set_num,
    "set_name": _set_name,
    "set_num2": _set_num2,
    "price": _price,
    "order_no": _order_no,
    "phone": lambda f: fiction_phone(f.rng, f.lang),
    "city_fr": lambda f: pick(f.rng, CITIES_FR),
    "city_en": lambda f: pick(f.rng, CITIES_EN),
    "promo_code": lambda f: pick(f.rng, PROMO_CODES),
    "weekend_day": lambda f: pick(f.rng, WEEKEND_DAYS_FR if f.lang == "fr" else WEEKEND_DAYS_EN),
    "store_ref": _store_ref,
    "store_city": _store_city,
    "spam_email": _spam_email,
    "url_notice": _url_notice,
    "url_shop": lambda f: f"https://www.{f.context['domain']}/boutique",
    "url_event": lambda f: (
        f"https://www.{f.context['domain']}/evenements/{f.rng.randrange(100, 999)}"
    ),
    "url_photo": lambda f: pick(f.rng, PHOTO_HOSTS) + rand_token(f.rng, 8),
    "url_video": lambda f: pick(f.rng, VIDEO_HOSTS) + rand_token(f.rng, 11),
    "url_spam": lambda f: pick(f.rng, SPAM_HOSTS) + rand_token(f.rng, 6),
    "url_article": lambda f: (
        f.context.get("article_url") or pick(f.rng, NEWS_HOSTS) + rand_token(f.rng, 10)
    ),
}


FIRST_FR = (
    "Julie",
    "Thomas",
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Manon",
    "Nicolas",
    "Chloé",
    "Antoine",
    "Sarah",
    "Maxime",
    "Inès",
    "Julien",
    "Emma",
    "Romain",
    "Clara",
    "Mehdi",
    "Pauline",
    "Karim",
    "Lucie",
    "Yanis",
    "Margaux",
    "Pierre",
    "Anaïs",
    "Sébastien",
    "Nadia",
    "Kevin",
    "Élodie",
    "Baptiste",
    "Amandine",
    "Théo",
    "Sophie",
    "Quentin",
    "Fatou",
    "Guillaume",
    "Marion",
    "Rémi",
    "Océane",
    "Bastien",
)
LAST_FR = (
    "Martin",
    "Bernard",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Benali",
    "Nguyen",
    "Diallo",
    "Perrin",
    "Robin",
    "Masson",
    "Gauthier",
    "Le Gall",
    "Riviere",
)
FIRST_EN = (
    "James",
    "Emily",
    "Oliver",
    "Sophie",
    "Harry",
    "Chloe",
    "Jack",
    "Olivia",
    "Daniel",
    "Grace",
    "Liam",
    "Ava",
    "Noah",
    "Mia",
    "Ethan",
    "Ella",
    "Ryan",
    "Zoe",
    "Adam",
    "Hannah",
    "Sam",
    "Priya",
    "Tom",
    "Lily",
    "Ben",
    "Amir",
    "Kate",
    "Luke",
    "Ruby",
    "Josh",
)
LAST_EN = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Patel",
    "Hughes",
    "Green",
    "Hall",
    "Clarke",
    "Murphy",
    "O'Brien",
    "Khan",
    "Baker",
    "Turner",
    "Cooper",
    "Reid",
)
NICKS = {
    "briquo": (
        "briqueur",
        "brickfan",
        "afol",
        "moc_maker",
        "brique",
        "bricknerd",
        "minifig",
        "plaque2x4",
        "studs",
        "buildr",
    ),
    "pizzadoro": (
        "pizzalover",
        "foodie",
        "gourmand",
        "miam",
        "chef",
        "slice",
        "crousty",
        "nightowl",
        "ptitdej",
        "margherita",
    ),
}
MAIL_PROVIDERS = (
    "gmail.com",
    "orange.fr",
    "free.fr",
    "outlook.fr",
    "laposte.net",
    "hotmail.com",
    "yahoo.fr",
    "sfr.fr",
    "proton.me",
    "icloud.com",
)
