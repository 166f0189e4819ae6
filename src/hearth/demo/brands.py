"""The two fictional brands: their words, topics, platforms, rhythms and default volumes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hearth.demo import texts_briquo, texts_pizzadoro
from hearth.demo.rng import WeightedChoice
from hearth.demo.template import Topic

PLATFORMS = ("mastodon", "bluesky", "reddit", "discourse", "rss", "email", "webhook")
KINDS = ("original", "reply", "repost", "neardup")


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    lang: str


@dataclass(frozen=True)
class Brand:
    """Everything the world needs to simulate what is said about one brand."""

    slug: str
    name: str
    handle: str
    domain: str
    order_prefix: str
    default_rate: float  # mentions per simulated hour, weekly mean, without a scandal
    fr_share: float
    vocab: Mapping[str, Mapping[str, tuple[str, ...]]]
    sets: tuple[tuple[str, str, str], ...]
    hashtags: tuple[str, ...]
    topics: tuple[Topic, ...]
    reply_topics: tuple[Topic, ...]
    reply_map: Mapping[str, Mapping[str, float]]
    kind_shares: Mapping[str, float]
    platforms: Mapping[str, float]
    hourly: tuple[float, ...]
    weekly: tuple[float, ...]
    outlets: tuple[Outlet, ...]
    subreddits: tuple[str, ...]
    scandal_topics: tuple[Topic, ...] = ()
    scandal_kind_shares: Mapping[str, float] = field(default_factory=dict)
    scandal_platforms: Mapping[str, float] = field(default_factory=dict)
    scandal_hashtags: tuple[str, ...] = ()

    @property
    def can_have_scandal(self) -> bool:
        return bool(self.scandal_topics)


class Choosers:
    """Precomputed weighted choices for one brand (built once, shared by every world)."""

    def __init__(self, brand: Brand) -> None:
        self.topic_by_name = {t.name: t for t in brand.topics + brand.scandal_topics}
        self.reply_topic_by_name = {t.name: t for t in brand.reply_topics}
        self.kinds = {False: _choice(brand.kind_shares)}
        self.platforms = {False: _choice(brand.platforms)}
        self.topics = {(False, p): _topics_for(brand.topics, p) for p in PLATFORMS}
        if brand.can_have_scandal:
            self.kinds[True] = _choice(brand.scandal_kind_shares)
            self.platforms[True] = _choice(brand.scandal_platforms)
            for p in PLATFORMS:
                self.topics[(True, p)] = _topics_for(brand.scandal_topics, p)
        self.replies = {name: _choice(weights) for name, weights in brand.reply_map.items()}
        self.default_reply = _choice({"chitchat": 1.0})


def _choice(weights: Mapping[str, float]) -> WeightedChoice:
    names = [name for name, w in weights.items() if w > 0]
    return WeightedChoice(names, [weights[n] for n in names])


def _topics_for(topics: tuple[Topic, ...], platform: str) -> WeightedChoice | None:
    allowed = [t for t in topics if not t.platforms or platform in t.platforms]
    if not allowed:
        return None
    return WeightedChoice(allowed, [t.weight for t in allowed])


BRIQUO = Brand(
    slug="briquo",
    name=texts_briquo.NAME,
    handle=texts_briquo.HANDLE,
    domain=texts_briquo.DOMAIN,
    order_prefix="BQ",
    default_rate=90.0,
    fr_share=0.68,
    vocab=texts_briquo.VOCAB,
    sets=texts_briquo.SETS,
    hashtags=texts_briquo.HASHTAGS,
    topics=texts_briquo.TOPICS,
    reply_topics=texts_briquo.REPLY_TOPICS,
    reply_map=texts_briquo.REPLY_MAP,
    kind_shares=texts_briquo.KIND_SHARES,
    platforms=texts_briquo.PLATFORMS,
    hourly=texts_briquo.HOURLY,
    weekly=texts_briquo.WEEKLY,
    outlets=(
        Outlet("Le Petit Briqueur", "lepetitbriqueur.fr", "fr"),
        Outlet("Jouets Actu", "jouets-actu.fr", "fr"),
        Outlet("Famili'Mag", "famili-mag.fr", "fr"),
        Outlet("Brick Times", "bricktimes.co.uk", "en"),
        Outlet("Toy Trade Weekly", "toytradeweekly.com", "en"),
    ),
    subreddits=("briquo", "AFOL_fr", "toybricks", "france"),
)

PIZZADORO = Brand(
    slug="pizzadoro",
    name=texts_pizzadoro.NAME,
    handle=texts_pizzadoro.HANDLE,
    domain=texts_pizzadoro.DOMAIN,
    order_prefix="PZ",
    default_rate=150.0,
    fr_share=0.7,
    vocab=texts_pizzadoro.VOCAB,
    sets=(),
    hashtags=texts_pizzadoro.HASHTAGS,
    topics=texts_pizzadoro.TOPICS,
    reply_topics=texts_pizzadoro.REPLY_TOPICS,
    reply_map=texts_pizzadoro.REPLY_MAP,
    kind_shares=texts_pizzadoro.KIND_SHARES,
    platforms=texts_pizzadoro.PLATFORMS,
    hourly=texts_pizzadoro.HOURLY,
    weekly=texts_pizzadoro.WEEKLY,
    outlets=(
        Outlet("Le Quotidien du Rhône", "lequotidiendurhone.fr", "fr"),
        Outlet("InfoConso", "infoconso-mag.fr", "fr"),
        Outlet("Ouest Matin", "ouest-matin.fr", "fr"),
        Outlet("Actu Réseaux", "actureseaux.fr", "fr"),
        Outlet("FoodBiz News", "foodbiz-news.com", "en"),
        Outlet("The Morning Ledger", "morningledger.co.uk", "en"),
    ),
    subreddits=("france", "pizza", "lyon", "paris", "AskFrance"),
    scandal_topics=texts_pizzadoro.SCANDAL_TOPICS,
    scandal_kind_shares=texts_pizzadoro.SCANDAL_KIND_SHARES,
    scandal_platforms=texts_pizzadoro.SCANDAL_PLATFORMS,
    scandal_hashtags=texts_pizzadoro.SCANDAL_HASHTAGS,
)

BRANDS: dict[str, Brand] = {b.slug: b for b in (BRIQUO, PIZZADORO)}
_CHOOSERS: dict[str, Choosers] = {}


def choosers(brand: Brand) -> Choosers:
    found = _CHOOSERS.get(brand.slug)
    if found is None:
        found = _CHOOSERS[brand.slug] = Choosers(brand)
    return found
