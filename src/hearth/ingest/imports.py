"""Importing a CSV / JSON-lines file into a file channel: keep the upload, preview, import.

The upload is kept in the data folder between the preview and the import (a browser cannot
resend a file after a round trip), under a random name inside the channel's own folder, and is
deleted once imported; leftovers older than a day are swept, since exports hold personal data.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.ingest.actions import do_store_pushed_items
from hearth.ingest.connectors.base import Connector
from hearth.ingest.connectors.fileimport import (
    MAX_FILE_BYTES,
    ColumnMapping,
    FileImportConnector,
    ImportFileError,
    Preview,
    RowError,
    import_batches,
    preview,
)
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.consumer import enrich_items
from hearth.ingest.queries import access_channel
from hearth.kit.errors import ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import Channel

MAPPING_FIELDS = ("text", "created_at", "author", "url", "id", "platform", "lang", "title")
KEEP_SECONDS = 24 * 3600
SHOWN_ERRORS = 200
_UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

__all__ = ["MAPPING_FIELDS", "MAX_FILE_BYTES", "ImportResult", "Upload", "accepts_files",
           "check_import", "do_import_file", "find_upload", "keep_upload", "mapping_from_form",
           "preview_upload"]


class UploadMissingError(ValidationFailedError):
    """The uploaded file is no longer here: upload it again."""


class NotAFileChannelError(ValidationFailedError):
    """This channel does not take file imports."""


def accepts_files(cls: type[Connector]) -> bool:
    return issubclass(cls, FileImportConnector)


def check_import(session: Session, actor: Actor, workspace_id: str, channel_id: str) -> Channel:
    channel = access_channel(session, actor, workspace_id, channel_id, Permission.CHANNELS_MANAGE)
    if not accepts_files(get_connector_class(channel.platform)):
        raise NotAFileChannelError()
    return channel


# --- the upload between preview and import --------------------------------------------------


@dataclass(frozen=True)
class Upload:
    id: str
    filename: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


def _folder(data_dir: Path, channel_id: str) -> Path:
    return Path(data_dir) / "imports" / channel_id


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def keep_upload(data_dir: Path, channel_id: str, filename: str, body: bytes) -> Upload:
    if len(body) > MAX_FILE_BYTES:
        raise ImportFileError(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB: split it")
    if not body:
        raise ImportFileError("the file is empty")
    folder = _folder(data_dir, channel_id)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    upload_id = secrets.token_urlsafe(18)
    path = folder / upload_id
    path.write_bytes(body)
    (folder / f"{upload_id}.name").write_text(Path(filename).name[:200])
    return Upload(upload_id, Path(filename).name[:200], path)


def find_upload(data_dir: Path, channel_id: str, upload_id: str) -> Upload:
    if not _UPLOAD_ID.match(upload_id):
        raise UploadMissingError()
    path = _folder(data_dir, channel_id) / upload_id
    if not path.is_file():
        raise UploadMissingError()
    name_file = path.with_name(f"{upload_id}.name")
    name = name_file.read_text() if name_file.is_file() else upload_id
    return Upload(upload_id, name, path)


def forget_upload(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_name(f"{upload.id}.name").unlink(missing_ok=True)


# --- mapping and preview ---------------------------------------------------------------------


def mapping_from_form(form: Mapping[str, Any]) -> ColumnMapping | None:
    """The mapping the user adjusted on the preview, or None before they saw one."""
    if "map_text" not in form:
        return None
    values: dict[str, Any] = {name: (str(form.get(f"map_{name}") or "") or None)
                              for name in MAPPING_FIELDS}
    values["default_platform"] = str(form.get("default_platform") or "file").strip()
    values["day_first"] = str(form.get("day_first") or "1") == "1"
    try:
        return ColumnMapping.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValidationFailedError(f"{first['loc'][0]}: {first['msg']}") from None


def preview_upload(upload: Upload, mapping: ColumnMapping | None) -> Preview:
    return preview(upload.read(), mapping)


# --- the import ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    filename: str
    kept: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first SHOWN_ERRORS


def _row_error(reason: str) -> RowError:
    match = re.match(r"^line (\d+): (.*)$", reason, re.S)
    return RowError(int(match.group(1)), match.group(2)) if match else RowError(0, reason)


def do_import_file(session: Session, channel: Channel, upload: Upload,
                   mapping: ColumnMapping | None, *, actor: Actor) -> ImportResult:
    """Store every valid row as a mention of the channel; list the refused rows by line."""
    body = upload.read()
    chosen = mapping or preview(body).suggested_mapping
    result = ImportResult(upload.filename)
    for batch in import_batches(body, chosen):
        result.kept += do_store_pushed_items(session, channel, batch.items,
                                             enrich_items(batch.items) if batch.items else [],
                                             now=utcnow())
        result.refused += len(batch.rejected)
        room = SHOWN_ERRORS - len(result.errors)
        result.errors.extend(_row_error(r.reason) for r in batch.rejected[:max(room, 0)])
    record(session, actor=actor, action="ingest.channel.imported",
           workspace_id=channel.workspace_id, target=Target("channel", channel.id, channel.name),
           data={"file": upload.filename, "kept": result.kept, "refused": result.refused})
    forget_upload(upload)
    return result
