"""`hearth crisis score`: run the detector, with its default settings, over any series."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import typer

from hearth.crisis.detector import Detector

app = typer.Typer(help="Crisis radar: anomaly detection on mention counts.", no_args_is_help=True)

OUTPUT_COLUMNS = ("timestamp", "value", "anomaly_score", "alert")


@app.callback()
def crisis() -> None:
    """Crisis radar: anomaly detection on mention counts."""


class RowError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_row(line: int, row: dict[str, str | None]) -> tuple[str, datetime, float]:
    """(timestamp text, aware UTC time, value); naive timestamps are read as UTC."""
    raw_time, raw_value = (row.get("timestamp") or "").strip(), (row.get("value") or "").strip()
    try:
        at = datetime.fromisoformat(raw_time)
    except ValueError:
        raise RowError(line, f"timestamp {raw_time!r} is not an ISO 8601 date-time") from None
    try:
        value = float(raw_value)
    except ValueError:
        raise RowError(line, f"value {raw_value!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RowError(line, f"value {raw_value!r} is not a finite number")
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return raw_time, at, value


def score_rows(source: TextIO, errors: TextIO) -> Iterator[tuple[str, float, float, int]]:
    """Score each valid row in order; report each bad one on `errors` and carry on.

    Rows must come in increasing time order: a row that goes back in time is refused, since
    the detector's state has already moved past it.
    """
    reader = csv.DictReader(source)
    missing = {"timestamp", "value"} - set(reader.fieldnames or ())
    if missing:
        raise typer.BadParameter(f"the header must name the columns {sorted(missing)}")
    detector, previous = Detector(), None
    for row in reader:
        line = reader.line_num
        try:
            raw_time, at, value = parse_row(line, row)
            if previous is not None and at <= previous:
                raise RowError(line, f"timestamp {raw_time} is not after the previous row")
        except RowError as error:
            print(f"error: {error}; row skipped", file=errors)
            continue
        previous = at
        score = detector.update(at, value)
        yield raw_time, value, score.anomaly_score, int(score.alert)


@app.command("score")
def score(
    input: Path = typer.Option(..., "--input", help="CSV with columns timestamp,value."),
    output: str = typer.Option("-", "--output", help="Output CSV file, or - for stdout."),
) -> None:
    """Write timestamp,value,anomaly_score,alert for every valid row of INPUT."""
    if not input.is_file():
        raise typer.BadParameter(f"{input} is not a readable file", param_hint="--input")
    errors = _CountingStream(sys.stderr)
    with input.open(newline="") as source, _open_output(output) as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for raw_time, value, anomaly, alert in score_rows(source, errors):
            writer.writerow((raw_time, _number(value), f"{anomaly:.6f}", alert))
    if errors.lines:
        # Every good row was written; the exit code still tells scripts something was refused.
        print(f"{errors.lines} row(s) skipped", file=sys.stderr)
        raise typer.Exit(code=1)


class _CountingStream:
    def __init__(self, stream: TextIO) -> None:
        self.stream, self.lines = stream, 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class _Stdout:
    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()


def _open_output(output: str):
    return _Stdout() if output == "-" else open(output, "w", newline="")


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
