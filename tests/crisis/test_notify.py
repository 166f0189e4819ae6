"""Alert notifications: e-mail over a fake SMTP server, signed webhooks over a fake HTTP server,
preferences, escalation, retries without duplicates, and who may configure them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.crisis import actions, notify, notify_tasks
from hearth.kit import jobs
from hearth.kit.errors import ForbiddenError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import AlertNotification, AuditEntry, CrisisAlert, Job
from tests.crisis.alerting import raise_alert
from tests.factories import add_member, make_user, make_workspace
from tests.ingest.fakes.smtp_server import PASSWORD, USER, FakeSmtpServer

SECRET = "whsec-test-0123456789"


class FakeWebhook:
    """Records each POST (path, headers, body); answers ``fail_next`` times with 500 first."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.fail_next = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.fail_next > 0:
                    hook.fail_next -= 1
                    self.send_response(500)
                else:
                    hook.received.append((self.path, dict(self.headers), body))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> FakeWebhook:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def hook() -> Iterator[FakeWebhook]:
    with FakeWebhook() as server:
        yield server


@pytest.fixture
def configured(settings, smtp):
    mail = settings.model_copy(
        update={
            "smtp_host": smtp.host,
            "smtp_port": smtp.port,
            "smtp_username": USER,
            "smtp_password": PASSWORD,
            "smtp_from": "alerts@hearth.example",
            "smtp_starttls": False,
            "base_url": "https://hearth.example",
        }
    )
    notify_tasks.configure(mail)
    yield mail
    notify_tasks._context = None


@pytest.fixture
def team(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        ws.default_language = "en"  # extra addresses and webhooks speak the workspace's language
        viewer = make_user(session, "viewer@example.com", locale="fr")
        add_member(session, ws, viewer, Role.VIEWER)
        return {"ws": ws.id, "owner": user_actor(owner), "viewer": user_actor(viewer)}


def _box(settings) -> notify.SecretBox:
    return notify.webhook_box(settings.resolved_secret_key)


def _add(factory, settings, team, kind: str, target: str, secret: str = "") -> str:
    with factory.begin() as session:
        dest = notify.do_add_destination(
            session,
            team["ws"],
            kind=kind,
            target=target,
            secret=secret,
            box=_box(settings),
            actor=team["owner"],
        )
        return dest.id


def _drain(factory, kinds=(notify.NOTIFY_JOB,)) -> list[jobs.JobState]:
    states = []
    while (state := jobs.run_one(factory, "test", list(kinds))) is not None:
        states.append(state)
    return states


def _audit(session, action: str) -> list[dict]:
    return [
        e.data
        for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        )
    ]


def _recipients(smtp: FakeSmtpServer) -> list[str]:
    return sorted(r for got in smtp.received for r in got.rcpt_to)


def test_opened_alert_is_emailed_to_members_and_extra_addresses(factory, team, configured, smtp):
    _add(factory, configured, team, "email", "press@example.com")
    alert_id = raise_alert(factory, team["ws"])
    assert _drain(factory) == [jobs.JobState.DONE] * 3
    assert _recipients(smtp) == ["owner@example.com", "press@example.com", "viewer@example.com"]
    by_reader = {got.rcpt_to[0]: got.message() for got in smtp.received}
    msg = by_reader["owner@example.com"]
    assert msg["Subject"].strip().startswith("Hearth crisis alert: negative mentions ×")
    assert "usual level for a Monday" in msg["Subject"]
    assert f"https://hearth.example/w/pizzadoro/crisis/alerts/{alert_id}" in msg.get_content()
    # Each member reads it in their own language and time zone.
    french = by_reader["viewer@example.com"]
    assert french["Subject"].strip().startswith("Alerte Hearth (crise) : les mentions négatives")
    assert "L'ouvrir dans Hearth" in french.get_content()
    assert "CET" in french.get_content() or "CEST" in french.get_content()
    with factory() as session:
        notified = _audit(session, "crisis.alert.notified")
        assert sorted(d["destination"] for d in notified)[0] == "email:owner@example.com"
        assert len(session.scalars(select(AlertNotification)).all()) == 3


def test_webhooks_are_signed_and_shaped_per_kind(factory, team, configured, smtp, hook):
    _add(factory, configured, team, "slack", hook.url("/slack"))
    _add(factory, configured, team, "teams", hook.url("/teams"))
    _add(factory, configured, team, "generic", hook.url("/generic"), secret=SECRET)
    alert_id = raise_alert(factory, team["ws"])
    _drain(factory)
    bodies = {path: (headers, body) for path, headers, body in hook.received}
    assert set(bodies) == {"/slack", "/teams", "/generic"}
    slack = json.loads(bodies["/slack"][1])
    assert slack["text"].startswith("Hearth crisis alert: negative mentions")
    assert slack["blocks"][0]["type"] == "header"
    assert json.loads(bodies["/teams"][1])["@type"] == "MessageCard"
    headers, body = bodies["/generic"]
    expected = hmac.new(
        SECRET.encode(), headers["X-Hearth-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Hearth-Signature"] == f"sha256={expected}"
    assert json.loads(body)["alert"]["id"] == alert_id
    assert "X-Hearth-Signature" not in bodies["/slack"][0]  # no secret given: unsigned


def test_webhook_secret_is_sealed_at_rest(factory, team, configured):
    dest_id = _add(factory, configured, team, "generic", "https://hooks.example/x", SECRET)
    with factory() as session:
        dest = notify.get_destination(session, team["ws"], dest_id)
        assert SECRET not in dest.secret_sealed
        assert _box(configured).open(dest.secret_sealed) == {"secret": SECRET}


def test_preferences_opt_out_and_minimum_severity(factory, team, configured, smtp):
    with factory.begin() as session:
        off = notify.Preferences(crisis_email=False)
        notify.do_set_preferences(session, team["ws"], off, actor=team["viewer"])
        only_crisis = notify.Preferences(min_severity="crisis")
        notify.do_set_preferences(session, team["ws"], only_crisis, actor=team["owner"])
    with factory() as session:
        assert notify.member_recipients(session, team["ws"], "crisis") == ["owner@example.com"]
        assert notify.member_recipients(session, team["ws"], "warning") == []
    raise_alert(factory, team["ws"])  # a crisis-level alert
    _drain(factory)
    assert _recipients(smtp) == ["owner@example.com"]


def test_failed_webhook_retries_and_sends_nothing_twice(factory, team, configured, smtp, hook):
    _add(factory, configured, team, "generic", hook.url("/generic"), secret=SECRET)
    hook.fail_next = 1
    raise_alert(factory, team["ws"])
    assert sorted(_drain(factory)) == [jobs.JobState.DONE] * 2 + [jobs.JobState.QUEUED]
    assert hook.received == [] and len(smtp.received) == 2
    with factory.begin() as session:  # the backoff has passed
        session.execute(update(Job).where(Job.state == "queued").values(run_at=utcnow()))
    assert _drain(factory) == [jobs.JobState.DONE]
    assert len(hook.received) == 1 and len(smtp.received) == 2


def test_a_job_run_twice_sends_once(factory, team, configured, smtp):
    alert_id = raise_alert(factory, team["ws"])
    _drain(factory)
    with factory.begin() as session:
        payload = {"alert_id": alert_id, "destination": "email:owner@example.com"}
        jobs.enqueue(session, notify.NOTIFY_JOB, payload | {"event": "opened"})
    assert _drain(factory) == [jobs.JobState.DONE]
    assert _recipients(smtp) == ["owner@example.com", "viewer@example.com"]


def test_escalation_after_the_delay_when_nobody_acknowledged(factory, team, configured, smtp):
    with factory.begin() as session:
        notify.do_set_escalation(session, team["ws"], "boss@example.com", 30, actor=team["owner"])
    alert_id = raise_alert(factory, team["ws"])
    assert _drain(factory, [notify.ESCALATE_JOB]) == []  # not due yet
    _make_due(factory)
    assert _drain(factory, [notify.ESCALATE_JOB]) == [jobs.JobState.DONE]
    assert _recipients(smtp) == ["boss@example.com"]
    assert "Nobody has acknowledged this Hearth alert yet" in smtp.received[0].message()["Subject"]
    with factory() as session:
        sent = _audit(session, "crisis.alert.escalation_sent")
        assert sent == [{"destination": "escalation:boss@example.com", "event": "escalation"}]
        assert session.get(CrisisAlert, alert_id).acknowledged_at is None


def test_no_escalation_once_acknowledged(factory, team, configured, smtp):
    with factory.begin() as session:
        notify.do_set_escalation(session, team["ws"], "boss@example.com", 30, actor=team["owner"])
    alert_id = raise_alert(factory, team["ws"])
    with factory.begin() as session:
        alert = actions.check_acknowledge_alert(session, team["owner"], team["ws"], alert_id)
        actions.do_acknowledge_alert(session, alert, actor=team["owner"])
    _make_due(factory)
    assert _drain(factory, [notify.ESCALATE_JOB]) == [jobs.JobState.DONE]
    assert smtp.received == []


def _make_due(factory) -> None:
    with factory.begin() as session:
        job = session.scalars(select(Job).where(Job.kind == notify.ESCALATE_JOB)).one()
        assert job.run_at > utcnow() + timedelta(minutes=29)
        job.run_at = utcnow()


def test_escalation_alert_opened_without_policy_schedules_nothing(factory, team):
    raise_alert(factory, team["ws"])
    with factory() as session:
        kinds = session.scalars(select(Job.kind).where(Job.kind.like("crisis.alert.%"))).all()
        assert notify.ESCALATE_JOB not in kinds and notify.NOTIFY_JOB in kinds


def test_only_crisis_managers_configure_destinations(factory, team):
    with factory() as session:
        with pytest.raises(ForbiddenError):
            notify.check_manage_notifications(session, team["viewer"], team["ws"])
        notify.check_manage_notifications(session, team["owner"], team["ws"])


@pytest.mark.parametrize(
    ("kind", "target"),
    [("email", "not-an-address"), ("slack", "ftp://x.example/"), ("pager", "a@b.example")],
)
def test_bad_destination_is_refused_clearly(factory, team, settings, kind, target):
    with factory() as session, pytest.raises(ValidationFailedError):
        notify.do_add_destination(
            session, team["ws"], kind=kind, target=target, box=_box(settings), actor=team["owner"]
        )


def test_bad_escalation_delay_is_refused(factory, team):
    with factory() as session, pytest.raises(ValidationFailedError):
        notify.do_set_escalation(session, team["ws"], "boss@example.com", 0, actor=team["owner"])


def test_escalated_alert_is_sent_again(factory, team, configured, smtp):
    alert_id = raise_alert(factory, team["ws"])
    _drain(factory)
    with factory.begin() as session:
        alert = session.get(CrisisAlert, alert_id)
        actions.do_escalate_alert(
            session,
            alert,
            severity="crisis",
            score=alert.score + 1,
            metric=alert.metric,
            reason=alert.reason,
            at=utcnow(),
            actor=actions.RADAR,
        )
    assert _drain(factory) == [jobs.JobState.DONE] * 2
    subjects = sorted(r.message()["Subject"].strip() for r in smtp.received[2:])
    assert subjects[0].startswith("Hearth alert now crisis")
    assert subjects[1].startswith("L'alerte Hearth passe en crise")
    with factory() as session:
        events = session.scalars(select(AlertNotification.event)).all()
        assert sorted(events) == ["escalated:crisis"] * 2 + ["opened"] * 2
