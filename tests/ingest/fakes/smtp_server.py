"""A fake SMTP submission server on 127.0.0.1 that records what it is handed.

Speaks EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Misbehaviour on request:
refuse the login, refuse recipients, refuse the message after DATA, or swallow the message
and never answer (the client times out not knowing whether it was sent).
"""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Self

HANG_SECONDS = 10.0
USER = "support@fornorosso.example"
PASSWORD = "smtp-secret"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_to: tuple[str, ...]
    data: bytes

    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.data, policy=email_policy.default)
        assert isinstance(msg, EmailMessage)
        return msg

    def attachments(self) -> list[tuple[str | None, str, bytes]]:
        """The MIME parts sent as attachments: (filename, content type, decoded bytes)."""
        return [
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True) or b"")
            for part in self.message().iter_attachments()
        ]


class FakeSmtpServer:
    def __init__(self, *, user: str = USER, password: str = PASSWORD) -> None:
        self.user, self.password = user, password
        self.received: list[Received] = []
        self.refuse_recipients: set[str] = set()
        self.refuse_data = False  # answer 554 after the message
        self.hang_after_data = False  # keep the message, never answer
        self.release = threading.Event()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def _make_handler(server: FakeSmtpServer) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        disable_nagle_algorithm = True  # small replies; delayed ACKs would add 40 ms each

        def handle(self) -> None:
            self.reset()
            self.authed = False
            self.say("220 fake.smtp.example ESMTP ready")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                verb, _, arg = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
                if not self.dispatch(verb.upper(), arg):
                    return

        def reset(self) -> None:
            self.mail_from: str | None = None
            self.rcpt: list[str] = []

        def say(self, text: str) -> None:
            self.wfile.write(text.encode() + b"\r\n")

        def dispatch(self, verb: str, arg: str) -> bool:
            if verb == "QUIT":
                self.say("221 bye")
                return False
            if verb == "EHLO":
                self.say("250-fake.smtp.example\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb == "HELO":
                self.say("250 fake.smtp.example")
            elif verb == "AUTH":
                self.auth(arg)
            elif verb in ("NOOP", "RSET"):
                if verb == "RSET":
                    self.reset()
                self.say("250 OK")
            elif not self.authed:
                self.say("530 authentication required")
            elif verb == "MAIL":
                self.mail_from = address(arg)
                self.say("250 OK")
            elif verb == "RCPT":
                self.recipient(address(arg))
            elif verb == "DATA":
                return self.data()
            else:
                self.say("502 not implemented")
            return True

        def auth(self, arg: str) -> None:
            mechanism, _, initial = arg.partition(" ")
            if mechanism.upper() != "PLAIN" or not initial:
                self.say("504 only AUTH PLAIN with an initial response")
                return
            _, user, password = base64.b64decode(initial).decode().split("\0")
            if (user, password) == (server.user, server.password):
                self.authed = True
                self.say("235 authenticated")
            else:
                self.say("535 5.7.8 authentication failed")

        def recipient(self, rcpt: str) -> None:
            if rcpt in server.refuse_recipients:
                self.say(f"550 5.1.1 <{rcpt}> no such user")
            else:
                self.rcpt.append(rcpt)
                self.say("250 OK")

        def data(self) -> bool:
            if not self.mail_from or not self.rcpt:
                self.say("503 need MAIL and RCPT first")
                return True
            self.say("354 end with <CRLF>.<CRLF>")
            lines = []
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                lines.append(line[1:] if line.startswith(b"..") else line)
            server.received.append(Received(self.mail_from, tuple(self.rcpt), b"".join(lines)))
            self.reset()
            if server.hang_after_data:
                server.release.wait(HANG_SECONDS)
                return False
            self.say("554 5.6.0 message refused" if server.refuse_data else "250 OK queued")
            return True

    return Handler


def address(arg: str) -> str:
    """The address in ``FROM:<a@b> SIZE=…`` or ``TO:<a@b>``."""
    start, end = arg.find("<"), arg.find(">")
    return arg[start + 1 : end] if 0 <= start < end else arg.partition(":")[2].strip()
