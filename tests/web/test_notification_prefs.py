"""Crisis › Notifications over HTTP: own preferences for everyone, destinations for admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.crisis import notify
from hearth.models import AlertDestination, AlertEscalationPolicy, AuditEntry, User
from tests.factories import add_member, make_user, make_workspace
from tests.webkit import page_token

PAGE = "/w/pizzadoro/crisis/notifications"


@pytest.fixture
def pizzeria(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        add_member(session, ws, make_user(session, "vic@example.com"), Role.VIEWER)
        add_member(session, ws, make_user(session, "fr@example.com", locale="fr"), Role.MANAGER)
        return ws.id


def _post(client, path: str, **data):
    token = page_token(client, PAGE)
    return client.post(PAGE + path, data={"csrf_token": token, **data})


def _user_id(factory, email: str) -> str:
    with factory() as session:
        return session.scalars(select(User.id).where(User.email == email)).one()


def test_viewer_sets_own_preferences(factory, pizzeria, client_for):
    client = client_for("vic@example.com")
    response = _post(client, "/preferences", min_severity="crisis")  # box unticked: e-mails off
    assert response.status_code == 303
    with factory() as session:
        prefs = notify.get_preferences(session, pizzeria, _user_id(factory, "vic@example.com"))
        assert prefs == notify.Preferences(crisis_email=False, min_severity="crisis")
        assert session.scalars(
            select(AuditEntry).where(AuditEntry.action == "crisis.notification.preferences_changed")
        ).one()


def test_viewer_sees_no_admin_section_and_cannot_add_destinations(factory, pizzeria, client_for):
    client = client_for("vic@example.com")
    html = client.get(PAGE).text
    assert "My crisis e-mails" in html and 'id="destinations"' not in html
    response = _post(client, "/destinations", kind="email", target="x@example.com")
    assert response.status_code == 403
    with factory() as session:
        assert session.scalars(select(AlertDestination)).all() == []


def test_admin_adds_a_webhook_and_an_escalation(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    response = _post(
        client, "/destinations", kind="slack", target="https://hooks.example/T1", secret="s3cret"
    )
    assert response.status_code == 303
    assert _post(client, "/escalation", contact_email="boss@example.com", delay_minutes="15")
    with factory() as session:
        dest = session.scalars(select(AlertDestination)).one()
        assert dest.kind == "slack" and "s3cret" not in dest.secret_sealed
        policy = session.scalars(select(AlertEscalationPolicy)).one()
        assert (policy.contact_email, policy.delay_minutes) == ("boss@example.com", 15)
    html = client.get(PAGE).text
    assert "hooks.example" in html and 'value="boss@example.com"' in html


def test_bad_webhook_url_shows_an_error_and_stores_nothing(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    response = _post(client, "/destinations", kind="generic", target="not a url")
    assert response.status_code == 422 and 'role="alert"' in response.text
    with factory() as session:
        assert session.scalars(select(AlertDestination)).all() == []


def test_page_is_in_french_for_a_french_user(pizzeria, client_for):
    html = client_for("fr@example.com").get(PAGE).text
    assert "Mes e-mails de crise" in html
