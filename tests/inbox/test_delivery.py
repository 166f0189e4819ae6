"""Replies delivered through a fake Mastodon instance on 127.0.0.1: the right thread, exactly
once, and a refusal that keeps the draft and says why."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from tests.factories import make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.ingest.fakes.server import FakeServer

from hearth.auth.actions import user_actor
from hearth.inbox import actions
from hearth.ingest import tasks as ingest_tasks
from hearth.ingest.actions import ChannelDraft, ListeningSettings, do_create_channel
from hearth.ingest.connectors import mastodon
from hearth.ingest.connectors.mastodon.connector import MastodonCredentials
from hearth.kit import jobs
from hearth.kit.crypto import SecretBox
from hearth.kit.time import utcnow
from hearth.models import Conversation, Job, OutboundReply, User

FIXTURES = Path(mastodon.__file__).parent / "fixtures"
PARENT = "112000000000000500"
REPLY = "@marta It ships on 12 March!"  # the text of the recorded reply in the fixtures


@pytest.fixture
def network(settings):
    with FakeServer() as server, httpx.Client(timeout=2.0) as client:
        ingest_tasks.configure(settings, http=client)
        server.reply_file("GET", f"/api/v1/statuses/{PARENT}", FIXTURES / "status_created.json")
        yield server
    ingest_tasks.configure(settings)


@pytest.fixture
def conversation(factory, settings, network):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        credentials = MastodonCredentials(instance_url=network.base_url, access_token="tok-1")
        do_create_channel(
            session,
            ChannelDraft(ws.id, "mastodon", "Briquo on Mastodon", credentials, ListeningSettings()),
            box=SecretBox(settings.resolved_secret_key),
            actor=user_actor(alice),
        )
        session.commit()
        ws_id = ws.id
    question = item(PARENT, "Bonjour, comment obtenir les pièces manquantes du set 4021 ?")
    deliver(factory, ws_id, question.model_copy(update={"external_id": PARENT}))
    with factory() as session:
        conversation = session.scalar(select(Conversation))
        alice = session.scalar(select(User))
        actions.do_reply(
            session, conversation, text=REPLY, idempotency_key="k-1", actor=user_actor(alice)
        )
        session.commit()
        return conversation.id


def _run_due_jobs(factory) -> None:
    with factory() as session:
        session.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))
        session.commit()
    while jobs.run_one(factory, "test") is not None:
        pass


def test_reply_lands_in_the_thread_once(conversation, network, factory) -> None:
    network.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    _run_due_jobs(factory)
    posted = network.requests_to("POST", "/api/v1/statuses")
    assert len(posted) == 1
    assert posted[0].json()["in_reply_to_id"] == PARENT
    assert posted[0].headers["idempotency-key"] == "k-1"
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        assert reply.outcome == "sent" and reply.external_id


def test_server_error_is_reconciled_not_resent_blindly(conversation, network, factory) -> None:
    network.reply_server_error("POST", "/api/v1/statuses")
    network.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    network.reply_file("GET", "/api/v1/accounts/verify_credentials", FIXTURES / "account.json")
    network.reply_json("GET", "/api/v1/accounts/109302/statuses", [])
    _run_due_jobs(factory)
    with factory() as session:
        assert session.scalar(select(OutboundReply.outcome)) == "unknown"
    _run_due_jobs(factory)  # the reconciliation: not found on the network, so sent once more
    assert len(network.requests_to("POST", "/api/v1/statuses")) == 2
    assert network.requests_to("GET", "/api/v1/accounts/verify_credentials")
    with factory() as session:
        assert session.scalar(select(OutboundReply.outcome)) == "sent"


def test_refusal_keeps_the_draft_and_shows_why(conversation, network, factory) -> None:
    network.reply_json(
        "POST", "/api/v1/statuses", {"error": "Text character limit exceeded"}, status=422
    )
    _run_due_jobs(factory)
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        assert reply.outcome == "failed" and "character limit" in reply.error
        assert reply.text == REPLY
    assert len(network.requests_to("POST", "/api/v1/statuses")) == 1
    _run_due_jobs(factory)
    assert len(network.requests_to("POST", "/api/v1/statuses")) == 1  # never retried on its own


def test_timeout_reconciles_to_the_post_that_was_made(conversation, network, factory) -> None:
    network.reply_hang("POST", "/api/v1/statuses")
    _run_due_jobs(factory)
    with factory() as session:
        assert session.scalar(select(OutboundReply.outcome)) == "unknown"
    network.reply_file("GET", "/api/v1/accounts/verify_credentials", FIXTURES / "account.json")
    network.reply_file(
        "GET", "/api/v1/accounts/109302/statuses", FIXTURES / "account_statuses.json"
    )
    _run_due_jobs(factory)
    assert len(network.requests_to("POST", "/api/v1/statuses")) == 1
