"""The incident room over HTTP: open from the alert, work it, close it, download the post-mortem."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hearth.authz.roles import Role
from hearth.models import Conversation, Incident, IncidentStatement
from tests.crisis.alerting import raise_alert
from tests.factories import add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.webkit import csrf_from, page_token


@pytest.fixture
def pizzeria(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        add_member(session, ws, make_user(session, "vic@example.com"), Role.VIEWER)
        add_member(session, ws, make_user(session, "fr@example.com", locale="fr"), Role.MANAGER)
        make_workspace(session, "Elsewhere", make_user(session, "else@example.com"))
        return ws.id


def _open_room(factory, pizzeria, client) -> str:
    alert_id = raise_alert(factory, pizzeria)
    token = page_token(client, "/w/pizzadoro/crisis")
    assert 'name="alert_id"' in client.get("/w/pizzadoro/crisis").text
    response = client.post("/w/pizzadoro/crisis/incidents",
                           data={"alert_id": alert_id, "csrf_token": token})
    assert response.status_code == 303
    return response.headers["location"]


def test_alert_opens_a_room_with_chart_timeline_and_drivers(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, client)
    html = client.get(room).text
    assert "INC-1" in html
    assert "<svg" in html and 'class="baseline"' in html  # the usual level is drawn
    assert "First signal: mentions above their usual level" in html
    assert "Peak: 200 mentions in 5 minutes" in html
    assert "Key drivers" in html and "Holding statements" in html
    # The mentions behind it, in Listening, from the first signal's day.
    link = re.search(r'href="(/w/pizzadoro/listening\?since=[^"]+)"', html).group(1)
    assert link.endswith("since=2026-11-23")  # the synthetic surge's day, Paris time
    assert client.get(link.replace("&amp;", "&")).status_code == 200
    # The alert and the banner now lead to the room.
    assert room in client.get("/w/pizzadoro/crisis").text
    assert room in client.get("/w/pizzadoro/listening").text


def test_statement_approval_refusal_keeps_the_edited_text(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, client)
    token = csrf_from(client.get(room).text)
    client.post(f"{room}/statements", data={"template": "update", "language": "en",
                                             "csrf_token": token})
    with factory() as session:
        statement = session.scalar(select(IncidentStatement))
    edited = statement.text.replace("Update on", "Latest on")
    response = client.post(f"{room}/statements/{statement.id}/approve",
                           data={"text": edited, "csrf_token": token})
    assert response.status_code == 422
    assert "finish the text before approving it" in response.text
    card = response.text.split(f'id="statement-{statement.id}"', 1)[1]
    assert "finish the text before approving it" in card  # beside the statement, not far above
    assert "Latest on" in response.text  # what was typed is still there
    with factory() as session:
        assert session.get(IncidentStatement, statement.id).state == "draft"
    done = edited.replace("[To complete]", "The video is from 2024 & the shop is closed.")
    response = client.post(f"{room}/statements/{statement.id}/approve",
                           data={"text": done, "csrf_token": token})
    assert response.status_code == 303
    html = client.get(room).text
    assert "the shop is closed" in html and "&amp; the shop" in html


def test_user_text_is_escaped_in_the_room_and_the_export(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    token = page_token(client, "/w/pizzadoro/crisis")
    response = client.post("/w/pizzadoro/crisis/incidents",
                           data={"title": "<script>alert(1)</script> rumour", "csrf_token": token})
    room = response.headers["location"]
    client.post(f"{room}/note", data={"text": "<img src=x onerror=alert(2)>",
                                      "csrf_token": token})
    html = client.get(room).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    client.post(f"{room}/close", data={"summary": "<b>done</b>", "csrf_token": token})
    export = client.get(f"{room}/postmortem.html")
    assert export.status_code == 200
    assert "<script>alert(1)" not in export.text and "&lt;b&gt;done&lt;/b&gt;" in export.text
    assert "script-src" not in export.headers["content-security-policy"]
    assert "default-src 'none'" in export.headers["content-security-policy"]
    assert "attachment" in export.headers["content-disposition"]


def test_close_with_post_mortem_then_download_html_and_pdf(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, client)
    token = csrf_from(client.get(room).text)
    assert client.get(f"{room}/postmortem.pdf").status_code == 404  # not before closing
    response = client.post(f"{room}/close", data={"summary": "", "csrf_token": token})
    assert response.status_code == 422 and "write what happened" in response.text
    client.post(f"{room}/tasks", data={"title": "Brief the stores", "assignee": "",
                                        "csrf_token": token})
    response = client.post(f"{room}/close", data={
        "summary": "Une vidéo de 2024 a refait surface ; boutique fermée, excuses publiées.",
        "lessons": "Répondre en moins de 30 minutes.", "csrf_token": token})
    assert response.status_code == 303
    html = client.get(f"{room}/postmortem.html").text
    assert "Une vidéo de 2024" in html and "Brief the stores" in html
    assert "<svg" in html and "Peak" in html
    pdf = client.get(f"{room}/postmortem.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "INC-1" in text
    assert "Une vidéo de 2024 a refait surface" in text  # accents survive (Unicode font)
    assert "Brief the stores" in text
    # The closed room is read-only: no forms to change it any more.
    closed = client.get(room).text
    assert f"{room}/close" not in closed and f"{room}/tasks" not in closed


def test_french_manager_sees_the_room_in_french(factory, pizzeria, client_for):
    client = client_for("fr@example.com")
    room = _open_room(factory, pizzeria, client)
    html = client.get(room).text
    assert "<h2>Déclarations d'attente</h2>" in html and "Rédiger une déclaration" in html
    assert "Premier signal" in html


def test_other_workspaces_and_viewers_cannot_act(factory, pizzeria, client_for):
    owner = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, owner)
    stranger = client_for("else@example.com")
    assert stranger.get(room).status_code == 404
    viewer = client_for("vic@example.com")
    html = viewer.get(room).text
    assert "INC-1" in html and f"{room}/close" not in html  # sees the room, no buttons
    token = csrf_from(html)
    response = viewer.post(f"{room}/close", data={"summary": "x", "csrf_token": token})
    assert response.status_code == 403
    with factory() as session:
        assert session.scalar(select(Incident.closed_at)) is None
    incident_id = re.search(r"/incidents/([0-9a-f-]+)", room).group(1)
    response = owner.post(f"/w/pizzadoro/crisis/incidents/{incident_id}/statements/nope/approve",
                          data={"text": "", "csrf_token": csrf_from(owner.get(room).text)})
    assert response.status_code == 404


def test_press_contact_set_in_the_room_fills_new_statements(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, client)
    token = csrf_from(client.get(room).text)
    response = client.post(f"{room}/contact", data={"value": "x" * 201, "csrf_token": token})
    assert response.status_code == 422 and "at most 200 characters" in response.text
    client.post(f"{room}/contact", data={"value": "presse@pizzadoro.example",
                                          "csrf_token": token})
    client.post(f"{room}/statements", data={"template": "apology", "language": "fr",
                                             "csrf_token": token})
    with factory() as session:
        assert "presse@pizzadoro.example" in session.scalar(select(IncidentStatement.text))
    viewer = client_for("vic@example.com")
    response = viewer.post(f"{room}/contact", data={"value": "hijack@example.com",
                                                    "csrf_token": csrf_from(viewer.get(room).text)})
    assert response.status_code == 403


def test_agents_see_the_approved_statement_in_the_composer_while_the_incident_is_open(
    factory, pizzeria, client_for
):
    deliver(factory, pizzeria, item(1, "C'est vrai cette vidéo ?? Je ne commanderai plus jamais"))
    with factory() as session:
        conversation_id = session.scalar(select(Conversation.id))
    assert conversation_id, "the complaint was routed into the inbox"
    client = client_for("owner@example.com")
    room = _open_room(factory, pizzeria, client)
    token = csrf_from(client.get(room).text)
    client.post(f"{room}/statements", data={"template": "acknowledge", "language": "fr",
                                             "csrf_token": token})
    conversation = f"/w/pizzadoro/inbox/c/{conversation_id}"
    assert 'data-testid="crisis-statements"' not in client.get(conversation).text  # a draft
    with factory() as session:
        statement = session.scalar(select(IncidentStatement))
    client.post(f"{room}/statements/{statement.id}/approve",
                data={"text": statement.text, "csrf_token": token})
    html = client.get(conversation).text
    assert 'data-testid="crisis-statements"' in html and "INC-1 · FR" in html
    client.post(f"{room}/close", data={"summary": "Done.", "csrf_token": token})
    assert 'data-testid="crisis-statements"' not in client.get(conversation).text


def test_a_room_without_a_title_is_refused_on_the_crisis_page(factory, pizzeria, client_for):
    client = client_for("owner@example.com")
    token = page_token(client, "/w/pizzadoro/crisis")
    response = client.post("/w/pizzadoro/crisis/incidents",
                           data={"title": "  ", "csrf_token": token})
    assert response.status_code == 422
    assert "give the incident a short title" in response.text
    with factory() as session:
        assert session.scalar(select(Incident.id)) is None
