"""Raw RFC 5322 messages to the few facts Hearth keeps: ids for threading, sender, date, text.

Decoding leans on the standard library's ``email`` package with the modern policy (RFC 2047
headers, charsets, quoted-printable and base64 bodies). What it does not do, we add: a
text/plain part is preferred over HTML, an HTML-only mail becomes plain text, an unknown or
lying charset degrades to replacement characters instead of failing the message, and
format=flowed lines are rejoined.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage, Message
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr, parsedate_to_datetime

from hearth.ingest.connectors.email.quotes import strip_quoted
from hearth.ingest.connectors.http import html_to_text

MAX_REFERENCES = 20  # long threads carry dozens; the first and the latest are what matter
_MSG_ID = re.compile(r"<([^<>\s]{1,290})>")


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # without angle brackets; synthesised from the content when absent
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_address: str
    from_name: str
    reply_to: str | None
    date: datetime | None
    text: str  # the whole body as plain text
    own_text: str  # the body without quoted replies and signature
    lang: str | None
    auto_submitted: bool

    @property
    def parent_id(self) -> str | None:
        """The Message-ID this mail answers: In-Reply-To, else the last of References."""
        if self.in_reply_to:
            return self.in_reply_to
        return self.references[-1] if self.references else None


def parse_message(raw: bytes) -> ParsedMail:
    msg = message_from_bytes(raw, policy=email_policy.default)
    assert isinstance(msg, EmailMessage)
    text = body_text(msg)
    from_name, from_address = parseaddr(_header(msg, "from"))
    return ParsedMail(
        message_id=first_message_id(_header(msg, "message-id")) or synthetic_id(raw),
        in_reply_to=first_message_id(_header(msg, "in-reply-to")),
        references=tuple(message_ids(_header(msg, "references"))[-MAX_REFERENCES:]),
        subject=" ".join(_header(msg, "subject").split()),
        from_address=from_address.strip().lower(),
        from_name=from_name.strip(),
        reply_to=_reply_to(msg),
        date=_date(_header(msg, "date")),
        text=text,
        own_text=strip_quoted(text),
        lang=(_header(msg, "content-language").split(",")[0].strip() or None),
        auto_submitted=_header(msg, "auto-submitted").lower() not in ("", "no"),
    )


# --- headers ----------------------------------------------------------------------------------


def message_ids(value: str) -> list[str]:
    return _MSG_ID.findall(value or "")


def first_message_id(value: str) -> str | None:
    found = message_ids(value)
    if found:
        return found[0]
    bare = (value or "").strip()
    # Some clients omit the brackets; accept one bare token that looks like an id.
    if bare and " " not in bare and "@" in bare and len(bare) <= 290:
        return bare
    return None


def synthetic_id(raw: bytes) -> str:
    return f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@hearth.invalid"


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):
        # A header the parser cannot decode must not cost us the rest of the mail.
        value = None
    return str(value) if value is not None else ""


def _reply_to(msg: Message) -> str | None:
    pairs = getaddresses([_header(msg, "reply-to")])
    addresses = [address.strip().lower() for _, address in pairs if "@" in address]
    return addresses[0] if addresses else None


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


# --- body -------------------------------------------------------------------------------------


def body_text(msg: EmailMessage) -> str:
    """The mail's readable text: text/plain preferred, HTML converted, attachments ignored."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _decoded(part)
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    if _param(part, "format") == "flowed":
        content = _unflow(content, delsp=_param(part, "delsp") == "yes")
    return content.replace("\r\n", "\n").strip()


def _param(part: Message, name: str) -> str:
    value = part.get_param(name, "")
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return str(value).strip().lower()


def _decoded(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, AssertionError):
        content = None
    if isinstance(content, str):
        return content
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except (LookupError, ValueError):  # unknown name, or one with a NUL in it
        pass
    # An unknown charset name: UTF-8 if it decodes cleanly, else the commonest legacy one.
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676: a line ending in a space continues on the next line (quoted lines excepted)."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.removeprefix(" ")  # space-stuffing
        if out and out[-1].endswith(" ") and out[-1] != "-- " and not line.startswith(">"):
            previous = out.pop()
            out.append((previous[:-1] if delsp else previous) + line)
        else:
            out.append(line)
    return "\n".join(out)
