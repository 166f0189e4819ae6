"""The Listening page over HTTP: feed, filters, live updates, detail, saved queries, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from tests.factories import add_member, make_user, make_workspace
from tests.webkit import page_token

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.ingest.consumer import MentionConsumer
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.kit.stream import Envelope
from hearth.listening.actions import do_save_query

NOW = datetime.now(UTC)


def _item(n: int, text: str, *, platform: str = "mastodon", parent: str | None = None,
          author: str = "lea", minutes_ago: int = 0) -> MentionIn:
    return MentionIn(platform=platform, external_id=f"{platform}-{n}", text=text,
                     author=AuthorIn(platform_user_id=f"u-{author}", handle=author,
                                     display_name=author.title(), followers=120),
                     created_at=NOW - timedelta(minutes=minutes_ago), parent_external_id=parent,
                     url=f"https://social.example/{n}")


@pytest.fixture
def brand(factory):
    with factory() as session:
        alice = make_user(session, "alice@example.com")
        ws = make_workspace(session, "Briquo", alice)
        viewer = make_user(session, "vic@example.com")
        add_member(session, ws, viewer, Role.VIEWER)
        do_save_query(session, ws.id, "Delivery", "livraison OR delivery", actor=user_actor(alice))
        session.commit()
    consumer = MentionConsumer(factory)
    consumer([Envelope(ws.id, i.model_dump(mode="json")) for i in (
        _item(1, "J'adore le set 4021, trop bien 😍", minutes_ago=30),
        _item(2, "Ma livraison est en retard depuis 2 semaines, c'est nul", minutes_ago=20,
              author="max"),
        _item(3, "@briquo where is my delivery?? third time I ask", platform="bluesky",
              minutes_ago=10, author="sam"),
        _item(4, "Pareil pour moi, toujours rien", parent="mastodon-2", minutes_ago=5),
        _item(5, "=HYPERLINK(\"http://evil.example\") gagnez un set", minutes_ago=1, author="bot"),
    )])
    return ws, consumer


def test_feed_lists_newest_first_with_counts(brand, client_for) -> None:
    client = client_for("alice@example.com")
    page = client.get("/w/briquo/listening").text
    assert page.index("gagnez un set") < page.index("set 4021")
    assert 'data-testid="total">5<' in page


def test_filters_by_platform_and_saved_query(brand, client_for) -> None:
    client = client_for("alice@example.com")
    bluesky = client.get("/w/briquo/listening", params={"platform": "bluesky"}).text
    assert "where is my delivery" in bluesky and "set 4021" not in bluesky
    from sqlalchemy import select

    from hearth.models import ListeningQuery

    saved = client.get("/w/briquo/listening/queries").text
    assert "Delivery" in saved
    with brand[1].factory() as session:
        query_id = session.scalar(select(ListeningQuery.id))
    matched = client.get("/w/briquo/listening", params={"saved": query_id}).text
    assert "livraison est en retard" in matched and "where is my delivery" in matched
    assert "set 4021" not in matched


def test_adhoc_query_error_points_at_the_position(brand, client_for) -> None:
    client = client_for("alice@example.com")
    page = client.get("/w/briquo/listening", params={"q": 'pizza AND "unclosed'}).text
    assert "character 11" in page


def test_live_endpoint_returns_only_what_arrived_after_the_cursor(brand, client_for) -> None:
    ws, consumer = brand
    client = client_for("alice@example.com")
    cursor = datetime.now(UTC).isoformat()
    assert "mention" not in client.get("/w/briquo/listening/feed",
                                       params={"after": cursor}).text.split("live-cursor")[0]
    consumer([Envelope(ws.id, _item(6, "Nouveau MOC du château !").model_dump(mode="json"))])
    fresh = client.get("/w/briquo/listening/feed", params={"after": cursor}).text
    assert "Nouveau MOC du château" in fresh and "set 4021" not in fresh


def test_detail_shows_thread_author_and_enrichment(brand, client_for) -> None:
    from sqlalchemy import select

    from hearth.models import Mention

    with brand[1].factory() as session:
        reply_id = session.scalar(select(Mention.id).where(Mention.external_id == "mastodon-4"))
    page = client_for("alice@example.com").get(f"/w/briquo/listening/m/{reply_id}").text
    assert "livraison est en retard" in page  # the parent, up the thread
    assert "@lea" in page and "set 4021" in page  # the author's other mention
    assert "What Hearth understood" in page


def test_export_is_csv_audited_and_defuses_formulas(brand, client_for, factory) -> None:
    client = client_for("alice@example.com")
    response = client.get("/w/briquo/listening/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 5
    formula = next(r for r in rows if "HYPERLINK" in r["text"])
    assert formula["text"].startswith("'=")
    from sqlalchemy import select

    from hearth.models import AuditEntry

    with factory() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "listening.mentions.exported" in actions


def test_viewers_may_read_but_not_export_or_save(brand, client_for) -> None:
    client = client_for("vic@example.com")
    assert client.get("/w/briquo/listening").status_code == 200
    assert client.get("/w/briquo/listening/export.csv").status_code == 403
    response = client.post("/w/briquo/listening/queries",
                           data={"name": "x", "query": "pizza", "csrf_token": page_token(client)})
    assert response.status_code == 403


def test_saving_a_broken_query_explains_where(brand, client_for) -> None:
    client = client_for("alice@example.com")
    response = client.post("/w/briquo/listening/queries",
                           data={"name": "broken", "query": "(pizza OR pasta",
                                 "csrf_token": page_token(client)})
    assert response.status_code == 422
    assert "character" in response.text and "(pizza OR pasta" in response.text
