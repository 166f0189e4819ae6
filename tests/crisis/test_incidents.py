"""The incident room's domain: opening from an alert, team work, statements, strict moderation,
closing with a frozen post-mortem. Every write is checked, audited and on the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.crisis import incident_queries as iq
from hearth.crisis import incidents
from hearth.kit import jobs
from hearth.kit.errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import (
    AuditEntry,
    Conversation,
    CrisisAlert,
    Incident,
    IncidentEvent,
    Job,
    StatementPost,
    Workspace,
)
from tests.crisis.alerting import raise_alert, surge_at
from tests.factories import add_member, make_user, make_workspace
from tests.inbox.inboxkit import deliver, item


@pytest.fixture
def team(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        ws.settings = {"crisis_contact": "presse@pizzadoro.example"}
        manager = make_user(session, "manager@example.com")
        add_member(session, ws, manager, Role.MANAGER)
        agent = make_user(session, "agent@example.com")
        add_member(session, ws, agent, Role.AGENT)
        viewer = make_user(session, "viewer@example.com")
        add_member(session, ws, viewer, Role.VIEWER)
        stranger = make_user(session, "else@example.com")
        other = make_workspace(session, "Elsewhere", stranger)
        return {
            "ws": ws.id,
            "other": other.id,
            "owner": user_actor(owner),
            "manager": user_actor(manager),
            "agent": user_actor(agent),
            "viewer": user_actor(viewer),
            "stranger": user_actor(stranger),
        }


@pytest.fixture
def room(factory, team) -> str:
    alert_id = raise_alert(factory, team["ws"])
    with factory.begin() as session:
        return incidents.open_incident(session, team["manager"], team["ws"], alert_id=alert_id).id


def _kinds(session, incident_id: str) -> list[str]:
    return list(
        session.scalars(
            select(IncidentEvent.kind)
            .where(IncidentEvent.incident_id == incident_id)
            .order_by(IncidentEvent.at, IncidentEvent.id)
        )
    )


def _actions(session, incident_id: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.target_id == incident_id)
            .order_by(AuditEntry.seq)
        )
    )


def _run_jobs(factory) -> None:
    with factory.begin() as session:
        session.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))
    while jobs.run_one(factory, "test") is not None:
        pass


def test_room_from_an_alert_starts_at_the_first_signal_and_takes_the_alert(factory, team, room):
    with factory() as session:
        incident = session.get(Incident, room)
        alert = session.get(CrisisAlert, incident.alert_id)
        # The surge began one bucket or more before the radar was sure.
        assert incident.started_at == surge_at()
        assert incident.started_at <= alert.opened_at
        assert incident.number == 1 and incident.lead_id == team["manager"].user_id
        assert alert.acknowledged_at is not None  # nobody gets escalated any more
        assert _kinds(session, room) == ["opened"]
        assert _actions(session, room) == ["crisis.incident.opened"]
        # The room shows the peak the data holds, between the first signal and the opening.
        entries = iq.timeline(session, incident, iq.series(session, incident, utcnow()))
        peak = next(e for e in entries if e.kind == "peak")
        assert peak.data["mentions"] == 200


def test_opening_the_same_alert_twice_is_the_same_room(factory, team, room):
    with factory.begin() as session:
        incident = session.get(Incident, room)
        again = incidents.open_incident(
            session, team["owner"], team["ws"], alert_id=incident.alert_id
        )
        assert again.id == room
        assert session.scalar(select(Incident.number).where(Incident.id != room)) is None


def test_rooms_by_hand_need_a_title_and_count_per_workspace(factory, team, room):
    with factory.begin() as session:
        with pytest.raises(ValidationFailedError):
            incidents.open_incident(session, team["manager"], team["ws"], title="   ")
        second = incidents.open_incident(session, team["manager"], team["ws"],
                                         title="Rumeur de rappel produit")
        elsewhere = incidents.open_incident(session, team["stranger"], team["other"],
                                            title="Autre chose")
        assert (second.number, elsewhere.number) == (2, 1)
        assert second.alert_id is None and second.topic_key == ""


def test_who_may_do_what(factory, team, room):
    with factory.begin() as session:
        with pytest.raises(ForbiddenError):
            incidents.open_incident(session, team["viewer"], team["ws"], title="x")
        with pytest.raises(ForbiddenError):
            incidents.add_note(session, team["viewer"], team["ws"], room, "hello")
        with pytest.raises(NotFoundError):  # another workspace sees nothing of it
            incidents.access_incident(session, team["stranger"], team["other"], room)
        with pytest.raises(ForbiddenError):
            incidents.add_task(session, team["agent"], team["ws"], room, "Call the press", None)
        # Agents answering the wave are part of the team: they write notes.
        incidents.add_note(session, team["agent"], team["ws"], room, "Même vidéo sur Bluesky")
        assert _kinds(session, room)[-1] == "note"


def test_tasks_go_to_members_and_their_owner_closes_them(factory, team, room):
    with factory.begin() as session:
        with pytest.raises(ValidationFailedError):
            incidents.add_task(session, team["manager"], team["ws"], room, "Brief the stores",
                               team["stranger"].user_id)
        task = incidents.add_task(session, team["manager"], team["ws"], room,
                                  "Brief the stores", team["agent"].user_id)
        other = incidents.add_task(session, team["manager"], team["ws"], room,
                                   "Call the press office", team["owner"].user_id)
    with factory.begin() as session:
        incidents.complete_task(session, team["agent"], team["ws"], room, task.id)
        with pytest.raises(ForbiddenError):  # not theirs, and agents do not manage crises
            incidents.complete_task(session, team["agent"], team["ws"], room, other.id)
    with factory() as session:
        assert [t.done_at is not None for t in iq.tasks(session, session.get(Incident, room))] == [
            False, True]
        assert _kinds(session, room)[-3:] == ["task.added", "task.added", "task.done"]


def test_statement_from_a_template_is_filled_then_approved(factory, team, room):
    with factory.begin() as session:
        statement = incidents.draft_statement(
            session, team["manager"], team["ws"], room,
            template_key="apology", language="fr",
        )
        assert "Pizzadoro" in statement.text and "presse@pizzadoro.example" in statement.text
        assert "{" not in statement.text
        statement_id = statement.id
    with factory.begin() as session:
        with pytest.raises(ForbiddenError):  # agents draft nothing, approve nothing
            incidents.approve_statement(session, team["agent"], team["ws"], statement_id)
        approved = incidents.approve_statement(session, team["owner"], team["ws"], statement_id)
        assert approved.state == "approved" and approved.approved_by_id == team["owner"].user_id
    with factory.begin() as session:
        with pytest.raises(ConflictError):
            incidents.edit_statement(session, team["manager"], team["ws"], statement_id, "new")
        event = session.scalar(select(IncidentEvent).where(
            IncidentEvent.incident_id == room, IncidentEvent.kind == "statement.approved"))
        assert event.data["own"] is False and event.body == approved.text


def test_unfinished_statement_cannot_be_approved(factory, team, room):
    with factory.begin() as session:
        statement = incidents.draft_statement(session, team["manager"], team["ws"], room,
                                              template_key="update", language="en")
        assert "[To complete]" in statement.text
        statement_id, text = statement.id, statement.text
    with factory.begin() as session:
        with pytest.raises(ValidationFailedError, match="finish the text"):
            incidents.approve_statement(session, team["manager"], team["ws"], statement_id)
        with pytest.raises(ValidationFailedError):  # an unfilled placeholder typed back in
            incidents.approve_statement(session, team["manager"], team["ws"], statement_id,
                                        "Update by {next_update}.")
    finished = text.replace("[To complete]", "The video is two years old; the shop is closed.")
    with factory.begin() as session:
        approved = incidents.approve_statement(session, team["manager"], team["ws"],
                                               statement_id, finished)
        assert approved.text == finished
    with factory() as session:
        own = session.scalar(select(IncidentEvent.data).where(
            IncidentEvent.kind == "statement.approved"))
        assert own["own"] is True  # the drafter approved their own text: said on the timeline


def test_posting_to_the_demo_network_lands_on_the_timeline_once(factory, team, room):
    with factory.begin() as session:
        ws = session.get(Workspace, team["ws"])
        ws.settings = {**ws.settings, "demo": True}
        statement = incidents.draft_statement(session, team["manager"], team["ws"], room,
                                              template_key="acknowledge", language="en")
        incidents.approve_statement(session, team["owner"], team["ws"], statement.id)
        with pytest.raises(ValidationFailedError):
            incidents.post_statement(session, team["manager"], team["ws"], statement.id, [])
        with pytest.raises(ValidationFailedError):  # a channel of another workspace
            incidents.post_statement(session, team["manager"], team["ws"], statement.id,
                                     ["not-a-channel"])
        first = incidents.post_statement(session, team["manager"], team["ws"], statement.id,
                                         [incidents.SIMULATED_TARGET])
        again = incidents.post_statement(session, team["manager"], team["ws"], statement.id,
                                         [incidents.SIMULATED_TARGET])
        assert [p.id for p in first] == [p.id for p in again]
    _run_jobs(factory)
    with factory() as session:
        post = session.scalar(select(StatementPost))
        assert post.outcome == "sent" and post.external_id
        assert _kinds(session, room).count("statement.posted") == 1
        assert "crisis.statement.sent" in _actions(session, room)


def test_strict_moderation_sends_abusive_mentions_to_a_moderator(factory, team, room):
    mild_abuse = "Pizzadoro vous êtes des idiots, vraiment des idiots"
    deliver(factory, team["ws"], item(1, mild_abuse, author="a1"))
    with factory() as session:
        assert session.scalar(select(Conversation)) is None  # standard: the rules decide
    with factory.begin() as session:
        incidents.set_strict_moderation(session, team["manager"], team["ws"], room, True)
        assert session.get(Workspace, team["ws"]).settings["moderation_mode"] == "strict"
    deliver(factory, team["ws"], item(2, mild_abuse, author="a2"))
    with factory() as session:
        conversation = session.scalar(select(Conversation))
        assert conversation is not None and "moderation" in conversation.tags
        assert conversation.priority_label == "high"
    with factory.begin() as session:
        with pytest.raises(ForbiddenError):  # agents do not change the moderation rules
            incidents.set_strict_moderation(session, team["agent"], team["ws"], room, False)
        incidents.close_incident(session, team["manager"], team["ws"], room,
                                 summary="Old video; shop closed; statement posted.")
    with factory() as session:
        assert session.get(Workspace, team["ws"]).settings["moderation_mode"] == "standard"
        assert _kinds(session, room)[-2:] == ["moderation.standard", "closed"]
        assert session.scalar(select(AuditEntry.data).where(
            AuditEntry.action == "moderation.mode.changed").order_by(AuditEntry.seq.desc())
        ) == {"from": "strict", "to": "standard"}


def test_closing_needs_a_post_mortem_and_freezes_its_facts(factory, team, room):
    deliver(
        factory,
        team["ws"],
        *[item(f"v{n}", f"Cette vidéo #pizzadorogate est dégoûtante {n}", author=f"u{n % 4}",
               followers=100 * n) for n in range(1, 9)],
    )
    with factory.begin() as session:
        incident = session.get(Incident, room)
        # The alert was raised on synthetic counts in the past; the mentions arrive now.
        incident.started_at = utcnow() - timedelta(minutes=30)
        with pytest.raises(ValidationFailedError):
            incidents.close_incident(session, team["manager"], team["ws"], room, summary=" ")
    with factory.begin() as session:
        incidents.close_incident(session, team["manager"], team["ws"], room,
                                 summary="A two-year-old video resurfaced.",
                                 lessons="Answer within 30 minutes next time.")
    with factory() as session:
        incident = session.get(Incident, room)
        alert = session.get(CrisisAlert, incident.alert_id)
        assert incident.closed_at is not None and alert.resolved_at is not None
        facts = incident.facts
        assert facts["mentions"] == 8
        top_posts = facts["drivers"]["top_posts"]
        assert top_posts[0]["followers"] == max(p["followers"] for p in top_posts)
        assert len({p["author"] for p in top_posts}) == len(top_posts) == 4  # one per author
        assert facts["drivers"]["platforms"] == [{"key": "mastodon", "count": 8, "negative": facts[
            "negative"]}]
        assert [a["count"] for a in facts["drivers"]["authors"]] == [2, 2, 2, 2]
        assert facts["duration_minutes"] >= 30
        assert "crisis.incident.closed" in _actions(session, room)
    with factory.begin() as session, pytest.raises(ConflictError):  # closed: read-only
        incidents.add_task(session, team["manager"], team["ws"], room, "late", None)


def test_rising_terms_compare_the_incident_with_the_week_before(factory, team):
    old = [item(f"o{n}", f"Super pizza margherita {n}", minutes_ago=60 * 24 * 2 + n)
           for n in range(10)]
    new = [item(f"n{n}", f"Boycott #pizzadorogate maintenant {n}", author=f"x{n}",
                minutes_ago=n) for n in range(6)]
    deliver(factory, team["ws"], *old, *new)
    with factory.begin() as session:
        incident = incidents.open_incident(session, team["manager"], team["ws"], title="Boycott")
        incident.started_at = utcnow() - timedelta(minutes=20)
    with factory() as session:
        found = iq.drivers(session, session.get(Incident, incident.id), utcnow())
        terms = [t.term for t in found.terms]
        assert any("pizzadorogate" in t for t in terms)
        assert not any("margherita" in t for t in terms)
        assert found.total == 6



@pytest.fixture
def mastodon_channel(factory, settings, team):
    import httpx

    from hearth.ingest import tasks as ingest_tasks
    from hearth.ingest.actions import ChannelDraft, ListeningSettings, do_create_channel
    from hearth.ingest.connectors.mastodon.connector import MastodonCredentials
    from hearth.kit.crypto import SecretBox
    from tests.ingest.fakes.server import FakeServer

    with FakeServer() as server, httpx.Client(timeout=2.0) as client:
        ingest_tasks.configure(settings, http=client)
        with factory.begin() as session:
            channel = do_create_channel(
                session,
                ChannelDraft(team["ws"], "mastodon", "Pizzadoro on Mastodon",
                             MastodonCredentials(instance_url=server.base_url,
                                                 access_token="tok-1"),
                             ListeningSettings()),
                box=SecretBox(settings.resolved_secret_key),
                actor=team["owner"],
            )
            channel_id = channel.id
        yield server, channel_id
    ingest_tasks.configure(settings)


def _approved(factory, team, room) -> str:
    with factory.begin() as session:
        statement = incidents.draft_statement(session, team["manager"], team["ws"], room,
                                              template_key="acknowledge", language="fr")
        incidents.approve_statement(session, team["owner"], team["ws"], statement.id)
        return statement.id


def test_statement_is_published_through_the_network_once(factory, team, room, mastodon_channel):
    from tests.inbox.test_delivery import FIXTURES

    server, channel_id = mastodon_channel
    server.reply_file("POST", "/api/v1/statuses", FIXTURES / "status_created.json")
    statement_id = _approved(factory, team, room)
    with factory.begin() as session:
        assert (channel_id, "Pizzadoro on Mastodon (Mastodon)") in incidents.publish_targets(
            session, team["ws"])
        incidents.post_statement(session, team["manager"], team["ws"], statement_id, [channel_id])
    _run_jobs(factory)
    _run_jobs(factory)  # a second pass finds the post sent and sends nothing
    posted = server.requests_to("POST", "/api/v1/statuses")
    assert len(posted) == 1
    body = posted[0].json()
    assert body["status"].startswith("Nous avons vu les messages") and "in_reply_to_id" not in body
    assert posted[0].headers["idempotency-key"] == f"stmt:{statement_id}:{channel_id}"
    with factory() as session:
        assert session.scalar(select(StatementPost.outcome)) == "sent"
        assert _kinds(session, room).count("statement.posted") == 1


def test_refused_statement_shows_why_on_the_timeline(factory, team, room, mastodon_channel):
    server, channel_id = mastodon_channel
    server.reply_json("POST", "/api/v1/statuses", {"error": "Validation failed: Text too long"},
                      status=422)
    statement_id = _approved(factory, team, room)
    with factory.begin() as session:
        incidents.post_statement(session, team["manager"], team["ws"], statement_id, [channel_id])
    _run_jobs(factory)
    _run_jobs(factory)
    assert len(server.requests_to("POST", "/api/v1/statuses")) == 1  # not retried on its own
    with factory() as session:
        post = session.scalar(select(StatementPost))
        assert post.outcome == "failed" and "Text too long" in post.error
        failed = session.scalar(select(IncidentEvent).where(
            IncidentEvent.kind == "statement.failed"))
        assert "Text too long" in failed.data["error"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_people_opening_the_room_at_once_get_the_same_room(factory, team):
    import threading

    alert_id = raise_alert(factory, team["ws"])
    first = factory()
    mine = incidents.open_incident(first, team["manager"], team["ws"], alert_id=alert_id)
    theirs: dict[str, str] = {}

    def open_too() -> None:  # blocks on the unique INC number until the first one commits
        with factory.begin() as session:
            theirs["id"] = incidents.open_incident(
                session, team["owner"], team["ws"], alert_id=alert_id).id

    thread = threading.Thread(target=open_too)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # waiting for the first transaction, not inserting a second room
    first.commit()
    first.close()
    thread.join(timeout=20)
    assert theirs["id"] == mine.id
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1
