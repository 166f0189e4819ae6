"""Writes about channels: connect, edit, disable/enable, delete (all audited), and their health.

Credentials are validated against the connector's ``credentials_model`` and stored sealed
(``kit.crypto.SecretBox``); they never appear in the audit log, a page or a form. Health and
cursors change every few minutes on every channel: they are operational state, recorded on the
channel but not in the audit chain (which would drown in them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.ingest.connectors.base import ConnectionCheck, Connector, ConnectorError
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.consumer import prepare_incoming
from hearth.ingest.credentials import (
    CredentialsInvalidError,
    credentials_from_form,
    open_credentials,
    seal,
)
from hearth.ingest.outbound import check_destinations
from hearth.ingest.persist import store_incoming
from hearth.ingest.policy import DEFAULT_POLL_MINUTES
from hearth.ingest.queries import POLL_JOB, access_channel
from hearth.ingest.schemas import MentionIn
from hearth.kit.crypto import SecretBox
from hearth.kit.db import new_id
from hearth.kit.errors import ValidationFailedError
from hearth.kit.jobs import JobState
from hearth.kit.netguard import (
    DestinationRefusedError,
    OutboundPolicy,
    default_policy,
    guarded_client,
)
from hearth.kit.time import utcnow
from hearth.models import Channel, Job, WebhookDelivery

MAX_ENTRIES = 100
TEST_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class ListeningSettings(BaseModel):
    """What a channel listens to (the connector's FetchRequest) and how often it polls."""

    model_config = ConfigDict(extra="forbid")

    terms: list[str] = Field(default_factory=list, max_length=MAX_ENTRIES)
    hashtags: list[str] = Field(default_factory=list, max_length=MAX_ENTRIES)
    handles: list[str] = Field(default_factory=list, max_length=MAX_ENTRIES)
    sources: list[str] = Field(default_factory=list, max_length=MAX_ENTRIES)
    poll_minutes: int = Field(default=DEFAULT_POLL_MINUTES, ge=1, le=1440)

    @field_validator("terms", "hashtags", "handles", "sources")
    @classmethod
    def _short_entries(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v.strip()]
        for value in cleaned:
            if len(value) > 200:
                raise ValueError(f"{value[:40]!r}… is longer than 200 characters")
        return list(dict.fromkeys(cleaned))


LIST_FIELDS = ("terms", "hashtags", "handles", "sources")


def settings_from_form(form: Mapping[str, Any]) -> ListeningSettings:
    values: dict[str, Any] = {
        name: str(form.get(name) or "").splitlines() for name in LIST_FIELDS
    }
    minutes = str(form.get("poll_minutes") or "").strip()
    if minutes:
        values["poll_minutes"] = minutes
    try:
        return ListeningSettings.model_validate(values)
    except ValidationError as exc:
        fields = {str(e["loc"][0]): str(e["msg"]).removeprefix("Value error, ")
                  for e in exc.errors()}
        raise CredentialsInvalidError(fields) from None


@dataclass
class ChannelDraft:
    """A validated channel, ready for ``do_create_channel`` / ``do_update_channel``."""

    workspace_id: str
    platform: str
    name: str
    credentials: BaseModel
    settings: ListeningSettings


def _name(name: str, cls: type[Connector]) -> str:
    name = " ".join(name.split()) or cls.label
    if len(name) > 200:
        raise ValidationFailedError("a channel name has at most 200 characters")
    return name


def _checked_draft(draft: ChannelDraft, policy: OutboundPolicy | None) -> ChannelDraft:
    # Refused now, where the admin can correct it; the guard checks again at every connection.
    check_destinations(draft.credentials, draft.settings.sources, policy or default_policy())
    return draft


def check_create_channel(session: Session, actor: Actor, workspace_id: str, platform: str,
                         name: str, form: Mapping[str, Any], *,
                         policy: OutboundPolicy | None = None) -> ChannelDraft:
    access_with(session, actor, workspace_id, Permission.CHANNELS_MANAGE)
    cls = get_connector_class(platform)
    credentials = credentials_from_form(cls.credentials_model, form)
    return _checked_draft(ChannelDraft(workspace_id, platform, _name(name, cls), credentials,
                                       settings_from_form(form)), policy)


def do_create_channel(session: Session, draft: ChannelDraft, *, box: SecretBox,
                      actor: Actor) -> Channel:
    channel = Channel(workspace_id=draft.workspace_id, platform=draft.platform, name=draft.name,
                      credentials_encrypted=seal(box, draft.credentials),
                      settings=draft.settings.model_dump(), cursor={},
                      created_by_id=actor.user_id, items_today=0)
    session.add(channel)
    session.flush()
    record(session, actor=actor, action="ingest.channel.created",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name),
           data={"platform": channel.platform, "listening": draft.settings.model_dump()})
    return channel


def stored_credentials(channel: Channel, box: SecretBox) -> BaseModel:
    model = get_connector_class(channel.platform).credentials_model
    return open_credentials(box, model, channel.credentials_encrypted)


def check_update_channel(session: Session, actor: Actor, workspace_id: str, channel_id: str,
                         name: str, form: Mapping[str, Any], box: SecretBox, *,
                         policy: OutboundPolicy | None = None) -> tuple[Channel, ChannelDraft]:
    channel = access_channel(session, actor, workspace_id, channel_id, Permission.CHANNELS_MANAGE)
    cls = get_connector_class(channel.platform)
    stored = box.open(channel.credentials_encrypted)
    credentials = credentials_from_form(cls.credentials_model, form, stored)
    draft = ChannelDraft(workspace_id, channel.platform, _name(name, cls), credentials,
                         settings_from_form(form))
    return channel, _checked_draft(draft, policy)


def do_update_channel(session: Session, channel: Channel, draft: ChannelDraft, *,
                      box: SecretBox, actor: Actor) -> Channel:
    before = box.open(channel.credentials_encrypted)
    after = seal(box, draft.credentials)
    changed = sorted(k for k, v in box.open(after).items() if before.get(k) != v)
    channel.name = draft.name
    channel.credentials_encrypted = after
    channel.settings = draft.settings.model_dump()
    # New credentials deserve a fresh verdict: the old error may no longer apply.
    if changed:
        channel.last_error, channel.last_error_at = None, None
    record(session, actor=actor, action="ingest.channel.updated",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name),
           data={"credential_fields_changed": changed, "listening": channel.settings})
    return channel


def check_manage_channel(session: Session, actor: Actor, workspace_id: str,
                         channel_id: str) -> Channel:
    return access_channel(session, actor, workspace_id, channel_id, Permission.CHANNELS_MANAGE)


def do_disable_channel(session: Session, channel: Channel, *, actor: Actor) -> None:
    if channel.disabled_at is not None:
        return
    channel.disabled_at = utcnow()
    _drop_queued_polls(session, channel.id)
    record(session, actor=actor, action="ingest.channel.disabled",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name))


def do_enable_channel(session: Session, channel: Channel, *, actor: Actor) -> None:
    if channel.disabled_at is None:
        return
    channel.disabled_at = None
    record(session, actor=actor, action="ingest.channel.enabled",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name))


def do_delete_channel(session: Session, channel: Channel, *, actor: Actor) -> None:
    """Forget the channel and its credentials; the mentions it brought in stay."""
    _drop_queued_polls(session, channel.id)
    record(session, actor=actor, action="ingest.channel.deleted",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name),
           data={"platform": channel.platform})
    session.delete(channel)
    session.flush()


def _drop_queued_polls(session: Session, channel_id: str) -> None:
    queued = session.execute(select(Job.id, Job.payload).where(
        Job.kind == POLL_JOB, Job.state == JobState.QUEUED)).all()
    ids = [job_id for job_id, payload in queued
           if isinstance(payload, dict) and payload.get("channel_id") == channel_id]
    if ids:
        session.execute(delete(Job).where(Job.id.in_(ids)))


# --- health ----------------------------------------------------------------------------------


def do_record_health(session: Session, channel: Channel, *, now: datetime, items: int = 0,
                     error: str | None = None) -> None:
    """A poll or a push succeeded (with ``items`` new items) or failed with ``error``, a
    sentence a community manager understands."""
    today = now.date()
    if channel.items_day != today:
        channel.items_day, channel.items_today = today, 0
    channel.items_today += items
    if error is None:
        channel.last_success_at = now
    else:
        channel.last_error_at = now
        channel.last_error = error[:1000]


# --- test connection -------------------------------------------------------------------------


def check_test_connection(session: Session, actor: Actor, workspace_id: str, platform: str,
                          form: Mapping[str, Any], box: SecretBox,
                          channel_id: str | None = None) -> tuple[type[Connector], BaseModel]:
    """Credentials to try: the unsaved form's, over the saved channel's when editing one."""
    access_with(session, actor, workspace_id, Permission.CHANNELS_MANAGE)
    stored: dict[str, Any] | None = None
    if channel_id is not None:
        channel = access_channel(session, actor, workspace_id, channel_id,
                                 Permission.CHANNELS_MANAGE)
        platform, stored = channel.platform, box.open(channel.credentials_encrypted)
    cls = get_connector_class(platform)
    return cls, credentials_from_form(cls.credentials_model, form, stored)


def run_connection_test(cls: type[Connector], credentials: BaseModel,
                        http: httpx.Client | None = None, *,
                        policy: OutboundPolicy | None = None) -> ConnectionCheck:
    """Ask the network; call outside any transaction (it may take seconds).

    Without ``http``, the client is the outbound guard's under ``policy``: a private or
    internal address (typed, resolved or redirected to) is refused with the guard's words.
    """
    policy = policy or default_policy()
    try:
        check_destinations(credentials, None, policy)
    except CredentialsInvalidError as exc:
        return ConnectionCheck(ok=False, message=next(iter(exc.fields.values())))
    own = http is None
    client = http or guarded_client(policy, timeout=TEST_TIMEOUT)
    try:
        return cls(credentials, http=client).test_connection()
    except DestinationRefusedError as exc:
        return ConnectionCheck(ok=False, message=exc.message)
    except ConnectorError as exc:
        return ConnectionCheck(ok=False, message=exc.message)
    except (OSError, httpx.HTTPError) as exc:
        return ConnectionCheck(ok=False, message=f"Could not reach the service: {exc}")
    finally:
        if own:
            client.close()


# --- pushed items (webhooks, file imports) ---------------------------------------------------


def do_remember_delivery(session: Session, channel: Channel, delivery_id: str, *,
                         now: datetime, keep: timedelta) -> bool:
    """Add a webhook delivery id to the seen-set; False when it was already there.

    Called in the transaction that stores the delivery's items, so an id is remembered exactly
    when its items are: a crash in between lets the sender's retry through instead of refusing
    it as a replay and losing the items. Expired ids are swept on the way.
    """
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.expires_at <= now))
    statement = _insert(session, WebhookDelivery).values(
        id=new_id(), channel_id=channel.id, delivery_id=delivery_id, received_at=now,
        expires_at=now + keep).on_conflict_do_nothing(
        index_elements=["channel_id", "delivery_id"]).returning(WebhookDelivery.id)
    return session.execute(statement).first() is not None


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def do_store_pushed_items(session: Session, channel: Channel, items: list[MentionIn],
                          enrichments: list[dict], *, now: datetime) -> int:
    """Store items a webhook or a file brought to the channel; returns how many."""
    items = [item.model_copy(update={"channel_id": channel.id}) for item in items]
    if items:
        store_incoming(session, prepare_incoming(session, channel.workspace_id, items, enrichments))
    do_record_health(session, channel, now=now, items=len(items))
    return len(items)
