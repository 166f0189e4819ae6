from __future__ import annotations

import pytest
from sqlalchemy import select

from hearth.auth.actions import user_actor
from hearth.models import ApiToken
from hearth.workspace.actions import (
    check_create_api_token,
    do_create_api_token,
    do_revoke_api_token,
)
from tests.factories import make_user, make_workspace

ADMIN_SCOPES = ["workspace.view", "team.view", "team.invite", "team.change_role", "team.remove",
                "audit.view"]


@pytest.fixture
def api(factory, client_for):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        grant, scopes = check_create_api_token(session, user_actor(alice), ws.id, "ci",
                                               ADMIN_SCOPES)
        token, raw = do_create_api_token(session, grant, name="ci", scopes=scopes,
                                         expires_days=30, actor=user_actor(alice))
        session.commit()
    client = client_for()
    client.headers["Authorization"] = f"Bearer {raw}"
    return client, ws.id, token.id


def test_requests_without_a_token_get_401_json(client_for) -> None:
    response = client_for().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "auth.token_required"


def test_invite_change_role_and_read_the_audit_through_the_api(api, factory) -> None:
    client, ws_id, _ = api
    created = client.post(f"/api/v1/workspaces/{ws_id}/invitations",
                          json={"email": "Bob@Example.com", "role": "agent"})
    assert created.status_code == 201
    assert created.json()["email"] == "bob@example.com" and "/invite/" in created.json()["link"]
    refused = client.post(f"/api/v1/workspaces/{ws_id}/invitations",
                          json={"email": "eve@example.com", "role": "emperor"})
    assert refused.status_code == 422
    audit = client.get(f"/api/v1/workspaces/{ws_id}/audit",
                       params={"action": "workspace.invitation"}).json()
    assert [e["action"] for e in audit] == ["workspace.invitation.created"]
    assert audit[0]["actor_label"] == "token:ci"


def test_scopes_are_enforced(api, factory, client_for) -> None:
    _, ws_id, _ = api
    with factory() as session:
        from sqlalchemy import select

        from hearth.models import User

        alice = session.scalar(select(User).where(User.email == "alice@example.com"))
        grant, scopes = check_create_api_token(session, user_actor(alice), ws_id, "read-only",
                                               ["workspace.view"])
        _, raw = do_create_api_token(session, grant, name="ro", scopes=scopes,
                                     expires_days=None, actor=user_actor(alice))
        session.commit()
    reader = client_for()
    reader.headers["Authorization"] = f"Bearer {raw}"
    assert reader.get(f"/api/v1/workspaces/{ws_id}").status_code == 200
    assert reader.get(f"/api/v1/workspaces/{ws_id}/audit").status_code == 403


def test_revoked_token_stops_working(api, factory) -> None:
    client, ws_id, token_id = api
    assert client.get("/api/v1/me").status_code == 200
    with factory() as session:
        token = session.get(ApiToken, token_id)
        do_revoke_api_token(session, token, actor=user_actor(make_user(session, "x@example.com")))
        session.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_documents_the_api_and_not_the_web_pages(client_for) -> None:
    spec = client_for().get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert "/api/v1/workspaces/{workspace_id}/members" in paths
    assert not any(p.startswith("/w/") or p == "/login" for p in paths)


def test_mentions_are_listed_with_filters_and_naive_times_read_as_utc(api, factory) -> None:
    from tests.inbox.inboxkit import deliver, item

    client, ws_id, _ = api
    deliver(factory, ws_id, item(1, "pizza froide encore"), item(2, "super set", author="max"))
    with factory() as session:
        from hearth.models import ApiToken, User

        alice = session.scalar(select(User).where(User.email == "alice@example.com"))
        grant, scopes = check_create_api_token(session, user_actor(alice), ws_id, "reader",
                                               ["mentions.view", "audit.view"])
        _, raw = do_create_api_token(session, grant, name="reader", scopes=scopes,
                                     expires_days=None, actor=user_actor(alice))
        session.commit()
        assert session.scalar(select(ApiToken.id).where(ApiToken.name == "reader"))
    client.headers["Authorization"] = f"Bearer {raw}"
    found = client.get(f"/api/v1/workspaces/{ws_id}/mentions", params={"query": "pizza"}).json()
    assert [m["text"] for m in found] == ["pizza froide encore"]
    one = client.get(f"/api/v1/workspaces/{ws_id}/mentions/{found[0]['id']}").json()
    assert one["external_id"] == "mastodon-1"
    audit = client.get(f"/api/v1/workspaces/{ws_id}/audit", params={"since": "2020-01-01T00:00:00"})
    assert audit.status_code == 200
