"""The poll job against fake networks: items stored, cursor advanced, faults handled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.factories import SYSTEM, make_user, make_workspace
from tests.ingest.fakes import Canned

from hearth.ingest import tasks
from hearth.ingest.actions import check_create_channel, do_create_channel, stored_credentials
from hearth.ingest.connectors import mastodon, reddit
from hearth.ingest.queries import POLL_JOB
from hearth.ingest.tasks import SCHEDULE_JOB, ensure_polls_scheduled, schedule_due_polls
from hearth.kit.crypto import SecretBox
from hearth.kit.jobs import JobState, enqueue, run_one
from hearth.kit.time import utcnow
from hearth.models import Channel, Job, Mention

MASTODON = Path(mastodon.__file__).parent / "fixtures"
REDDIT = Path(reddit.__file__).parent / "fixtures"


@pytest.fixture
def box(settings, http_client):
    tasks.configure(settings, http=http_client)
    yield SecretBox(settings.resolved_secret_key)
    tasks._context = None


@pytest.fixture
def workspace_id(factory):
    with factory() as session:
        owner = make_user(session, "owner@example.com")
        workspace = make_workspace(session, "Briquo", owner)
        session.commit()
        return workspace.id


def _channel(factory, box, workspace_id, platform, form) -> str:
    with factory() as session:
        draft = check_create_channel(session, SYSTEM, workspace_id, platform, "", form)
        channel = do_create_channel(session, draft, box=box, actor=SYSTEM)
        session.commit()
        return channel.id


@pytest.fixture
def mastodon_channel(factory, box, workspace_id, fake_server):
    form = {"cred_instance_url": fake_server.base_url, "cred_access_token": "tok-123",
            "terms": "brickworks"}
    return _channel(factory, box, workspace_id, "mastodon", form)


def _poll(factory, channel_id: str) -> JobState | None:
    with factory() as session:
        enqueue(session, POLL_JOB, {"channel_id": channel_id})
        session.commit()
    return run_one(factory, "test-worker", kinds=[POLL_JOB])


def _mentions(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Mention))


def _channel_row(factory, channel_id: str) -> Channel:
    with factory() as session:
        channel = session.get(Channel, channel_id)
        session.expunge(channel)
        return channel


def _mastodon_answers(fake_server) -> None:
    fake_server.reply_file("GET", "/api/v2/search", MASTODON / "search_v2.json")
    fake_server.reply_file("GET", "/api/v1/notifications", MASTODON / "notifications.json")


def test_poll_stores_items_and_advances_the_cursor(factory, fake_server, mastodon_channel):
    _mastodon_answers(fake_server)
    assert _poll(factory, mastodon_channel) is JobState.DONE
    channel = _channel_row(factory, mastodon_channel)
    assert _mentions(factory) > 0
    assert channel.cursor["search:brickworks"] == "112000000000000310"
    assert channel.last_success_at is not None and channel.last_error is None
    assert channel.items_today == _mentions(factory)
    with factory() as session:
        assert set(session.scalars(select(Mention.channel_id))) == {mastodon_channel}


def test_next_poll_asks_from_the_stored_cursor(factory, fake_server, mastodon_channel):
    _mastodon_answers(fake_server)
    _poll(factory, mastodon_channel)
    _poll(factory, mastodon_channel)
    searches = fake_server.requests_to("GET", "/api/v2/search")
    assert searches[0].param("min_id") is None
    assert searches[1].param("min_id") == "112000000000000310"


def test_redelivered_page_stores_nothing_twice(factory, fake_server, mastodon_channel):
    _mastodon_answers(fake_server)
    _poll(factory, mastodon_channel)
    first = _mentions(factory)
    with factory() as session:  # as if the first poll's commit never happened for the cursor
        session.get(Channel, mastodon_channel).cursor = {}
        session.commit()
    _poll(factory, mastodon_channel)
    assert _mentions(factory) == first


def test_rate_limit_reschedules_the_poll_without_failing(factory, fake_server, mastodon_channel):
    fake_server.reply_rate_limited("GET", "/api/v2/search", retry_after="120")
    assert _poll(factory, mastodon_channel) is JobState.DONE
    channel = _channel_row(factory, mastodon_channel)
    assert "rate limiting" in channel.last_error and channel.cursor == {}
    with factory() as session:
        queued = session.scalars(select(Job).where(Job.kind == POLL_JOB,
                                                   Job.state == JobState.QUEUED)).all()
    assert len(queued) == 1
    assert queued[0].run_at >= utcnow() + timedelta(seconds=100)


def test_server_error_is_retried_by_the_job_queue(factory, fake_server, mastodon_channel):
    fake_server.reply_server_error("GET", "/api/v2/search", 500)
    assert _poll(factory, mastodon_channel) is JobState.QUEUED
    channel = _channel_row(factory, mastodon_channel)
    assert "could not be reached" in channel.last_error
    assert _mentions(factory) == 0 and channel.cursor == {}
    with factory() as session:
        job = session.scalar(select(Job).where(Job.kind == POLL_JOB))
        assert job.attempts == 1 and job.run_at > utcnow()


def test_refused_token_without_refresh_is_reported_in_plain_words(
    factory, fake_server, mastodon_channel
):
    fake_server.reply_expired_token("GET", "/api/v2/search")
    assert _poll(factory, mastodon_channel) is JobState.DONE
    channel = _channel_row(factory, mastodon_channel)
    assert channel.last_error.startswith("Mastodon refused the credentials: reconnect")
    assert channel.last_success_at is None


def test_expired_token_is_refreshed_and_the_new_one_sealed(
    factory, fake_server, box, workspace_id
):
    form = {"cred_client_id": "cid", "cred_client_secret": "csecret",
            "cred_username": "BrickworksTeam", "cred_refresh_token": "refresh-1",
            "cred_auth_url": fake_server.base_url, "cred_api_url": fake_server.base_url,
            "terms": "brickworks"}
    channel_id = _channel(factory, box, workspace_id, "reddit", form)
    fake_server.add("GET", "/search", Canned.json({"message": "Unauthorized"}, 401),
                    Canned.file(REDDIT / "search.json"))
    fake_server.reply_file("POST", "/api/v1/access_token", REDDIT / "token.json")
    assert _poll(factory, channel_id) is JobState.DONE
    channel = _channel_row(factory, channel_id)
    assert channel.last_error is None and _mentions(factory) == 2
    renewed = stored_credentials(channel, box)
    assert renewed.access_token.get_secret_value() == "reddit-access-2"
    assert "reddit-access-2" not in channel.credentials_encrypted


def test_disabled_or_deleted_channel_is_not_polled(factory, fake_server, mastodon_channel):
    with factory() as session:
        session.get(Channel, mastodon_channel).disabled_at = utcnow()
        session.commit()
    assert _poll(factory, mastodon_channel) is JobState.DONE
    assert fake_server.requests == []


def test_scheduler_queues_due_pollable_channels_once(factory, box, workspace_id, fake_server,
                                                     mastodon_channel):
    _channel(factory, box, workspace_id, "webhook", {"cred_secret": "s" * 40})
    with factory() as session:
        assert schedule_due_polls(session) == [mastodon_channel]
        assert schedule_due_polls(session) == []  # already queued
        session.commit()


def test_scheduler_waits_for_the_channel_interval(factory, box, workspace_id, mastodon_channel):
    now = utcnow()
    with factory() as session:
        channel = session.get(Channel, mastodon_channel)
        channel.last_success_at = now - timedelta(minutes=3)
        channel.settings = {**channel.settings, "poll_minutes": 5}
        assert schedule_due_polls(session, now) == []
        assert schedule_due_polls(session, now + timedelta(minutes=2)) == [mastodon_channel]


def test_scheduler_job_queues_polls_and_comes_back(factory, mastodon_channel):
    with factory() as session:
        assert ensure_polls_scheduled(session) is True
        assert ensure_polls_scheduled(session) is False
        session.commit()
    assert run_one(factory, "test-worker", kinds=[SCHEDULE_JOB]) is JobState.DONE
    with factory() as session:
        queued = session.execute(select(Job.kind, Job.payload).where(
            Job.state == JobState.QUEUED)).all()
    assert sorted(kind for kind, _ in queued) == [POLL_JOB, SCHEDULE_JOB]
    assert [p for kind, p in queued if kind == POLL_JOB] == [{"channel_id": mastodon_channel}]
