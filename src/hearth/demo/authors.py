"""Who talks: stable simulated people (and news outlets) with a heavy-tailed activity.

Authors live on one platform, in one of two pools: the brand's *regulars* (a steep Zipf law:
a few people post all the time, most post once in a while) and, during the scandal, the
*crowd* (a nearly flat law over many people: mostly first-time authors, as in a real pile-on).
An author is a pure function of (seed, brand, platform, pool, rank), cached, so the same rank
is the same person with the same id, handle, language and habits for the whole run.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from hearth.demo.brands import BRANDS, Brand, Outlet
from hearth.demo.noise import FORMAL, Style, style_from
from hearth.demo.rng import WeightedChoice, mix, pick, rng_for, stable_int, zipf_weights
from hearth.demo.texts import FIRST_EN, FIRST_FR, LAST_EN, LAST_FR, MAIL_PROVIDERS, NICKS
from hearth.ingest.schemas import AuthorIn

REGULAR, CROWD = 0, 1
POOL_SIZES = {
    "mastodon": 1500,
    "bluesky": 2500,
    "reddit": 1200,
    "discourse": 500,
    "email": 4000,
    "webhook": 3000,
}
CROWD_SIZE = 20_000
MASTODON_INSTANCES = (
    "mastodon.social",
    "piaille.fr",
    "mamot.fr",
    "framapiaf.org",
    "mastodon.online",
    "eldritch.cafe",
    "toot.community",
)
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Persona:
    author: AuthorIn
    lang: str
    style: Style
    name: str
    email: str
    mention: str  # how others @-mention this person in a reply


def _encode(value: int, alphabet: str, length: int) -> str:
    out = []
    for _ in range(length):
        value, digit = divmod(value, len(alphabet))
        out.append(alphabet[digit])
    return "".join(out)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


@lru_cache(maxsize=16)
def rank_chooser(platform: str, pool: int) -> WeightedChoice:
    if pool == CROWD:
        return WeightedChoice(range(CROWD_SIZE), zipf_weights(CROWD_SIZE, 0.35, 10.0))
    size = POOL_SIZES[platform]
    return WeightedChoice(range(size), zipf_weights(size, 1.05, 3.0))


@lru_cache(maxsize=300_000)
def persona(seed: int, brand_slug: str, platform: str, pool: int, rank: int) -> Persona:
    brand = BRANDS[brand_slug]
    if platform == "rss":
        return _outlet_persona(brand.outlets[rank % len(brand.outlets)])
    rng = rng_for(seed, stable_int(brand_slug), stable_int(platform), pool, rank, 11)
    key = mix(seed, stable_int(brand_slug), stable_int(platform), pool, rank, 12)
    lang = "fr" if rng.random() < brand.fr_share else "en"
    first = pick(rng, FIRST_FR if lang == "fr" else FIRST_EN)
    last = pick(rng, LAST_FR if lang == "fr" else LAST_EN)
    nick = pick(rng, NICKS[brand_slug])
    base = pick(
        rng,
        (
            f"{_fold(first)}{_fold(last)[:1]}",
            f"{_fold(first)}_{_fold(last)}",
            f"{nick}{rng.randrange(100)}",
            f"{_fold(first)}{rng.randrange(70, 100)}",
            f"{_fold(first)}_{nick}",
            f"{nick}_{_fold(first)}{rank % 10}",
        ),
    )
    email = (
        f"{_fold(first)}.{_fold(last)}{pick(rng, ('', '', str(rng.randrange(10, 99))))}"
        f"@{pick(rng, MAIL_PROVIDERS)}"
    )
    display = pick(rng, (f"{first} {last}", first, f"{first} {last[0]}.", nick.capitalize()))
    followers = _followers(rng, pool, rank)
    author, mention = _platform_identity(
        platform, rng, key, base, display, email, followers, lang, brand
    )
    return Persona(author, lang, style_from(rng), f"{first} {last}", email, mention)


def _followers(rng: random.Random, pool: int, rank: int) -> int:
    # Log-normal reach; the most active regulars tend to be better followed.
    boost = 1.0 + (6.0 / (rank + 1) if pool == REGULAR else 0.0)
    return min(5_000_000, int(math.exp(rng.gauss(4.6, 1.6)) * boost))


def _platform_identity(
    platform: str,
    rng: random.Random,
    key: int,
    base: str,
    display: str,
    email: str,
    followers: int,
    lang: str,
    brand: Brand,
) -> tuple[AuthorIn, str]:
    if platform == "mastodon":
        instance = MASTODON_INSTANCES[key % len(MASTODON_INSTANCES)]
        author = AuthorIn(
            platform_user_id=str(100_000_000_000_000_000 + key % 10**17),
            handle=f"{base}@{instance}",
            display_name=display,
            followers=followers,
            url=f"https://{instance}/@{base}",
            lang=lang,
        )
        return author, f"@{base}"
    if platform == "bluesky":
        handle = f"{base.replace('_', '-')}.bsky.social"
        author = AuthorIn(
            platform_user_id="did:plc:" + _encode(key, _B32, 24),
            handle=handle,
            display_name=display,
            followers=followers,
            url=f"https://bsky.app/profile/{handle}",
            lang=lang,
        )
        return author, f"@{handle}"
    if platform == "reddit":
        name = base if rng.random() < 0.5 else f"{base.capitalize()}{rng.randrange(1000)}"
        author = AuthorIn(
            platform_user_id="t2_" + _encode(key, _B36, 8),
            handle=name,
            display_name=name,
            followers=followers,
            url=f"https://www.reddit.com/user/{name}",
        )
        return author, f"u/{name}"
    if platform == "discourse":
        author = AuthorIn(
            platform_user_id=str(1000 + key % 10**7),
            handle=base,
            display_name=display,
            followers=None,
            url=f"https://forum.{brand.domain}/u/{base}",
        )
        return author, f"@{base}"
    if platform == "email":
        author = AuthorIn(platform_user_id=email, handle=email, display_name=display, lang=lang)
        return author, ""
    author = AuthorIn(
        platform_user_id="rev_" + _encode(key, _B36, 10),
        handle=base,
        display_name=display,
        lang=lang,
    )
    return author, ""


@lru_cache(maxsize=64)
def _outlet_persona(outlet: Outlet) -> Persona:
    key = stable_int(outlet.domain)
    author = AuthorIn(
        platform_user_id=f"https://www.{outlet.domain}/feed",
        handle=outlet.domain,
        display_name=outlet.name,
        followers=20_000 + key % 900_000,
        url=f"https://www.{outlet.domain}/",
        lang=outlet.lang,
    )
    return Persona(author, outlet.lang, FORMAL, outlet.name, f"redaction@{outlet.domain}", "")
