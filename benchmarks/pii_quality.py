"""Personal data detector: recall/precision per type on presidio_pii_synth, and speed.

Run: .venv/bin/python -m benchmarks.pii_quality [--data DIR] [--show TYPE]

Matching: a gold span is recalled when a predicted span of the same type overlaps it ("overlap"),
or has exactly its boundaries ("exact"). A predicted span is correct when it overlaps a gold span of
the same type; one that overlaps nothing of its type, or only an unmapped entity (US_SSN, DATE_TIME,
ORGANIZATION, ...), is a false positive. Speed: messages/s on one core, over the same texts and
over PII-free short posts (CPU time of this process, so other jobs on the machine matter less).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from hearth.enrich.pii import PII_TYPES, PiiSpan, find_pii, find_pii_batch

DEFAULT_DATA = Path("/work/shared/data/presidio_pii_synth/train.jsonl")
ENTITY_TO_TYPE = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip",
    "STREET_ADDRESS": "address",
    "PERSON": "person",
}
PLAIN_POSTS = [
    "Trop bien la nouvelle pizza chez @pizzaroma, je recommande !! 🍕🔥",
    "I can't believe they missed 3 pieces in my set again #fail",
    "Quelqu'un sait quand sort le prochain set ? 2 mois que j'attends",
    "Love it so much, best brand ever",
    "lol ok",
    "Order 123456 arrived late, 2 days after the date",
]


def overlaps(span: PiiSpan, start: int, end: int) -> bool:
    return span.start < end and start < span.end


def evaluate(rows: list[dict], show: str | None) -> dict[str, Counter]:
    c: dict[str, Counter] = {t: Counter() for t in PII_TYPES}
    for row in rows:
        text, pred = row["text"], find_pii(row["text"])
        gold = [(ENTITY_TO_TYPE.get(s["entity_type"]), s["start"], s["end"]) for s in row["spans"]]
        for kind, start, end in gold:
            if kind is None:
                continue
            c[kind]["gold"] += 1
            hit = [p for p in pred if p.type == kind and overlaps(p, start, end)]
            c[kind]["recalled"] += bool(hit)
            c[kind]["exact"] += any(p.start == start and p.end == end for p in hit)
            if not hit and kind == show:
                print(f"missed {kind}: {text[start:end]!r}")
        for p in pred:
            c[p.type]["predicted"] += 1
            good = any(k == p.type and overlaps(p, s, e) for k, s, e in gold)
            c[p.type]["correct"] += good
            if not good and p.type == show:
                print(f"false {p.type}: {text[p.start : p.end]!r} in {text!r}")
    return c


def report(c: dict[str, Counter]) -> None:
    print(f"{'type':8} {'gold':>5} {'recall':>7} {'exact':>6} {'found':>6} {'precision':>9}")
    for kind in PII_TYPES:
        k = c[kind]
        recall = k["recalled"] / k["gold"] if k["gold"] else float("nan")
        exact = k["exact"] / k["gold"] if k["gold"] else float("nan")
        precision = k["correct"] / k["predicted"] if k["predicted"] else float("nan")
        print(
            f"{kind:8} {k['gold']:5d} {recall:7.3f} {exact:6.3f} {k['predicted']:6d} "
            f"{precision:9.3f}"
        )


def speed(texts: list[str], label: str) -> None:
    repeat = max(1, 20_000 // len(texts))
    batch = texts * repeat
    start = time.process_time()
    find_pii_batch(batch)
    elapsed = time.process_time() - start
    print(f"speed ({label}): {len(batch) / elapsed:,.0f} messages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", help="print misses and false positives of this type")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    print(f"{args.data} ({len(rows)} sentences)")
    report(evaluate(rows, args.show))
    speed([r["text"] for r in rows], "presidio sentences, mostly PII")
    speed(PLAIN_POSTS, "short posts without PII")


if __name__ == "__main__":
    main()
