"""The demo world: a deterministic simulation of what networks say about two fictional brands.

Simulated time is cut into one-minute *buckets* anchored on ``start``. What happens in a bucket
is a pure function of (seed, brand, bucket index), computed in two phases:

1. the bucket's *cores*: how many items (a Poisson draw around the brand's rate at that time of
   day and week, plus the scandal's surge), when, and for each original post its platform,
   author, language and topic — drawn from the bucket's own random stream only;
2. the items: replies, reposts and near-duplicate copies pick their target among the cores
   of earlier buckets (never their items), so a bucket never depends on a chain of history.

Hence any window is reproducible alone, windows tile exactly (an item belongs to the window
that holds its timestamp), and a reply's parent always exists and is older.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import NamedTuple
from zoneinfo import ZoneInfo

from hearth.demo import compose
from hearth.demo.authors import (
    CROWD,
    CROWD_SIZE,
    POOL_SIZES,
    REGULAR,
    Persona,
    persona,
    rank_chooser,
)
from hearth.demo.brands import BRANDS, Brand, Choosers, choosers
from hearth.demo.noise import light_edit
from hearth.demo.rng import poisson, rng_for, stable_int
from hearth.demo.template import Topic
from hearth.ingest.schemas import MentionIn

BUCKET_SECONDS = 60
MAX_LAG_BUCKETS = 60  # replies and reposts look back at most an hour
CACHE_BUCKETS = 320  # enough for two brands × the look-back, bounded in memory
CACHE_TEXT_BUCKETS = 160
PARIS = ZoneInfo("Europe/Paris")
REPLYABLE = ("mastodon", "bluesky", "reddit", "discourse")
REPOSTABLE = ("mastodon", "bluesky")
COPYABLE = ("mastodon", "bluesky", "reddit")
LANG_HINTED = ("mastodon", "bluesky", "rss")  # networks that declare a post's language
NEARDUP_TOPICS = frozenset(
    {"scandal_boycott", "scandal_outrage", "scandal_video", "spam", "set_idea", "praise", "order"}
)
# When people are on social networks at all (local time): the scandal spreads along it.
SOCIAL_HOURLY = (
    0.35,
    0.2,
    0.12,
    0.08,
    0.08,
    0.12,
    0.3,
    0.6,
    0.85,
    0.95,
    1.0,
    1.05,
    1.15,
    1.1,
    1.0,
    1.0,
    1.05,
    1.1,
    1.2,
    1.3,
    1.4,
    1.35,
    1.05,
    0.65,
)
_RANKS: dict[tuple[str, int], object] = {}
_GROUPS = {"reply": REPLYABLE, "repost": REPOSTABLE, "neardup": COPYABLE}
# How far back people reach: replies answer fresh posts, copies circulate longer.
_MEAN_LAG_BUCKETS = {"reply": 3.0, "repost": 5.0, "neardup": 8.0}


class Core(NamedTuple):
    offset_ms: int
    kind: str  # original, reply, repost, neardup
    scandal: bool
    platform: str = ""
    pool: int = REGULAR
    rank: int = 0
    lang: str = ""
    topic: str = ""
    who: Persona | None = None  # the author of an original, looked up once


@dataclass(frozen=True, slots=True)
class Bucket:
    cores: tuple[Core, ...]
    # Indices of original posts by (scandal, kind of reference) so targets are found in O(log n).
    targets: Mapping[tuple[bool, str], list[int]]


class DemoWorld:
    """A seeded simulation of mentions of the demo brands; see docs/demo.md for the knobs."""

    def __init__(
        self,
        seed: int = 7,
        *,
        start: datetime | None = None,
        speedup: float = 60.0,
        scandal_at: timedelta | None = timedelta(minutes=8),
        brands: Sequence[str] = ("briquo", "pizzadoro"),
        rates: Mapping[str, float] | None = None,
        history: timedelta = timedelta(0),
        seasonal: bool = True,
        scandal_strength: float = 30.0,
    ) -> None:
        if isinstance(brands, str):
            brands = (brands,)
        _check(seed, start, speedup, brands, rates, history)
        self.seed = seed
        self.start = (start or datetime.now(UTC).replace(second=0, microsecond=0)).astimezone(UTC)
        self.speedup = float(speedup)
        self.scandal_at = scandal_at
        self.brands = tuple(BRANDS[slug] for slug in brands)
        self.rates = {b.slug: float((rates or {}).get(b.slug, b.default_rate)) for b in self.brands}
        self.origin = self.start - history
        self.origin_bucket = -int(history.total_seconds()) // BUCKET_SECONDS
        self.seasonal = seasonal
        self.scandal_strength = scandal_strength
        self._buckets: OrderedDict[tuple[str, int], Bucket] = OrderedDict()
        self._text_cache: OrderedDict[tuple[str, int], tuple] = OrderedDict()

    # ---- public API -------------------------------------------------------------------------

    @property
    def scandal_time(self) -> datetime | None:
        return None if self.scandal_at is None else self.start + self.scandal_at

    def sim_time(self, wall_elapsed_seconds: float) -> datetime:
        """The simulated time reached after this much wall time since the start."""
        return self.start + timedelta(seconds=wall_elapsed_seconds * self.speedup)

    def items_between(self, t0: datetime, t1: datetime) -> list[MentionIn]:
        """Every item with ``t0 <= created_at < t1``, oldest first: the same for the same window."""
        if t0.tzinfo is None or t1.tzinfo is None:
            raise ValueError("items_between needs timezone-aware datetimes (UTC)")
        t0 = max(t0, self.origin)
        if t1 <= t0:
            return []
        first = max(self._bucket_of(t0), self.origin_bucket)
        last = self._bucket_of(t1 - timedelta(microseconds=1))
        found = []
        for brand in self.brands:
            for k in range(first, last + 1):
                found.extend(m for m in self._bucket_items(brand, k) if t0 <= m.created_at < t1)
        found.sort(key=lambda m: (m.created_at, m.external_id))
        return found

    def iter_items(
        self,
        until: datetime,
        *,
        since: datetime | None = None,
        step: timedelta = timedelta(minutes=5),
    ) -> Iterator[MentionIn]:
        """Items from ``since`` (default: the origin) up to ``until``, in time order."""
        cursor = since or self.origin
        while cursor < until:
            upper = min(cursor + step, until)
            yield from self.items_between(cursor, upper)
            cursor = upper

    def expected_rate(self, brand: str, at: datetime) -> float:
        """Mean mentions per simulated hour for a brand at an instant (rhythm + scandal)."""
        found = BRANDS[brand]
        return self._base_rate(found, at) + self._scandal_rate(found, at)

    # ---- rates --------------------------------------------------------------------------------

    def _bucket_of(self, when: datetime) -> int:
        return math.floor((when - self.start).total_seconds() / BUCKET_SECONDS)

    def _base_rate(self, brand: Brand, at: datetime) -> float:
        rate = self.rates[brand.slug]
        if not self.seasonal:
            return rate
        return rate * _rhythm(brand.hourly, brand.weekly, at)

    def _scandal_rate(self, brand: Brand, at: datetime) -> float:
        when = self.scandal_time
        if when is None or not brand.can_have_scandal or at < when:
            return 0.0
        minutes = (at - when).total_seconds() / 60.0
        # Outrage is near-instant (rises in ~3 min) and fades over a couple of hours.
        shape = (1.0 - math.exp(-minutes / 3.0)) * math.exp(-minutes / 40.0)
        activity = max(0.35, _rhythm(SOCIAL_HOURLY, (1.0,) * 7, at)) if self.seasonal else 1.0
        return self.rates[brand.slug] * self.scandal_strength * shape * activity

    # ---- phase 1: cores --------------------------------------------------------------------

    def _bucket(self, brand: Brand, k: int) -> Bucket:
        key = (brand.slug, k)
        found = self._buckets.get(key)
        if found is not None:
            self._buckets.move_to_end(key)
            return found
        found = self._build_bucket(brand, k)
        self._buckets[key] = found
        if len(self._buckets) > CACHE_BUCKETS:
            self._buckets.popitem(last=False)
        return found

    def _build_bucket(self, brand: Brand, k: int) -> Bucket:
        if k < self.origin_bucket:
            return Bucket((), {})
        rng = rng_for(self.seed, stable_int(brand.slug), k, 1)
        middle = self.start + timedelta(seconds=k * BUCKET_SECONDS + BUCKET_SECONDS / 2)
        base, extra = self._base_rate(brand, middle), self._scandal_rate(brand, middle)
        # A little extra-Poisson noise, as real volumes have.
        mean = (base + extra) * BUCKET_SECONDS / 3600.0 * rng.gammavariate(30.0, 1 / 30.0)
        span = BUCKET_SECONDS * 1000
        offsets = sorted(int(rng.random() * span) for _ in range(poisson(rng, mean)))
        share = extra / (base + extra) if extra else 0.0
        ch = choosers(brand)
        cores = []
        for offset in offsets:
            scandal = share > 0.0 and rng.random() < share
            kind = ch.kinds[scandal].pick(rng)
            if kind == "original":
                cores.append(self._draw_original(brand, ch, rng, offset, scandal))
            else:
                cores.append(Core(offset, kind, scandal))
        return Bucket(tuple(cores), _index_targets(cores))

    def _draw_original(
        self, brand: Brand, ch: Choosers, rng: Random, offset: int, scandal: bool
    ) -> Core:
        platform = ch.platforms[scandal].pick(rng)
        topics = ch.topics[(scandal, platform)]
        if topics is None:
            platform = "mastodon"
            topics = ch.topics[(scandal, platform)]
        topic = topics.pick(rng)
        if platform == "rss":
            rank = rng.randrange(len(brand.outlets))
            who = persona(self.seed, brand.slug, platform, REGULAR, rank)
            return Core(
                offset, "original", scandal, platform, REGULAR, rank, who.lang, topic.name, who
            )
        pool, rank = self._draw_author(platform, rng, scandal)
        who = persona(self.seed, brand.slug, platform, pool, rank)
        lang = who.lang
        if rng.random() < 0.08:  # bilingual people switch now and then
            lang = "en" if lang == "fr" else "fr"
        return Core(offset, "original", scandal, platform, pool, rank, lang, topic.name, who)

    def _draw_author(self, platform: str, rng: Random, scandal: bool) -> tuple[int, int]:
        pool = CROWD if scandal and rng.random() < 0.7 else REGULAR
        chooser = _RANKS.get((platform, pool))
        if chooser is None:
            chooser = _RANKS[(platform, pool)] = rank_chooser(platform, pool)
        return pool, chooser.index(rng)

    # ---- phase 2: items ---------------------------------------------------------------------

    def _bucket_items(self, brand: Brand, k: int) -> list[MentionIn]:
        cores = self._bucket(brand, k).cores
        if not cores:
            return []
        begins = self.start + timedelta(seconds=k * BUCKET_SECONDS)
        texts = self._texts(brand, k)
        # One stream per bucket for everything but the originals' texts: buckets are always
        # generated whole, so this stays a pure function of (seed, brand, bucket).
        rng = rng_for(self.seed, stable_int(brand.slug), k, 2)
        return [
            self._item(
                brand, k, i, core, begins + timedelta(milliseconds=core.offset_ms), rng, texts[i]
            )
            for i, core in enumerate(cores)
        ]

    def _item(
        self,
        brand: Brand,
        k: int,
        i: int,
        core: Core,
        at: datetime,
        rng: Random,
        text: compose.Text | None,
    ) -> MentionIn:
        if core.kind != "original":
            target = self._find_target(brand, k, i, core, rng)
            if target is not None:
                return self._referring_item(brand, k, i, core, at, rng, target)
            core = self._draw_original(brand, choosers(brand), rng, core.offset_ms, core.scandal)
            text = self._compose_original(brand, k, i, core, rng)
        return self._original_item(brand, k, i, core, at, text, rng)

    def _texts(self, brand: Brand, k: int) -> tuple[compose.Text | None, ...]:
        """The texts of a bucket's original posts, from their own stream, so that a repost or a
        copy can look up the text it repeats without generating anything else."""
        key = (brand.slug, k)
        found = self._text_cache.get(key)
        if found is not None:
            self._text_cache.move_to_end(key)
            return found
        rng = rng_for(self.seed, stable_int(brand.slug), k, 3)
        found = tuple(
            self._compose_original(brand, k, i, core, rng) if core.kind == "original" else None
            for i, core in enumerate(self._bucket(brand, k).cores)
        )
        self._text_cache[key] = found
        if len(self._text_cache) > CACHE_TEXT_BUCKETS:
            self._text_cache.popitem(last=False)
        return found

    def _find_target(
        self, brand: Brand, k: int, i: int, core: Core, rng: Random
    ) -> tuple[int, int] | None:
        mean_lag = _MEAN_LAG_BUCKETS[core.kind]
        for _ in range(4):
            j = max(
                k - min(int(rng.expovariate(1.0 / mean_lag)), MAX_LAG_BUCKETS), self.origin_bucket
            )
            bucket = self._bucket(brand, j)
            indices = bucket.targets.get((core.scandal, core.kind), ())
            limit = bisect.bisect_left(indices, i) if j == k else len(indices)
            if limit == 0:
                continue
            picks = [indices[int(rng.random() * limit)] for _ in range(3)]
            return j, self._best_target(brand, bucket, picks, core.kind)
        return None

    def _best_target(self, brand: Brand, bucket: Bucket, picks: list[int], kind: str) -> int:
        """Reposts go to the best-followed, copies to the most copyable, replies to anyone."""
        if kind == "reply":
            return picks[0]
        if kind == "neardup":
            for m in picks:
                if bucket.cores[m].topic in NEARDUP_TOPICS:
                    return m
            return picks[0]

        def reach(m: int) -> int:
            return bucket.cores[m].who.author.followers or 0

        return max(picks, key=reach)

    def _original_item(
        self, brand: Brand, k: int, i: int, core: Core, at: datetime, text: compose.Text, rng
    ) -> MentionIn:
        topic = choosers(brand).topic_by_name[core.topic]
        author = core.who
        tok = compose.token(brand, self.seed, k, i)
        return MentionIn(
            platform=core.platform,
            external_id=compose.external_id(core.platform, tok, is_reply=False, author=author),
            url=compose.item_url(brand, core.platform, tok, author, thread_token=tok, index=i),
            author=author.author,
            text=text.text,
            title=text.title,
            kind=_original_kind(core.platform),
            lang_hint=core.lang if core.platform in LANG_HINTED else None,
            created_at=at,
            metrics=compose.metrics(
                core.platform, author.author.followers, topic.sentiment, rng, viral=core.scandal
            ),
            raw={"demo": compose.labels(brand, topic, core.lang, text, scandal=core.scandal)},
        )

    def _compose_original(
        self, brand: Brand, k: int, i: int, core: Core, rng: Random
    ) -> compose.Text:
        topic = choosers(brand).topic_by_name[core.topic]
        author = core.who
        article = None
        if core.platform == "rss":
            article = compose.article_url(author, compose.token(brand, self.seed, k, i))
        return compose.compose_text(
            brand,
            topic,
            core.lang,
            author,
            core.platform,
            rng,
            scandal=core.scandal,
            article=article,
        )

    def _referring_item(
        self,
        brand: Brand,
        k: int,
        i: int,
        core: Core,
        at: datetime,
        rng: Random,
        target: tuple[int, int],
    ) -> MentionIn:
        j, m = target
        parent = self._bucket(brand, j).cores[m]
        parent_author = parent.who
        parent_tok = compose.token(brand, self.seed, j, m)
        parent_id = compose.external_id(
            parent.platform, parent_tok, is_reply=False, author=parent_author
        )
        platform = parent.platform
        if core.kind == "neardup":
            platform = rng.choice(COPYABLE)
        pool, rank = self._draw_author(platform, rng, core.scandal)
        if (pool, rank) == (parent.pool, parent.rank) and platform == parent.platform:
            rank = (rank + 1) % (POOL_SIZES[platform] if pool == REGULAR else CROWD_SIZE)
        author = persona(self.seed, brand.slug, platform, pool, rank)
        tok = compose.token(brand, self.seed, k, i)
        fields = self._referring_fields(
            brand, core, parent, author, platform, rng, (j, m, parent_id, parent_author)
        )
        sentiment = fields.pop("sentiment")
        if platform in LANG_HINTED:
            fields["lang_hint"] = fields["raw"]["demo"]["lang"]
        return MentionIn(
            platform=platform,
            external_id=compose.external_id(
                platform, tok, is_reply=core.kind == "reply", author=author
            ),
            url=compose.item_url(
                brand,
                platform,
                tok,
                author,
                thread_token=parent_tok if core.kind == "reply" else tok,
                index=i,
            ),
            author=author.author,
            created_at=at,
            metrics=compose.metrics(platform, author.author.followers, sentiment, rng, viral=False),
            **fields,
        )

    def _referring_fields(
        self,
        brand: Brand,
        core: Core,
        parent: Core,
        author: Persona,
        platform: str,
        rng: Random,
        ref: tuple,
    ) -> dict:
        j, m, parent_id, parent_author = ref
        if core.kind == "reply":
            ch = choosers(brand)
            topic = ch.reply_topic_by_name[ch.replies.get(parent.topic, ch.default_reply).pick(rng)]
            lang = parent.lang if rng.random() < 0.9 else author.lang
            text = compose.compose_text(
                brand,
                topic,
                lang,
                author,
                platform,
                rng,
                scandal=core.scandal,
                parent_mention=parent_author.mention,
            )
            return _fields(
                brand, topic, lang, text, core.scandal, kind="reply", parent_external_id=parent_id
            )
        original = self._texts(brand, j)[m]
        topic = choosers(brand).topic_by_name[parent.topic]
        if core.kind == "repost":
            return _fields(
                brand,
                topic,
                parent.lang,
                original,
                core.scandal,
                kind="repost",
                repost_of_external_id=parent_id,
            )
        edited = light_edit(original.text, rng)
        title = compose.short_title(edited) if platform == "reddit" else None
        copied = compose.Text(edited, title, original.pii, original.template)
        return _fields(
            brand,
            topic,
            parent.lang,
            copied,
            core.scandal,
            kind="post",
            near_duplicate_of=parent_id,
        )


def _fields(
    brand: Brand,
    topic: Topic,
    lang: str,
    text: compose.Text,
    scandal: bool,
    *,
    kind: str,
    near_duplicate_of: str | None = None,
    **refs: str,
) -> dict:
    return {
        "text": text.text,
        "title": text.title if kind == "post" and text.title else None,
        "kind": kind,
        "lang_hint": None,
        "sentiment": topic.sentiment,
        "raw": {
            "demo": compose.labels(
                brand, topic, lang, text, scandal=scandal, near_duplicate_of=near_duplicate_of
            )
        },
        **refs,
    }


def _original_kind(platform: str) -> str:
    return {"rss": "article", "email": "email"}.get(platform, "post")


def _index_targets(cores: list[Core]) -> dict[tuple[bool, str], list[int]]:
    targets: dict[tuple[bool, str], list[int]] = {}
    for m, core in enumerate(cores):
        if core.kind != "original":
            continue
        for kind, platforms in _GROUPS.items():
            if core.platform in platforms:
                targets.setdefault((core.scandal, kind), []).append(m)
    return targets


_RHYTHM_NORM: dict[tuple[tuple[float, ...], tuple[float, ...]], float] = {}


def _rhythm(hourly: tuple[float, ...], weekly: tuple[float, ...], at: datetime) -> float:
    """Activity at a local (Paris) time, relative to the weekly mean (mean 1 over a week)."""
    norm = _RHYTHM_NORM.get((hourly, weekly))
    if norm is None:
        norm = _RHYTHM_NORM[(hourly, weekly)] = (sum(hourly) / 24) * (sum(weekly) / 7)
    local = at.astimezone(PARIS)
    position = local.hour + local.minute / 60.0 - 0.5  # each hourly value sits at hh:30
    below = math.floor(position)
    frac = position - below
    level = hourly[below % 24] * (1 - frac) + hourly[(below + 1) % 24] * frac
    return level * weekly[local.weekday()] / norm


def _check(seed, start, speedup, brands, rates, history) -> None:
    if not isinstance(seed, int) or seed < 0:
        raise ValueError("seed must be a non-negative integer")
    if start is not None and start.tzinfo is None:
        raise ValueError("start must be timezone-aware (UTC)")
    if speedup <= 0:
        raise ValueError("speedup must be positive")
    unknown = [slug for slug in brands if slug not in BRANDS]
    if unknown or not brands:
        raise ValueError(f"unknown demo brand(s) {unknown}; known: {sorted(BRANDS)}")
    if rates and any(r < 0 for r in rates.values()):
        raise ValueError("rates must be non-negative (mentions per simulated hour)")
    if history < timedelta(0) or history.total_seconds() % BUCKET_SECONDS:
        raise ValueError("history must be a non-negative whole number of minutes")
