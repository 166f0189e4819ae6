"""The crisis banner on every workspace page, the Crisis page and its buttons, over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.models import CrisisAlert
from tests.crisis.alerting import raise_alert
from tests.factories import add_member, make_user, make_workspace
from tests.webkit import page_token


@pytest.fixture
def pizzeria(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        add_member(session, ws, make_user(session, "vic@example.com"), Role.VIEWER)
        add_member(session, ws, make_user(session, "fr@example.com", locale="fr"), Role.MANAGER)
        return ws.id


def test_banner_appears_on_every_page_while_an_alert_is_open(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    assert "crisis-banner" not in client.get("/w/pizzadoro/listening").text
    raise_alert(factory, pizzeria)
    for path in ("/w/pizzadoro/listening", "/w/pizzadoro/settings/team", "/w/pizzadoro/crisis"):
        html = client.get(path).text
        assert "crisis-banner" in html, path
        assert "negative mentions ×" in html


def test_banner_disappears_when_resolved(factory, pizzeria, client_for):
    alert_id = raise_alert(factory, pizzeria)
    client = client_for("owner@example.com")
    token = page_token(client, "/w/pizzadoro/crisis")
    response = client.post(
        f"/w/pizzadoro/crisis/alerts/{alert_id}/resolve", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert "crisis-banner" not in client.get("/w/pizzadoro/listening").text


def test_crisis_page_lists_the_alert_with_chart_and_buttons(factory, pizzeria, client_for):
    raise_alert(factory, pizzeria)
    html = client_for("owner@example.com").get("/w/pizzadoro/crisis").text
    assert "<svg" in html and 'class="baseline"' in html
    assert "/acknowledge" in html and "/snooze" in html
    assert "their usual level for a Monday" in html


def test_reason_is_in_the_viewers_language(factory, pizzeria, client_for):
    raise_alert(factory, pizzeria)
    html = client_for("fr@example.com").get("/w/pizzadoro/crisis").text
    assert "les mentions négatives ×" in html
    assert "par rapport à leur niveau habituel un lundi" in html


def test_acknowledge_and_snooze_buttons_work(factory, pizzeria, client_for):
    alert_id = raise_alert(factory, pizzeria)
    client = client_for("owner@example.com")
    token = page_token(client, "/w/pizzadoro/crisis")
    base = f"/w/pizzadoro/crisis/alerts/{alert_id}"
    assert client.post(f"{base}/acknowledge", data={"csrf_token": token}).status_code == 303
    assert (
        client.post(f"{base}/snooze", data={"csrf_token": token, "minutes": "60"}).status_code
        == 303
    )
    with factory() as session:
        alert = session.get(CrisisAlert, alert_id)
        assert alert.acknowledged_at is not None and alert.snoozed_until is not None
    assert "crisis-banner" not in client.get("/w/pizzadoro/listening").text


def test_viewer_sees_the_alert_but_no_buttons_and_cannot_post(factory, pizzeria, client_for):
    alert_id = raise_alert(factory, pizzeria)
    client = client_for("vic@example.com")
    html = client.get("/w/pizzadoro/crisis").text
    assert "crisis-banner" in html and "/acknowledge" not in html
    token = page_token(client, "/w/pizzadoro/crisis")
    response = client.post(
        f"/w/pizzadoro/crisis/alerts/{alert_id}/acknowledge", data={"csrf_token": token}
    )
    assert response.status_code == 403
    with factory() as session:
        assert session.scalar(select(CrisisAlert.acknowledged_at)) is None


def test_outsider_gets_not_found(factory, pizzeria, client_for):
    alert_id = raise_alert(factory, pizzeria)
    with factory.begin() as session:
        make_workspace(session, "Other", make_user(session, "out@example.com"))
    client = client_for("out@example.com")
    assert client.get(f"/w/pizzadoro/crisis/alerts/{alert_id}").status_code == 404
    assert client.get(f"/w/other/crisis/alerts/{alert_id}").status_code == 404
