"""The member sidebar: tags and notes the team keeps about a customer."""

from __future__ import annotations

from sqlalchemy import select
from tests.factories import add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.webkit import page_token

from hearth.authz.roles import Role
from hearth.models import AuditEntry, CommunityMember, Conversation, MemberNote


def _world(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        add_member(session, ws, make_user(session, "vic@example.com"), Role.VIEWER)
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, item(1, "Bonjour, comment obtenir les pièces manquantes ?"))
    with factory() as session:
        conversation = session.scalar(select(Conversation))
        return conversation.id, conversation.member_id


def test_tags_and_notes_show_in_the_sidebar_and_are_audited(factory, client_for) -> None:
    conversation_id, member_id = _world(factory)
    client = client_for("alice@example.com")
    url = f"/w/briquo/inbox/c/{conversation_id}"
    token = page_token(client, url)
    base = f"/w/briquo/inbox/members/{member_id}"
    assert client.post(f"{base}/tags", data={"tags": "Advocate, builder", "back": url,
                                             "csrf_token": token}).headers["location"] == url
    client.post(f"{base}/notes", data={"text": "Construit des châteaux, préfère l'e-mail",
                                       "back": "//evil.example/", "csrf_token": token})
    page = client.get(url).text
    assert "advocate, builder" in page and "Construit des châteaux" in page
    with factory() as session:
        assert session.get(CommunityMember, member_id).tags == ["advocate", "builder"]
        assert session.scalar(select(MemberNote.body)).startswith("Construit")
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"members.member.tagged", "members.note.added"} <= actions


def test_viewers_cannot_write_about_members(factory, client_for) -> None:
    conversation_id, member_id = _world(factory)
    client = client_for("vic@example.com")
    token = page_token(client, f"/w/briquo/inbox/c/{conversation_id}")
    response = client.post(f"/w/briquo/inbox/members/{member_id}/notes",
                           data={"text": "hello", "csrf_token": token})
    assert response.status_code == 403


def test_an_unsafe_back_link_goes_to_the_inbox(factory, client_for) -> None:
    conversation_id, member_id = _world(factory)
    client = client_for("alice@example.com")
    token = page_token(client, f"/w/briquo/inbox/c/{conversation_id}")
    response = client.post(f"/w/briquo/inbox/members/{member_id}/tags",
                           data={"tags": "x", "back": "https://evil.example/", "csrf_token": token})
    assert response.headers["location"] == "/w/briquo/inbox"
