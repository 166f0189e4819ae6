"""The radar wired to the mention path: counters, ticks, alerts from the demo world."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hearth.auth.actions import user_actor
from hearth.crisis import incident_queries as iq
from hearth.crisis import incidents
from hearth.crisis.radar import BUCKET, Counts, bucket_of, bump_buckets
from hearth.crisis.tick import run_tick
from hearth.demo import DemoWorld
from hearth.ingest.consumer import MentionConsumer
from hearth.kit.stream import Envelope
from hearth.models import AuditEntry, CrisisAlert, CrisisBucket, CrisisWatch, User
from tests.factories import SYSTEM, make_user, make_workspace

TUESDAY_13H = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
SCANDAL = timedelta(minutes=5)


def _workspace(factory, name: str = "Pizzadoro"):
    with factory.begin() as session:
        owner = make_user(session, f"owner@{name.lower()}.test")
        return make_workspace(session, name, owner).id


def _consume(consumer: MentionConsumer, workspace_id: str, items, batch: int = 500) -> None:
    for start in range(0, len(items), batch):
        consumer(
            [
                Envelope(workspace_id, i.model_dump(mode="json"))
                for i in items[start : start + batch]
            ]
        )


def _tick(factory, now: datetime, budget: timedelta | None = None):
    with factory.begin() as session:
        return run_tick(session, now, budget)


def _alerts(factory, workspace_id: str) -> list[CrisisAlert]:
    with factory() as session:
        return list(
            session.scalars(
                select(CrisisAlert)
                .where(CrisisAlert.workspace_id == workspace_id)
                .order_by(CrisisAlert.opened_at)
            )
        )


def test_counters_skip_redelivered_mentions_and_known_authors(factory):
    workspace_id = _workspace(factory)
    world = DemoWorld(7, start=TUESDAY_13H, scandal_at=None, brands=("pizzadoro",))
    items = world.items_between(TUESDAY_13H, TUESDAY_13H + timedelta(minutes=30))
    consumer = MentionConsumer(factory)
    _consume(consumer, workspace_id, items)
    _consume(consumer, workspace_id, items[:10])  # the stream delivers some again
    with factory() as session:
        total, new_authors = session.execute(
            select(func.sum(CrisisBucket.mentions), func.sum(CrisisBucket.new_authors)).where(
                CrisisBucket.workspace_id == workspace_id, CrisisBucket.topic_key == ""
            )
        ).one()
        per_bucket = dict(
            session.execute(
                select(CrisisBucket.bucket_start, CrisisBucket.mentions).where(
                    CrisisBucket.workspace_id == workspace_id, CrisisBucket.topic_key == ""
                )
            ).all()
        )
    assert total == len(items)
    assert new_authors == len({(i.platform, i.author.platform_user_id) for i in items})
    assert per_bucket == dict(Counter(bucket_of(i.created_at) for i in items))


def test_pizza_scandal_raises_one_alert_within_ten_minutes_naming_the_term(factory):
    workspace_id = _workspace(factory)
    world = DemoWorld(
        7, start=TUESDAY_13H, history=timedelta(hours=24), scandal_at=SCANDAL, brands=("pizzadoro",)
    )
    consumer = MentionConsumer(factory)
    _consume(consumer, workspace_id, world.items_between(world.origin, TUESDAY_13H), 1000)
    _tick(factory, TUESDAY_13H)  # learns the day of history
    assert _alerts(factory, workspace_id) == []
    scandal = TUESDAY_13H + SCANDAL
    now = TUESDAY_13H
    while now < scandal + timedelta(minutes=12):
        _consume(consumer, workspace_id, world.items_between(now, now + timedelta(minutes=1)))
        now += timedelta(minutes=1)
        _tick(factory, now)
    alerts = _alerts(factory, workspace_id)
    assert len(alerts) == 1  # one alert for the whole episode, not one per bucket
    alert = alerts[0]
    assert alert.opened_at <= scandal + timedelta(minutes=10)
    assert alert.severity == "crisis"
    assert alert.metric in ("negative_mentions", "mentions")
    terms = {t["term"] for t in alert.rising_terms}
    assert terms & {"#pizzadorogate", "video", "vidéo"}
    with factory() as session:
        opened = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "crisis.alert.opened", AuditEntry.target_id == alert.id)
        )
    assert opened == 1
    # The incident room opened from it shows the wave: its start, what people say, who says it.
    with factory.begin() as session:
        owner = user_actor(session.scalar(select(User)))
        incident = incidents.open_incident(session, owner, workspace_id, alert_id=alert.id)
        assert scandal - BUCKET <= incident.started_at <= scandal + BUCKET
        drivers = iq.drivers(session, incident, now)
    assert {t.term for t in drivers.terms} & {"#pizzadorogate", "video", "vidéo"}
    assert drivers.negative_share > 0.5 and drivers.total > 100
    assert len(drivers.platforms) >= 3 and drivers.top_posts


def _ordinary_counts(world: DemoWorld, until: datetime) -> dict[datetime, Counts]:
    """Counts per bucket from the demo's ground truth (no enrichment: a week is long)."""
    counts: dict[datetime, Counts] = {}
    seen: set[tuple[str, str]] = set()
    for item in world.items_between(world.origin, until):
        truth = item.raw["demo"]
        c = counts.setdefault(bucket_of(item.created_at), Counts())
        author = (item.platform, item.author.platform_user_id)
        c.mentions += 1
        c.negative += truth["sentiment"] == "negative"
        c.toxic += bool(truth["abusive"])
        c.new_authors += author not in seen
        c.reach += item.author.followers or 0
        seen.add(author)
    return counts


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_toy_bricks_ordinary_week_raises_no_crisis_alert(factory):
    workspace_id = _workspace(factory, "Briquo")
    end = TUESDAY_13H + timedelta(days=7)
    world = DemoWorld(
        7, start=TUESDAY_13H, history=timedelta(days=1), scandal_at=None, brands=("briquo",)
    )
    counts = _ordinary_counts(world, end)
    with factory.begin() as session:
        bump_buckets(session, workspace_id, [("", at, c) for at, c in counts.items()])
    day = world.origin
    while day < end:  # a tick per simulated day: the same buckets, fewer transactions
        day += timedelta(days=1)
        _tick(factory, day)
    with factory() as session:
        watch = session.scalar(select(CrisisWatch).where(CrisisWatch.workspace_id == workspace_id))
        assert watch.last_bucket == bucket_of(end - BUCKET - timedelta(minutes=1))
    assert [a for a in _alerts(factory, workspace_id) if a.severity == "crisis"] == []


def test_tick_is_idempotent_per_bucket(factory):
    workspace_id = _workspace(factory)
    start = TUESDAY_13H
    rows = [("", start + i * BUCKET, Counts(mentions=10, negative=2)) for i in range(24)]
    with factory.begin() as session:
        bump_buckets(session, workspace_id, rows)
    first = _tick(factory, start + timedelta(hours=2, minutes=6))
    again = _tick(factory, start + timedelta(hours=2, minutes=6))
    assert first.buckets == 23  # the newest bucket waits for a later mention
    assert again.buckets == 0


def test_radar_job_runs_the_tick_and_queues_the_next_one(factory):
    from hearth.crisis.tasks import TICK_JOB, ensure_radar_scheduled
    from hearth.kit import jobs
    from hearth.models import Job

    with factory.begin() as session:
        assert ensure_radar_scheduled(session) is True
        assert ensure_radar_scheduled(session) is False  # one chain, not two
    assert jobs.run_one(factory, "test-worker", kinds=[TICK_JOB]) == jobs.JobState.DONE
    with factory() as session:
        states = sorted(session.scalars(select(Job.state).where(Job.kind == TICK_JOB)))
    assert states == ["done", "queued"]


def test_a_tick_during_a_backfill_does_not_learn_a_silence(factory):
    from tests.crisis.alerting import calm

    workspace_id = _workspace(factory)
    hours = [("", TUESDAY_13H + i * BUCKET, calm(i)) for i in range(12 * 12)]
    now = TUESDAY_13H + timedelta(hours=12, minutes=10)
    with factory.begin() as session:
        bump_buckets(session, workspace_id, hours[:72])  # the first six hours have arrived
    _tick(factory, now)  # the clock is far ahead of what the backfill delivered so far
    with factory.begin() as session:
        bump_buckets(session, workspace_id, hours[72:])
    _tick(factory, now)
    assert _alerts(factory, workspace_id) == []
    with factory() as session:
        evaluated = session.scalar(
            select(func.count())
            .select_from(CrisisBucket)
            .where(
                CrisisBucket.workspace_id == workspace_id,
                CrisisBucket.evaluated_at.is_not(None),
            )
        )
    assert evaluated == len(hours) - 1


def test_saved_query_has_its_own_counters(factory):
    from hearth.listening.actions import do_save_query
    from hearth.models import MentionMatch

    workspace_id = _workspace(factory)
    with factory.begin() as session:
        query = do_save_query(
            session,
            workspace_id,
            "Delivery",
            "livraison OR delivery OR late OR retard",
            actor=SYSTEM,
        )
        query_id = query.id
    world = DemoWorld(7, start=TUESDAY_13H, scandal_at=None, brands=("pizzadoro",))
    items = world.items_between(TUESDAY_13H, TUESDAY_13H + timedelta(hours=2))
    _consume(MentionConsumer(factory), workspace_id, items)
    with factory() as session:
        counted = session.scalar(
            select(func.sum(CrisisBucket.mentions)).where(CrisisBucket.topic_key == query_id)
        )
        matched = session.scalar(
            select(func.count()).select_from(MentionMatch).where(MentionMatch.query_id == query_id)
        )
    assert 0 < counted == matched < len(items)


def test_a_spent_budget_leaves_the_other_topics_for_the_next_tick(factory):
    from hearth.listening.actions import do_save_query

    workspace_id = _workspace(factory)
    with factory.begin() as session:
        keys = [""] + [
            do_save_query(session, workspace_id, f"q{i}", f"word{i}", actor=SYSTEM).id
            for i in range(2)
        ]
        bump_buckets(
            session,
            workspace_id,
            [(k, TUESDAY_13H + i * BUCKET, Counts(mentions=5)) for k in keys for i in range(12)],
        )
    now = TUESDAY_13H + timedelta(hours=2)
    first = _tick(factory, now, budget=timedelta(0))  # spent before the second topic
    second = _tick(factory, now)
    assert (first.deferred, second.deferred) == (2, 0)
    assert first.buckets + second.buckets == 3 * 11
