"""Service-level clocks and breaches, response metrics, and the satisfaction survey."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.factories import make_user, make_workspace
from tests.inbox.inboxkit import deliver, item
from tests.webkit import page_token

from hearth.inbox.metrics import inbox_report
from hearth.inbox.sla import clocks, policy_for, record_breaches
from hearth.models import Conversation, CsatSurvey, OutboundReply, SlaBreach, SlaPolicy

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _conversation(**kw) -> Conversation:
    base = dict(
        workspace_id="w",
        thread_key="k",
        platform="mastodon",
        state="open",
        priority_label="normal",
        created_at=T0,
        awaiting_since=T0,
    )
    return Conversation(**{**base, **kw})


def _policy(**kw) -> SlaPolicy:
    base = dict(
        id="p",
        workspace_id="w",
        name="p",
        first_response_minutes=60,
        next_response_minutes=30,
        resolution_minutes=24 * 60,
    )
    return SlaPolicy(**{**base, **kw})


def test_most_specific_policy_wins() -> None:
    default = _policy(id="any")
    urgent = _policy(id="urgent", priority_label="urgent")
    urgent_mastodon = _policy(id="um", priority_label="urgent", platform="mastodon")
    c = _conversation(priority_label="urgent")
    assert policy_for([default, urgent, urgent_mastodon], c).id == "um"
    assert policy_for([default, urgent], _conversation()).id == "any"


def test_clocks_warn_then_breach() -> None:
    c, p = _conversation(), _policy()
    assert [k.state for k in clocks(c, p, T0 + timedelta(minutes=10))] == ["ok", "ok"]
    assert clocks(c, p, T0 + timedelta(minutes=50))[0].state == "warning"
    assert clocks(c, p, T0 + timedelta(minutes=61))[0].state == "breached"
    answered = _conversation(
        first_response_at=T0 + timedelta(minutes=5), awaiting_since=T0 + timedelta(hours=2)
    )
    assert clocks(answered, p, T0 + timedelta(hours=3))[0].kind == "next_response"
    assert clocks(_conversation(state="closed"), p, T0) == []


def test_breaches_are_recorded_once(factory) -> None:
    with factory() as session:
        owner = make_user(session, "o@example.com")
        ws = make_workspace(session, "Briquo", owner)
        session.add(SlaPolicy(workspace_id=ws.id, name="fast", first_response_minutes=5))
        session.add(
            Conversation(
                workspace_id=ws.id,
                thread_key="a",
                platform="mastodon",
                state="open",
                created_at=datetime.now(UTC) - timedelta(hours=1),
                awaiting_since=datetime.now(UTC) - timedelta(hours=1),
            )
        )
        session.commit()
        record_breaches(session)
        record_breaches(session)
        session.commit()
        assert session.scalar(select(func.count()).select_from(SlaBreach)) == 1


def test_report_measures_first_response_and_sla(factory, client_for) -> None:
    with factory() as session:
        owner = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", owner)
        ws.settings = {"demo": True}
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, item(1, "Bonjour, comment obtenir les pièces manquantes ?"))
    client = client_for("alice@example.com")
    with factory() as session:
        conversation_id = session.scalar(select(Conversation.id))
    before = inbox_report_for(factory, ws_id)
    assert before.overall.conversations == 1 and before.overall.answered == 0
    page = client.get(f"/w/briquo/inbox/c/{conversation_id}").text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    client.post(
        f"/w/briquo/inbox/c/{conversation_id}/reply",
        data={
            "text": "Bonjour ! Écrivez-nous en MP 🙂",
            "idempotency_key": key,
            "csrf_token": page_token(client, "/account"),
        },
    )
    after = inbox_report_for(factory, ws_id)
    assert after.overall.answered == 1 and after.overall.frt_median is not None
    assert "Alice" in after.by_agent and "mastodon" in after.by_network
    report = client.get("/w/briquo/inbox/report").text
    assert 'data-testid="frt"' in report


def inbox_report_for(factory, ws_id):
    with factory() as session:
        now = datetime.now(UTC)
        return inbox_report(session, ws_id, now - timedelta(days=1), now + timedelta(minutes=1))


@pytest.fixture
def csat_world(factory):
    with factory() as session:
        owner = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", owner)
        ws.settings = {"demo": True, "csat": True}
        session.commit()
        ws_id = ws.id
    deliver(factory, ws_id, item(1, "Ma commande n'est jamais arrivée, je suis déçue"))
    with factory() as session:
        return ws_id, session.scalar(select(Conversation.id))


def test_closing_sends_a_survey_whose_answer_is_recorded(csat_world, client_for, factory) -> None:
    _, conversation_id = csat_world
    client = client_for("alice@example.com")
    client.post(
        f"/w/briquo/inbox/c/{conversation_id}/state",
        data={"state": "closed", "csrf_token": page_token(client)},
    )
    with factory() as session:
        reply = session.scalar(select(OutboundReply))
        assert "/csat/" in reply.text
        conversation = session.get(Conversation, conversation_id)
        assert conversation.first_response_at is None  # a survey is not an answer
    link = reply.text.split("http://testserver")[1].split()[0]
    customer = client_for()
    form = customer.get(link)
    assert form.status_code == 200 and 'name="score"' in form.text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text).group(1)
    assert customer.post(link, data={"score": "9", "csrf_token": token}).status_code == 422
    done = customer.post(link, data={"score": "4", "comment": "rapide", "csrf_token": token})
    assert done.status_code == 200 and "Thank you" in done.text
    with factory() as session:
        survey = session.scalar(select(CsatSurvey))
        assert (survey.score, survey.comment) == (4, "rapide") and survey.answered_at


def test_rules_page_previews_then_saves(csat_world, client_for, factory) -> None:
    client = client_for("alice@example.com")
    token = page_token(client, "/w/briquo/inbox/rules")
    preview = client.post(
        "/w/briquo/inbox/rules",
        data={
            "name": "Retards",
            "query": "commande",
            "open": "1",
            "tags": "delivery",
            "preview": "1",
            "csrf_token": token,
        },
    )
    assert preview.status_code == 200 and "would have caught 1 of 1" in preview.text
    broken = client.post(
        "/w/briquo/inbox/rules", data={"name": "x", "query": "(oops", "csrf_token": token}
    )
    assert broken.status_code == 422 and "character" in broken.text
    saved = client.post(
        "/w/briquo/inbox/rules",
        data={"name": "Retards", "query": "commande", "open": "1", "csrf_token": token},
    )
    assert saved.status_code == 303
    assert "Retards" in client.get("/w/briquo/inbox/rules").text
