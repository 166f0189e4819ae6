"""A small IMAP4rev1 client over imaplib: the five commands the connector needs, typed errors.

Mailboxes are opened read-only (EXAMINE) and bodies fetched with BODY.PEEK[], so reading the
support mailbox never marks a customer's mail as read behind the team's back.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    ConnectorError,
    PermanentNetworkError,
    TransientNetworkError,
)
from hearth.ingest.connectors.email.settings import EmailSettings, Security
from hearth.ingest.connectors.email.sockets import GuardedIMAP4, GuardedIMAP4_SSL
from hearth.ingest.connectors.http import DestinationBlockedError
from hearth.kit.netguard import DestinationRefusedError, OutboundPolicy, default_policy

_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_SAFE_ID = re.compile(r"^[\x21-\x7e]{1,300}$")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class MailboxMissingError(PermanentNetworkError):
    """The IMAP server has no such mailbox."""

    code = "connector.email.no_mailbox"


class ImapSession:
    """One logged-in IMAP connection. Use :func:`imap_session` to open it."""

    def __init__(self, client: imaplib.IMAP4, settings: EmailSettings) -> None:
        self.client = client
        self.settings = settings
        self.exists = 0  # messages in the mailbox last examined

    def examine(self, mailbox: str) -> int:
        """Open ``mailbox`` read-only; return its UIDVALIDITY."""
        typ, data = self.client.select(quote(mailbox), readonly=True)
        if typ != "OK":
            raise MailboxMissingError(f"mailbox {mailbox!r}: {_said(data)}")
        count = _bytes(data[0]) if data and data[0] else b""
        self.exists = int(count) if count.isdigit() else 0
        _, codes = self.client.response("UIDVALIDITY")
        words = _bytes(codes[0]).split() if codes and codes[0] else []
        if not words or not words[0].isdigit():
            raise PermanentNetworkError(f"mailbox {mailbox!r}: the server gave no UIDVALIDITY")
        return int(words[0])

    def uids_after(self, last_uid: int) -> list[int]:
        # "n:*" always matches the highest UID even when it is below n, hence the filter.
        found = self._search("UID", f"{last_uid + 1}:*")
        return [uid for uid in found if uid > last_uid]

    def uids_since(self, day: date) -> list[int]:
        return self._search("SINCE", f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}")

    def uids_with_message_id(self, message_id: str) -> list[int]:
        if not _SAFE_ID.match(message_id) or '"' in message_id or "\\" in message_id:
            return []
        return self._search("HEADER", "Message-ID", f'"<{message_id}>"')

    def sizes(self, uids: list[int]) -> dict[int, int]:
        data = self._uid_command("FETCH", _uid_set(uids), "(UID RFC822.SIZE)")
        sizes: dict[int, int] = {}
        for item in data:
            head = item[0] if isinstance(item, tuple) else item
            uid, size = _UID.search(_bytes(head)), _SIZE.search(_bytes(head))
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
        return sizes

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        data = self._uid_command("FETCH", _uid_set(uids), "(UID BODY.PEEK[])")
        return _bodies_from(data)

    def _search(self, *criteria: str) -> list[int]:
        data = self._uid_command("SEARCH", *criteria)
        return sorted({int(token) for line in data if line for token in _bytes(line).split()})

    def _uid_command(self, command: str, *args: str) -> list[Any]:
        typ, data = self.client.uid(command, *args)
        if typ != "OK":
            raise PermanentNetworkError(f"IMAP UID {command} refused: {_said(data)}")
        return [item for item in data if item is not None]


@contextmanager
def imap_session(
    settings: EmailSettings, policy: OutboundPolicy | None = None
) -> Iterator[ImapSession]:
    """Connect, log in, yield; every failure comes out as a typed ``ConnectorError``.

    The host is reached only at an address the outbound guard allows under ``policy``.
    """
    with imap_errors(settings.imap_host):
        client = _connect(settings, policy or default_policy())
        try:
            _login(client, settings)
            yield ImapSession(client, settings)
        finally:
            _logout(client)


@contextmanager
def imap_errors(host: str) -> Iterator[None]:
    try:
        yield
    except ConnectorError:
        raise
    except DestinationRefusedError as exc:
        raise DestinationBlockedError(exc) from exc
    except TimeoutError as exc:
        raise TransientNetworkError(f"IMAP server {host} did not answer in time") from exc
    except ssl.SSLError as exc:
        raise PermanentNetworkError(f"IMAP server {host}: TLS failed ({exc.reason})") from exc
    except imaplib.IMAP4.abort as exc:
        raise TransientNetworkError(f"IMAP server {host} dropped the connection: {exc}") from exc
    except imaplib.IMAP4.error as exc:
        raise PermanentNetworkError(f"IMAP server {host} refused a command: {exc}") from exc
    except OSError as exc:
        raise TransientNetworkError(f"IMAP server {host} unreachable: {exc}") from exc


def _connect(settings: EmailSettings, policy: OutboundPolicy) -> imaplib.IMAP4:
    host, port, timeout = settings.imap_host, settings.imap_port, settings.timeout_seconds
    if settings.imap_security == Security.TLS:
        context = ssl.create_default_context()
        return GuardedIMAP4_SSL(host, port, policy=policy, ssl_context=context, timeout=timeout)
    client = GuardedIMAP4(host, port, policy=policy, timeout=timeout)
    if settings.imap_security == Security.STARTTLS:
        client.starttls(ssl_context=ssl.create_default_context())
    return client


def _login(client: imaplib.IMAP4, settings: EmailSettings) -> None:
    try:
        client.login(settings.username, settings.password.get_secret_value())
    except imaplib.IMAP4.abort:
        raise
    except UnicodeEncodeError as exc:
        # IMAP LOGIN carries ASCII only; such an account needs an app password.
        raise AuthExpiredError(
            f"IMAP server {settings.imap_host}: the user name and password must be ASCII"
        ) from exc
    except imaplib.IMAP4.error as exc:
        raise AuthExpiredError(
            f"IMAP server {settings.imap_host} refused the login: {exc}"
        ) from exc


def _logout(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except (imaplib.IMAP4.error, OSError):
        pass  # the work is done; a rude goodbye changes nothing


def _bodies_from(data: list[Any]) -> dict[int, bytes]:
    """Pair each literal with its UID, whether the server put UID before or after it."""
    bodies: dict[int, bytes] = {}
    pending: bytes | None = None
    for item in data:
        if isinstance(item, tuple):
            head, literal = _bytes(item[0]), _bytes(item[1])
            uid = _UID.search(head)
            if uid:
                bodies[int(uid.group(1))] = literal
                pending = None
            else:
                pending = literal
        elif pending is not None:
            uid = _UID.search(_bytes(item))
            if uid:
                bodies[int(uid.group(1))] = pending
            pending = None
    return bodies


def _uid_set(uids: list[int]) -> str:
    return ",".join(str(uid) for uid in sorted(uids))


def quote(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _said(data: Any) -> str:
    if isinstance(data, list) and data:
        return _bytes(data[0]).decode("utf-8", "replace")[:200]
    return "no reason given"
