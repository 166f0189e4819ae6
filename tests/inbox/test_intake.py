"""Mentions become conversations through the stream consumer and the routing rules."""

from __future__ import annotations

from sqlalchemy import func, select
from tests.factories import add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.inbox import actions
from hearth.inbox.intake import pick_assignee
from hearth.inbox.rules import do_create_rule, preview_rule
from hearth.models import Conversation, ConversationEvent


def _world(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        session.commit()
        return ws.id, alice.id


def _conversations(factory, ws_id):
    with factory() as session:
        return list(session.scalars(select(Conversation).where(Conversation.workspace_id == ws_id)))


def test_questions_open_conversations_and_praise_does_not(factory) -> None:
    ws_id, _ = _world(factory)
    deliver(
        factory,
        ws_id,
        item(1, "Bonjour, où trouver la notice du set 4021 ? Merci", minutes_ago=5),
        item(2, "Trop beau ce set, bravo Briquo 😍", author="max"),
    )
    conversations = _conversations(factory, ws_id)
    assert [c.subject[:20] for c in conversations] == ["Bonjour, où trouver "]
    assert conversations[0].state == "open" and conversations[0].awaiting_since is not None


def test_replies_in_the_thread_join_the_conversation_and_reopen_it(factory) -> None:
    ws_id, alice_id = _world(factory)
    deliver(factory, ws_id, item(1, "Ma commande n'est jamais arrivée, c'est inadmissible"))
    (conversation,) = _conversations(factory, ws_id)
    with factory() as session:
        c = session.get(Conversation, conversation.id)
        actions.do_change_state(
            session,
            c,
            "closed",
            actor=user_actor(
                session.get(__import__("hearth.models", fromlist=["User"]).User, alice_id)
            ),
        )
        session.commit()
    deliver(factory, ws_id, item(2, "Toujours rien reçu...", parent="mastodon-1"))
    (again,) = _conversations(factory, ws_id)
    assert again.id == conversation.id and again.state == "open"
    with factory() as session:
        kinds = session.scalars(
            select(ConversationEvent.kind)
            .where(ConversationEvent.conversation_id == again.id)
            .order_by(ConversationEvent.at)
        ).all()
    assert kinds.count("message.received") == 2 and "state.reopened" in kinds


def test_direct_messages_thread_by_author(factory) -> None:
    ws_id, _ = _world(factory)
    deliver(
        factory,
        ws_id,
        item(1, "coucou", kind="dm", author="zoe", minutes_ago=3),
        item(2, "tu es là ?", kind="dm", author="zoe"),
    )
    (conversation,) = _conversations(factory, ws_id)
    with factory() as session:
        count = session.scalar(
            select(func.count()).where(
                ConversationEvent.conversation_id == conversation.id,
                ConversationEvent.kind == "message.received",
            )
        )
    assert count == 2


def test_redelivered_mentions_are_not_added_twice(factory) -> None:
    ws_id, _ = _world(factory)
    question = item(1, "Comment retourner un set incomplet ?")
    deliver(factory, ws_id, question)
    deliver(factory, ws_id, question)
    with factory() as session:
        received = session.scalar(
            select(func.count()).where(ConversationEvent.kind == "message.received")
        )
    assert received == 1


def test_rule_assigns_tags_and_prioritises(factory) -> None:
    ws_id, alice_id = _world(factory)
    with factory() as session:
        bob = make_user(session, "bob@example.com")
        from hearth.models import Workspace

        add_member(session, session.get(Workspace, ws_id), bob, Role.AGENT)
        do_create_rule(
            session,
            ws_id,
            "Deliveries to Bob",
            {"query": "livraison OR colis"},
            {
                "open": True,
                "tags": ["delivery"],
                "priority": "urgent",
                "assign": {"mode": "user", "user_ids": [bob.id]},
            },
            stop_processing=False,
            actor=user_actor(bob),
        )
        session.commit()
        bob_id = bob.id
    deliver(factory, ws_id, item(1, "Mon colis est perdu depuis 10 jours"))
    (conversation,) = _conversations(factory, ws_id)
    assert conversation.assignee_id == bob_id
    assert conversation.tags == ["delivery"] and conversation.priority_label == "urgent"
    assert conversation.priority >= 60


def test_least_loaded_and_round_robin_assignment(factory, session) -> None:
    owner = make_user(session, "o@example.com")
    ws = make_workspace(session, "Briquo", owner)
    a, b = make_user(session, "a@example.com"), make_user(session, "b@example.com")
    add_member(session, ws, a, Role.AGENT)
    add_member(session, ws, b, Role.AGENT)
    session.add(
        Conversation(
            workspace_id=ws.id, thread_key="t1", platform="x", state="open", assignee_id=a.id
        )
    )
    session.flush()
    assert pick_assignee(session, ws.id, {"mode": "least_loaded", "user_ids": [a.id, b.id]}) == b.id
    assert pick_assignee(session, ws.id, {"mode": "round_robin", "user_ids": [a.id, b.id]}) == b.id
    outsider = make_user(session, "z@example.com")
    assert pick_assignee(session, ws.id, {"mode": "user", "user_ids": [outsider.id]}) is None


def test_rule_preview_counts_what_it_would_have_caught(factory) -> None:
    ws_id, _ = _world(factory)
    deliver(
        factory,
        ws_id,
        item(1, "livraison en retard"),
        item(2, "super set", author="max"),
        item(3, "livraison rapide merci", author="sam"),
    )
    with factory() as session:
        preview = preview_rule(session, ws_id, {"query": "livraison"})
    assert (preview.scanned, preview.matched) == (3, 2)


def test_old_history_opens_no_conversation(factory) -> None:
    ws_id, _ = _world(factory)
    deliver(factory, ws_id, item(1, "Où est ma commande ? toujours rien reçu", minutes_ago=60 * 72),
            item(2, "Où est ma commande ? toujours rien reçu", minutes_ago=5, author="max"))
    conversations = _conversations(factory, ws_id)
    assert len(conversations) == 1 and conversations[0].thread_key.endswith("mastodon-2")
