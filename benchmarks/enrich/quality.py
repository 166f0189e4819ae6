"""Quality of Hearth's enrichment next to the off-the-shelf reference, on validation data.

    uv run python -m benchmarks.enrich.quality [--data-dir ../shared/data]

Sentiment macro-F1 on XLM-T val (en, fr), language accuracy on XLM-T val (8 languages),
offensive macro-F1 on OffensEval val, and toxic/clean accuracy on the functional suites in
tests/enrich. Reference: langdetect, VADER (compound ±0.05), alt-profanity-check (p >= 0.5).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from hearth.enrich import datasets as ds
from hearth.enrich import enrich
from hearth.enrich.evaluate import macro_f1

SUITES = Path(__file__).resolve().parents[2] / "tests" / "enrich"
SENTIMENT = ["negative", "neutral", "positive"]


def _reference():
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException
    from profanity_check import predict_prob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    DetectorFactory.seed = 0
    vader = SentimentIntensityAnalyzer()

    def lang(text: str) -> str:
        try:
            return detect(text)
        except LangDetectException:
            return "unknown"

    def sentiment(text: str) -> str:
        c = vader.polarity_scores(text)["compound"]
        return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"

    def toxic(texts: list[str]) -> list[bool]:
        return [bool(p >= 0.5) for p in predict_prob(texts)]

    return lang, sentiment, toxic


def _suite_rows() -> list[dict[str, str]]:
    rows = []
    for name in ("functional_cases.csv", "functional_blind.csv"):
        with (SUITES / name).open(encoding="utf-8") as fh:
            rows += [r | {"suite": name} for r in csv.DictReader(fh) if r["task"] == "toxicity"]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    data = parser.parse_args().data_dir or ds.default_data_dir()
    try:
        ref_lang, ref_sent, ref_toxic = _reference()
    except ModuleNotFoundError as exc:
        raise SystemExit(
            f"reference packages missing ({exc.name}): "
            "uv pip install langdetect vaderSentiment alt-profanity-check"
        ) from exc
    print(f"{'measure':<44} {'hearth':>8} {'reference':>10}")
    xv = ds.xlmt(data, "val")
    ours = enrich([e.text for e in xv])
    for lang in ("en", "fr"):
        idx = [i for i, e in enumerate(xv) if e.lang == lang]
        gold = [xv[i].label for i in idx]
        h = macro_f1(gold, [ours[i].sentiment.label for i in idx], SENTIMENT)
        r = macro_f1(gold, [ref_sent(xv[i].text) for i in idx], SENTIMENT)
        print(f"{'sentiment macro-F1, XLM-T val ' + lang:<44} {h:>8.3f} {r:>10.3f}")
    h = sum(o.lang == e.lang for o, e in zip(ours, xv, strict=True)) / len(xv)
    r = sum(ref_lang(e.text) == e.lang for e in xv) / len(xv)
    print(f"{'language accuracy, XLM-T val (8 languages)':<44} {h:>8.3f} {r:>10.3f}")
    off = ds.tweeteval(data, "offensive", "val")
    gold = ["y" if e.label == "offensive" else "n" for e in off]
    h = macro_f1(
        gold, ["y" if o.toxicity.toxic else "n" for o in enrich([e.text for e in off])], ["n", "y"]
    )
    r = macro_f1(gold, ["y" if t else "n" for t in ref_toxic([e.text for e in off])], ["n", "y"])
    print(f"{'offensive macro-F1, OffensEval val':<44} {h:>8.3f} {r:>10.3f}")
    rows = _suite_rows()
    texts = [r["text"] for r in rows]
    ours_t = [o.toxicity.toxic for o in enrich(texts)]
    ref_t = ref_toxic(texts)
    for suite in ("functional_cases.csv", "functional_blind.csv"):
        for lang in ("en", "fr"):
            idx = [i for i, r in enumerate(rows) if r["suite"] == suite and r["lang"] == lang]
            exp = [rows[i]["expected"] == "toxic" for i in idx]
            h = sum(ours_t[i] == e for i, e in zip(idx, exp, strict=True)) / len(idx)
            r = sum(ref_t[i] == e for i, e in zip(idx, exp, strict=True)) / len(idx)
            print(f"{'toxic/clean accuracy, ' + suite[:-4] + ' ' + lang:<44} {h:>8.3f} {r:>10.3f}")


if __name__ == "__main__":
    main()
