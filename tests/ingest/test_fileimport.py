"""File import: mapping preview, one test per export shape, bad rows reported by line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hearth.ingest.connectors.fileimport import (
    MAX_FILE_BYTES,
    ColumnMapping,
    FileImportConnector,
    ImportFileError,
    RowError,
    import_batches,
    import_rows,
    parse_date,
    preview,
)
from hearth.ingest.connectors.fileimport.cli import import_app
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.schemas import MentionIn

FIXTURES = Path(__file__).parents[2] / "src/hearth/ingest/connectors/fileimport/fixtures"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def guessed_import(name: str):
    body = data(name)
    return import_rows(body, preview(body).suggested_mapping, now=NOW)


# --- payload shapes ---------------------------------------------------------------------------


def test_listening_export_csv_maps_every_field():
    shown = preview(data("listening_export.csv"))
    assert shown.format == "csv" and shown.errors == []
    assert shown.suggested_mapping.columns() == {
        "text": "text", "created_at": "created_at", "author": "author", "url": "url",
        "id": "id", "platform": "platform", "lang": "lang",
    }  # fmt: skip
    assert shown.sample_rows[0]["author"] == "brickfan42"


def test_listening_export_rows_become_mentions():
    first, _, third = guessed_import("listening_export.csv").items
    assert (first.platform, first.external_id, first.lang_hint) == ("mastodon", "m-101", "en")
    assert first.text == "Just finished the Brickwise lighthouse, 4,000 pieces of joy!"
    assert third.created_at == datetime(2025, 11, 25, 14, 30, tzinfo=UTC)  # Unix time
    assert third.url == "https://www.forum.example/t/103"


def test_french_excel_export_semicolons_windows_1252_day_first():
    shown = preview(data("excel_fr_semicolon.csv"))
    mapping = shown.suggested_mapping
    assert (mapping.text, mapping.created_at, mapping.platform) == (
        "Texte", "Date de publication", "Réseau",
    )  # fmt: skip
    assert shown.errors == [RowError(0, shown.errors[0].reason)]
    assert "Windows-1252" in shown.errors[0].reason
    first, second = import_rows(data("excel_fr_semicolon.csv"), mapping, now=NOW).items
    assert first.text == "Pizza froide et livreur en retard, déçu."
    assert first.created_at == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    assert (first.platform, second.platform) == ("facebook", "instagram")
    assert second.url is None and second.author.handle == "Zoé"


def test_excel_unicode_text_utf16_tabs():
    (item,) = guessed_import("excel_unicode.txt").items
    assert item.text == "Café crème ☕ with my pizza" and item.author.handle == "zoé"
    assert item.platform == "file"


def test_json_lines_with_nested_user():
    body = data("tweets.jsonl")
    shown = preview(body)
    assert shown.format == "jsonl"
    assert shown.suggested_mapping.author == "user.screen_name"  # not user.name
    assert shown.suggested_mapping.id == "id_str"
    result = import_rows(body, shown.suggested_mapping, now=NOW)
    assert [i.external_id for i in result.items] == ["1861000000000000001", "1861000000000000002"]
    assert result.items[0].created_at == datetime(2026, 11, 25, 20, 19, 24, tzinfo=UTC)
    reasons = [r.reason for r in result.rejected]
    assert reasons[0].startswith("line 4: date ('created_at'): 'not a date'")
    assert reasons[1].startswith("line 5: not valid JSON")


def test_json_array_reports_items_by_number():
    result = guessed_import("export_array.json")
    assert [(i.external_id, i.platform) for i in result.items] == [
        ("9001", "instagram"), ("9002", "instagram"),
    ]  # fmt: skip
    assert result.items[1].created_at == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert [r.reason for r in result.rejected] == ["item 3: expected a JSON object, got str"]


# --- bad rows ---------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_good_rows_kept():
    result = guessed_import("bad_rows.csv")
    assert [i.external_id for i in result.items] == ["1", "4", "8"]
    assert result.items[1].text == "A message\nspread over\nthree lines"
    assert [r.reason.split(":")[0] for r in result.rejected] == [
        "line 3", "line 4", "line 8", "line 9", "line 10",
    ]  # fmt: skip
    reasons = " | ".join(r.reason for r in result.rejected)
    assert "'31/02/2026' is not a date we can read" in reasons
    assert "the text ('message') is empty" in reasons
    assert "has 7 fields but the header has 5" in reasons
    assert "id '1' already used on line 2" in reasons
    assert "url 'javascript:alert(1)' is not an http(s) link" in reasons


def test_preview_shows_sample_errors_with_line_numbers():
    errors = preview(data("bad_rows.csv")).errors
    assert [e.line for e in errors] == [3, 4, 8, 9, 10]


def test_preview_with_a_mapping_naming_a_missing_column():
    mapping = ColumnMapping(text="message", created_at="posted")
    errors = preview(data("bad_rows.csv"), mapping).errors
    assert RowError(0, "created_at: there is no column 'posted' in the file") in errors


def test_preview_asks_for_the_text_column_when_none_fits():
    body = b"a,b\n1,2\n"
    shown = preview(body)
    assert shown.suggested_mapping.text is None
    assert RowError(0, "choose the column that holds the text") in shown.errors


def test_import_without_a_text_column_is_refused_as_a_whole():
    with pytest.raises(ImportFileError, match="choose the column that holds the text"):
        import_rows(data("listening_export.csv"), ColumnMapping(created_at="created_at"))


def test_invalid_platform_value_is_a_row_error():
    body = b"text,platform\nhello,Twitter for iPhone!\n"
    result = import_rows(body, ColumnMapping(text="text", platform="platform"), now=NOW)
    assert result.items == [] and "is not a simple name" in result.rejected[0].reason


def test_empty_and_oversized_files_are_clear_errors():
    assert preview(b"  \n").errors == [RowError(0, "the file is empty")]
    (error,) = preview(b"x" * (MAX_FILE_BYTES + 1)).errors
    assert error.line == 0 and "the limit is" in error.reason


# --- ids, dates, batches ------------------------------------------------------------------------


def test_rows_without_id_get_stable_distinct_ids():
    body = b"text\nsame words\nother words\n"
    mapping = ColumnMapping(text="text")
    first = [i.external_id for i in import_rows(body, mapping, now=NOW).items]
    again = [i.external_id for i in import_rows(body, mapping, now=NOW).items]
    assert first == again and len(set(first)) == 2 and first[0].startswith("row-")


def test_month_first_file_is_recognised():
    body = b"text,date\nfirst,11/25/2026 2:30 PM\nsecond,03/04/2026\n"
    mapping = preview(body).suggested_mapping
    assert mapping.day_first is False
    items = import_rows(body, mapping, now=NOW).items
    assert items[0].created_at == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    assert items[1].created_at == datetime(2026, 3, 4, tzinfo=UTC)


def test_missing_date_column_uses_import_time():
    (item,) = import_rows(b"text\nhello\n", ColumnMapping(text="text"), now=NOW).items
    assert item.created_at == NOW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25T14:30:00Z", datetime(2026, 11, 25, 14, 30)),
        ("2026-11-25T15:30:00+01:00", datetime(2026, 11, 25, 14, 30)),
        ("2026-11-25 14:30", datetime(2026, 11, 25, 14, 30)),
        ("2026-11-25 14:30:00 UTC", datetime(2026, 11, 25, 14, 30)),
        ("25/11/2026 14:30", datetime(2026, 11, 25, 14, 30)),
        ("25.11.2026", datetime(2026, 11, 25)),
        ("Wed, 25 Nov 2026 14:30:00 +0000", datetime(2026, 11, 25, 14, 30)),
        ("Wed Nov 25 14:30:00 +0000 2026", datetime(2026, 11, 25, 14, 30)),
        ("1764081000", datetime(2025, 11, 25, 14, 30)),
        ("1764081000000", datetime(2025, 11, 25, 14, 30)),
        ("Nov 25, 2026 2:30 PM", datetime(2026, 11, 25, 14, 30)),
        ("25 novembre 2026 14h30", datetime(2026, 11, 25, 14, 30)),
        ("mercredi 25 novembre 2026 à 14:30", datetime(2026, 11, 25, 14, 30)),
    ],
)
def test_common_date_formats(value: str, expected: datetime):
    assert parse_date(value) == expected.replace(tzinfo=UTC)


@pytest.mark.parametrize("value", ["31/02/2026", "yesterday", "0", "01/01/1850"])
def test_unreadable_dates_are_refused(value: str):
    with pytest.raises(ValueError):
        parse_date(value)


def test_batches_carry_the_last_line_read():
    body = b"text\n" + b"".join(f"row {n}\n".encode() for n in range(25))
    batches = list(import_batches(body, ColumnMapping(text="text"), batch_size=10, now=NOW))
    assert [len(b.items) for b in batches] == [10, 10, 5]
    assert batches[0].cursor == {"line": 11} and batches[-1].cursor == {"line": 26}


def test_registered_as_file():
    connector_class = get_connector_class("file")
    assert connector_class is FileImportConnector
    assert connector_class.capabilities == frozenset()


# --- command line -------------------------------------------------------------------------------


def test_cli_preview_shows_mapping_and_bad_lines():
    result = CliRunner().invoke(import_app, ["preview", str(FIXTURES / "bad_rows.csv")])
    assert result.exit_code == 0
    assert "text       ← message" in result.stdout
    assert "line 9: id '1' already used on line 2" in result.stderr


def test_cli_convert_writes_mentions_and_honours_overrides(tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"body,when\nhello there,03/04/2026\n")
    args = ["convert", str(source), "--map", "text=body", "--map", "created_at=when"]
    result = CliRunner().invoke(import_app, [*args, "--month-first", "--platform", "forum"])
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    mention = MentionIn.model_validate_json(line)
    assert (mention.text, mention.platform) == ("hello there", "forum")
    assert mention.created_at == datetime(2026, 3, 4, tzinfo=UTC)
    assert "1 mentions, 0 rows refused" in result.stderr


def test_cli_rejects_an_unknown_field_in_map():
    args = ["preview", str(FIXTURES / "bad_rows.csv"), "--map", "colour=message"]
    result = CliRunner().invoke(import_app, args)
    assert result.exit_code != 0 and "FIELD=COLUMN" in result.output
