"""The radar's tick through the database (a benchmark, not a test).

`python -m benchmarks.crisis_radar [--topics 100] [--history-hours 24] [--buckets 12]
[--database-url URL]` makes one workspace with `topics` saved queries, gives every topic (and
the workspace) `history-hours` of synthetic 5-minute counts, times the catch-up tick that
learns them, then times `buckets` live ticks, each after one new bucket per topic was counted.
It reports the time per live bucket for all topics and per topic, and the stored state size.
Unlike `benchmarks.crisis_cost` (the pure detector bank), this includes loading and saving the
detector states, the term tracker and the episode, and the bucket rows.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Text, func, select

from hearth.auth.passwords import hash_password
from hearth.authz.actor import Actor
from hearth.crisis.radar import BUCKET, Counts, bump_buckets
from hearth.crisis.tick import GRACE, run_tick
from hearth.kit import migrate
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.models import CrisisDetectorState, CrisisWatch, ListeningQuery, User
from hearth.workspace.actions import do_create_workspace

START = datetime(2026, 3, 2, tzinfo=UTC)


def _setup(factory, topics: int) -> tuple[str, list[str]]:
    with factory.begin() as session:
        owner = User(
            email="bench@example.com",
            display_name="Bench",
            password_hash=hash_password("benchmark only"),
            locale="en",
            timezone="UTC",
            password_changed_at=START,
        )
        session.add(owner)
        session.flush()
        ws = do_create_workspace(
            session, name="Bench", slug="bench", owner=owner, actor=Actor.system("benchmark")
        )
        queries = [
            ListeningQuery(workspace_id=ws.id, name=f"topic {i}", query=f"word{i}")
            for i in range(topics)
        ]
        session.add_all(queries)
        session.flush()
        return ws.id, [q.id for q in queries]


def _counts(rng: np.random.Generator, at: datetime, scale: float) -> Counts:
    rhythm = 1.0 + 0.6 * np.sin(2 * np.pi * (at.hour + at.minute / 60) / 24)
    n = int(rng.poisson(scale * rhythm))
    return Counts(
        mentions=n,
        negative=int(rng.binomial(n, 0.2)),
        toxic=int(rng.binomial(n, 0.02)),
        new_authors=int(rng.binomial(n, 0.3)),
        reach=int(n * 150),
    )


def _bump(factory, workspace_id: str, keys: list[str], at: datetime, rng) -> None:
    with factory.begin() as session:
        bump_buckets(
            session,
            workspace_id,
            [(key, at, _counts(rng, at, 5 + 20 * (k == 0))) for k, key in enumerate(keys)],
        )


def _tick(factory, now: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    with factory.begin() as session:
        result = run_tick(session, now)
    return time.perf_counter() - started, result.buckets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=100)
    parser.add_argument("--history-hours", type=int, default=24)
    parser.add_argument("--buckets", type=int, default=12)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/radar.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_sessionmaker(engine)
    workspace_id, query_ids = _setup(factory, args.topics)
    keys = ["", *query_ids]
    rng = np.random.default_rng(0)
    history = args.history_hours * 12
    for i in range(history):
        _bump(factory, workspace_id, keys, START + i * BUCKET, rng)
    now = START + history * BUCKET
    catch_up, learnt = _tick(factory, now + GRACE)
    live = []
    for i in range(args.buckets):
        _bump(factory, workspace_id, keys, now + i * BUCKET, rng)
        seconds, buckets = _tick(factory, now + (i + 1) * BUCKET + GRACE)
        assert buckets == len(keys), buckets
        live.append(seconds)
    with factory() as session:
        state_bytes = session.scalar(
            select(func.sum(func.length(func.cast(CrisisDetectorState.state, Text))))
        )
        watch_bytes = session.scalar(
            select(func.sum(func.length(func.cast(CrisisWatch.terms, Text))))
        )
    series = len(keys) * 6
    report = {
        "database": engine.dialect.name,
        "topics_including_workspace": len(keys),
        "series": series,
        "catch_up_buckets": learnt,
        "catch_up_seconds": round(catch_up, 2),
        "live_ms_per_bucket_all_topics": round(1000 * float(np.median(live)), 1),
        "live_ms_per_topic_bucket": round(1000 * float(np.median(live)) / len(keys), 2),
        "detector_state_bytes_per_series": int((state_bytes or 0) / series),
        "term_state_bytes_per_topic": int((watch_bytes or 0) / len(keys)),
        "extrapolated_seconds_per_bucket_1000_topics": round(
            float(np.median(live)) / len(keys) * 1000, 1
        ),
    }
    print(json.dumps(report, indent=2))
    engine.dispose()


if __name__ == "__main__":
    main()
