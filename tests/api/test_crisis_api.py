"""Crisis alerts and incident rooms through the JSON API: the same data and checks as the UI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hearth.auth.actions import user_actor
from hearth.crisis import incidents
from hearth.models import User
from hearth.workspace.actions import check_create_api_token, do_create_api_token
from tests.crisis.alerting import raise_alert, surge_at
from tests.factories import make_user, make_workspace


def _token(factory, email: str, workspace: str, scopes: list[str]) -> tuple[str, str]:
    with factory.begin() as session:
        user = make_user(session, email)
        ws = make_workspace(session, workspace, user)
        grant, allowed = check_create_api_token(session, user_actor(user), ws.id, "ops", scopes)
        _, raw = do_create_api_token(session, grant, name="ops", scopes=allowed,
                                     expires_days=30, actor=user_actor(user))
        return ws.id, raw


@pytest.fixture
def crisis(factory, client_for):
    ws_id, raw = _token(factory, "owner@example.com", "Pizzadoro", ["crisis.view"])
    alert_id = raise_alert(factory, ws_id)
    with factory.begin() as session:
        owner = session.scalar(select(User).where(User.email == "owner@example.com"))
        incident = incidents.open_incident(session, user_actor(owner), ws_id, alert_id=alert_id)
        incidents.add_note(session, user_actor(owner), ws_id, incident.id, "Video is from 2024")
    client = client_for()
    client.headers["Authorization"] = f"Bearer {raw}"
    return client, ws_id, alert_id, incident.id


def test_alerts_and_incidents_are_listed_with_the_room_detail(crisis) -> None:
    client, ws_id, alert_id, incident_id = crisis
    alerts = client.get(f"/api/v1/workspaces/{ws_id}/alerts").json()
    assert [a["id"] for a in alerts] == [alert_id]
    assert alerts[0]["severity"] == "crisis" and alerts[0]["acknowledged_at"]
    rooms = client.get(f"/api/v1/workspaces/{ws_id}/incidents").json()
    assert [(r["id"], r["number"], r["alert_id"]) for r in rooms] == [(incident_id, 1, alert_id)]
    room = client.get(f"/api/v1/workspaces/{ws_id}/incidents/{incident_id}").json()
    kinds = [e["kind"] for e in room["timeline"]]
    assert kinds[0] == "first_signal" and "peak" in kinds and "note" in kinds
    assert room["started_at"].startswith(surge_at().strftime("%Y-%m-%dT%H:%M"))
    assert room["statements"] == [] and room["closed_at"] is None


def test_other_workspaces_and_missing_scopes_are_refused(crisis, factory, client_for) -> None:
    client, ws_id, _, incident_id = crisis
    other_ws, other_raw = _token(factory, "else@example.com", "Elsewhere", ["crisis.view"])
    stranger = client_for()
    stranger.headers["Authorization"] = f"Bearer {other_raw}"
    # A token of another workspace does not learn that this one exists.
    assert stranger.get(f"/api/v1/workspaces/{ws_id}/incidents").status_code == 404
    assert stranger.get(
        f"/api/v1/workspaces/{other_ws}/incidents/{incident_id}").status_code == 404
    with factory.begin() as session:  # the owner's second token, without the crisis scope
        owner = user_actor(session.scalar(select(User).where(User.email == "owner@example.com")))
        grant, allowed = check_create_api_token(session, owner, ws_id, "bot", ["workspace.view"])
        _, narrow = do_create_api_token(session, grant, name="bot", scopes=allowed,
                                        expires_days=30, actor=owner)
    limited = client_for()
    limited.headers["Authorization"] = f"Bearer {narrow}"
    assert limited.get(f"/api/v1/workspaces/{ws_id}/alerts").status_code == 403
    assert limited.get(f"/api/v1/workspaces/{ws_id}/incidents/{incident_id}").status_code == 403
