"""A fake IMAP4rev1 server on 127.0.0.1: just the subset the e-mail connector speaks.

Supported: CAPABILITY, LOGIN, SELECT/EXAMINE, UID SEARCH (``UID n:*``, ``ALL``, ``SINCE date``,
``HEADER Message-ID "<id>"``), UID FETCH (``UID``, ``RFC822.SIZE``, ``BODY.PEEK[]``), NOOP,
LOGOUT. Misbehaviour on request: refuse logins, hang on a command (the client's timeout fires),
or put the UID after the body literal as some servers do.

    with FakeImapServer() as imap:
        uid = imap.deliver(raw_bytes)
        imap.hang_on = "UID FETCH"
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from typing import Self

HANG_SECONDS = 10.0
USER = "support@fornorosso.example"
PASSWORD = 'p@ss "word"'
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    received: datetime

    def message_id(self) -> str:
        msg = message_from_bytes(self.raw, policy=email_policy.compat32)
        return (msg.get("Message-ID") or "").strip()


@dataclass
class Mailbox:
    uidvalidity: int
    mails: list[StoredMail] = field(default_factory=list)
    next_uid: int = 1


class FakeImapServer:
    def __init__(self, *, user: str = USER, password: str = PASSWORD) -> None:
        self.user, self.password = user, password
        self.mailboxes: dict[str, Mailbox] = {"INBOX": Mailbox(uidvalidity=1_700_000_000)}
        self.commands: list[str] = []  # every command line received, for assertions
        self.hang_on: str | None = None  # e.g. "UID FETCH": never answer that command
        self.uid_after_literal = False
        self.lock = threading.Lock()
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

    def deliver(self, raw: bytes, mailbox: str = "INBOX", received: datetime | None = None) -> int:
        with self.lock:
            box = self.mailboxes.setdefault(mailbox, Mailbox(uidvalidity=1_700_000_000))
            uid = box.next_uid
            box.next_uid += 1
            box.mails.append(StoredMail(uid, raw, received or datetime.now(UTC)))
            return uid

    def renumber(self, mailbox: str = "INBOX") -> None:
        """Rebuild the mailbox: new UIDVALIDITY, UIDs assigned afresh from 1."""
        with self.lock:
            box = self.mailboxes[mailbox]
            box.uidvalidity += 1
            for index, mail in enumerate(box.mails, 1):
                mail.uid = index
            box.next_uid = len(box.mails) + 1

    def commands_named(self, prefix: str) -> list[str]:
        return [c for c in self.commands if c.upper().startswith(prefix.upper())]


def _make_handler(server: FakeImapServer) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        disable_nagle_algorithm = True  # small replies; delayed ACKs would add 40 ms each

        def handle(self) -> None:
            self.selected: Mailbox | None = None
            self.logged_in = False
            self.send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Fake IMAP ready")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                tag, _, rest = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
                server.commands.append(rest)
                if server.hang_on and rest.upper().startswith(server.hang_on):
                    server.release.wait(HANG_SECONDS)
                    return
                if not self.dispatch(tag, rest):
                    return

        def send(self, data: bytes) -> None:
            self.wfile.write(data + b"\r\n")

        def ok(self, tag: str, text: str = "completed") -> None:
            self.send(f"{tag} OK {text}".encode())

        def dispatch(self, tag: str, rest: str) -> bool:
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "LOGOUT":
                self.send(b"* BYE logging out")
                self.ok(tag)
                return False
            if command == "CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.ok(tag)
            elif command == "NOOP":
                self.ok(tag)
            elif command == "LOGIN":
                self.login(tag, args)
            elif not self.logged_in:
                self.send(f"{tag} BAD log in first".encode())
            elif command in ("SELECT", "EXAMINE"):
                self.select(tag, args, readonly=command == "EXAMINE")
            elif command == "UID":
                self.uid(tag, args)
            else:
                self.send(f"{tag} BAD unknown command".encode())
            return True

        def login(self, tag: str, args: str) -> None:
            words = tokens(args)
            if words == [server.user, server.password]:
                self.logged_in = True
                self.ok(tag, "LOGIN completed")
            else:
                self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials".encode())

        def select(self, tag: str, args: str, *, readonly: bool) -> None:
            (name,) = tokens(args)
            box = server.mailboxes.get(name)
            if box is None:
                self.send(f"{tag} NO [NONEXISTENT] no such mailbox".encode())
                return
            self.selected = box
            self.send(f"* {len(box.mails)} EXISTS".encode())
            self.send(b"* 0 RECENT")
            self.send(b"* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)")
            self.send(f"* OK [UIDVALIDITY {box.uidvalidity}] UIDs valid".encode())
            self.send(f"* OK [UIDNEXT {box.next_uid}] next UID".encode())
            self.ok(tag, "[READ-ONLY] EXAMINE completed" if readonly else "[READ-WRITE] done")

        def uid(self, tag: str, args: str) -> None:
            sub, _, rest = args.partition(" ")
            if self.selected is None:
                self.send(f"{tag} BAD select a mailbox first".encode())
            elif sub.upper() == "SEARCH":
                found = search(self.selected, rest)
                self.send(("* SEARCH " + " ".join(str(u) for u in found)).rstrip().encode())
                self.ok(tag)
            elif sub.upper() == "FETCH":
                self.fetch(tag, rest)
            else:
                self.send(f"{tag} BAD unknown UID command".encode())

        def fetch(self, tag: str, rest: str) -> None:
            uid_set, _, items = rest.partition(" ")
            box = self.selected
            assert box is not None
            wanted = in_set(uid_set, box)
            for seq, mail in enumerate(box.mails, 1):
                if mail.uid in wanted:
                    self.wfile.write(fetch_line(seq, mail, items.upper()))
            self.ok(tag)

    def fetch_line(seq: int, mail: StoredMail, items: str) -> bytes:
        parts = [f"UID {mail.uid}"]
        if "RFC822.SIZE" in items:
            parts.append(f"RFC822.SIZE {len(mail.raw)}")
        head = " ".join(parts)
        if "BODY.PEEK[]" not in items and "RFC822 " not in items + " ":
            return f"* {seq} FETCH ({head})\r\n".encode()
        literal = f"BODY[] {{{len(mail.raw)}}}\r\n".encode() + mail.raw
        if server.uid_after_literal:
            return f"* {seq} FETCH (".encode() + literal + f" {head})\r\n".encode()
        return f"* {seq} FETCH ({head} ".encode() + literal + b")\r\n"

    return Handler


def tokens(args: str) -> list[str]:
    """Split IMAP arguments: atoms and "quoted strings" with backslash escapes."""
    found = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', args)
    return [
        re.sub(r"\\(.)", r"\1", quoted) if quoted or not atom else atom for quoted, atom in found
    ]


def search(box: Mailbox, criteria: str) -> list[int]:
    words = tokens(criteria)
    key = words[0].upper() if words else "ALL"
    if key == "ALL":
        return [m.uid for m in box.mails]
    if key == "UID":
        return sorted(in_set(words[1], box))
    if key == "SINCE":
        day, month, year = words[1].split("-")
        since = datetime(int(year), _MONTHS[month], int(day), tzinfo=UTC)
        return [m.uid for m in box.mails if m.received >= since]
    if key == "HEADER" and words[1].lower() == "message-id":
        return [m.uid for m in box.mails if words[2] and words[2] in m.message_id()]
    raise ValueError(f"fake IMAP does not search {criteria!r}")


def in_set(uid_set: str, box: Mailbox) -> set[int]:
    """UIDs matching an IMAP sequence set; ``n:*`` always includes the highest UID (RFC 3501)."""
    highest = max((m.uid for m in box.mails), default=0)
    wanted: set[int] = set()
    for part in uid_set.split(","):
        low, _, high = part.partition(":")
        start = highest if low == "*" else int(low)
        end = start if not high else (highest if high == "*" else int(high))
        start, end = min(start, end), max(start, end)
        wanted |= {m.uid for m in box.mails if start <= m.uid <= end}
    return wanted
