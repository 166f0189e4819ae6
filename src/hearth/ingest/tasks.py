"""Background jobs of the ingest domain: polling a channel, and scheduling the polls.

A poll reads the channel in a short transaction of its own, asks the network and enriches what
came back with no transaction open (on SQLite an open write transaction would stall every other
writer while a slow network answers), then, in the job's transaction, stores the items, advances
the cursor, re-seals refreshed credentials and records the health. Those commit together with
the job's completion: a crash before the commit loses nothing (the poll runs again from the old
cursor and the upserts are idempotent), and a crash after it never advances the cursor twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.config import Settings
from hearth.ingest.actions import LIST_FIELDS, do_record_health
from hearth.ingest.connectors.base import (
    AuthExpiredError,
    Connector,
    FetchRequest,
    FetchResult,
    PermanentNetworkError,
    RateLimitedError,
    TransientNetworkError,
)
from hearth.ingest.connectors.http import DestinationBlockedError
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.consumer import enrich_items, prepare_incoming
from hearth.ingest.credentials import open_credentials, plain_values, seal
from hearth.ingest.persist import store_incoming
from hearth.ingest.policy import is_pollable
from hearth.ingest.queries import POLL_JOB, list_due_channels
from hearth.kit.crypto import SecretBox, SecretDecryptionError
from hearth.kit.jobs import enqueue, ensure_scheduled, job_handler
from hearth.kit.netguard import OutboundPolicy, guarded_client
from hearth.kit.time import utcnow
from hearth.models import Channel

log = logging.getLogger("hearth.ingest.poll")

SCHEDULER = Actor.system("scheduler")
POLL_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
MAX_RETRY_AFTER = timedelta(hours=6)
SCHEDULE_JOB = "ingest.channel.schedule"
SCHEDULE_EVERY = timedelta(seconds=30)


@dataclass
class PollContext:
    """How polls reach the outside world; tests point ``http`` at a fake server.

    The addresses come from workspace admins, so the client is the outbound guard's
    (``kit/netguard.py``): private and internal networks are refused unless ``policy`` allows
    them.
    """

    secret_key: str
    timeout: httpx.Timeout = field(default_factory=lambda: POLL_TIMEOUT)
    http: httpx.Client | None = None
    policy: OutboundPolicy = field(default_factory=OutboundPolicy)

    def client(self) -> httpx.Client:
        return self.http or guarded_client(self.policy, timeout=self.timeout)


_context: PollContext | None = None


def configure(settings: Settings, http: httpx.Client | None = None) -> None:
    """Give the poll job its secret key (called by whatever runs the job queue)."""
    global _context
    _context = PollContext(settings.resolved_secret_key, http=http,
                           policy=settings.outbound_policy)


def job_context() -> PollContext:
    """The secret key and HTTP client every job that talks to a network uses."""
    return _poll_context()


@contextmanager
def open_connector(platform: str, sealed_credentials: str) -> Iterator[Connector]:
    """A connector for a job that delivers (a reply, a statement): credentials opened, the
    guarded HTTP client of the job context, closed afterwards unless it is the shared one."""
    context = job_context()
    cls = get_connector_class(platform)
    credentials = open_credentials(
        SecretBox(context.secret_key), cls.credentials_model, sealed_credentials
    )
    client = context.client()
    try:
        yield cls(credentials, http=client)
    finally:
        if client is not context.http:
            client.close()


def _poll_context() -> PollContext:
    if _context is None:
        configure(Settings())  # type: ignore[call-arg]  # read from HEARTH_* variables
    assert _context is not None
    return _context


@dataclass
class Snapshot:
    channel_id: str
    workspace_id: str
    platform: str
    label: str
    sealed: str
    cursor: dict[str, Any]
    request: FetchRequest


@dataclass
class Outcome:
    result: FetchResult | None = None
    enrichments: list[dict] = field(default_factory=list)
    credentials: BaseModel | None = None  # set when the connector changed them
    error: str | None = None
    retry_at: datetime | None = None


# --- the job ---------------------------------------------------------------------------------


@job_handler(POLL_JOB)
def poll_channel(session: Session, payload: dict[str, Any]) -> None:
    context = _poll_context()
    snapshot = _snapshot(session, str(payload.get("channel_id", "")))
    if snapshot is None:
        return  # deleted, disabled or push-only since it was queued: nothing to do
    box = SecretBox(context.secret_key)
    try:
        outcome = _fetch(snapshot, box, context)
    except TransientNetworkError as exc:
        _record_aside(session, snapshot, _plain_error(snapshot.label, exc))
        raise  # the job queue retries with backoff
    _apply(session, snapshot, outcome, box)


def _snapshot(session: Session, channel_id: str) -> Snapshot | None:
    """Read the channel in a short transaction of its own, so none is open during the fetch."""
    with Session(bind=session.get_bind()) as reader:
        channel = reader.get(Channel, channel_id)
        if channel is None or channel.disabled_at is not None or not is_pollable(channel.platform):
            return None
        settings = channel.settings or {}
        lists = {name: tuple(settings.get(name) or ()) for name in LIST_FIELDS}
        request = FetchRequest(terms=lists["terms"], hashtags=lists["hashtags"],
                               handles=lists["handles"], sources=lists["sources"])
        label = get_connector_class(channel.platform).label
        return Snapshot(channel.id, channel.workspace_id, channel.platform, label,
                        channel.credentials_encrypted, dict(channel.cursor or {}), request)


def _fetch(snapshot: Snapshot, box: SecretBox, context: PollContext) -> Outcome:
    cls = get_connector_class(snapshot.platform)
    try:
        credentials = open_credentials(box, cls.credentials_model, snapshot.sealed)
    except (SecretDecryptionError, ValueError):
        return Outcome(error="The stored credentials cannot be read (was the secret key "
                             "changed?): edit the channel and enter them again.")
    client = context.client()
    try:
        connector = cls(credentials, http=client)
        outcome = _fetch_with_refresh(connector, snapshot)
        if plain_values(connector.credentials) != plain_values(credentials):
            outcome.credentials = connector.credentials
        return outcome
    finally:
        if client is not context.http:
            client.close()


def _fetch_with_refresh(connector: Connector, snapshot: Snapshot) -> Outcome:
    try:
        try:
            result = connector.fetch(snapshot.request, snapshot.cursor)
        except AuthExpiredError:
            refreshed = connector.refresh_credentials()
            if refreshed is None:
                raise
            connector.credentials = refreshed
            result = connector.fetch(snapshot.request, snapshot.cursor)
    except RateLimitedError as exc:
        wait = min(timedelta(seconds=max(exc.retry_after, 1.0)), MAX_RETRY_AFTER)
        retry_at = utcnow() + wait
        return Outcome(error=f"{snapshot.label} is rate limiting us: polling resumes at "
                             f"{retry_at:%H:%M} UTC.", retry_at=retry_at)
    except (AuthExpiredError, PermanentNetworkError) as exc:
        return Outcome(error=_plain_error(snapshot.label, exc))
    items = [item.model_copy(update={"channel_id": snapshot.channel_id}) for item in result.items]
    result.items = items
    return Outcome(result=result, enrichments=enrich_items(items) if items else [])


def _plain_error(label: str, exc: Exception) -> str:
    if isinstance(exc, AuthExpiredError):
        return (f"{label} refused the credentials: reconnect the account (edit the channel "
                f"and enter a new token or password).")
    if isinstance(exc, DestinationBlockedError):
        return f"Hearth did not connect to {label} at {exc.host}: {exc.message}."
    if isinstance(exc, TransientNetworkError):
        return f"{label} could not be reached; Hearth will try again shortly. ({exc})"
    return f"{label} refused the request: {exc}"


def _apply(session: Session, snapshot: Snapshot, outcome: Outcome, box: SecretBox) -> None:
    channel = session.get(Channel, snapshot.channel_id, with_for_update=True)
    if channel is None:
        return
    now = utcnow()
    if outcome.credentials is not None:
        # Connectors refresh tokens during ordinary calls: keep what they got, or the next
        # poll starts from a revoked refresh token.
        channel.credentials_encrypted = seal(box, outcome.credentials)
    if outcome.retry_at is not None:
        enqueue(session, POLL_JOB, {"channel_id": channel.id}, workspace_id=channel.workspace_id,
                run_at=outcome.retry_at)
    if outcome.result is None:
        do_record_health(session, channel, now=now, error=outcome.error)
        return
    if (channel.cursor or {}) != snapshot.cursor:
        log.info("channel %s was polled concurrently; dropping this page", channel.id)
        return
    result = outcome.result
    if result.items:
        store_incoming(session, prepare_incoming(session, channel.workspace_id, result.items,
                                              outcome.enrichments))
    channel.cursor = result.cursor
    for rejected in result.rejected[:20]:
        log.warning("channel %s refused an item: %s", channel.id, rejected.reason)
    do_record_health(session, channel, now=now, items=len(result.items))
    if result.has_more:
        enqueue(session, POLL_JOB, {"channel_id": channel.id}, workspace_id=channel.workspace_id)


def _record_aside(session: Session, snapshot: Snapshot, error: str) -> None:
    """Health of a failed attempt, committed on its own: the job's transaction rolls back."""
    with Session(bind=session.get_bind()) as writer:
        channel = writer.get(Channel, snapshot.channel_id)
        if channel is not None:
            do_record_health(writer, channel, now=utcnow(), error=error)
            writer.commit()


# --- the scheduler ---------------------------------------------------------------------------


def schedule_due_polls(session: Session, now: datetime | None = None) -> list[str]:
    """Enqueue one poll per enabled, pollable channel that is due and not already queued.

    Call it every half minute or so from the process that runs the job queue; returns the
    channel ids it queued.
    """
    now = now or utcnow()
    queued = []
    for channel in list_due_channels(session, now):
        enqueue(session, POLL_JOB, {"channel_id": channel.id}, workspace_id=channel.workspace_id)
        queued.append(channel.id)
    return queued


@job_handler(SCHEDULE_JOB)
def schedule_tick(session: Session, payload: dict[str, Any]) -> None:
    """The scheduler as a self-re-enqueuing job: queue the due polls, come back shortly."""
    schedule_due_polls(session)
    enqueue(session, SCHEDULE_JOB, run_at=utcnow() + SCHEDULE_EVERY, max_attempts=10)


def ensure_polls_scheduled(session: Session) -> bool:
    """Start the scheduler unless a tick is waiting or running; True when one was enqueued.

    Call once at start-up from the process that runs jobs (as the crisis radar is started).
    """
    return ensure_scheduled(session, SCHEDULE_JOB)
