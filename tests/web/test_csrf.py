from __future__ import annotations

from tests.factories import make_user, make_workspace
from tests.webkit import page_token


def test_state_changing_post_without_token_is_refused(factory, client_for) -> None:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        make_workspace(session, "Briquo", alice)
        session.commit()
    client = client_for("alice@example.com")
    refused = client.post("/w/briquo/settings/team/invite",
                          data={"email": "bob@example.com", "role": "agent"})
    assert refused.status_code == 403
    forged = client.post("/w/briquo/settings/team/invite",
                         data={"email": "bob@example.com", "role": "agent", "csrf_token": "0" * 64})
    assert forged.status_code == 403
    accepted = client.post("/w/briquo/settings/team/invite",
                           data={"email": "bob@example.com", "role": "agent",
                                 "csrf_token": page_token(client)})
    assert accepted.status_code == 200 and "bob@example.com" in accepted.text


def test_login_form_without_token_is_refused(factory, client_for) -> None:
    with factory() as session:
        make_user(session, "alice@example.com")
        session.commit()
    client = client_for()
    response = client.post("/login", data={"email": "alice@example.com", "password": "x"})
    assert response.status_code == 403


def test_token_of_one_session_does_not_work_for_another(factory, client_for) -> None:
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        make_workspace(session, "Briquo", alice)
        session.commit()
    first, second = client_for("alice@example.com"), client_for("alice@example.com")
    stolen = page_token(first)
    response = second.post("/w/briquo/settings/team/invite",
                           data={"email": "bob@example.com", "role": "agent", "csrf_token": stolen})
    assert response.status_code == 403
