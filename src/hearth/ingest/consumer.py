"""The stream consumer: a batch of envelopes → validated items → enrichment → one transaction.

Enrichment runs outside the database transaction (it is pure and the slowest step), then one
transaction upserts members, identities, mentions and query matches, and commits; the stream
acknowledges only after that commit. A malformed message is refused with a log line and a
counter, and never blocks the valid ones beside it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hearth.enrich import enrich
from hearth.ingest.schemas import MentionIn
from hearth.ingest.store import Incoming, StoreResult, store_batch
from hearth.kit.db import transaction
from hearth.kit.metrics import MENTIONS_STORED
from hearth.kit.stream import Envelope
from hearth.listening.query import Matchable, QuerySet
from hearth.models import ListeningQuery

log = logging.getLogger("hearth.ingest")

AfterCommit = Callable[[StoreResult, list[Incoming]], None]


@dataclass
class _CachedQueries:
    stamp: tuple[int, object]
    queries: QuerySet


@dataclass
class MentionConsumer:
    """Turns stream batches into stored mentions. One instance per consumer thread."""

    factory: sessionmaker[Session]
    after_commit: list[AfterCommit] = field(default_factory=list)
    rejected: int = 0
    stored: int = 0
    _queries: dict[str, _CachedQueries] = field(default_factory=dict)

    def __call__(self, envelopes: list[Envelope]) -> None:
        items = self._validate(envelopes)
        if not items:
            return
        started = time.perf_counter()
        found = enrich([i.text for _, i in items], langs=[i.lang_hint or i.author.lang
                                                           for _, i in items])
        with transaction(self.factory) as session:
            incoming = self._incoming(session, items, [e.to_dict() for e in found])
            result = store_batch(session, incoming)
        self.stored += len(incoming)
        for item in incoming:
            MENTIONS_STORED.labels(item.item.platform).inc()
        for hook in self.after_commit:
            hook(result, incoming)
        log.debug("stored %d mentions in %.0f ms", len(incoming),
                  (time.perf_counter() - started) * 1000)

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
            rows = session.execute(select(ListeningQuery.id, ListeningQuery.query).where(
                ListeningQuery.workspace_id == workspace_id,
                ListeningQuery.archived_at.is_(None))).all()
            cached = _CachedQueries(tuple(stamp), QuerySet(dict(rows)))
            self._queries[workspace_id] = cached
        return cached.queries

    def _incoming(self, session: Session, items: list[tuple[str, MentionIn]],
                  enrichments: list[dict]) -> list[Incoming]:
        query_sets = {ws: self._query_set(session, ws) for ws in {ws for ws, _ in items}}
        out = []
        for (workspace_id, item), found in zip(items, enrichments, strict=True):
            queries = query_sets[workspace_id]
            matchable = Matchable(text=f"{item.title or ''} {item.text}",
                                  lang=found.get("lang"), platform=item.platform,
                                  author_handle=item.author.handle)
            out.append(Incoming(workspace_id, item, found, frozenset(queries.match(matchable))))
        return out
