"""Turning a decided item (brand, topic, author, time, parent) into the text and the ids a real
network would send: platform-shaped external ids and URLs, titles, metrics, ground-truth labels.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from hearth.demo.authors import Persona
from hearth.demo.brands import Brand
from hearth.demo.noise import roughen
from hearth.demo.rng import mix, pick
from hearth.demo.template import Topic, render
from hearth.demo.texts import Filler

TITLED = ("reddit", "discourse", "rss", "email")
HASHTAG_PLATFORMS = ("mastodon", "bluesky")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE = re.compile(r" +([,.])")


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    title: str | None
    pii: tuple[str, ...]
    template: str


def token(brand: Brand, seed: int, bucket: int, index: int) -> str:
    """The unique core of every id: brand, seed, bucket and rank in the bucket, in clear."""
    k = str(bucket) if bucket >= 0 else f"m{-bucket}"
    return f"{brand.slug[:2]}{seed}-{k}-{index}"


def external_id(platform: str, tok: str, *, is_reply: bool, author: Persona) -> str:
    if platform == "bluesky":
        return f"at://{author.author.platform_user_id}/app.bsky.feed.post/{tok}"
    if platform == "reddit":
        return ("t1_" if is_reply else "t3_") + tok
    if platform == "discourse":
        return f"post-{tok}"
    if platform == "email":
        return f"<{tok}@mail.demo.hearth>"
    if platform == "webhook":
        return f"evt_{tok}"
    if platform == "rss":
        return article_url(author, tok)
    return tok


def article_url(outlet: Persona, tok: str) -> str:
    return f"https://www.{outlet.author.handle}/articles/{tok}"


def subreddit(brand: Brand, thread_token: str) -> str:
    return brand.subreddits[mix(len(thread_token), ord(thread_token[-1])) % len(brand.subreddits)]


def item_url(
    brand: Brand, platform: str, tok: str, author: Persona, *, thread_token: str, index: int
) -> str | None:
    if platform == "mastodon":
        return f"{author.author.url}/{tok}"
    if platform == "bluesky":
        return f"https://bsky.app/profile/{author.author.handle}/post/{tok}"
    if platform == "reddit":
        base = f"https://www.reddit.com/r/{subreddit(brand, thread_token)}/comments/{thread_token}/"
        return base if thread_token == tok else f"{base}_/{tok}/"
    if platform == "discourse":
        post_no = 1 if thread_token == tok else 2 + index % 60
        return f"https://forum.{brand.domain}/t/{thread_token}/{post_no}"
    if platform == "rss":
        return article_url(author, tok)
    if platform == "webhook":
        return f"https://www.avis-verifies.demo/{brand.slug}/{tok}"
    return None


def compose_text(
    brand: Brand,
    topic: Topic,
    lang: str,
    author: Persona,
    platform: str,
    rng: random.Random,
    *,
    scandal: bool,
    parent_mention: str = "",
    article: str | None = None,
) -> Text:
    templates = topic.templates(lang)
    index = int(rng.random() * len(templates))
    context = {
        "brand": brand.name,
        "at_brand": brand.handle,
        "domain": brand.domain,
        "order_prefix": brand.order_prefix,
        "me": author.name,
        "me_email": author.email,
        "parent_handle": parent_mention,
    }
    if article:
        context["article_url"] = article
    filler = Filler(rng, lang, context, brand.vocab[lang], brand.sets)
    text = _tidy(render(templates[index], rng, filler))
    title = _title(topic, lang, text, rng, filler) if platform in TITLED else None
    text = roughen(text, lang, author.style, topic.sentiment, rng)
    if platform in HASHTAG_PLATFORMS:
        text = _hashtags(brand, topic, text, rng, scandal=scandal)
    return Text(text, title, tuple(sorted(filler.pii)), f"{brand.slug}/{topic.name}/{lang}/{index}")


def _tidy(text: str) -> str:
    # Empty optional groups leave double spaces and " ," behind; the checks skip the regexes
    # for most texts.
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " ," in text or " ." in text:
        text = _SPACE_BEFORE.sub(r"\1", text)
    return text.strip()


def _title(topic: Topic, lang: str, text: str, rng: random.Random, filler: Filler) -> str:
    titles = topic.titles(lang)
    if titles:
        return _tidy(render(titles[int(rng.random() * len(titles))], rng, filler))
    return short_title(text)


def short_title(text: str) -> str:
    """A title made from a text's start, as people title a forum post with its first words."""
    first_line = text.split("\n", 1)[0]
    if len(first_line) <= 70:
        return first_line
    return first_line[:70].rsplit(" ", 1)[0] + "…"


def _hashtags(brand: Brand, topic: Topic, text: str, rng: random.Random, *, scandal: bool) -> str:
    if rng.random() >= (0.7 if scandal else 0.3):
        return text
    pool = brand.scandal_hashtags if scandal else (topic.hashtags or brand.hashtags)
    first = pick(rng, pool)
    if first.lower() in text.lower():
        return text
    if rng.random() < 0.3:
        second = pick(rng, brand.hashtags)
        if second != first and second.lower() not in text.lower():
            return f"{text} {first} {second}"
    return f"{text} {first}"


def metrics(
    platform: str, followers: int | None, sentiment: str, rng: random.Random, *, viral: bool
) -> dict[str, int]:
    if platform == "webhook":
        low, high = {"positive": (4, 5), "neutral": (3, 4)}.get(sentiment, (1, 2))
        return {"rating": rng.randint(low, high)}
    if platform in ("email", "rss") or followers is None:
        return {}
    reach = (followers**0.5) * (4.0 if viral else 1.0)
    likes = int(reach * rng.random() * 0.8)
    return {
        "likes": likes,
        "reposts": int(likes * rng.random() * 0.3),
        "replies": int(likes * rng.random() * 0.15),
    }


def labels(
    brand: Brand,
    topic: Topic,
    lang: str,
    text: Text,
    *,
    scandal: bool,
    near_duplicate_of: str | None = None,
) -> dict:
    return {
        "brand": brand.slug,
        "topic": topic.name,
        "sentiment": topic.sentiment,
        "intent": topic.intent,
        "abusive": topic.abuse is not None,
        "abuse": topic.abuse,
        "lang": lang,
        "scandal": scandal,
        "pii": list(text.pii),
        "near_duplicate_of": near_duplicate_of,
        "template": text.template,
    }
