"""The stream consumer: a batch of envelopes → validated items → enrichment → one transaction.

Enrichment runs outside the database transaction (it is pure and the slowest step), then one
transaction upserts members, identities, mentions and query matches, and commits; the stream
acknowledges only after that commit. A malformed message is refused with a log line and a
counter, and never blocks the valid ones beside it; so is an item the database refuses (the batch
is then stored item by item). A database that is unavailable fails the whole batch, which the
stream delivers again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from hearth.enrich import enrich
from hearth.ingest.persist import InTransaction, default_steps, store_incoming
from hearth.ingest.schemas import MentionIn
from hearth.ingest.store import Incoming, StoreResult
from hearth.kit.db import transaction
from hearth.kit.metrics import MENTIONS_STORED
from hearth.kit.stream import Envelope
from hearth.listening.query import Matchable, QuerySet
from hearth.models import ListeningQuery

log = logging.getLogger("hearth.ingest")

AfterCommit = Callable[[StoreResult, list[Incoming]], None]

# Failures that say nothing about the items (the database is down, locked or restarting): the
# batch is retried whole. Any other failure is blamed on an item and isolated.
# A schema the code does not expect (deployed before its migration) is the system's fault too.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError, ProgrammingError)
# The database refused this item's values: always the item's fault.
ITEM_ERRORS = (DataError, IntegrityError)


@dataclass
class _CachedQueries:
    stamp: tuple[int, object]
    queries: QuerySet


@dataclass
class MentionConsumer:
    """Turns stream batches into stored mentions. One instance per consumer thread."""

    factory: sessionmaker[Session]
    after_commit: list[AfterCommit] = field(default_factory=list)
    # Steps inside the storing transaction, after the upserts (crisis counters, inbox routing).
    in_transaction: list[InTransaction] = field(default_factory=default_steps)
    rejected: int = 0
    stored: int = 0
    _queries: dict[str, _CachedQueries] = field(default_factory=dict)

    def __call__(self, envelopes: list[Envelope]) -> None:
        items = self._validate(envelopes)
        if not items:
            return
        started = time.perf_counter()
        try:
            self._store(items)
        except TRANSIENT_ERRORS:
            raise  # the database is away: the stream delivers the whole batch again later
        except Exception:
            # One bad item (a NUL byte PostgreSQL refuses, a workspace deleted meanwhile) must not
            # hold back the valid ones beside it, nor make the stream redeliver them for ever.
            log.warning("a batch of %d failed; storing its items one by one", len(items),
                        exc_info=True)
            self._store_one_by_one(items)
        log.debug("stored %d mentions in %.0f ms", len(items),
                  (time.perf_counter() - started) * 1000)

    def _store(self, items: list[tuple[str, MentionIn]]) -> None:
        found = enrich_items([item for _, item in items])
        with transaction(self.factory) as session:
            incoming = self._incoming(session, items, found)
            result = store_incoming(session, incoming, self.in_transaction)
        self.stored += len(incoming)
        for item in incoming:
            MENTIONS_STORED.labels(item.item.platform).inc()
        for hook in self.after_commit:
            try:
                hook(result, incoming)
            except Exception:  # committed already: a redelivery would repeat the side effects
                log.exception("an after-commit hook failed")

    def _store_one_by_one(self, items: list[tuple[str, MentionIn]]) -> None:
        failed: list[tuple[tuple[str, MentionIn], Exception]] = []
        for one in items:
            try:
                self._store([one])
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                failed.append((one, exc))
        unexplained = [error for _, error in failed if not isinstance(error, ITEM_ERRORS)]
        if unexplained and len(failed) == len(items) > 1:
            # Nothing could be stored and the database did not blame the values: more likely a
            # fault of ours than a batch of bad items; the stream will deliver it again.
            raise unexplained[0]
        for one, error in failed:
            self._refuse(one, error)

    def _refuse(self, one: tuple[str, MentionIn], exc: Exception) -> None:
        workspace_id, item = one
        self.rejected += 1
        log.warning("refused mention %s/%s for workspace %s: %s", item.platform,
                    item.external_id, workspace_id, str(exc).splitlines()[0][:300])

    def _validate(self, envelopes: Sequence[Envelope]) -> list[tuple[str, MentionIn]]:
        valid = []
        for envelope in envelopes:
            try:
                valid.append((envelope.workspace_id, MentionIn.model_validate(envelope.payload)))
            except ValidationError as exc:
                self.rejected += 1
                log.warning("refused a malformed mention for workspace %s: %s",
                            envelope.workspace_id, str(exc).splitlines()[0][:300])
        return valid

    def _query_set(self, session: Session, workspace_id: str) -> QuerySet:
        stamp = session.execute(
            select(func.count(), func.max(ListeningQuery.updated_at)).where(
                ListeningQuery.workspace_id == workspace_id,
                ListeningQuery.archived_at.is_(None))
        ).one()
        cached = self._queries.get(workspace_id)
        if cached is None or cached.stamp != tuple(stamp):
            cached = _CachedQueries(tuple(stamp), load_query_set(session, workspace_id))
            self._queries[workspace_id] = cached
        return cached.queries

    def _incoming(self, session: Session, items: list[tuple[str, MentionIn]],
                  enrichments: list[dict]) -> list[Incoming]:
        query_sets = {ws: self._query_set(session, ws) for ws in {ws for ws, _ in items}}
        return [to_incoming(workspace_id, item, found, query_sets[workspace_id])
                for (workspace_id, item), found in zip(items, enrichments, strict=True)]


# --- the pieces other entry points (poll jobs, webhooks, file imports) share -------------------


def enrich_items(items: Sequence[MentionIn]) -> list[dict]:
    """Enrichment of a batch as plain dicts; pure and slow, so call it outside a transaction."""
    found = enrich([i.text for i in items], langs=[i.lang_hint or i.author.lang for i in items])
    return [e.to_dict() for e in found]


def load_query_set(session: Session, workspace_id: str) -> QuerySet:
    rows = session.execute(select(ListeningQuery.id, ListeningQuery.query).where(
        ListeningQuery.workspace_id == workspace_id,
        ListeningQuery.archived_at.is_(None))).all()
    return QuerySet(dict(rows))


def to_incoming(workspace_id: str, item: MentionIn, found: dict, queries: QuerySet) -> Incoming:
    matchable = Matchable(text=f"{item.title or ''} {item.text}", lang=found.get("lang"),
                          platform=item.platform, author_handle=item.author.handle)
    return Incoming(workspace_id, item, found, frozenset(queries.match(matchable)))


def prepare_incoming(session: Session, workspace_id: str, items: Sequence[MentionIn],
                     enrichments: Sequence[dict] | None = None) -> list[Incoming]:
    """Items of one workspace, enriched (unless given) and matched against its saved queries."""
    found = list(enrichments) if enrichments is not None else enrich_items(items)
    queries = load_query_set(session, workspace_id)
    return [to_incoming(workspace_id, item, one, queries)
            for item, one in zip(items, found, strict=True)]
