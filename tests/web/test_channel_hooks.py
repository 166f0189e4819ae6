"""Inbound webhooks: signed batches stored, replays and forgeries refused, answers in JSON."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hearth.ingest.actions import check_create_channel, do_create_channel
from hearth.ingest.connectors import discourse, webhook
from hearth.ingest.connectors.webhook import sign
from hearth.kit.crypto import SecretBox
from hearth.kit.time import utcnow
from hearth.models import Channel, Mention, WebhookDelivery
from tests.factories import SYSTEM, make_user, make_workspace

SECRET = "s" * 40
WEBHOOK = Path(webhook.__file__).parent / "fixtures"
DISCOURSE = Path(discourse.__file__).parent / "fixtures"


def _make_channel(factory, settings, platform: str, form: dict) -> str:
    with factory() as session:
        owner = make_user(session, "owner@example.com")
        workspace = make_workspace(session, "Briquo", owner)
        draft = check_create_channel(session, SYSTEM, workspace.id, platform, "", form)
        channel = do_create_channel(session, draft, box=SecretBox(settings.resolved_secret_key),
                                    actor=SYSTEM)
        session.commit()
        return channel.id


@pytest.fixture
def hook(factory, settings):
    return _make_channel(factory, settings, "webhook", {"cred_secret": SECRET})


@pytest.fixture
def client(client_for):
    return client_for()


def _post(client, channel_id: str, body: bytes, delivery: str = "d-1", secret: str = SECRET,
          timestamp: int | None = None):
    headers = sign(body, secret, timestamp=timestamp or int(time.time()), delivery_id=delivery)
    return client.post(f"/hooks/webhook/{channel_id}", content=body,
                       headers={**headers, "Content-Type": "application/json"})


def _count(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Mention))


def test_signed_batch_is_stored_with_per_item_errors(client, hook, factory):
    body = (WEBHOOK / "mixed.json").read_bytes()
    response = _post(client, hook, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["accepted"] == _count(factory) > 0
    assert answer["rejected"] and all("item" in r["reason"] for r in answer["rejected"])
    with factory() as session:
        channel = session.get(Channel, hook)
        assert channel.items_today == answer["accepted"] and channel.last_success_at
        assert set(session.scalars(select(Mention.channel_id))) == {hook}


def test_replayed_delivery_is_refused_and_stores_nothing_twice(client, hook, factory):
    body = (WEBHOOK / "minimal.json").read_bytes()
    assert _post(client, hook, body).status_code == 200
    stored = _count(factory)
    replay = _post(client, hook, body)
    assert replay.status_code == 409 and replay.json()["error"] == "webhook.replayed"
    assert _count(factory) == stored


def test_seen_delivery_ids_expire_after_twice_the_tolerance(client, hook, factory):
    _post(client, hook, (WEBHOOK / "minimal.json").read_bytes())
    with factory() as session:
        seen = session.scalars(select(WebhookDelivery)).one()
        kept = seen.expires_at - seen.received_at
    assert kept.total_seconds() == 600  # default tolerance: 300 s


def test_forged_signature_is_refused(client, hook, factory):
    response = _post(client, hook, (WEBHOOK / "minimal.json").read_bytes(), secret="x" * 40)
    assert response.status_code == 401 and response.json()["error"] == "webhook.bad_signature"
    assert _count(factory) == 0
    with factory() as session:
        assert "refused" in session.get(Channel, hook).last_error


def test_stale_timestamp_is_refused(client, hook):
    body = (WEBHOOK / "minimal.json").read_bytes()
    response = _post(client, hook, body, timestamp=int(time.time()) - 3600)
    assert response.status_code == 401 and response.json()["error"] == "webhook.expired"


def test_oversized_body_is_refused_before_reading_it(client, hook):
    response = _post(client, hook, b'{"items": [' + b" " * 1_100_000 + b"]}")
    assert response.status_code == 413


def test_unknown_or_disabled_channel_is_not_found(client, hook, factory):
    body = (WEBHOOK / "minimal.json").read_bytes()
    assert _post(client, "00000000-0000-0000-0000-000000000000", body).status_code == 404
    with factory() as session:
        session.get(Channel, hook).disabled_at = utcnow()
        session.commit()
    assert _post(client, hook, body, delivery="d-2").status_code == 404


def test_discourse_post_created_is_stored(client, factory, settings):
    form = {"cred_base_url": "https://forum.brickworks.example", "cred_api_key": "k" * 20,
            "cred_api_username": "brickworks", "cred_webhook_secret": "forum-secret-123"}
    channel_id = _make_channel(factory, settings, "discourse", form)
    body = (DISCOURSE / "webhook_post_created.json").read_bytes()
    signature = "sha256=" + hmac.new(b"forum-secret-123", body, hashlib.sha256).hexdigest()
    headers = {"X-Discourse-Event": "post_created", "X-Discourse-Event-Signature": signature,
               "Content-Type": "application/json"}
    response = client.post(f"/hooks/discourse/{channel_id}", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert _count(factory) == 1
    forged = client.post(f"/hooks/discourse/{channel_id}", content=body,
                         headers={**headers, "X-Discourse-Event-Signature": "sha256=00"})
    assert forged.status_code == 401
    bad = json.dumps({"post": "nope"}).encode()
    signature = "sha256=" + hmac.new(b"forum-secret-123", bad, hashlib.sha256).hexdigest()
    malformed = client.post(f"/hooks/discourse/{channel_id}", content=bad,
                            headers={**headers, "X-Discourse-Event-Signature": signature})
    assert malformed.status_code == 422
