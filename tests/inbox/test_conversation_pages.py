"""Working a conversation over HTTP: queue, reply (once), note, assign, close, collisions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.factories import add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.webkit import page_token

from hearth.authz.roles import Role
from hearth.kit import jobs
from hearth.models import Conversation, ConversationEvent, OutboundReply, User, Workspace


@pytest.fixture
def briquo(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        ws.settings = {"demo": True}  # simulated network: replies are accepted
        for email, role in (("bob@example.com", Role.AGENT), ("vic@example.com", Role.VIEWER)):
            add_member(session, ws, make_user(session, email), role)
        session.commit()
        ws_id = ws.id
    deliver(
        factory,
        ws_id,
        item(1, "Bonjour, comment obtenir les pièces manquantes du set 4021 ?", minutes_ago=30),
        item(
            2,
            "Colis jamais arrivé, c'est scandaleux !!!",
            author="max",
            followers=50000,
            minutes_ago=10,
        ),
    )
    with factory() as session:
        ids = {c.subject[:5]: c.id for c in session.scalars(select(Conversation))}
    return ws_id, ids


def _reply_form(client, conversation_id: str) -> dict[str, str]:
    html = client.get(f"/w/briquo/inbox/c/{conversation_id}").text
    import re

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    return {
        "csrf_token": field("csrf_token"),
        "idempotency_key": field("idempotency_key"),
        "draft_started_at": field("draft_started_at"),
    }


def test_queue_is_ordered_by_priority(briquo, client_for) -> None:
    page = client_for("alice@example.com").get("/w/briquo/inbox").text
    assert page.index("Colis jamais") < page.index("Bonjour, comm")  # angry, loud, first


def test_reply_is_sent_once_even_when_submitted_twice(briquo, client_for, factory) -> None:
    _, ids = briquo
    client = client_for("bob@example.com")
    form = _reply_form(client, ids["Bonjo"])
    for _ in range(2):
        response = client.post(
            f"/w/briquo/inbox/c/{ids['Bonjo']}/reply",
            data={**form, "text": "Bonjour ! On vous envoie les pièces 🙂"},
        )
        assert response.status_code == 303
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboundReply)) == 1
    while jobs.run_one(factory, "test") is not None:
        pass
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        conversation = session.get(Conversation, ids["Bonjo"])
        assert reply.outcome == "sent" and reply.sent_at is not None
        assert conversation.first_response_at is not None and conversation.awaiting_since is None
    assert "sent" in client.get(f"/w/briquo/inbox/c/{ids['Bonjo']}").text


def test_collision_asks_for_confirmation(briquo, client_for, factory) -> None:
    _, ids = briquo
    alice, bob = client_for("alice@example.com"), client_for("bob@example.com")
    alice_form = _reply_form(alice, ids["Colis"])
    bob_form = _reply_form(bob, ids["Colis"])
    assert (
        bob.post(
            f"/w/briquo/inbox/c/{ids['Colis']}/reply",
            data={**bob_form, "text": "Nous regardons tout de suite."},
        ).status_code
        == 303
    )
    clash = alice.post(
        f"/w/briquo/inbox/c/{ids['Colis']}/reply",
        data={**alice_form, "text": "Désolés pour ce retard !"},
    )
    assert clash.status_code == 409 and "Send anyway" in clash.text
    assert "Désolés pour ce retard" in clash.text  # the draft is kept
    confirmed = alice.post(
        f"/w/briquo/inbox/c/{ids['Colis']}/reply",
        data={**alice_form, "text": "Désolés pour ce retard !", "confirmed": "1"},
    )
    assert confirmed.status_code == 303


def test_presence_shows_who_else_is_here(briquo, client_for) -> None:
    _, ids = briquo
    alice, bob = client_for("alice@example.com"), client_for("bob@example.com")
    token = page_token(bob, f"/w/briquo/inbox/c/{ids['Colis']}")
    bob.post(
        f"/w/briquo/inbox/c/{ids['Colis']}/presence",
        data={"activity": "drafting", "csrf_token": token},
    )
    shown = alice.get(f"/w/briquo/inbox/c/{ids['Colis']}").text
    assert "Bob is writing a reply" in shown


def test_note_close_and_reopen_on_a_new_message(briquo, client_for, factory) -> None:
    ws_id, ids = briquo
    client = client_for("bob@example.com")
    url = f"/w/briquo/inbox/c/{ids['Bonjo']}"
    token = page_token(client, url)
    client.post(f"{url}/note", data={"text": "@alice on a du stock ?", "csrf_token": token})
    client.post(f"{url}/state", data={"state": "closed", "csrf_token": token})
    with factory() as session:
        conversation = session.get(Conversation, ids["Bonjo"])
        assert conversation.state == "closed" and conversation.closed_by_id is not None
        note = session.scalar(
            select(ConversationEvent).where(ConversationEvent.kind == "note.added")
        )
        assert len(note.data["mentions"]) == 1
    deliver(factory, ws_id, item(3, "Toujours pas de réponse ?", parent="mastodon-1"))
    with factory() as session:
        assert session.get(Conversation, ids["Bonjo"]).state == "open"


def test_bulk_assign_and_close(briquo, client_for, factory) -> None:
    _, ids = briquo
    client = client_for("alice@example.com")
    token = page_token(client, "/w/briquo/inbox")
    with factory() as session:
        bob_id = session.scalar(select(User.id).where(User.email == "bob@example.com"))
    client.post(
        "/w/briquo/inbox/bulk",
        data={
            "ids": list(ids.values()),
            "action": "assign",
            "assignee": bob_id,
            "csrf_token": token,
        },
    )
    client.post(
        "/w/briquo/inbox/bulk",
        data={"ids": list(ids.values()), "action": "close", "csrf_token": token},
    )
    with factory() as session:
        rows = session.scalars(select(Conversation)).all()
    assert {c.assignee_id for c in rows} == {bob_id} and {c.state for c in rows} == {"closed"}


def test_viewers_read_but_cannot_reply(briquo, client_for) -> None:
    _, ids = briquo
    client = client_for("vic@example.com")
    url = f"/w/briquo/inbox/c/{ids['Colis']}"
    page = client.get(url)
    assert page.status_code == 200 and "Send reply" not in page.text
    token = page_token(client, url)
    response = client.post(
        f"{url}/reply", data={"text": "hi", "idempotency_key": "k" * 20, "csrf_token": token}
    )
    assert response.status_code == 403


def test_failed_delivery_keeps_the_draft_and_can_be_retried(briquo, client_for, factory) -> None:
    _, ids = briquo
    with factory() as session:
        session.get(Workspace, briquo[0]).settings = {}  # no simulated network, no channel
        session.commit()
    client = client_for("bob@example.com")
    form = _reply_form(client, ids["Colis"])
    client.post(f"/w/briquo/inbox/c/{ids['Colis']}/reply", data={**form, "text": "On s'en occupe"})
    jobs.run_one(factory, "test")
    page = client.get(f"/w/briquo/inbox/c/{ids['Colis']}").text
    assert "not sent" in page and "Settings › Channels" in page and "On s&#39;en occupe" in page
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        assert reply.outcome == "failed"
        session.get(Workspace, briquo[0]).settings = {"demo": True}
        session.commit()
    token = page_token(client, f"/w/briquo/inbox/c/{ids['Colis']}")
    client.post(f"/w/briquo/inbox/replies/{reply.id}/retry", data={"csrf_token": token})
    jobs.run_one(factory, "test")
    with factory() as session:
        assert session.scalar(select(OutboundReply.outcome)) == "sent"
        assert session.scalar(select(func.count()).select_from(OutboundReply)) == 1
