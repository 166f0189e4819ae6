"""A user of one workspace can never reach another's, through any route of the UI or the API.

The routes are read from the application's route table, so a route added later is covered
without touching this test: every path parameter naming a workspace is pointed at a workspace
the caller does not belong to, and the answer must be 404 without the other brand's name.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from hearth.auth.actions import user_actor
from hearth.workspace.actions import check_create_api_token, do_create_api_token
from tests.factories import make_user, make_workspace
from tests.webkit import page_token

SECRET_NAME = "Pizzadoro Secret Brand"
PARAM_RE = re.compile(r"{(\w+)(?::\w+)?}")


def iter_api_routes(routes):
    """Every endpoint, looking inside included routers (FastAPI wraps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from iter_api_routes(route.original_router.routes)


def _routes(app, prefix_api: bool) -> list[tuple[str, str]]:
    found = []
    for route in iter_api_routes(app.routes):
        params = PARAM_RE.findall(route.path)
        if not ({"slug", "workspace_id"} & set(params)):
            continue
        if route.path.startswith("/api/") != prefix_api:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, route.path))
    return found


def _fill(path: str, workspace_slug: str, workspace_id: str) -> str:
    values = {"slug": workspace_slug, "workspace_id": workspace_id}
    return PARAM_RE.sub(lambda m: values.get(m.group(1), "00000000-0000-0000-0000-000000000000"),
                        path)


@pytest.fixture
def two_brands(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        mine = make_workspace(session, "Briquo", alice)
        mallory = make_user(session, "mallory@example.com")
        theirs = make_workspace(session, SECRET_NAME, mallory)
        grant, scopes = check_create_api_token(session, user_actor(alice), mine.id, "all",
                                               ["workspace.view", "team.view", "audit.view",
                                                "team.invite", "team.change_role",
                                                "team.remove", "mentions.view"])
        _, raw = do_create_api_token(session, grant, name="all", scopes=scopes,
                                     expires_days=None, actor=user_actor(alice))
        session.commit()
        return {"mine": mine, "theirs": theirs, "token": raw}


def test_route_table_has_workspace_routes(app) -> None:
    assert len(_routes(app, prefix_api=False)) >= 10
    assert len(_routes(app, prefix_api=True)) >= 5


def test_ui_routes_answer_404_for_another_workspace(app, client_for, two_brands) -> None:
    client = client_for("alice@example.com")
    token = page_token(client)
    theirs = two_brands["theirs"]
    leaks = []
    for method, path in _routes(app, prefix_api=False):
        url = _fill(path, theirs.slug, theirs.id)
        response = client.request(method, url, data={"csrf_token": token, "email": "x@y.co",
                                                     "role": "viewer", "name": "n"})
        if response.status_code != 404 or SECRET_NAME in response.text:
            leaks.append(f"{method} {path} -> {response.status_code}")
    assert leaks == []


def test_api_routes_answer_404_for_another_workspace(app, client_for, two_brands) -> None:
    client = client_for()
    theirs = two_brands["theirs"]
    headers = {"Authorization": f"Bearer {two_brands['token']}"}
    leaks = []
    for method, path in _routes(app, prefix_api=True):
        url = _fill(path, theirs.slug, theirs.id)
        response = client.request(method, url, headers=headers,
                                  json={"email": "x@y.co", "role": "viewer"})
        if response.status_code != 404 or SECRET_NAME in response.text:
            leaks.append(f"{method} {path} -> {response.status_code}")
    assert leaks == []


def test_unknown_and_foreign_workspaces_look_the_same(client_for, two_brands) -> None:
    client = client_for("alice@example.com")
    foreign = client.get(f"/w/{two_brands['theirs'].slug}/inbox")
    unknown = client.get("/w/no-such-brand/inbox")
    assert foreign.status_code == unknown.status_code == 404
    # Only the path the caller typed is echoed back (in the language switch form).
    slug = two_brands["theirs"].slug
    assert foreign.text.replace(slug, "no-such-brand") == unknown.text


def test_own_workspace_routes_work_for_the_token(client_for, two_brands) -> None:
    client = client_for()
    mine = two_brands["mine"]
    headers = {"Authorization": f"Bearer {two_brands['token']}"}
    assert client.get(f"/api/v1/workspaces/{mine.id}", headers=headers).json()["slug"] == "briquo"
    members = client.get(f"/api/v1/workspaces/{mine.id}/members", headers=headers).json()
    assert [m["email"] for m in members] == ["alice@example.com"]
