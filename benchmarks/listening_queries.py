"""Listening queries: messages/s for 1,000 queries x 10,000 messages on one core (CPU time).

Run: .venv/bin/python -m benchmarks.listening_queries [--queries 1000] [--messages 10000]

Queries look like those of a listening tool (brand names, variants, hashtags, handles, exclusions,
language and platform filters); messages are short posts drawn from a Zipf-like vocabulary in which
brand words are rare, as on a real firehose. Prints compile time, throughput with the index, and
throughput of the same compiled predicates evaluated for every query (no index), for comparison.
"""

from __future__ import annotations

import argparse
import random
import time

from hearth.listening.query import Matchable, QuerySet

COMMON = [
    "the",
    "a",
    "to",
    "and",
    "is",
    "it",
    "i",
    "you",
    "of",
    "in",
    "that",
    "this",
    "for",
    "on",
    "my",
    "with",
    "me",
    "so",
    "be",
    "just",
    "not",
    "at",
    "are",
    "but",
    "was",
    "le",
    "la",
    "les",
    "de",
    "des",
    "un",
    "une",
    "et",
    "est",
    "pas",
    "je",
    "tu",
    "il",
    "on",
    "que",
    "qui",
    "pour",
    "dans",
    "sur",
    "avec",
    "ce",
    "mais",
    "plus",
    "trop",
    "love",
    "hate",
    "good",
    "bad",
    "great",
    "new",
    "today",
    "why",
    "when",
    "what",
    "pizza",
    "order",
    "delivery",
    "set",
    "piece",
    "box",
    "price",
    "service",
    "help",
    "merci",
    "super",
    "nul",
    "génial",
    "livraison",
    "commande",
    "vidéo",
    "prix",
    "problème",
    "encore",
    "jamais",
    "toujours",
    "enfin",
    "vraiment",
    "incroyable",
    "scandale",
    "honte",
    "bravo",
    "top",
    "merde",
    "wow",
    "lol",
    "mdr",
    "omg",
    "please",
]
LANGS = ["fr", "en", "es", "de", None]
PLATFORMS = ["mastodon", "bluesky", "reddit", "rss", "discourse"]


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ré", "zu", "pa", "to", "ni", "be", "sa", "ri", "go", "du", "fé"]
    made = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(made)[:size]


def make_query(rng: random.Random, brands: list[str], vocab: list[str]) -> str:
    brand = rng.choice(brands)
    variants = [brand, f"#{brand}", f"@{brand}", f"{brand[:-1]}*", f'"{brand} {rng.choice(vocab)}"']
    core = " OR ".join(rng.sample(variants, rng.randint(1, 3)))
    parts = [f"({core})"]
    if rng.random() < 0.5:
        parts.append(f"({' OR '.join(rng.sample(COMMON + vocab[:200], rng.randint(1, 4)))})")
    if rng.random() < 0.5:
        parts.append(f"-{rng.choice(vocab)}")
    if rng.random() < 0.3:
        parts.append(f"lang:{rng.choice(['fr', 'en'])}")
    if rng.random() < 0.2:
        parts.append(f"platform:{rng.choice(PLATFORMS)}")
    if rng.random() < 0.1:
        parts.append(f"NOT author:{rng.choice(vocab)}")
    return " ".join(parts)


def make_message(rng: random.Random, brands: list[str], vocab: list[str]) -> Matchable:
    n = rng.randint(6, 30)
    pool = COMMON * 20 + vocab  # common words dominate, as in real posts
    words = rng.choices(pool, k=n)
    if rng.random() < 0.15:
        brand = rng.choice(brands)
        words.insert(
            rng.randrange(len(words)),
            rng.choice([brand, f"#{brand}", f"@{brand}", brand.capitalize() + "!"]),
        )
    if rng.random() < 0.2:
        words.append(f"#{rng.choice(vocab)}")
    return Matchable(
        text=" ".join(words),
        lang=rng.choice(LANGS),
        platform=rng.choice(PLATFORMS),
        author_handle=rng.choice(vocab),
    )


def run(n_queries: int, n_messages: int, seed: int) -> None:
    rng = random.Random(seed)
    vocab = make_vocabulary(rng, 5000)
    brands = [f"{w}{rng.choice(['x', 'z', 'o'])}" for w in rng.sample(vocab, 400)]
    queries = {f"q{i}": make_query(rng, brands, vocab) for i in range(n_queries)}
    items = [make_message(rng, brands, vocab) for _ in range(n_messages)]

    start = time.process_time()
    qs = QuerySet(queries)
    compiled_s = time.process_time() - start
    assert not qs.errors, qs.errors

    start = time.process_time()
    results = qs.match_batch(items)
    indexed_s = time.process_time() - start
    matched = sum(len(r) for r in results)
    messages = [qs._message(i) for i in items]
    evaluated = sum(len(qs._candidates(m)) for m in messages)

    subset = messages[: max(1, n_messages // 10)]
    start = time.process_time()
    for m in subset:
        [p(m) for p in qs._predicates]
    brute_s = (time.process_time() - start) / len(subset) * n_messages

    print(f"queries: {n_queries}, messages: {n_messages}, seed: {seed}")
    print(f"compile: {compiled_s * 1000:.1f} ms")
    print(
        f"indexed: {n_messages / indexed_s:,.0f} messages/s "
        f"({n_messages * n_queries / indexed_s / 1e6:.1f} M query-message pairs/s)"
    )
    print(
        f"queries evaluated per message: {evaluated / n_messages:.1f} of {n_queries}; "
        f"matches per message: {matched / n_messages:.2f}"
    )
    print(
        f"no index (every query evaluated; tokenising excluded): "
        f"{n_messages / brute_s:,.0f} messages/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    run(args.queries, args.messages, args.seed)


if __name__ == "__main__":
    main()
