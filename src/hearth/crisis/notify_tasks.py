"""The notification jobs: `crisis.alert.notify` (one destination) and `crisis.alert.escalate`.

A job that fails raises, and the queue retries it with backoff. What succeeded is recorded in
``alert_notifications`` in the job's own transaction, so a job that runs again (a retry after a
lost completion, a duplicate enqueue) finds the row and sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.actor import Actor
from hearth.config import Settings
from hearth.crisis import notify
from hearth.crisis.notify_texts import words_for
from hearth.kit import jobs
from hearth.kit.netguard import guarded_client
from hearth.kit.time import utcnow
from hearth.models import AlertDestination, AlertNotification, CrisisAlert, Workspace

log = logging.getLogger("hearth.crisis")
NOTIFIER = Actor.system("crisis.notifier")


@dataclass(frozen=True)
class NotifyContext:
    secret_key: str
    smtp: notify.SmtpSettings | None
    base_url: str | None
    http: httpx.Client


_context: NotifyContext | None = None


def configure(settings: Settings, http: httpx.Client | None = None) -> None:
    """Give the jobs their settings (called by whatever runs the job queue, and by tests)."""
    global _context
    _context = NotifyContext(
        settings.resolved_secret_key,
        notify.SmtpSettings.from_settings(settings),
        settings.base_url.rstrip("/") if settings.base_url else None,
        # Webhook URLs come from workspace admins: the outbound guard's client refuses private
        # and internal addresses (and redirects are not followed).
        http or guarded_client(settings.outbound_policy, timeout=10.0),
    )


def _ctx() -> NotifyContext:
    if _context is None:
        configure(Settings())  # type: ignore[call-arg]  # read from HEARTH_* variables
    assert _context is not None
    return _context


def _link(session: Session, alert: CrisisAlert) -> str | None:
    ctx = _ctx()
    workspace = session.get(Workspace, alert.workspace_id)
    if ctx.base_url is None or workspace is None:
        return None
    return f"{ctx.base_url}/w/{workspace.slug}/crisis/alerts/{alert.id}"


def _already_sent(session: Session, alert_id: str, destination: str, event: str) -> bool:
    return (
        session.scalar(
            select(AlertNotification.id).where(
                AlertNotification.alert_id == alert_id,
                AlertNotification.destination == destination,
                AlertNotification.event == event,
            )
        )
        is not None
    )


def _record_sent(
    session: Session, alert: CrisisAlert, destination: str, event: str, channel: str, action: str
) -> None:
    session.add(
        AlertNotification(
            workspace_id=alert.workspace_id,
            alert_id=alert.id,
            destination=destination,
            event=event,
            channel=channel,
        )
    )
    record(
        session,
        actor=NOTIFIER,
        action=action,
        workspace_id=alert.workspace_id,
        target=Target("crisis_alert", alert.id, alert.topic_label or alert.metric),
        data={"destination": _safe_label(session, destination), "event": event},
    )


def _safe_label(session: Session, destination: str) -> str:
    """What the audit log names: the address, or a webhook's kind and host (never its path)."""
    prefix, _, rest = destination.partition(":")
    if prefix != "webhook":
        return destination
    dest = session.get(AlertDestination, rest)
    return f"webhook:{dest.kind}:{httpx.URL(dest.target).host}" if dest else destination


def _send_email(session: Session, alert: CrisisAlert, event: str, address: str) -> bool:
    smtp = _ctx().smtp
    if smtp is None:
        log.warning("HEARTH_SMTP_HOST is not set: alert %s not e-mailed to %s", alert.id, address)
        return False
    locale, zone = notify.reader_of(session, alert.workspace_id, address)
    words = words_for(alert, event, locale, zone)
    msg = notify.email_message(words, _link(session, alert), sender=smtp.sender, to=address)
    notify.send_email(smtp, msg)
    return True


def _send_webhook(session: Session, alert: CrisisAlert, event: str, destination_id: str) -> bool:
    dest = session.get(AlertDestination, destination_id)
    if dest is None or dest.workspace_id != alert.workspace_id:
        return False  # removed since the alert opened: nothing to send
    ctx = _ctx()
    secret = notify.webhook_box(ctx.secret_key).open(dest.secret_sealed).get("secret", "")
    workspace = session.get(Workspace, alert.workspace_id)
    words = words_for(alert, event, workspace.default_language if workspace else "en",
                      workspace.timezone if workspace else "UTC")
    body = notify.webhook_body(dest.kind, alert, event, _link(session, alert), words)
    notify.post_webhook(ctx.http, dest.target, body, secret, utcnow())
    return True


@jobs.job_handler(notify.NOTIFY_JOB)
def notify_alert(session: Session, payload: dict[str, Any]) -> None:
    alert = session.get(CrisisAlert, payload["alert_id"])
    destination, event = payload["destination"], payload["event"]
    if alert is None or _already_sent(session, alert.id, destination, event):
        return
    prefix, _, rest = destination.partition(":")
    if prefix == "email":
        sent = _send_email(session, alert, event, rest)
    else:
        sent = _send_webhook(session, alert, event, rest)
    if sent:
        _record_sent(session, alert, destination, event, prefix, "crisis.alert.notified")


@jobs.job_handler(notify.ESCALATE_JOB)
def escalate_alert(session: Session, payload: dict[str, Any]) -> None:
    """After the delay: if nobody acknowledged the open alert, e-mail the escalation contact."""
    alert = session.get(CrisisAlert, payload["alert_id"])
    if alert is None or alert.acknowledged_at is not None or alert.resolved_at is not None:
        return
    policy = notify.find_escalation_policy(session, alert.workspace_id)
    if policy is None:
        return
    destination = f"escalation:{policy.contact_email}"
    if _already_sent(session, alert.id, destination, "escalation"):
        return
    if _send_email(session, alert, "escalation", policy.contact_email):
        _record_sent(
            session, alert, destination, "escalation", "email", "crisis.alert.escalation_sent"
        )
