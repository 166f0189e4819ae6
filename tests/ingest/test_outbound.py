"""A poll whose address became internal after it was saved (DNS changed) is refused at the
connection, shown on the channel's health, and never reaches the address."""

from __future__ import annotations

import socket

from tests.factories import SYSTEM, make_user, make_workspace

from hearth.config import Settings
from hearth.ingest import tasks
from hearth.ingest.actions import check_create_channel, do_create_channel
from hearth.ingest.queries import POLL_JOB
from hearth.kit.crypto import SecretBox
from hearth.kit.jobs import JobState, enqueue, run_one
from hearth.models import Channel

REAL_GETADDRINFO = socket.getaddrinfo


def test_poll_to_a_name_now_resolving_to_loopback_is_refused(settings, factory, fake_server,
                                                            monkeypatch):
    port = fake_server.base_url.rsplit(":", 1)[1]
    instance = f"http://social.example.com:{port}"
    with factory() as session:
        workspace = make_workspace(session, "Briquo", make_user(session, "owner@example.com"))
        draft = check_create_channel(session, SYSTEM, workspace.id, "mastodon", "", {
            "cred_instance_url": instance, "cred_access_token": "tok", "terms": "briquo"})
        channel = do_create_channel(session, draft, box=SecretBox(settings.resolved_secret_key),
                                    actor=SYSTEM)
        session.commit()
        channel_id = channel.id

    def rebound(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "social.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    strict = Settings(database_url=settings.database_url, data_dir=settings.data_dir, env="test",
                      secret_key=settings.secret_key)
    tasks.configure(strict)  # no test client: the guarded one, with the default policy
    try:
        with factory() as session:
            enqueue(session, POLL_JOB, {"channel_id": channel_id})
            session.commit()
        assert run_one(factory, "test-worker", kinds=[POLL_JOB]) is JobState.DONE
    finally:
        tasks._context = None
    with factory() as session:
        error = session.get(Channel, channel_id).last_error
    assert error is not None and "Hearth did not connect to Mastodon" in error
    assert "private or internal network" in error
    assert fake_server.requests == []
