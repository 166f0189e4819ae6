"""`python -m benchmarks.nab [--sensitivity]`: run the detector on NAB, score it, write the
table into docs/crisis-detection.md (and, with --sensitivity, how it moves with the settings)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from benchmarks.nab.corpus import TWEETS, load_corpus, load_published
from benchmarks.nab.runner import ProfileResult, detect_corpus, evaluate
from benchmarks.nab.scorer import PROFILES, normalise
from hearth.crisis.bank import DetectorConfig
from hearth.crisis.detector import ALERT_THRESHOLD

DOC = Path(__file__).resolve().parents[2] / "docs" / "crisis-detection.md"
START, END = "<!-- nab-table:start -->", "<!-- nab-table:end -->"
SENSITIVITY_START, SENSITIVITY_END = (
    "<!-- nab-sensitivity:start -->",
    "<!-- nab-sensitivity:end -->",
)
# Neighbours of the defaults: how much the numbers move when one setting moves.
VARIANTS: tuple[tuple[str, dict], ...] = (
    ("defaults", {}),
    ("no surprise rarity", {"rarity_base": 1.0}),
    ("rarity decades 2.25", {"rarity_decades": 2.25}),
    ("rarity decades 2.75", {"rarity_decades": 2.75}),
    ("rarity memory 14 days", {"rarity_days": 14.0}),
    ("commonplace surprise keeps 30 %", {"rarity_base": 0.3}),
    ("no repeat headroom", {"repeat_headroom": 1.0}),
    ("repeat headroom 1.25, 1 h", {"repeat_headroom": 1.25, "repeat_hours": 1.0}),
    ("repeat headroom 1.5, 2 h", {"repeat_hours": 2.0}),
    ("no level familiarity", {"familiarity_base": 1.0}),
    ("familiarity memory 14 days", {"familiarity_days": 14.0}),
    ("familiarity decades 3", {"familiarity_decades": 3.0}),
    ("slow level 6 h", {"level_hours": 6.0}),
    ("record half-life 48 h", {"record_hours": 48.0}),
    ("record floor 5", {"record_floor": 5.0}),
)
SHOWN = ("ARTime", "numenta", "contextOSE", "earthgeckoSkyline", "relativeEntropy", "knncad")


def published_scores(corpus) -> dict[str, dict[str, tuple[float, float]]]:
    """Published detectors normalised over the same files: {detector: {profile: (all, tweets)}}."""
    labels = {s.name: s.labels for s in corpus}
    table: dict[str, dict[str, tuple[float, float]]] = {}
    rows = load_published()
    for detector in SHOWN:
        table[detector] = {}
        for profile in PROFILES.values():
            mine = [r for r in rows if r.detector == detector and r.profile == profile.name]
            tweets = [r for r in mine if r.file.startswith(TWEETS + "/")]
            table[detector][profile.name] = tuple(
                normalise(sum(r.score for r in subset), [labels[r.file] for r in subset], profile)
                for subset in (mine, tweets)
            )
    return table


def render(results: list[ProfileResult], published, n_files: int, seconds: float) -> str:
    head = "| detector | " + " | ".join(
        f"{p} (all {n_files}) | {p} (realTweets)" for p in ("standard", "low FP", "low FN")
    )
    lines = [head + " |", "|---" * 7 + "|"]
    ours = " | ".join(f"**{r.corpus:.1f}** | **{r.tweets:.1f}**" for r in results)
    lines.append(f"| Hearth (NAB-optimised threshold) | {ours} |")
    fixed = " | ".join(f"{r.corpus_fixed:.1f} | {r.tweets_fixed:.1f}" for r in results)
    lines.append(f"| Hearth (fixed alert threshold {ALERT_THRESHOLD}) | {fixed} |")
    for detector, scores in published.items():
        cells = " | ".join(f"{a:.1f} | {t:.1f}" for a, t in scores.values())
        lines.append(f"| {detector} (published) | {cells} |")
    thresholds = ", ".join(f"{r.profile} {r.threshold:.4f}" for r in results)
    lines.append("")
    lines.append(f"NAB-optimised thresholds over the {n_files} files: {thresholds}. ")
    lines.append(f"Detection over the whole corpus took {seconds:.1f} s.")
    return "\n".join(lines)


def write_doc(table: str, start: str = START, end: str = END) -> None:
    if not DOC.exists():
        return
    text = DOC.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        DOC.write_text(pattern.sub(lambda _: f"{start}\n{table}\n{end}", text))


def sensitivity(corpus) -> str:
    lines = [
        "| settings | standard (all / realTweets) | low FP | low FN |",
        "|---|---|---|---|",
    ]
    for label, overrides in VARIANTS:
        scores = detect_corpus(corpus, DetectorConfig(**overrides))
        cells = " | ".join(
            f"{r.corpus:.1f} / {r.tweets:.1f}" for r in evaluate(corpus, scores, ALERT_THRESHOLD)
        )
        lines.append(f"| {label} | {cells} |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    corpus = load_corpus()
    began = time.perf_counter()
    scores = detect_corpus(corpus)
    seconds = time.perf_counter() - began
    results = evaluate(corpus, scores, ALERT_THRESHOLD)
    table = render(results, published_scores(corpus), len(corpus), seconds)
    print(table)
    write_doc(table)
    if "--sensitivity" in argv:
        write_doc(sensitivity(corpus), SENSITIVITY_START, SENSITIVITY_END)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
