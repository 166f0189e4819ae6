"""`python -m benchmarks [name ...]`: run the benchmarks one after the other (all by default).

Each is also runnable alone as `python -m benchmarks.<name>`; see benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys

# name -> arguments for a run that finishes in a few minutes on 2 cores
BENCHMARKS: dict[str, list[str]] = {
    "enrich": [],
    "enrich.quality": [],
    "pii_quality": [],
    "listening_queries": [],
    "nab": [],
    "crisis_cost": [],
    "crisis_radar": ["--topics", "100", "--history-hours", "6", "--buckets", "6"],
    "ingest": [],
    "inbox": [],
    "incident_room": ["--runs", "5"],
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    failed = []
    for name in names or list(BENCHMARKS):
        print(f"\n=== benchmarks.{name} ===", flush=True)
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *BENCHMARKS[name]])
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
