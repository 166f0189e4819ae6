"""Storing incoming mentions, and what must commit with them, for every way mentions arrive.

The stream consumer, the poll job, webhooks and file imports all store through
``store_incoming``: the upserts, then — in the same transaction — the crisis radar's counters
and the inbox's routing (DESIGN §4, "A mention arrives"). A step receives the batch and what the
upserts did (``StoreResult.new_keys`` tells new mentions from redelivered ones). An item whose
sender-chosen id is held by another message is stored under an id of its own first
(``store.separate_reused_ids``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from hearth.ingest.store import Incoming, StoreResult, separate_reused_ids, store_batch

InTransaction = Callable[[Session, Sequence[Incoming], StoreResult], object]


def default_steps() -> list[InTransaction]:
    from hearth.crisis.radar import count_batch
    from hearth.inbox.intake import route_stored

    return [count_batch, route_stored]


def store_incoming(session: Session, incoming: Sequence[Incoming],
                   steps: Sequence[InTransaction] | None = None) -> StoreResult:
    # Before anything keys on external ids: a sender-chosen id (an e-mail's Message-ID) that
    # another message already holds gets an id of its own, so the steps see what was stored.
    incoming = separate_reused_ids(session, incoming)
    result = store_batch(session, incoming)
    for step in default_steps() if steps is None else steps:
        step(session, incoming, result)
    return result
