"""Answering a customer's mail over SMTP, threaded, and recognisable if sent twice.

The reply's Message-ID is derived from the delivery's idempotency key, so a retried send carries
the same id: the customer's client shows one message, and ``find_delivery`` can look for it.
The outcome follows DESIGN §3.6: a failure before the message body was handed over is FAILED
(nothing left this machine); a timeout or a dropped line after that is UNKNOWN.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    OutgoingAttachment,
    PermanentNetworkError,
    TransientNetworkError,
)
from hearth.ingest.connectors.email.mime import ParsedMail
from hearth.ingest.connectors.email.settings import EmailSettings, Security
from hearth.ingest.connectors.email.sockets import GuardedSMTP, GuardedSMTP_SSL
from hearth.ingest.connectors.http import DestinationBlockedError
from hearth.kit.netguard import DestinationRefusedError, OutboundPolicy, default_policy

MAX_REFERENCES = 10
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|réf|ref|rép|rep)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class ReplyContext:
    """What we need from the mail being answered."""

    message_id: str
    references: tuple[str, ...]
    subject: str
    to_address: str

    @classmethod
    def from_mail(cls, mail: ParsedMail) -> ReplyContext:
        return cls(
            message_id=mail.message_id,
            references=mail.references,
            subject=mail.subject,
            to_address=mail.reply_to or mail.from_address,
        )


def reply_message_id(idempotency_key: str, domain: str) -> str:
    """A Message-ID (without brackets) that is the same every time the same delivery is tried."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"hearth.{digest}@{domain}"


def build_reply(
    parent: ReplyContext,
    text: str,
    *,
    settings: EmailSettings,
    idempotency_key: str,
    attachments: Sequence[OutgoingAttachment] = (),
) -> EmailMessage:
    """The answer, threaded; with files it becomes multipart/mixed (text first, then each file
    base64-encoded with its name in Content-Disposition)."""
    msg = EmailMessage(policy=email_policy.SMTP)
    msg["From"] = formataddr((settings.display_name, settings.address))
    msg["To"] = parent.to_address
    msg["Subject"] = reply_subject(parent.subject)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{reply_message_id(idempotency_key, settings.domain)}>"
    msg["In-Reply-To"] = f"<{parent.message_id}>"
    msg["References"] = " ".join(f"<{ref}>" for ref in thread_references(parent))
    msg.set_content(text)
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return msg


def reply_subject(subject: str) -> str:
    subject = subject.strip()[:300]
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}".rstrip()


def thread_references(parent: ReplyContext) -> list[str]:
    """RFC 5322 §3.6.4: the parent's References plus the parent; trimmed, keeping the root."""
    chain = [*parent.references, parent.message_id]
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return list(dict.fromkeys(chain))


def send(
    msg: EmailMessage, settings: EmailSettings, policy: OutboundPolicy | None = None
) -> Delivery:
    """Hand the message to the SMTP server; the outcome says whether it surely left."""
    message_id = str(msg["Message-ID"]).strip().strip("<>")
    recipients = [str(msg["To"])]
    if not all(address.isascii() for address in recipients):
        return _failed("the recipient's address is not ASCII (SMTPUTF8 is not supported yet)")
    try:
        client = _connect(settings, policy)
    except DestinationRefusedError as exc:
        return _failed(f"SMTP server {settings.smtp_host}: {exc.message}")
    except (OSError, smtplib.SMTPException) as exc:
        return _failed(f"could not reach SMTP server {settings.smtp_host}: {exc}")
    try:
        _prepare(client, settings, recipients)
        return _hand_over(client, msg, message_id)
    except (smtplib.SMTPAuthenticationError, UnicodeEncodeError) as exc:
        raise AuthExpiredError(f"SMTP server {settings.smtp_host} refused the login") from exc
    except (OSError, smtplib.SMTPException) as exc:
        return _failed(f"SMTP server {settings.smtp_host} refused the message: {exc}")
    finally:
        _quit(client)


def _prepare(client: smtplib.SMTP, settings: EmailSettings, recipients: list[str]) -> None:
    client.ehlo_or_helo_if_needed()
    user, password = settings.smtp_login()
    if user:
        client.login(user, password)
    code, said = client.mail(settings.address)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, said, settings.address)
    for rcpt in recipients:
        code, said = client.rcpt(rcpt)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({rcpt: (code, said)})


def _hand_over(client: smtplib.SMTP, msg: EmailMessage, message_id: str) -> Delivery:
    # From here on the server may have queued the mail even if we never hear back.
    try:
        code, said = client.data(msg.as_bytes(policy=email_policy.SMTP))
    except smtplib.SMTPDataError as exc:
        return _failed(f"SMTP server refused the message ({exc.smtp_code}): {_said(exc)}")
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        return Delivery(
            outcome=DeliveryOutcome.UNKNOWN,
            external_id=message_id,
            error=f"no answer after sending the message ({type(exc).__name__})",
        )
    if code != 250:
        # smtplib returns, rather than raises, the verdict given after the message body.
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        return _failed(f"SMTP server refused the message ({code}): {text}")
    return Delivery(outcome=DeliveryOutcome.SENT, external_id=message_id)


def check_login(settings: EmailSettings, policy: OutboundPolicy | None = None) -> None:
    """Log in to the SMTP server and leave, sending nothing; raise a typed error on failure."""
    try:
        client = _connect(settings, policy)
    except DestinationRefusedError as exc:
        raise DestinationBlockedError(exc) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise _unreachable(settings, exc) from exc
    try:
        client.ehlo_or_helo_if_needed()
        user, password = settings.smtp_login()
        if user:
            client.login(user, password)
    except (smtplib.SMTPAuthenticationError, UnicodeEncodeError) as exc:
        raise AuthExpiredError(f"SMTP server {settings.smtp_host} refused the login") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise _unreachable(settings, exc) from exc
    finally:
        _quit(client)


def _unreachable(settings: EmailSettings, exc: Exception) -> ConnectorError:
    if isinstance(exc, ssl.SSLError):
        return PermanentNetworkError(f"SMTP server {settings.smtp_host}: TLS failed ({exc})")
    return TransientNetworkError(f"SMTP server {settings.smtp_host} unreachable: {exc}")


def _connect(settings: EmailSettings, policy: OutboundPolicy | None) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.timeout_seconds
    policy = policy or default_policy()
    if settings.smtp_security == Security.TLS:
        context = ssl.create_default_context()
        return GuardedSMTP_SSL(host, port, policy=policy, timeout=timeout, context=context)
    client = GuardedSMTP(host, port, policy=policy, timeout=timeout)
    if settings.smtp_security == Security.STARTTLS:
        client.starttls(context=ssl.create_default_context())
    return client


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _failed(error: str) -> Delivery:
    return Delivery(outcome=DeliveryOutcome.FAILED, error=error[:500])


def _said(exc: smtplib.SMTPResponseException) -> str:
    said = exc.smtp_error
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
