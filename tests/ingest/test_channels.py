"""Channels: connect, edit, disable, delete; credentials sealed, audited, never echoed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from tests.factories import add_member, make_user, make_workspace

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.ingest.actions import (
    check_create_channel,
    check_manage_channel,
    check_update_channel,
    do_create_channel,
    do_delete_channel,
    do_disable_channel,
    do_enable_channel,
    do_record_health,
    do_update_channel,
    stored_credentials,
)
from hearth.ingest.connectors.bluesky import BlueskyCredentials
from hearth.ingest.connectors.email import EmailSettings
from hearth.ingest.credentials import CredentialsInvalidError, form_fields, public_values
from hearth.ingest.policy import HealthStatus, health_of
from hearth.kit.crypto import SecretBox
from hearth.kit.errors import ForbiddenError, NotFoundError
from hearth.kit.time import utcnow
from hearth.models import AuditEntry, Channel

TOKEN = "mastodon-token-very-secret-1234"
FORM = {"cred_instance_url": "https://social.example", "cred_access_token": TOKEN,
        "terms": "brickworks\n\nbriquo", "hashtags": "#briquo", "poll_minutes": "10"}


@pytest.fixture
def box(settings):
    return SecretBox(settings.resolved_secret_key)


@pytest.fixture
def world(session):
    owner = make_user(session, "owner@example.com")
    workspace = make_workspace(session, "Briquo", owner)
    viewer = make_user(session, "viewer@example.com")
    add_member(session, workspace, viewer, Role.VIEWER)
    stranger = make_user(session, "stranger@example.com")
    make_workspace(session, "Elsewhere", stranger)
    return {"owner": user_actor(owner), "viewer": user_actor(viewer),
            "stranger": user_actor(stranger), "workspace": workspace}


def _create(session, box, world, form=FORM) -> Channel:
    actor, ws = world["owner"], world["workspace"]
    draft = check_create_channel(session, actor, ws.id, "mastodon", " Brand  account ", form)
    return do_create_channel(session, draft, box=box, actor=actor)


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_created_channel_is_audited_and_its_secret_sealed(session, box, world):
    channel = _create(session, box, world)
    assert channel.name == "Brand account"
    assert channel.settings["terms"] == ["brickworks", "briquo"]
    assert channel.settings["poll_minutes"] == 10
    assert TOKEN not in channel.credentials_encrypted
    assert stored_credentials(channel, box).access_token.get_secret_value() == TOKEN
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "ingest.channel.created")).one()
    assert entry.target_id == channel.id and TOKEN not in str(entry.data)


def test_invalid_credentials_name_the_field(session, box, world):
    form = {**FORM, "cred_instance_url": "social.example"}
    with pytest.raises(CredentialsInvalidError) as caught:
        check_create_channel(session, world["owner"], world["workspace"].id, "mastodon", "", form)
    assert caught.value.fields == {"instance_url": "must start with https://"}


def test_missing_secret_is_refused(session, world):
    form = {**FORM, "cred_access_token": ""}
    with pytest.raises(CredentialsInvalidError) as caught:
        check_create_channel(session, world["owner"], world["workspace"].id, "mastodon", "", form)
    assert "access_token" in caught.value.fields


def test_update_with_blank_secret_keeps_the_stored_one(session, box, world):
    channel = _create(session, box, world)
    form = {**FORM, "cred_access_token": "", "cred_instance_url": "https://other.example"}
    channel, draft = check_update_channel(session, world["owner"], world["workspace"].id,
                                          channel.id, "Renamed", form, box)
    do_update_channel(session, channel, draft, box=box, actor=world["owner"])
    credentials = stored_credentials(channel, box)
    assert credentials.access_token.get_secret_value() == TOKEN
    assert credentials.instance_url == "https://other.example"
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "ingest.channel.updated")).one()
    assert entry.data["credential_fields_changed"] == ["instance_url"]


def test_update_with_a_new_secret_replaces_it(session, box, world):
    channel = _create(session, box, world)
    form = {**FORM, "cred_access_token": "new-token-0000000000"}
    channel, draft = check_update_channel(session, world["owner"], world["workspace"].id,
                                          channel.id, "x", form, box)
    do_update_channel(session, channel, draft, box=box, actor=world["owner"])
    assert stored_credentials(channel, box).access_token.get_secret_value() == (
        "new-token-0000000000")


def test_viewer_may_not_connect_a_channel(session, world):
    with pytest.raises(ForbiddenError):
        check_create_channel(session, world["viewer"], world["workspace"].id, "mastodon", "",
                             FORM)


def test_another_workspace_sees_no_channel(session, box, world):
    channel = _create(session, box, world)
    with pytest.raises(NotFoundError):
        check_manage_channel(session, world["stranger"], world["workspace"].id, channel.id)


def test_disable_enable_delete_are_audited(session, box, world):
    channel = _create(session, box, world)
    actor = world["owner"]
    do_disable_channel(session, channel, actor=actor)
    assert channel.disabled_at is not None
    do_enable_channel(session, channel, actor=actor)
    assert channel.disabled_at is None
    do_delete_channel(session, channel, actor=actor)
    assert session.get(Channel, channel.id) is None
    assert _actions(session)[-4:] == ["ingest.channel.created", "ingest.channel.disabled",
                                      "ingest.channel.enabled", "ingest.channel.deleted"]


def test_form_hides_fields_the_connector_fills_in():
    names = [f.name for f in form_fields(BlueskyCredentials)]
    assert names == ["identifier", "app_password", "service_url"]
    kinds = {f.name: f.kind for f in form_fields(EmailSettings)}
    assert kinds["password"] == "password" and kinds["imap_security"] == "select"
    assert kinds["imap_port"] == "number" and "smtp_username" in kinds


def test_public_values_never_hold_a_secret():
    shown = public_values(BlueskyCredentials, {"identifier": "brand.bsky.social",
                                               "app_password": "pw-secret"})
    assert "pw-secret" not in str(shown) and shown["identifier"] == "brand.bsky.social"


def test_health_follows_successes_errors_and_the_day(session, box, world):
    channel = _create(session, box, world)
    now = utcnow()
    assert health_of(channel, now.date()).status is HealthStatus.WAITING
    do_record_health(session, channel, now=now, items=3)
    do_record_health(session, channel, now=now, items=2)
    assert health_of(channel, now.date()).items_today == 5
    assert health_of(channel, now.date()).status is HealthStatus.HEALTHY
    later = now + timedelta(minutes=5)
    do_record_health(session, channel, now=later, error="Mastodon refused the credentials")
    assert health_of(channel, later.date()).status is HealthStatus.FAILING
    assert health_of(channel, (now + timedelta(days=1)).date()).items_today == 0
    tomorrow = now + timedelta(days=1)
    do_record_health(session, channel, now=tomorrow, items=1)
    assert channel.items_today == 1
