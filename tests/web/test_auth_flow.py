from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tests.factories import PASSWORD, make_user, make_workspace
from tests.webkit import csrf_from, login, post_form


def _seed(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        make_workspace(session, "Briquo", alice)
        session.commit()


def test_login_lands_in_the_workspace_and_sets_a_safe_cookie(factory, client_for) -> None:
    _seed(factory)
    client = client_for()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "alice@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/").headers["location"] == "/w/briquo/"


def test_wrong_password_is_refused_and_throttled(factory, client_for) -> None:
    _seed(factory)
    client = client_for()
    statuses = []
    for _ in range(6):
        token = csrf_from(client.get("/login").text)
        statuses.append(
            client.post(
                "/login",
                data={
                    "email": "alice@example.com",
                    "password": "nope-nope-nope",
                    "csrf_token": token,
                },
            ).status_code
        )
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    token = csrf_from(client.get("/login").text)
    blocked = client.post(
        "/login", data={"email": "alice@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429  # even the right password waits out the pause


def test_logout_ends_the_session(factory, client_for) -> None:
    _seed(factory)
    client = client_for("alice@example.com")
    assert post_form(client, "/logout", {}).status_code == 303
    assert client.get("/w/briquo/inbox").status_code == 303  # back to login


def test_password_change_keeps_this_session_and_ends_others(factory, client_for) -> None:
    _seed(factory)
    here, elsewhere = client_for("alice@example.com"), client_for("alice@example.com")
    response = post_form(
        here, "/account/password", {"current": PASSWORD, "new": "a brand new secret"}
    )
    assert response.status_code == 200
    assert here.get("/w/briquo/inbox").status_code == 200
    assert elsewhere.get("/w/briquo/inbox").status_code == 303
    fresh = client_for()
    login(fresh, "alice@example.com", "a brand new secret")


def test_language_switch_translates_the_shell(factory, client_for) -> None:
    _seed(factory)
    client = client_for("alice@example.com")
    assert "Listening" in client.get("/w/briquo/listening").text
    post_form(client, "/account/language", {"locale": "fr", "next": "/"})
    page = client.get("/w/briquo/listening").text
    assert "Écoute" in page and 'lang="fr"' in page


def test_open_redirect_after_login_is_refused(factory, client_for) -> None:
    _seed(factory)
    client = client_for()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": "alice@example.com",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/"


def test_user_generated_text_is_escaped(factory, client_for) -> None:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        alice.display_name = "<script>alert(1)</script>"
        make_workspace(session, "Briquo", alice)
        session.commit()
    client = client_for("alice@example.com")
    page = client.get("/w/briquo/settings/team").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_carry_a_strict_content_security_policy(factory, client_for) -> None:
    client = client_for()
    csp = client.get("/login").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_health_and_readiness(client_for) -> None:
    client = client_for()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
    assert "hearth_http_requests_total" in client.get("/metrics").text
