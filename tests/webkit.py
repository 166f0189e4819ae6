"""Helpers for driving the web UI over HTTP like a browser would (forms, CSRF tokens)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_token(client: TestClient, path: str = "/account") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return csrf_from(response.text)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token, "next": "/"})
    assert response.status_code == 303, response.text[:500]


def post_form(client: TestClient, path: str, data: dict[str, str], token_page: str = "/account"):
    return client.post(path, data={**data, "csrf_token": page_token(client, token_page)})
