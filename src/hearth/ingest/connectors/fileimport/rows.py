"""Preview a file's mapping, then import its rows: bad rows reported by line, good rows kept."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from pydantic import ValidationError

from hearth.ingest.connectors.base import FetchResult, Rejected
from hearth.ingest.connectors.fileimport.dates import parse_date
from hearth.ingest.connectors.fileimport.mapping import ColumnMapping, guess_mapping
from hearth.ingest.connectors.fileimport.reader import (
    Decoded,
    ImportFileError,
    Row,
    decode,
    read_rows,
)
from hearth.ingest.connectors.http import excerpt
from hearth.ingest.schemas import AuthorIn, MentionIn

SAMPLE_ROWS = 20
BATCH_ROWS = 1_000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


@dataclass(frozen=True)
class RowError:
    line: int  # line in the file (item number in a JSON array); 0: about the whole file
    reason: str


@dataclass(frozen=True)
class Preview:
    format: str  # csv, jsonl or json
    columns: list[str]
    sample_rows: list[dict[str, str]]
    suggested_mapping: ColumnMapping
    errors: list[RowError] = field(default_factory=list)


def preview(
    file_bytes: bytes, mapping: ColumnMapping | None = None, *, sample_size: int = SAMPLE_ROWS
) -> Preview:
    """Columns, the first rows, a guessed (or the given) mapping and what would go wrong."""
    try:
        decoded = decode(file_bytes)
        columns, rows = read_rows(decoded)
        sample = list(islice(rows, sample_size))
    except ImportFileError as exc:
        return Preview("", [], [], mapping or ColumnMapping(), [RowError(0, exc.message)])
    readable = [row.values for row in sample if row.values is not None]
    columns = columns or _union_of_keys(readable)
    chosen = mapping or guess_mapping(columns, readable)
    errors = [RowError(0, warning) for warning in decoded.warnings]
    errors += [RowError(0, problem) for problem in mapping_problems(chosen, decoded, columns)]
    errors += _sample_errors(sample, chosen)
    return Preview(decoded.format, columns, readable, chosen, errors)


def import_rows(
    file_bytes: bytes, mapping: ColumnMapping, *, now: datetime | None = None
) -> FetchResult:
    """Every valid row as a mention; each refused row as ``Rejected("line N: why", …)``."""
    result = FetchResult(items=[], cursor={})
    for batch in import_batches(file_bytes, mapping, now=now):
        result.items.extend(batch.items)
        result.rejected.extend(batch.rejected)
        result.cursor = batch.cursor
    return result


def import_batches(
    file_bytes: bytes,
    mapping: ColumnMapping,
    *,
    batch_size: int = BATCH_ROWS,
    now: datetime | None = None,
) -> Iterator[FetchResult]:
    """The same, in batches, for files too large to hold as mentions all at once.

    Raises ``ImportFileError`` when the file or the mapping is unusable as a whole.
    """
    decoded = decode(file_bytes)
    columns, rows = read_rows(decoded)
    problems = mapping_problems(mapping, decoded, columns)
    if problems:
        raise ImportFileError("; ".join(problems))
    converter = _Converter(mapping, now or datetime.now(UTC))
    batch = FetchResult(items=[], cursor={"line": 0})
    for row in rows:
        converter.add(row, batch)
        batch.cursor = {"line": row.line}
        if len(batch.items) + len(batch.rejected) >= batch_size:
            yield batch
            batch = FetchResult(items=[], cursor=batch.cursor)
    yield batch


def mapping_problems(mapping: ColumnMapping, decoded: Decoded, columns: list[str]) -> list[str]:
    problems = []
    if mapping.text is None:
        problems.append("choose the column that holds the text")
    if decoded.format == "csv":
        for name, column in mapping.columns().items():
            if column not in columns:
                problems.append(f"{name}: there is no column {column!r} in the file")
    return problems


# --- one row ----------------------------------------------------------------------------------


class _Converter:
    """Turns rows into mentions, remembering ids so a repeated id is reported, not merged."""

    def __init__(self, mapping: ColumnMapping, now: datetime) -> None:
        self.mapping = mapping
        self.now = now
        self.first_line: dict[tuple[str, str], int] = {}

    def add(self, row: Row, batch: FetchResult) -> None:
        if row.values is None:
            batch.rejected.append(Rejected(f"{row.where}: {row.error}", ""))
            return
        try:
            mention = row_to_mention(row.values, self.mapping, line=row.line, now=self.now)
        except ValueError as exc:
            batch.rejected.append(Rejected(f"{row.where}: {exc}", excerpt(row.values)))
            return
        key = mention.received_key()
        if key in self.first_line:
            first = self.first_line[key]
            reason = f"{row.where}: id {key[1]!r} already used on {row.unit} {first}"
            batch.rejected.append(Rejected(reason, excerpt(row.values)))
            return
        self.first_line[key] = row.line
        batch.items.append(mention)


def row_to_mention(
    values: dict[str, str], mapping: ColumnMapping, *, line: int, now: datetime
) -> MentionIn:
    """One row as a mention; ValueError with a reason a user can act on."""

    def get(column: str | None) -> str:
        return values.get(column, "").strip() if column else ""

    text = get(mapping.text)
    if not text:
        raise ValueError(f"the text ({mapping.text!r}) is empty")
    author = get(mapping.author)
    try:
        return MentionIn(
            platform=_platform(get(mapping.platform), mapping.default_platform),
            external_id=get(mapping.id)[:300] or row_hash(values),
            url=_url(get(mapping.url)),
            author=AuthorIn(
                platform_user_id=(author or "unknown")[:200],
                handle=author[:200],
                display_name=author[:300],
            ),
            text=text,
            title=get(mapping.title)[:1000] or None,
            kind="post",
            lang_hint=get(mapping.lang).lower()[:16] or None,
            created_at=_date(get(mapping.created_at), mapping) if mapping.created_at else now,
            raw={"import_line": line},
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ValueError(f"{where}: {error['msg']}") from None


def row_hash(values: dict[str, str]) -> str:
    """A stable id for a row without one: the same row imported twice maps to the same mention."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return "row-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _date(value: str, mapping: ColumnMapping) -> datetime:
    try:
        return parse_date(value, day_first=mapping.day_first)
    except ValueError as exc:
        raise ValueError(f"date ({mapping.created_at!r}): {exc}") from None


def _platform(value: str, default: str) -> str:
    if not value:
        return default
    slug = "-".join(value.lower().split())
    if not _SLUG.match(slug):
        raise ValueError(f"platform {value[:40]!r} is not a simple name like 'instagram'")
    return slug


def _url(value: str) -> str | None:
    if not value:
        return None
    if value.startswith("www."):
        value = "https://" + value
    if not re.match(r"^https?://\S+$", value, re.IGNORECASE):
        raise ValueError(f"url {value[:60]!r} is not an http(s) link")
    return value


def _sample_errors(sample: list[Row], mapping: ColumnMapping) -> list[RowError]:
    if mapping.text is None:
        return [RowError(row.line, row.error or "") for row in sample if row.values is None]
    converter = _Converter(mapping, datetime.now(UTC))
    batch = FetchResult(items=[], cursor={})
    for row in sample:
        converter.add(row, batch)
    return [_row_error(rejected) for rejected in batch.rejected]


def _row_error(rejected: Rejected) -> RowError:
    head, _, reason = rejected.reason.partition(": ")
    return RowError(int(head.rsplit(" ", 1)[-1]), reason)


def _union_of_keys(rows: list[dict[str, str]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))
