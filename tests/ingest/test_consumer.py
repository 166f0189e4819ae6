"""The stream consumer: validate → enrich → store in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from tests.natskit import (
    count_mentions,
    distinct_items,
    envelopes_for,
    make_workspace_id,
    stored_ids,
)

from hearth.ingest.consumer import MentionConsumer
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.ingest.store import thread_of
from hearth.kit.db import make_engine, make_sessionmaker
from hearth.kit.stream import Envelope
from hearth.models import Mention

T0 = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)


def mention(
    external_id: str, text_: str, *, parent: str | None = None, minute: int = 0
) -> MentionIn:
    return MentionIn(
        platform="mastodon",
        external_id=external_id,
        text=text_,
        author=AuthorIn(platform_user_id=f"user-{external_id}", handle="fan"),
        kind="reply" if parent else "post",
        parent_external_id=parent,
        created_at=T0 + timedelta(minutes=minute),
    )


@pytest.fixture
def workspace_id(factory: sessionmaker[Session]) -> str:
    return make_workspace_id(factory)


def test_consumer_stores_each_item_once_despite_duplicates(factory, workspace_id):
    items = distinct_items(120)
    consumer = MentionConsumer(factory)
    envelopes = envelopes_for(workspace_id, items)
    consumer(envelopes[:80] + envelopes[:10])  # duplicates inside one batch
    first = stored_ids(factory, workspace_id)
    consumer(envelopes[40:])  # a redelivered half batch, then the rest
    consumer(envelopes[40:80])
    after = stored_ids(factory, workspace_id)
    assert len(after) == 120
    assert {key: after[key] for key in first} == first  # redelivery updated, never re-created


def test_consumer_refuses_malformed_items_and_keeps_the_valid_ones(factory, workspace_id):
    valid = envelopes_for(workspace_id, distinct_items(5))
    bad_payloads: list[Any] = [
        {"platform": "mastodon"},  # most fields missing
        {**valid[0].payload, "external_id": "x-1", "surprise": True},  # unknown field
        {**valid[0].payload, "external_id": "x-2", "created_at": "2026-03-06T18:00:00"},  # naive
        ["not", "an", "object"],
    ]
    bad = [Envelope(workspace_id, payload) for payload in bad_payloads]
    consumer = MentionConsumer(factory)
    consumer([bad[0], *valid[:2], bad[1], bad[2], *valid[2:], bad[3]])
    assert consumer.rejected == 4
    assert len(stored_ids(factory, workspace_id)) == 5


def test_consumer_isolates_an_item_the_database_refuses(factory, workspace_id):
    # A deleted workspace (foreign key) or a NUL byte (PostgreSQL text) fails the statement;
    # the batch is then stored item by item, so the valid items beside it are not held back.
    items = distinct_items(6)
    poisoned = mention("nul-1", "bad\x00byte")
    envelopes = [
        *envelopes_for(workspace_id, items[:3]),
        Envelope("00000000-0000-0000-0000-000000000000", items[3].model_dump(mode="json")),
        *envelopes_for(workspace_id, [poisoned, *items[4:]]),
    ]
    consumer = MentionConsumer(factory)
    consumer(envelopes)
    stored = stored_ids(factory, workspace_id)
    assert all((i.platform, i.external_id) in stored for i in items[:3] + items[4:])
    assert (items[3].platform, items[3].external_id) not in stored
    assert consumer.rejected + len(stored) == len(envelopes)  # refused ones are counted


def test_reply_keeps_its_parent_and_the_thread_reads_back(factory, workspace_id):
    consumer = MentionConsumer(factory)
    root = mention("t-1", "Is the castle set back in stock?")
    answer = mention("t-2", "Yes, since this morning!", parent="t-1", minute=1)
    thanks = mention("t-3", "Great, ordering now", parent="t-2", minute=2)
    aside = mention("t-4", "Any news on the space set?", parent="t-1", minute=3)
    # Replies may arrive before what they answer (another page, another consumer).
    consumer(envelopes_for(workspace_id, [thanks, aside]))
    consumer(envelopes_for(workspace_id, [answer, root]))
    with factory() as session:
        from_leaf = [m.external_id for m in thread_of(session, workspace_id, "mastodon", "t-3")]
        stored = session.scalar(select(Mention).where(Mention.external_id == "t-3"))
    assert stored is not None and stored.parent_external_id == "t-2"
    assert from_leaf == ["t-1", "t-2", "t-4", "t-3"]


def test_near_duplicates_share_a_signature(factory, workspace_id):
    consumer = MentionConsumer(factory)
    consumer(
        envelopes_for(
            workspace_id,
            [
                mention("d-1", "Where can I buy the new castle set? https://example.com/a"),
                mention("d-2", "where can i buy the new CASTLE set?? https://example.org/b"),
                mention("d-3", "Delivery was late again and two pieces were missing"),
            ],
        )
    )
    with factory() as session:
        signatures = dict(session.execute(select(Mention.external_id, Mention.dup_signature)).all())
    assert signatures["d-1"] == signatures["d-2"]
    assert signatures["d-1"] != signatures["d-3"]


# --- an unavailable database fails the batch (so the stream redelivers it), refuses nothing --


@pytest.fixture
def impatient_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions that give up on a lock after 0.2 s instead of the production 15 s."""
    if database_url.startswith("sqlite"):
        engine = make_engine(database_url)

        @event.listens_for(engine, "connect")
        def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=200")
    else:
        engine = make_engine(database_url, connect_args={"options": "-c lock_timeout=200"})
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def lock_database(database_url: str, factory: sessionmaker[Session]):
    """Hold the write lock (SQLite) or an exclusive lock on mentions (PostgreSQL) until the
    returned ``release()`` is called."""
    holders: list[Any] = []

    def lock() -> None:
        if database_url.startswith("sqlite"):
            connection = sqlite3.connect(
                database_url.removeprefix("sqlite:///"), isolation_level=None
            )
            connection.execute("BEGIN EXCLUSIVE")
        else:
            connection = factory()
            connection.execute(text("LOCK TABLE mentions IN ACCESS EXCLUSIVE MODE"))
        holders.append(connection)

    def release() -> None:
        while holders:
            holder = holders.pop()
            if isinstance(holder, sqlite3.Connection):
                holder.execute("ROLLBACK")
            else:
                holder.rollback()
            holder.close()

    yield lock, release
    release()


def test_locked_database_fails_the_batch_without_refusing_items(
    impatient_factory, workspace_id, lock_database
):
    lock, release = lock_database
    consumer = MentionConsumer(impatient_factory)
    envelopes = envelopes_for(workspace_id, distinct_items(20))
    lock()
    with pytest.raises(OperationalError):
        consumer(envelopes)
    release()
    assert consumer.rejected == 0
    consumer(envelopes)  # what the stream does next: deliver the same batch again
    assert count_mentions(impatient_factory, workspace_id) == 20


def test_each_new_mention_is_reported_new_once_across_concurrent_consumers(factory, workspace_id):
    # Two consumers holding the same items at once (a duplicate publish, a redelivery to a
    # second worker): derived counts (the crisis radar) need each item "new" exactly once.
    envelopes = envelopes_for(workspace_id, distinct_items(100))
    reported: list[frozenset] = []

    def run(batch: list[Envelope]) -> None:
        consumer = MentionConsumer(factory)
        consumer.after_commit.append(lambda result, _incoming: reported.append(result.new_keys))
        consumer(batch)

    threads = [
        threading.Thread(target=run, args=(envelopes,)),
        threading.Thread(target=run, args=(envelopes[::-1],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    run(envelopes[:10])  # a later redelivery: nothing new
    assert sum(len(keys) for keys in reported) == 100
    assert set().union(*reported) == {
        (workspace_id, platform, external_id)
        for platform, external_id in stored_ids(factory, workspace_id)
    }


def _failing_on(external_ids: set[str] | None):
    """An after-store hook (the extension point inbox routing uses) that fails for the given
    items, or for everything (``None``): a bug of ours rather than a bad item."""

    def hook(_session, _batch, result) -> None:
        if external_ids is None or {x for _, _, x in result.mention_ids} & external_ids:
            raise RuntimeError("hook failed")

    return hook


def test_a_hook_failing_on_one_item_refuses_that_item_only(factory, workspace_id):
    items = distinct_items(8)
    consumer = MentionConsumer(factory)
    consumer.in_transaction.append(_failing_on({items[2].external_id}))
    consumer(envelopes_for(workspace_id, items))
    assert consumer.rejected == 1
    assert len(stored_ids(factory, workspace_id)) == 7


def test_a_hook_failing_on_every_item_fails_the_batch_instead_of_refusing_it(factory, workspace_id):
    consumer = MentionConsumer(factory)
    consumer.in_transaction.append(_failing_on(None))
    with pytest.raises(RuntimeError):
        consumer(envelopes_for(workspace_id, distinct_items(8)))
    assert consumer.rejected == 0  # the stream delivers the batch again once we are fixed
    assert stored_ids(factory, workspace_id) == {}
