"""Crisis alert notifications: where they go, who wants them, and what is sent.

When an alert opens or escalates, `enqueue_alert_notifications` enqueues one
``crisis.alert.notify`` job per destination in the radar's own transaction: a rollback drops
them, and one failing webhook retries alone without resending the e-mails that already left.
`schedule_escalation` enqueues the ``crisis.alert.escalate`` job that, after the workspace's
delay, e-mails the escalation contact if nobody acknowledged the alert.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.config import Settings
from hearth.crisis.notify_texts import AlertWords
from hearth.kit import jobs
from hearth.kit.crypto import SecretBox
from hearth.kit.errors import HearthError, NotFoundError, ValidationFailedError
from hearth.kit.netguard import OutboundPolicy, check_url, default_policy
from hearth.kit.time import utcnow
from hearth.models import (
    AlertDestination,
    AlertEscalationPolicy,
    CrisisAlert,
    Membership,
    NotificationPreference,
    User,
    Workspace,
)

NOTIFY_JOB = "crisis.alert.notify"
ESCALATE_JOB = "crisis.alert.escalate"
SEVERITIES = ("watch", "warning", "crisis")
WEBHOOK_KINDS = ("slack", "teams", "generic")
DEFAULT_MIN_SEVERITY = "warning"
SIGNATURE_HEADER = "X-Hearth-Signature"
TIMESTAMP_HEADER = "X-Hearth-Timestamp"
MAX_ESCALATION_MINUTES = 7 * 24 * 60
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BOX_PURPOSE = "alert-webhooks"


class DestinationNotFoundError(NotFoundError):
    """Alert destination not found."""


class WebhookRejectedError(HearthError):
    """The webhook answered with an error status."""

    status = 502


# --- configuration (admins) -------------------------------------------------------------------


def webhook_box(secret_key: str) -> SecretBox:
    return SecretBox(secret_key, purpose=_BOX_PURPOSE)


def check_manage_notifications(session: Session, actor: Actor, workspace_id: str) -> None:
    access_with(session, actor, workspace_id, Permission.CRISIS_MANAGE)


def _valid_email(address: str) -> str:
    address = address.strip()
    if len(address) > 320 or not _EMAIL.match(address):
        raise ValidationFailedError("enter an e-mail address such as team@example.com")
    return address


def _valid_url(url: str, policy: OutboundPolicy) -> str:
    url = url.strip()
    parsed = httpx.URL(url) if url else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationFailedError("enter the webhook's full URL, starting with https://")
    if len(url) > 500:
        raise ValidationFailedError("the webhook URL is too long (500 characters at most)")
    # Refused at once where the admin can correct it; the sending client checks again.
    check_url(url, policy)
    return url


def _destination_target(dest: AlertDestination) -> Target:
    # Only the host of a webhook: its URL often carries a secret token (Slack, Teams).
    label = dest.target if dest.kind == "email" else httpx.URL(dest.target).host
    return Target("alert_destination", dest.id, f"{dest.kind}: {label}")


def do_add_destination(
    session: Session,
    workspace_id: str,
    *,
    kind: str,
    target: str,
    secret: str = "",
    box: SecretBox,
    actor: Actor,
    policy: OutboundPolicy | None = None,
) -> AlertDestination:
    """``policy`` is the outbound guard's (``Settings.outbound_policy``); a webhook to a
    private or internal address raises ``DestinationRefusedError``."""
    if kind == "email":
        target, sealed = _valid_email(target), ""
    elif kind in WEBHOOK_KINDS:
        target = _valid_url(target, policy or default_policy())
        sealed = box.seal({"secret": secret.strip()}) if secret.strip() else ""
    else:
        raise ValidationFailedError("choose e-mail, Slack, Teams or generic webhook")
    dest = AlertDestination(
        workspace_id=workspace_id,
        kind=kind,
        target=target,
        secret_sealed=sealed,
        created_by_id=actor.user_id,
    )
    session.add(dest)
    session.flush()
    record(
        session,
        actor=actor,
        action="crisis.notification.destination_added",
        workspace_id=workspace_id,
        target=_destination_target(dest),
        data={"kind": kind, "signed": bool(sealed)},
    )
    return dest


def get_destination(session: Session, workspace_id: str, destination_id: str) -> AlertDestination:
    dest = session.get(AlertDestination, destination_id)
    if dest is None or dest.workspace_id != workspace_id:
        raise DestinationNotFoundError()
    return dest


def do_remove_destination(session: Session, dest: AlertDestination, *, actor: Actor) -> None:
    record(
        session,
        actor=actor,
        action="crisis.notification.destination_removed",
        workspace_id=dest.workspace_id,
        target=_destination_target(dest),
        data={"kind": dest.kind},
    )
    session.delete(dest)


def list_destinations(session: Session, workspace_id: str) -> list[AlertDestination]:
    return list(
        session.scalars(
            select(AlertDestination)
            .where(AlertDestination.workspace_id == workspace_id)
            .order_by(AlertDestination.created_at, AlertDestination.id)
        )
    )


def find_escalation_policy(session: Session, workspace_id: str) -> AlertEscalationPolicy | None:
    return session.scalar(
        select(AlertEscalationPolicy).where(AlertEscalationPolicy.workspace_id == workspace_id)
    )


def do_set_escalation(
    session: Session, workspace_id: str, contact_email: str, delay_minutes: int, *, actor: Actor
) -> None:
    """Set (or, with an empty address, remove) the escalation contact and delay."""
    policy = find_escalation_policy(session, workspace_id)
    if not contact_email.strip():
        if policy is not None:
            session.delete(policy)
        data: dict[str, Any] = {"contact": None}
    else:
        if not 1 <= delay_minutes <= MAX_ESCALATION_MINUTES:
            raise ValidationFailedError("the delay is between 1 minute and 7 days")
        contact_email = _valid_email(contact_email)
        if policy is None:
            policy = AlertEscalationPolicy(workspace_id=workspace_id)
            session.add(policy)
        policy.contact_email, policy.delay_minutes = contact_email, delay_minutes
        policy.updated_at = utcnow()
        data = {"contact": contact_email, "delay_minutes": delay_minutes}
    record(
        session,
        actor=actor,
        action="crisis.notification.escalation_changed",
        workspace_id=workspace_id,
        data=data,
    )


# --- preferences (each user) ------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    crisis_email: bool = True
    min_severity: str = DEFAULT_MIN_SEVERITY

    def wants(self, severity: str) -> bool:
        return self.crisis_email and _rank(severity) >= _rank(self.min_severity)


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def get_preferences(session: Session, workspace_id: str, user_id: str) -> Preferences:
    row = _preference_row(session, workspace_id, user_id)
    return Preferences(row.crisis_email, row.min_severity) if row else Preferences()


def _preference_row(
    session: Session, workspace_id: str, user_id: str
) -> NotificationPreference | None:
    return session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.workspace_id == workspace_id,
            NotificationPreference.user_id == user_id,
        )
    )


def do_set_preferences(
    session: Session, workspace_id: str, prefs: Preferences, *, actor: Actor
) -> None:
    access_with(session, actor, workspace_id, Permission.CRISIS_VIEW)
    if prefs.min_severity not in SEVERITIES:
        raise ValidationFailedError("choose watch, warning or crisis")
    assert actor.user_id is not None
    row = _preference_row(session, workspace_id, actor.user_id)
    if row is None:
        row = NotificationPreference(workspace_id=workspace_id, user_id=actor.user_id)
        session.add(row)
    row.crisis_email, row.min_severity = prefs.crisis_email, prefs.min_severity
    row.updated_at = utcnow()
    record(
        session,
        actor=actor,
        action="crisis.notification.preferences_changed",
        workspace_id=workspace_id,
        data={"crisis_email": prefs.crisis_email, "min_severity": prefs.min_severity},
    )


# --- fan-out (in the radar's transaction) -----------------------------------------------------


def member_recipients(session: Session, workspace_id: str, severity: str) -> list[str]:
    """The members' addresses whose preferences ask for an alert of this severity."""
    rows = session.execute(
        select(User.email, NotificationPreference)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(
            NotificationPreference,
            (NotificationPreference.user_id == User.id)
            & (NotificationPreference.workspace_id == workspace_id),
        )
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    ).all()
    wanted = []
    for email, row in rows:
        prefs = Preferences(row.crisis_email, row.min_severity) if row else Preferences()
        if prefs.wants(severity):
            wanted.append(email)
    return wanted


def destinations_for(session: Session, alert: CrisisAlert) -> list[str]:
    """Destination keys: ``email:<address>`` (deduplicated) and ``webhook:<id>``."""
    emails = dict.fromkeys(member_recipients(session, alert.workspace_id, alert.severity))
    webhooks = []
    for dest in list_destinations(session, alert.workspace_id):
        if dest.kind == "email":
            emails[dest.target] = None
        else:
            webhooks.append(f"webhook:{dest.id}")
    return [f"email:{address}" for address in emails] + webhooks


def enqueue_alert_notifications(session: Session, alert: CrisisAlert, event: str) -> int:
    """One job per destination; none while the alert's topic is snoozed. Returns the count."""
    at = alert.escalated_at if event.startswith("escalated") else alert.opened_at
    if alert.snoozed_until is not None and at is not None and alert.snoozed_until > at:
        return 0
    keys = destinations_for(session, alert)
    for key in keys:
        jobs.enqueue(
            session,
            NOTIFY_JOB,
            {"alert_id": alert.id, "destination": key, "event": event},
            workspace_id=alert.workspace_id,
            max_attempts=8,
        )
    return len(keys)


def schedule_escalation(session: Session, alert: CrisisAlert) -> bool:
    """Arm the escalation check, measured from now (the radar may open an alert late)."""
    policy = find_escalation_policy(session, alert.workspace_id)
    if policy is None:
        return False
    jobs.enqueue(
        session,
        ESCALATE_JOB,
        {"alert_id": alert.id},
        workspace_id=alert.workspace_id,
        run_at=utcnow() + timedelta(minutes=policy.delay_minutes),
        max_attempts=8,
    )
    return True


# --- messages ---------------------------------------------------------------------------------


def alert_json(alert: CrisisAlert, event: str, link: str | None) -> dict[str, Any]:
    """The generic webhook: data for machines, plus the summary in words for people."""
    return {
        "event": event,
        "alert": {
            "id": alert.id,
            "workspace_id": alert.workspace_id,
            "topic": alert.topic_label,
            "topic_key": alert.topic_key,
            "metric": alert.metric,
            "severity": alert.severity,
            "score": round(alert.score, 4),
            "reason": alert.reason,
            "rising_terms": [t["term"] for t in (alert.rising_terms or [])[:10]],
            "opened_at": alert.opened_at.isoformat(),
            "escalated_at": alert.escalated_at.isoformat() if alert.escalated_at else None,
            "url": link,
        },
    }


def slack_body(words: AlertWords, link: str | None) -> dict[str, Any]:
    detail = f"*{words.labels['terms']}:* {words.terms}"
    if link:
        detail += f"\n<{link}|{words.labels['open_link']}>"
    return {
        "text": words.title,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": words.title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": detail}},
        ],
    }


_COLOURS = {"watch": "FFC107", "warning": "FF8C00", "crisis": "D32F2F"}


def teams_body(alert: CrisisAlert, words: AlertWords, link: str | None) -> dict[str, Any]:
    """An Office 365 connector MessageCard (what Teams incoming webhooks accept)."""
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": words.title,
        "themeColor": _COLOURS.get(alert.severity, "808080"),
        "title": words.title,
        "sections": [
            {
                "facts": [
                    {"name": words.labels["topic"], "value": words.topic},
                    {"name": words.labels["severity"], "value": words.severity},
                    {"name": words.labels["terms"], "value": words.terms},
                ]
            }
        ],
    }
    if link:
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": words.labels["open_link"],
                "targets": [{"os": "default", "uri": link}],
            }
        ]
    return card


def webhook_body(
    kind: str, alert: CrisisAlert, event: str, link: str | None, words: AlertWords
) -> dict[str, Any]:
    if kind == "slack":
        return slack_body(words, link)
    if kind == "teams":
        return teams_body(alert, words, link)
    return {**alert_json(alert, event, link), "text": words.title}


def email_message(
    words: AlertWords, link: str | None, *, sender: str, to: str
) -> EmailMessage:
    msg = EmailMessage(policy=email_policy.SMTP)
    msg["From"], msg["To"] = sender, to
    msg["Subject"] = words.title
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "hearth.local")
    labels = words.labels
    lines = [
        words.title,
        "",
        f"{labels['topic']}: {words.topic}",
        f"{labels['severity']}: {words.severity}",
        f"{labels['terms']}: {words.terms}",
        f"{labels['opened_at']}: {words.opened_at}",
    ]
    if link:
        lines += ["", f"{labels['open_link']}: {link}"]
    msg.set_content("\n".join(lines) + "\n")
    return msg


def reader_of(session: Session, workspace_id: str, address: str) -> tuple[str, str]:
    """(locale, time zone) for a recipient: a member's own, else the workspace's."""
    workspace = session.get(Workspace, workspace_id)
    default = (workspace.default_language, workspace.timezone) if workspace else ("en", "UTC")
    user = session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id, func.lower(User.email) == address.lower())
    )
    if user is None:
        return default
    return user.locale or default[0], user.timezone or default[1]


# --- transport --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    sender: str
    starttls: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings | None:
        if not settings.smtp_host:
            return None
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_from,
            settings.smtp_starttls,
        )


def send_email(smtp: SmtpSettings, msg: EmailMessage, timeout: float = 20.0) -> None:
    """Hand the message to the SMTP server; any error raises, so the job retries."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(msg)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>`` (see docs/alerts.md)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_webhook(
    http: httpx.Client, url: str, payload: dict[str, Any], secret: str, now: datetime
) -> int:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Hearth-Alerts/1"}
    if secret:
        timestamp = str(int(now.timestamp()))
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    response = http.post(url, content=body, headers=headers)
    if response.status_code >= 300:
        raise WebhookRejectedError(f"webhook answered HTTP {response.status_code}")
    return response.status_code
