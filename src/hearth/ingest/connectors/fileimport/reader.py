"""Exported files to rows of strings, each with the line it started on.

CSV (delimiter sniffed among , ; tab |, header row required), JSON lines (one object per line,
nested objects flattened to ``user.name``) and, because many tools export them, a single JSON
array of objects. Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
text"), and Windows-1252 as a last resort, reported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from hearth.kit.errors import ValidationFailedError

MAX_FILE_BYTES = 50_000_000
MAX_COLUMNS = 200
FLATTEN_DEPTH = 3


class ImportFileError(ValidationFailedError):
    """The file cannot be read as CSV or JSON lines."""

    code = "import.unreadable_file"


@dataclass(frozen=True)
class Row:
    line: int  # where the record starts in the file (1-based); item number for a JSON array
    values: dict[str, str] | None  # None when the record itself is unreadable
    error: str | None = None
    unit: str = "line"  # "item" in a JSON array, where lines mean nothing

    @property
    def where(self) -> str:
        return f"{self.unit} {self.line}"


@dataclass(frozen=True)
class Decoded:
    text: str
    format: str  # "csv", "jsonl" or "json"
    warnings: tuple[str, ...] = ()


def decode(file_bytes: bytes) -> Decoded:
    if len(file_bytes) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"the file is {len(file_bytes)} bytes; the limit is {MAX_FILE_BYTES} (split it)"
        )
    text, warnings = _text(file_bytes)
    if not text.strip():
        raise ImportFileError("the file is empty")
    start = text.lstrip()[:1]
    kind = "jsonl" if start == "{" else "json" if start == "[" else "csv"
    return Decoded(text=text, format=kind, warnings=warnings)


def read_rows(decoded: Decoded) -> tuple[list[str], Iterator[Row]]:
    """The column names seen so far (CSV: the header) and an iterator over records."""
    if decoded.format == "csv":
        return _csv_rows(decoded.text)
    if decoded.format == "json":
        return [], _json_array_rows(decoded.text)
    return [], _jsonl_rows(decoded.text)


# --- text -------------------------------------------------------------------------------------


def _text(data: bytes) -> tuple[str, tuple[str, ...]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"the file says UTF-16 but is not ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        warning = "the file is not UTF-8; it was read as Windows-1252 (check accented letters)"
        return data.decode("cp1252", errors="replace"), (warning,)


# --- CSV --------------------------------------------------------------------------------------


def _csv_rows(text: str) -> tuple[list[str], Iterator[Row]]:
    dialect = _sniff(text[:20_000])
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportFileError(f"the first line is not a CSV header ({exc})") from exc
    columns = _column_names(header)
    return columns, _csv_records(reader, columns)


def _sniff(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _column_names(header: list[str]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(f"the header has {len(header)} columns; the limit is {MAX_COLUMNS}")
    names: list[str] = []
    for index, raw in enumerate(header, 1):
        name = " ".join(raw.split()) or f"column {index}"
        while name in names:  # duplicate headers would otherwise shadow each other
            name = f"{name} ({index})"
        names.append(name)
    return names


def _csv_records(reader: Any, columns: list[str]) -> Iterator[Row]:
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == last_line:
                yield Row(start, None, f"unreadable CSV ({exc}); the rest of the file was skipped")
                return
            last_line = reader.line_num
            yield Row(start, None, f"unreadable CSV ({exc})")
            continue
        last_line = reader.line_num
        if not record or all(not cell.strip() for cell in record):
            continue
        yield _csv_row(start, record, columns)


def _csv_row(line: int, record: list[str], columns: list[str]) -> Row:
    if len(record) > len(columns):
        extra = record[len(columns) :]
        if any(cell.strip() for cell in extra):
            return Row(line, None, f"has {len(record)} fields but the header has {len(columns)}")
    # Missing trailing fields are common (spreadsheets drop empty cells); they read as empty.
    padded = record + [""] * (len(columns) - len(record))
    return Row(line, dict(zip(columns, padded, strict=False)))


# --- JSON -------------------------------------------------------------------------------------


def _jsonl_rows(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Row(number, None, f"not valid JSON ({exc.args[0] if exc.args else exc})")
            continue
        yield _json_row(number, value)


def _json_array_rows(text: str) -> Iterator[Row]:
    try:
        values = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ImportFileError(f"the file starts with [ but is not valid JSON ({exc})") from exc
    if not isinstance(values, list):
        raise ImportFileError("the file is JSON but not an array of objects")
    for number, value in enumerate(values, 1):
        yield replace(_json_row(number, value), unit="item")


def _json_row(number: int, value: Any) -> Row:
    if not isinstance(value, dict):
        return Row(number, None, f"expected a JSON object, got {type(value).__name__}")
    flat: dict[str, str] = {}
    _flatten(value, "", flat, FLATTEN_DEPTH)
    if len(flat) > MAX_COLUMNS:
        return Row(number, None, f"has {len(flat)} fields; the limit is {MAX_COLUMNS}")
    return Row(number, flat)


def _flatten(value: dict[str, Any], prefix: str, out: dict[str, str], depth: int) -> None:
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and depth > 1:
            _flatten(item, f"{name}.", out, depth - 1)
        else:
            out[name] = _as_text(item)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
