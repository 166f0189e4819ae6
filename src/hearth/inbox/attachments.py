"""Files sent with a reply: checked against the network's published limits, stored with it.

The type of a file is read from its first bytes (magic numbers), never from the name or the
browser's Content-Type, so a script renamed ``photo.png`` is refused and the download route can
serve each file with the type we verified. The bytes live in the ``attachments`` row: SQLite and
PostgreSQL alike, in every backup, and gone with the reply or the workspace (ON DELETE CASCADE).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.ingest.connectors.base import AttachmentPolicy, Capability, OutgoingAttachment
from hearth.ingest.connectors.registry import UnknownPlatformError, get_connector_class
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.models.inbox import Attachment, OutboundReply

MAX_FILENAME_CHARS = 120
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')

# What each type is called in the composer's hint and which name endings it may keep.
TYPE_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "image/jpeg": ("JPEG", (".jpg", ".jpeg")),
    "image/png": ("PNG", (".png",)),
    "image/gif": ("GIF", (".gif",)),
    "image/webp": ("WebP", (".webp",)),
    "application/pdf": ("PDF", (".pdf",)),
    "text/plain": ("TXT", (".txt",)),
    "text/csv": ("CSV", (".csv",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("DOCX", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("XLSX", (".xlsx",)),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PPTX",
        (".pptx",),
    ),
    "application/vnd.oasis.opendocument.text": ("ODT", (".odt",)),
    "application/vnd.oasis.opendocument.spreadsheet": ("ODS", (".ods",)),
}
_OOXML_PARTS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}


class AttachmentRefusedError(ValidationFailedError):
    """This file cannot be sent with the reply."""

    code = "inbox.attachment_refused"

    def __init__(self, template: str, **variables: object) -> None:
        # ``template`` is the catalogue's msgid; the web layer translates it with the variables.
        super().__init__(template % variables if variables else template, **variables)
        self.template = template


@dataclass(frozen=True)
class Upload:
    """A file as the form handed it over; nothing about it is trusted yet."""

    filename: str
    data: bytes  # possibly only the first bytes of a file far too large anyway
    alt_text: str = ""
    size: int | None = None  # the whole file's size, when more was sent than read


@dataclass(frozen=True)
class CheckedAttachment:
    filename: str
    content_type: str
    data: bytes
    alt_text: str | None
    sha256: str


# --- the policy of a conversation's network ----------------------------------------------------


def policy_for(platform: str) -> AttachmentPolicy | None:
    """What a reply on this network may carry; None when the network takes no files."""
    try:
        cls = get_connector_class(platform)
    except UnknownPlatformError:
        return None
    if Capability.ATTACHMENTS not in cls.capabilities:
        return None
    return cls.attachment_policy


def accepted_names(policy: AttachmentPolicy) -> list[str]:
    return sorted(TYPE_NAMES.get(t, (t, ()))[0] for t in policy.content_types)


def accept_attribute(policy: AttachmentPolicy) -> str:
    """The file input's ``accept``: a hint for the browser's picker, never a check."""
    endings = [e for t in sorted(policy.content_types) for e in TYPE_NAMES.get(t, ("", ()))[1]]
    return ",".join(sorted(policy.content_types) + endings)


# --- checking -----------------------------------------------------------------------------------


def check_attachments(platform: str, uploads: Sequence[Upload]) -> list[CheckedAttachment]:
    """Every file fits the network's limits, or the first problem is raised in plain words."""
    if not uploads:
        return []
    policy = policy_for(platform)
    if policy is None:
        raise AttachmentRefusedError("this network does not take files with a reply")
    if len(uploads) > policy.max_count:
        raise AttachmentRefusedError(
            "at most %(count)s files can go with one reply here", count=policy.max_count
        )
    total = sum(_size_of(u) for u in uploads)
    total_limit = policy.max_total_bytes or policy.max_count * policy.max_bytes
    if total > total_limit:
        raise AttachmentRefusedError(
            "the files weigh %(size)s together; the limit is %(limit)s",
            size=Size(total),
            limit=Size(total_limit),
        )
    return [_check_one(policy, upload) for upload in uploads]


def _size_of(upload: Upload) -> int:
    return max(upload.size or 0, len(upload.data))


def _check_one(policy: AttachmentPolicy, upload: Upload) -> CheckedAttachment:
    shown = clean_filename(upload.filename, None)
    size = _size_of(upload)
    if not size:
        raise AttachmentRefusedError("the file %(name)s is empty", name=shown)
    if size > policy.max_bytes:
        raise AttachmentRefusedError(
            "the file %(name)s weighs %(size)s; the limit here is %(limit)s",
            name=shown,
            size=Size(size),
            limit=Size(policy.max_bytes),
        )
    if len(upload.data) != size:  # only a part was read: never store half a file
        raise AttachmentRefusedError("the file %(name)s did not arrive whole", name=shown)
    content_type = sniff_content_type(upload.data, upload.filename)
    if content_type is None or content_type not in policy.content_types:
        raise AttachmentRefusedError(
            "the file %(name)s is not of a type this network accepts (%(types)s)",
            name=shown,
            types=", ".join(accepted_names(policy)),
        )
    alt = " ".join(upload.alt_text.split()) if policy.alt_text else ""
    if len(alt) > policy.max_alt_chars:
        raise AttachmentRefusedError(
            "the description of %(name)s is longer than %(limit)s characters",
            name=shown,
            limit=policy.max_alt_chars,
        )
    return CheckedAttachment(
        filename=clean_filename(upload.filename, content_type),
        content_type=content_type,
        data=upload.data,
        alt_text=alt or None,
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )


def sniff_content_type(data: bytes, filename: str = "") -> str | None:
    """The type the bytes themselves declare; None for anything we do not recognise."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    return _sniff_text(data, filename)


def _sniff_zip(data: bytes) -> str | None:
    # Office files are zip archives; what is inside says which kind (any other zip: refused).
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:  # read a little: never inflate a bomb
                    declared = member.read(100).decode("ascii", "replace").strip()
                return declared if declared in TYPE_NAMES else None
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((t for part, t in _OOXML_PARTS.items() if part in names), None)


def _sniff_text(data: bytes, filename: str) -> str | None:
    # Text has no magic number: valid UTF-8 without control characters, named .txt or .csv.
    ending = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if ending not in ("txt", "csv"):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return None
    return "text/csv" if ending == "csv" else "text/plain"


def clean_filename(raw: str, content_type: str | None) -> str:
    """A name safe to show, to store and to put in a header: no path, no control characters,
    bounded, and (once the type is known) ending as the type says."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" .")[:MAX_FILENAME_CHARS] or "attachment"
    if content_type is None or content_type not in TYPE_NAMES:
        return name
    endings = TYPE_NAMES[content_type][1]
    if name.lower().endswith(endings):
        return name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem[: MAX_FILENAME_CHARS - len(endings[0])] + endings[0]


class Size(int):
    """A number of bytes in a message: English words by default, localised by the web layer."""

    def __str__(self) -> str:
        return human_size(self)


def size_parts(size: int) -> tuple[float, str]:
    """(value, unit) as people read sizes, rounded up so a file just over a limit never looks
    equal to it: 1,000,070 bytes are 1001 kB, not 1 MB."""
    if size % 1_000_000 == 0 and size:
        return size // 1_000_000, "MB"
    if size >= 10_000_000:
        return math.ceil(size / 100_000) / 10, "MB"
    if size >= 1_000:
        return math.ceil(size / 1_000), "kB"
    return size, "B"


def human_size(size: int) -> str:
    value, unit = size_parts(size)
    return f"{value} {unit}"


# --- storing and reading ------------------------------------------------------------------------


def do_store_attachments(
    session: Session, reply: OutboundReply, files: Sequence[CheckedAttachment], *, actor: Actor
) -> list[Attachment]:
    """Keep the files with the reply, in the caller's transaction (audited with the reply)."""
    rows = [
        Attachment(
            workspace_id=reply.workspace_id,
            reply_id=reply.id,
            position=i,
            filename=f.filename,
            content_type=f.content_type,
            size=len(f.data),
            sha256=f.sha256,
            alt_text=f.alt_text,
            data=f.data,
            created_by_id=actor.user_id,
        )
        for i, f in enumerate(files)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def list_reply_attachments(
    session: Session, reply_ids: Sequence[str]
) -> dict[str, list[Attachment]]:
    """The files of these replies, without their bytes (the column is deferred)."""
    found: dict[str, list[Attachment]] = {}
    if not reply_ids:
        return found
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.reply_id.in_(list(reply_ids)))
        .order_by(Attachment.reply_id, Attachment.position)
    )
    for row in rows:
        found.setdefault(row.reply_id, []).append(row)
    return found


def outgoing_attachments(session: Session, reply_id: str) -> list[OutgoingAttachment]:
    """What the delivery job hands the connector, bytes included."""
    rows = session.execute(
        select(Attachment.filename, Attachment.content_type, Attachment.data, Attachment.alt_text)
        .where(Attachment.reply_id == reply_id)
        .order_by(Attachment.position)
    )
    return [OutgoingAttachment(name, ctype, data, alt) for name, ctype, data, alt in rows]


def access_attachment(
    session: Session, actor: Actor, workspace_id: str, attachment_id: str
) -> Attachment:
    """An attachment of this workspace the actor may see; another workspace's is not found."""
    from hearth.inbox.actions import access_conversation

    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.workspace_id != workspace_id:
        raise NotFoundError("attachment not found")
    reply = session.get(OutboundReply, attachment.reply_id)
    if reply is None:
        raise NotFoundError("attachment not found")
    access_conversation(
        session, actor, workspace_id, reply.conversation_id, Permission.MENTIONS_VIEW
    )
    return attachment
