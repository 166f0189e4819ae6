"""E-mail connector for the support mailbox: IMAP in, SMTP out, threaded by Message-ID.

Each mail becomes a mention whose ``external_id`` is its Message-ID and whose
``parent_external_id`` is the Message-ID it answers (In-Reply-To, else the last References
entry), so a conversation is threaded the same way mail clients thread it.

Cursor shape::

    {"mailbox": "INBOX", "uidvalidity": 1700000000, "last_uid": 4182}

When the server's UIDVALIDITY changes (the mailbox was rebuilt, UIDs renumbered) the cursor is
void and the mailbox is read again from the start; the store's upsert on Message-ID keeps that
from duplicating anything.

A sender writes its own Message-ID, so it may reuse one already stored (or the one Hearth gave a
reply). Each mention carries ``raw["fingerprint"]`` (sender, date, subject, body): the store
keeps a different mail with a taken id apart, under ``"<Message-ID> <fingerprint>"``, so it
neither rewrites the stored mention nor gets dropped as a duplicate (``store.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel

from hearth.ingest.connectors.base import (
    AttachmentPolicy,
    Capability,
    ConnectionCheck,
    Connector,
    ConnectorError,
    Delivery,
    DeliveryOutcome,
    FetchRequest,
    FetchResult,
    OutgoingAttachment,
    Rejected,
)
from hearth.ingest.connectors.email.imap import ImapSession, MailboxMissingError, imap_session
from hearth.ingest.connectors.email.mime import ParsedMail, parse_message
from hearth.ingest.connectors.email.settings import EmailSettings, Security
from hearth.ingest.connectors.email.smtp import (
    ReplyContext,
    build_reply,
    check_login,
    reply_message_id,
    send,
)
from hearth.ingest.connectors.http import excerpt
from hearth.ingest.connectors.registry import hookimpl
from hearth.ingest.schemas import AuthorIn, MentionIn
from hearth.ingest.store import FINGERPRINT
from hearth.kit.netguard import policy_of

__all__ = [
    "EmailConnector",
    "EmailSettings",
    "ParsedMail",
    "ReplyContext",
    "Security",
    "build_reply",
    "hearth_connectors",
    "parse_message",
    "reply_message_id",
]

FETCH_CHUNK_BYTES = 20_000_000  # bodies fetched per IMAP round trip, bounded in memory
# Mail has no published limit of its own; providers commonly refuse messages over 20–25 MB, and
# base64 adds a third, so 10 MB of files in all keeps a reply deliverable almost everywhere.
ATTACHMENTS = AttachmentPolicy(
    max_count=10,
    max_bytes=10_000_000,
    max_total_bytes=10_000_000,
    content_types=frozenset(
        {
            "image/jpeg",
            "image/png",
            "image/gif",
            "image/webp",
            "application/pdf",
            "text/plain",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
        }
    ),
)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class _Cursor:
    uidvalidity: int | None
    last_uid: int

    @classmethod
    def load(cls, raw: dict[str, Any], mailbox: str) -> _Cursor:
        same_box = raw.get("mailbox", mailbox) == mailbox
        validity, last = raw.get("uidvalidity"), raw.get("last_uid")
        if not same_box or not isinstance(validity, int) or not isinstance(last, int):
            return cls(uidvalidity=None, last_uid=0)
        return cls(uidvalidity=validity, last_uid=max(last, 0))


class EmailConnector(Connector):
    platform = "email"
    label = "E-mail (IMAP / SMTP)"
    capabilities = frozenset({Capability.DIRECT_MESSAGES, Capability.REPLY, Capability.ATTACHMENTS})
    credentials_model = EmailSettings
    attachment_policy = ATTACHMENTS

    def __init__(
        self,
        credentials: BaseModel,
        *,
        http: httpx.Client | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(credentials, http=http)  # type: ignore[arg-type]  # no HTTP here
        self.settings = EmailSettings.model_validate(credentials.model_dump())
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        # No HTTP here, but the client handed in carries the outbound guard's policy, which
        # the IMAP and SMTP sockets obey too.
        self.policy = policy_of(http)

    # --- reading ------------------------------------------------------------------------------

    def test_connection(self) -> ConnectionCheck:
        try:
            with imap_session(self.settings, self.policy) as session:
                session.examine(self.settings.mailbox)
                count = session.exists
            check_login(self.settings, self.policy)
        except ConnectorError as exc:
            return ConnectionCheck(ok=False, message=exc.message, account=self.settings.username)
        return ConnectionCheck(
            ok=True,
            message=f"Reading {self.settings.mailbox} ({count} messages); SMTP login accepted.",
            account=self.settings.address,
        )

    def fetch(self, request: FetchRequest, cursor: dict[str, Any]) -> FetchResult:
        mailbox = self.settings.mailbox
        state = _Cursor.load(cursor if isinstance(cursor, dict) else {}, mailbox)
        with imap_session(self.settings, self.policy) as session:
            validity = session.examine(mailbox)
            last_uid = state.last_uid if state.uidvalidity == validity else 0
            uids = self._pending(session, last_uid, request)
            batch = uids[: max(request.limit, 1)]
            items, rejected = self._read(session, batch, validity)
        return FetchResult(
            items=items,
            cursor={
                "mailbox": mailbox,
                "uidvalidity": validity,
                "last_uid": max([last_uid, *batch]),
            },
            rejected=rejected,
            has_more=len(uids) > len(batch),
        )

    def _pending(self, session: ImapSession, last_uid: int, request: FetchRequest) -> list[int]:
        if last_uid == 0 and request.since is not None:
            found = session.uids_since(request.since.astimezone(UTC).date())
        else:
            found = session.uids_after(last_uid)
        return sorted(uid for uid in found if uid > last_uid)

    def _read(
        self, session: ImapSession, uids: list[int], validity: int
    ) -> tuple[list[MentionIn], list[Rejected]]:
        items: list[MentionIn] = []
        rejected: list[Rejected] = []
        if not uids:
            return items, rejected
        sizes = session.sizes(uids)
        limit = self.settings.max_message_bytes
        for uid in uids:
            if sizes.get(uid, 0) > limit:
                reason = f"uid {uid}: message is {sizes[uid]} bytes; the limit is {limit}"
                rejected.append(Rejected(reason=reason, raw_excerpt=""))
        wanted = [uid for uid in uids if sizes.get(uid, 0) <= limit]
        for chunk in _chunks(wanted, sizes, FETCH_CHUNK_BYTES):
            bodies = session.bodies(chunk)
            for uid in chunk:
                self._one(uid, bodies.get(uid), validity, items, rejected)
        return items, rejected

    def _one(
        self,
        uid: int,
        raw: bytes | None,
        validity: int,
        items: list[MentionIn],
        rejected: list[Rejected],
    ) -> None:
        if raw is None:
            rejected.append(Rejected(reason=f"uid {uid}: the server sent no body", raw_excerpt=""))
            return
        try:
            items.append(self._mention(parse_message(raw), uid, validity))
        except Exception as exc:  # noqa: BLE001
            # The stdlib parser raises assorted errors on hostile mail (ValueError, IndexError,
            # AttributeError…); one such mail must not stop the mailbox from being read.
            reason = f"uid {uid}: could not read the message ({type(exc).__name__}: {exc})"
            rejected.append(Rejected(reason=reason[:500], raw_excerpt=excerpt(raw[:2000])))

    def _mention(self, mail: ParsedMail, uid: int, validity: int) -> MentionIn:
        sender = mail.from_address or "unknown"
        fingerprint = mail_fingerprint(mail)
        return MentionIn(
            platform=self.platform,
            external_id=self._external_id(mail, fingerprint),
            author=AuthorIn(
                platform_user_id=sender[:200],
                handle=sender[:200],
                display_name=mail.from_name[:300],
            ),
            text=mail.own_text,
            title=mail.subject[:1000] or None,
            kind="email",
            lang_hint=(mail.lang or "")[:16] or None,
            created_at=mail.date or self.clock(),
            parent_external_id=mail.parent_id,
            raw={
                "mailbox": self.settings.mailbox,
                "uid": uid,
                "uidvalidity": validity,
                "references": list(mail.references[-5:]),
                "auto_submitted": mail.auto_submitted,
                # The store keeps a different mail reusing a stored Message-ID apart from it.
                FINGERPRINT: fingerprint,
            },
        )

    def _external_id(self, mail: ParsedMail, fingerprint: str) -> str:
        """The Message-ID, unless a stranger claims one Hearth gave a reply of ours.

        Replies to our reply name its Message-ID; a mail that took it first would pull them
        into its own thread. The copy of our own reply (From: the support address) keeps it.
        """
        ours = mail.message_id.startswith("hearth.") and mail.message_id.endswith(
            "@" + self.settings.domain
        )
        if ours and mail.from_address != self.settings.address.lower():
            return f"{mail.message_id[:270]} {fingerprint[:24]}"
        return mail.message_id

    # --- answering ----------------------------------------------------------------------------

    def reply(
        self,
        parent_external_id: str,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),
    ) -> Delivery:
        parent = self.find_parent(parent_external_id)
        if parent is None:
            return Delivery(
                outcome=DeliveryOutcome.FAILED,
                error=f"the mail <{parent_external_id}> is no longer in {self.settings.mailbox}",
            )
        return self.send_reply(
            parent, text, idempotency_key=idempotency_key, attachments=attachments
        )

    def send_reply(
        self,
        parent: ReplyContext,
        text: str,
        *,
        idempotency_key: str,
        attachments: Sequence[OutgoingAttachment] = (),
    ) -> Delivery:
        """Answer a mail whose threading facts the caller already has (no IMAP round trip)."""
        try:
            msg = build_reply(
                parent,
                text,
                settings=self.settings,
                idempotency_key=idempotency_key,
                attachments=attachments,
            )
        except ValueError as exc:  # e.g. a header that would need a line break
            return Delivery(outcome=DeliveryOutcome.FAILED, error=f"cannot build the reply: {exc}")
        return send(msg, self.settings, self.policy)

    def find_parent(self, message_id: str) -> ReplyContext | None:
        with imap_session(self.settings, self.policy) as session:
            session.examine(self.settings.mailbox)
            uids = session.uids_with_message_id(message_id)
            bodies = session.bodies(uids[:1]) if uids else {}
        raw = next(iter(bodies.values()), None)
        return ReplyContext.from_mail(parse_message(raw)) if raw else None

    def find_delivery(
        self,
        idempotency_key: str,
        *,
        text: str | None = None,
        parent_external_id: str | None = None,
    ) -> Delivery | None:
        # The Message-ID is derived from the key, so the key alone identifies our reply.
        message_id = reply_message_id(idempotency_key, self.settings.domain)
        boxes = [b for b in (self.settings.sent_mailbox, self.settings.mailbox) if b]
        with imap_session(self.settings, self.policy) as session:
            for box in dict.fromkeys(boxes):
                try:
                    session.examine(box)
                except MailboxMissingError:
                    continue
                if session.uids_with_message_id(message_id):
                    return Delivery(outcome=DeliveryOutcome.SENT, external_id=message_id)
        return None


def mail_fingerprint(mail: ParsedMail) -> str:
    """What tells two mails with one Message-ID apart: sender, date, subject and body.

    The same mail read again (a re-fetch, a rebuilt mailbox) has the same fingerprint.
    """
    when = mail.date.isoformat() if mail.date else ""
    parts = (mail.from_address, when, mail.subject, mail.text)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _chunks(uids: list[int], sizes: dict[int, int], budget: int) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    used = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if current and used + size > budget:
            chunks.append(current)
            current, used = [], 0
        current.append(uid)
        used += size
    if current:
        chunks.append(current)
    return chunks


@hookimpl
def hearth_connectors() -> list[type[Connector]]:
    return [EmailConnector]
