"""Benchmark the enrichment pipeline against an off-the-shelf reference, in one run.

    uv run python -m benchmarks.enrich [--messages 20000] [--batch 1000] [--json out.json]

Each pipeline runs in its own child process pinned to one CPU with BLAS/OpenMP threads set to
1, on the same generated messages. Reported: start-up (interpreter start to the first enriched
message), messages per second over the whole set, and peak resident memory (ru_maxrss).

Reference pipeline (benchmark-only packages, not Hearth dependencies): langdetect + vaderSentiment
+ alt-profanity-check + e-mail/phone/card regexes standing in for presidio's pattern recognizers
(presidio-analyzer needs a spaCy model download, which this project does not allow).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

SINGLE_THREAD = {
    k: "1"
    for k in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    )
}
REFERENCE_PACKAGES = "langdetect vaderSentiment alt-profanity-check"


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_hearth(messages: list[str], batch: int, t0: float) -> dict:
    from hearth.enrich import enrich

    enrich(messages[:1])
    startup = time.perf_counter() - t0
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(messages), batch):
        enrich(messages[i : i + batch])
    return {
        "startup_s": startup,
        "elapsed_s": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu,
    }


def _reference_pipeline():
    import re

    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException
    from profanity_check import predict_prob
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    DetectorFactory.seed = 0
    vader = SentimentIntensityAnalyzer()
    pii = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d ().-]{7,}\d")

    def lang(text: str) -> str:
        try:
            return detect(text)
        except LangDetectException:
            return "unknown"

    def run(texts: list[str]) -> list[dict]:
        tox = predict_prob(texts)
        return [
            {
                "lang": lang(t),
                "sentiment": vader.polarity_scores(t)["compound"],
                "toxicity": float(p),
                "pii": [m.span() for m in pii.finditer(t)],
            }
            for t, p in zip(texts, tox, strict=True)
        ]

    return run


def _run_reference(messages: list[str], batch: int, t0: float) -> dict:
    run = _reference_pipeline()
    run(messages[:1])
    startup = time.perf_counter() - t0
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(messages), batch):
        run(messages[i : i + batch])
    return {
        "startup_s": startup,
        "elapsed_s": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu,
    }


def child(which: str, n: int, batch: int, t0: float) -> None:
    _pin_one_core()
    from benchmarks.enrich.messages import generate

    messages = generate(n)
    runner = _run_hearth if which == "hearth" else _run_reference
    result = runner(messages, batch, t0)
    result.update(
        pipeline=which,
        messages=n,
        msgs_per_s=n / result["elapsed_s"],
        msgs_per_cpu_s=n / result["cpu_s"],
        peak_rss_mb=_peak_rss_mb(),
    )
    print(json.dumps(result))


def _spawn(which: str, n: int, batch: int) -> dict | None:
    env = {**os.environ, **SINGLE_THREAD}
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.enrich",
        "--child",
        which,
        "--messages",
        str(n),
        "--batch",
        str(batch),
        "--t0",
        repr(time.time()),
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"[{which}] failed: {last}", file=sys.stderr)
        if which == "reference" and "ModuleNotFoundError" in proc.stderr:
            print(
                "reference pipeline skipped: install the benchmark-only packages with\n"
                f"  uv pip install {REFERENCE_PACKAGES}",
                file=sys.stderr,
            )
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child", choices=["hearth", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # Start-up is measured from the parent's spawn time (wall clock) to the first result.
        child(args.child, args.messages, args.batch, time.perf_counter() - (time.time() - args.t0))
        return
    results = [
        r for r in (_spawn(w, args.messages, args.batch) for w in ("hearth", "reference")) if r
    ]
    # msgs per CPU-second is shown too: on a busy machine wall-clock time includes waiting.
    print(
        f"{'pipeline':<10} {'msgs/s (1 core)':>16} {'msgs/CPU-s':>11} {'start-up s':>11} "
        f"{'peak RSS MB':>12}"
    )
    for r in results:
        print(
            f"{r['pipeline']:<10} {r['msgs_per_s']:>16,.0f} {r['msgs_per_cpu_s']:>11,.0f} "
            f"{r['startup_s']:>11.2f} {r['peak_rss_mb']:>12.0f}"
        )
    if len(results) == 2:
        print(
            f"speed-up: {results[0]['msgs_per_s'] / results[1]['msgs_per_s']:.1f}x "
            f"on {args.messages} messages"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
