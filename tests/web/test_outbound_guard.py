"""The outbound guard as an admin meets it, with the default settings (no private network
allowed): Settings › Channels (save and "test connection") and the alert destinations form."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.config import Settings
from hearth.models import AlertDestination, Channel
from tests.factories import add_member, make_user, make_workspace
from tests.ingest.fakes.server import Canned, FakeServer
from tests.webkit import page_token

REFUSED_EN = "this address leads to a private or internal network"
REFUSED_FR = "cette adresse mène à un réseau privé ou interne"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Not the suite's loopback-allowing settings: what an operator gets out of the box, plus
    # one name (the feed server below) so that a redirect from it can be tested.
    return Settings(database_url=database_url, data_dir=tmp_path / "data", env="test",
                    secret_key="test-secret-key-" + "x" * 32, outbound_allow="feeds.example.com")


@pytest.fixture
def brand(factory) -> str:
    with factory() as session:
        workspace = make_workspace(session, "Briquo", make_user(session, "owner@example.com"))
        add_member(session, workspace, make_user(session, "fr@example.com", locale="fr"),
                   Role.OWNER)
        session.commit()
        return workspace.slug


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


def _save_mastodon(client, brand: str, instance: str):
    data = {"csrf_token": page_token(client), "name": "Brand account",
            "cred_instance_url": instance, "cred_access_token": "tok-123", "terms": "briquo"}
    return client.post(f"/w/{brand}/settings/channels/new/mastodon", data=data)


def test_saving_a_channel_on_loopback_is_refused_and_the_form_kept(client_for, brand, factory,
                                                                   server):
    owner = client_for("owner@example.com")
    response = _save_mastodon(owner, brand, server.base_url)
    assert response.status_code == 422
    assert REFUSED_EN in response.text
    assert f'value="{server.base_url}"' in response.text and "briquo" in response.text
    assert "tok-123" not in response.text
    with factory() as session:
        assert session.scalars(select(Channel)).all() == []
    assert server.requests == []


def test_the_refusal_is_in_french_for_a_french_admin(client_for, brand):
    response = _save_mastodon(client_for("fr@example.com"), brand, "http://169.254.169.254")
    assert response.status_code == 422 and REFUSED_FR in response.text


def test_test_connection_to_loopback_is_refused_in_plain_words(client_for, brand, server):
    owner = client_for("owner@example.com")
    data = {"cred_instance_url": server.base_url, "cred_access_token": "tok-123"}
    response = owner.post(f"/w/{brand}/settings/channels/new/mastodon/test", data=data,
                          headers={"X-CSRF-Token": page_token(owner)})
    assert response.status_code == 200 and REFUSED_EN in response.text
    assert server.requests == []


def test_test_connection_following_a_redirect_to_loopback_is_refused(client_for, brand, server,
                                                                    monkeypatch):
    def fake_dns(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "feeds.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    port = server.base_url.rsplit(":", 1)[1]
    server.add("GET", "/feed", Canned(status=302, headers={"Location": server.url("/admin")}))
    owner = client_for("fr@example.com")
    data = {"cred_feeds": f"http://feeds.example.com:{port}/feed"}
    response = owner.post(f"/w/{brand}/settings/channels/new/rss/test", data=data,
                          headers={"X-CSRF-Token": page_token(owner)})
    assert REFUSED_FR in response.text
    assert len(server.requests_to("GET", "/feed")) == 1
    assert server.requests_to("GET", "/admin") == []


def test_alert_webhook_to_the_metadata_service_is_refused(client_for, brand, factory):
    owner = client_for("fr@example.com")
    target = "http://169.254.169.254/latest/meta-data/"
    response = owner.post(f"/w/{brand}/crisis/notifications/destinations", data={
        "csrf_token": page_token(owner), "kind": "generic", "target": target})
    assert response.status_code == 422 and REFUSED_FR in response.text
    assert f'value="{target}"' in response.text
    with factory() as session:
        assert session.scalars(select(AlertDestination)).all() == []


def test_ai_endpoint_on_a_private_network_is_refused(client_for, brand, factory):
    owner = client_for("owner@example.com")
    response = owner.post(f"/w/{brand}/inbox/llm", data={
        "csrf_token": page_token(owner), "enabled": "1", "base_url": "http://10.0.0.7:8080/v1",
        "model": "tiny"})
    assert response.status_code == 422 and REFUSED_EN in response.text
