"""`hearth import preview FILE` and `hearth import convert FILE`: the file import from a shell.

``import_app`` is added by the root app with ``app.add_typer(import_app, name="import")``.
``convert`` writes one ``MentionIn`` per line as JSON (the stream's message shape) and reports
refused rows on stderr, so a file can be checked and converted without a running Hearth.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from hearth.ingest.connectors.fileimport.mapping import SYNONYMS, ColumnMapping
from hearth.ingest.connectors.fileimport.reader import MAX_FILE_BYTES, ImportFileError
from hearth.ingest.connectors.fileimport.rows import import_batches, preview

import_app = typer.Typer(
    help="Check and convert CSV / JSON-lines exports from other tools.",
    no_args_is_help=True,
    add_completion=False,
)

FileArg = Annotated[Path, typer.Argument(help="A CSV, JSON-lines or JSON file.", exists=True)]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", "-m", help="FIELD=COLUMN, e.g. --map text=Message (repeatable)."),
]
PlatformOpt = Annotated[
    str | None, typer.Option(help="Platform for rows without one (default: file).")
]
MonthFirstOpt = Annotated[
    bool | None,
    typer.Option("--month-first/--day-first", help="Read 03/04/2026 as 4 March / 3 April."),
]


@import_app.command("preview")
def preview_command(
    file: FileArg,
    pairs: MapOpt = None,
    platform: PlatformOpt = None,
    month_first: MonthFirstOpt = None,
) -> None:
    """Show the columns, the guessed mapping and what would be refused."""
    body = _read(file)
    shown = preview(body, _mapping(body, pairs, platform, month_first))
    typer.echo(f"format: {shown.format or 'unreadable'}; columns: {', '.join(shown.columns)}")
    for field, column in shown.suggested_mapping.columns().items():
        typer.echo(f"  {field:<10} ← {column}")
    typer.echo(f"  dates read {'day' if shown.suggested_mapping.day_first else 'month'} first")
    for error in shown.errors:
        where = "file" if error.line == 0 else f"line {error.line}"
        typer.secho(f"{where}: {error.reason}", err=True, fg=typer.colors.YELLOW)


@import_app.command("convert")
def convert_command(
    file: FileArg,
    pairs: MapOpt = None,
    platform: PlatformOpt = None,
    month_first: MonthFirstOpt = None,
) -> None:
    """Write each valid row as a mention (JSON lines on stdout); refused rows go to stderr."""
    body = _read(file)
    mapping = _mapping(body, pairs, platform, month_first) or preview(body).suggested_mapping
    kept = refused = 0
    try:
        for batch in import_batches(body, mapping):
            for item in batch.items:
                sys.stdout.write(item.model_dump_json() + "\n")
            for rejected in batch.rejected:
                typer.secho(rejected.reason, err=True, fg=typer.colors.YELLOW)
            kept, refused = kept + len(batch.items), refused + len(batch.rejected)
    except ImportFileError as exc:
        _fail(exc.message)
    typer.echo(f"{kept} mentions, {refused} rows refused", err=True)


def _mapping(
    body: bytes, pairs: list[str] | None, platform: str | None, month_first: bool | None
) -> ColumnMapping | None:
    """The guessed mapping with the user's overrides, or None when nothing was overridden."""
    if not pairs and platform is None and month_first is None:
        return None
    values = preview(body).suggested_mapping.model_dump()
    for pair in pairs or []:
        field, sep, column = pair.partition("=")
        if not sep or field not in SYNONYMS:
            raise typer.BadParameter(
                f"{pair!r}: use FIELD=COLUMN with FIELD in {', '.join(SYNONYMS)}"
            )
        values[field] = column or None
    if platform is not None:
        values["default_platform"] = platform
    if month_first is not None:
        values["day_first"] = not month_first
    try:
        return ColumnMapping.model_validate(values)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _read(file: Path) -> bytes:
    if file.stat().st_size > MAX_FILE_BYTES:
        _fail(f"{file} is larger than {MAX_FILE_BYTES} bytes; split it")
    return file.read_bytes()


def _fail(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(code=1)
