"""IMAP and SMTP clients whose sockets go to addresses the outbound guard checked.

``imaplib`` and ``smtplib`` open their sockets in one overridable method each
(``IMAP4._create_socket``, ``SMTP._get_socket``); the TLS variants call it and then wrap the
socket with the host *name*, so certificates are still verified against the name while the
connection goes to an address that was checked (``kit/netguard.create_connection``).
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl

from hearth.kit.netguard import OutboundPolicy, create_connection


class GuardedIMAP4(imaplib.IMAP4):
    def __init__(self, host: str, port: int, *, policy: OutboundPolicy, timeout: float) -> None:
        self.outbound_policy = policy  # set first: the constructor connects
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return create_connection(self.host, self.port, self.outbound_policy, timeout)


class GuardedIMAP4_SSL(imaplib.IMAP4_SSL, GuardedIMAP4):  # noqa: N801  # imaplib's naming
    def __init__(
        self,
        host: str,
        port: int,
        *,
        policy: OutboundPolicy,
        timeout: float,
        ssl_context: ssl.SSLContext,
    ) -> None:
        self.outbound_policy = policy
        imaplib.IMAP4_SSL.__init__(self, host, port, ssl_context=ssl_context, timeout=timeout)


class GuardedSMTP(smtplib.SMTP):
    def __init__(self, host: str, port: int, *, policy: OutboundPolicy, timeout: float) -> None:
        self.outbound_policy = policy
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        source = self.source_address if isinstance(self.source_address, tuple) else None
        return create_connection(host, port, self.outbound_policy, timeout, source)


class GuardedSMTP_SSL(smtplib.SMTP_SSL, GuardedSMTP):  # noqa: N801  # smtplib's naming
    def __init__(
        self,
        host: str,
        port: int,
        *,
        policy: OutboundPolicy,
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        self.outbound_policy = policy
        smtplib.SMTP_SSL.__init__(self, host, port, timeout=timeout, context=context)
