"""Settings › Channels over HTTP: list with health, connect, test, edit, pause, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.ingest.connectors import mastodon
from hearth.models import AuditEntry, Channel
from tests.factories import add_member, make_user, make_workspace
from tests.ingest.fakes.server import FakeServer
from tests.webkit import page_token

MASTODON = Path(mastodon.__file__).parent / "fixtures"
TOKEN = "tok-very-secret-98765"


@pytest.fixture
def brand(factory):
    with factory() as session:
        owner = make_user(session, "owner@example.com")
        workspace = make_workspace(session, "Briquo", owner)
        add_member(session, workspace, make_user(session, "viewer@example.com"), Role.VIEWER)
        session.commit()
        return workspace.slug


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


@pytest.fixture
def owner(client_for, brand):
    return client_for("owner@example.com")


def _connect(client, brand, instance: str, token: str = TOKEN, **extra):
    data = {"csrf_token": page_token(client), "name": "Brand account",
            "cred_instance_url": instance, "cred_access_token": token, "terms": "briquo", **extra}
    return client.post(f"/w/{brand}/settings/channels/new/mastodon", data=data)


def _channel(factory) -> Channel:
    with factory() as session:
        channel = session.scalars(select(Channel)).one()
        session.expunge(channel)
        return channel


def test_connecting_stores_the_secret_sealed_and_never_shows_it(owner, brand, factory):
    response = _connect(owner, brand, "https://social.example")
    assert response.status_code == 303
    channel = _channel(factory)
    assert TOKEN not in channel.credentials_encrypted
    listing = owner.get(f"/w/{brand}/settings/channels")
    assert "Brand account" in listing.text and "Waiting for data" in listing.text
    edit = owner.get(f"/w/{brand}/settings/channels/{channel.id}")
    assert "https://social.example" in edit.text and TOKEN not in edit.text
    with factory() as session:
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "ingest.channel.created")).one()
        assert TOKEN not in str(audit.data)


def test_invalid_form_names_the_field_and_does_not_echo_the_secret(owner, brand, factory):
    response = _connect(owner, brand, "social.example")
    assert response.status_code == 422
    assert "must start with https://" in response.text and TOKEN not in response.text
    assert 'value="social.example"' in response.text
    with factory() as session:
        assert session.scalars(select(Channel)).all() == []


def test_test_connection_answers_in_place_for_an_unsaved_form(owner, brand, fake_server):
    fake_server.reply_file("GET", "/api/v1/accounts/verify_credentials", MASTODON / "account.json")
    data = {"cred_instance_url": fake_server.base_url, "cred_access_token": TOKEN}
    response = owner.post(f"/w/{brand}/settings/channels/new/mastodon/test", data=data,
                          headers={"X-CSRF-Token": page_token(owner), "HX-Request": "true"})
    assert response.status_code == 200 and "Connected as @" in response.text
    assert "<html" not in response.text
    sent = fake_server.last("GET", "/api/v1/accounts/verify_credentials")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


def test_test_connection_of_a_saved_channel_uses_the_stored_secret(owner, brand, fake_server,
                                                                   factory):
    fake_server.reply_expired_token("GET", "/api/v1/accounts/verify_credentials")
    _connect(owner, brand, fake_server.base_url)
    channel = _channel(factory)
    response = owner.post(f"/w/{brand}/settings/channels/{channel.id}/test",
                          data={"cred_instance_url": fake_server.base_url, "cred_access_token": ""},
                          headers={"X-CSRF-Token": page_token(owner)})
    assert response.status_code == 200 and "refused the credentials" in response.text
    sent = fake_server.last("GET", "/api/v1/accounts/verify_credentials")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


def test_edit_with_a_blank_secret_keeps_it(owner, brand, factory):
    _connect(owner, brand, "https://social.example")
    channel = _channel(factory)
    data = {"csrf_token": page_token(owner), "name": "Renamed",
            "cred_instance_url": "https://social.example", "cred_access_token": "",
            "terms": "briquo\nbricks", "poll_minutes": "15"}
    assert owner.post(f"/w/{brand}/settings/channels/{channel.id}", data=data).status_code == 303
    after = _channel(factory)
    assert after.name == "Renamed" and after.settings["poll_minutes"] == 15
    assert after.credentials_encrypted != "" and TOKEN not in after.credentials_encrypted


def test_pause_resume_and_delete(owner, brand, factory):
    _connect(owner, brand, "https://social.example")
    channel = _channel(factory)
    base = f"/w/{brand}/settings/channels/{channel.id}"
    owner.post(base + "/disable", data={"csrf_token": page_token(owner)})
    assert "Paused" in owner.get(f"/w/{brand}/settings/channels").text
    owner.post(base + "/enable", data={"csrf_token": page_token(owner)})
    assert _channel(factory).disabled_at is None
    assert owner.post(base + "/delete", data={"csrf_token": page_token(owner)}).status_code == 303
    with factory() as session:
        assert session.scalars(select(Channel)).all() == []


def test_viewer_sees_the_list_but_cannot_connect(client_for, owner, brand, factory):
    _connect(owner, brand, "https://social.example")
    viewer = client_for("viewer@example.com")
    listing = viewer.get(f"/w/{brand}/settings/channels")
    assert listing.status_code == 200 and "Brand account" in listing.text
    assert "Add a channel" not in listing.text
    assert _connect(viewer, brand, "https://x.example").status_code == 403
    channel = _channel(factory)
    assert viewer.get(f"/w/{brand}/settings/channels/{channel.id}").status_code == 403


def test_settings_tabs_link_to_channels(owner, brand):
    assert f"/w/{brand}/settings/channels" in owner.get(f"/w/{brand}/settings/team").text


def test_webhook_channel_page_shows_the_address_to_post_to(owner, brand, factory):
    owner.post(f"/w/{brand}/settings/channels/new/webhook",
               data={"csrf_token": page_token(owner), "cred_secret": "s" * 40})
    channel = _channel(factory)
    page = owner.get(f"/w/{brand}/settings/channels/{channel.id}")
    assert f"/hooks/webhook/{channel.id}" in page.text and "s" * 40 not in page.text
