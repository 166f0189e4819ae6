"""Optional AI drafts through an OpenAI-compatible endpoint (a fake one on 127.0.0.1)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from tests.factories import make_user, make_workspace
from tests.inbox.fake_llm import Reply, fake_llm_server
from tests.inbox.inboxkit import deliver, item
from tests.webkit import page_token

from hearth.models import Conversation, OutboundReply, Workspace


@pytest.fixture
def world(factory, client_for):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        session.commit()
        ws_id = ws.id
    deliver(
        factory, ws_id, item(1, "Bonjour, comment obtenir les pièces manquantes ? 06 12 34 56 78")
    )
    with factory() as session:
        conversation_id = session.scalar(select(Conversation.id))
    return ws_id, conversation_id, client_for("alice@example.com")


def test_drafting_is_off_by_default(world) -> None:
    _, conversation_id, client = world
    url = f"/w/briquo/inbox/c/{conversation_id}"
    assert "Draft with AI" not in client.get(url).text
    answer = client.post(f"{url}/draft", data={"csrf_token": page_token(client, url)})
    assert "No draft" in answer.text


def test_draft_lands_in_the_reply_box_and_is_not_sent(world, factory) -> None:
    ws_id, conversation_id, client = world
    with fake_llm_server() as llm:
        llm.script(Reply(content="Salut ! On t'envoie les pièces tout de suite."))
        client.post(
            "/w/briquo/inbox/llm",
            data={
                "enabled": "1",
                "base_url": llm.base_url,
                "model": "small",
                "api_key": "sk-secret-1",
                "csrf_token": page_token(client, "/w/briquo/inbox/voice"),
            },
        )
        with factory() as session:
            stored = json.dumps(session.get(Workspace, ws_id).settings)
        assert "sk-secret-1" not in stored  # sealed at rest
        url = f"/w/briquo/inbox/c/{conversation_id}"
        assert "Draft with AI" in client.get(url).text
        answer = client.post(f"{url}/draft", data={"csrf_token": page_token(client, url)})
        assert "On t&#39;envoie les pièces" in answer.text and "<textarea" in answer.text
        sent = llm.requests[-1]
        assert sent.headers.get("Authorization") == "Bearer sk-secret-1"
        assert "06 12 34 56 78" not in json.dumps(sent.body)  # contact details masked
    with factory() as session:
        assert session.scalar(select(OutboundReply.id)) is None  # nothing sent unreviewed


def test_endpoint_failure_is_explained(world) -> None:
    _, conversation_id, client = world
    with fake_llm_server() as llm:
        llm.script(Reply(status=500, body=b"boom"))
        client.post(
            "/w/briquo/inbox/llm",
            data={
                "enabled": "1",
                "base_url": llm.base_url,
                "model": "small",
                "api_key": "k",
                "csrf_token": page_token(client, "/w/briquo/inbox/voice"),
            },
        )
        url = f"/w/briquo/inbox/c/{conversation_id}"
        answer = client.post(f"{url}/draft", data={"csrf_token": page_token(client, url)})
    assert answer.status_code == 200 and "No draft" in answer.text
