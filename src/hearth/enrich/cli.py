"""Command-line entry points: `hearth enrich` and `hearth models ...`.

`enrich_command` is a plain function the root app registers with
`app.command("enrich")(enrich_command)`; `models_app` is added with
`app.add_typer(models_app, name="models")`.

Input is JSON lines `{"id": ..., "text": ...}` (optional `"lang"` hint). Output is one JSON line
per input line, in order. A line that is not valid gets an error record with its line number;
every valid line is still processed.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any

import typer

BATCH_SIZE = 1000
STDIO = "-"

models_app = typer.Typer(
    help="Train, evaluate and apply the enrichment models.",
    no_args_is_help=True,
    add_completion=False,
)


@contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    # Undecodable bytes become U+FFFD: one bad line must not stop the others.
    if path == STDIO and mode == "r":
        stdin = sys.stdin
        if hasattr(stdin, "buffer"):
            stdin = io.TextIOWrapper(stdin.buffer, encoding="utf-8", errors="replace")
        yield stdin
        return
    if path == STDIO:
        yield sys.stdout
        return
    try:
        fh = open(path, mode, encoding="utf-8", errors="replace", newline="\n")  # noqa: SIM115
    except OSError as exc:
        raise typer.BadParameter(f"cannot open {path}: {exc.strerror}") from exc
    with fh:
        yield fh


def parse_line(line: str, number: int) -> dict[str, Any]:
    """A valid record, or an error record naming the line and what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(record, dict):
        return {"line": number, "error": "expected a JSON object"}
    if not isinstance(record.get("text"), str):
        return {"id": record.get("id"), "line": number, "error": "missing or non-string 'text'"}
    lang = record.get("lang")
    if lang is not None and not isinstance(lang, str):
        return {"id": record.get("id"), "line": number, "error": "'lang' must be a string"}
    return record


def _batches(lines: IO[str]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        batch.append(parse_line(line, number))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def process_jsonl(
    source: IO[str], sink: IO[str], apply: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
) -> tuple[int, int]:
    """Run `apply` on the valid records of each batch; write results and errors in input order."""
    total = errors = 0
    for batch in _batches(source):
        valid = [r for r in batch if "error" not in r]
        results = iter(apply(valid) if valid else [])
        for record in batch:
            total += 1
            if "error" in record:
                errors += 1
                out = record
            else:
                out = next(results)
            sink.write(json.dumps(out, ensure_ascii=False) + "\n")
    sink.flush()
    return total, errors


def _enrich_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from hearth.enrich import enrich

    results = enrich([r["text"] for r in records], langs=[r.get("lang") for r in records])
    return [{"id": r.get("id"), **e.to_dict()} for r, e in zip(records, results, strict=True)]


InputOpt = Annotated[str, typer.Option("--input", "-i", help="JSON lines file, or - for stdin.")]
OutputOpt = Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout.")]


def enrich_command(input: InputOpt = STDIO, output: OutputOpt = STDIO) -> None:  # noqa: A002
    """Enrich JSON lines {"id", "text"} into one enrichment record per line."""
    with _open(input, "r") as source, _open(output, "w") as sink:
        total, errors = process_jsonl(source, sink, _enrich_records)
    typer.echo(f"enriched {total - errors} of {total} lines ({errors} errors)", err=True)


@models_app.command("train")
def train_command(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Training data folder (default: $HEARTH_TRAINING_DATA or ../shared/data)."
        ),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Where to write the models.")] = None,
) -> None:
    """Train every shipped model (language, sentiment, toxicity) deterministically."""
    from hearth.enrich.datasets import default_data_dir
    from hearth.enrich.heads import MODELS_DIR
    from hearth.enrich.train import train_all

    data = data_dir or default_data_dir()
    if not data.is_dir():
        raise typer.BadParameter(f"training data folder not found: {data}")
    doc = train_all(data, out_dir or MODELS_DIR)
    for name, head in doc["heads"].items():
        typer.echo(f"{name}: {head['version']} ({len(head['labels'])} outputs)")


@models_app.command("train-classifier")
def train_classifier_command(
    name: Annotated[str, typer.Option(help="Classifier name (a-z, 0-9, _ and -).")],
    input: Annotated[Path, typer.Option(help="CSV file with columns text,label.")],  # noqa: A002
) -> None:
    """Train a new version of a custom classifier from labelled examples."""
    from hearth.enrich.custom import ClassifierError, read_training_csv, train_classifier

    try:
        texts, labels = read_training_csv(input)
        meta = train_classifier(name, texts, labels)
    except ClassifierError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(meta))


@models_app.command("classify")
def classify_command(
    name: Annotated[str, typer.Option(help="Classifier name.")],
    input: InputOpt = STDIO,  # noqa: A002
    output: OutputOpt = STDIO,
    version: Annotated[int | None, typer.Option(help="Version (default: latest).")] = None,
) -> None:
    """Apply a custom classifier to JSON lines {"id", "text"}: {"id", "label", "scores"}."""
    from hearth.enrich.custom import ClassifierError, load_classifier

    try:
        model = load_classifier(name, version)
    except ClassifierError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc

    def apply(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        preds = model.predict([r["text"] for r in records])
        return [
            {"id": r.get("id"), "label": lab, "scores": scores}
            for r, (lab, scores) in zip(records, preds, strict=True)
        ]

    with _open(input, "r") as source, _open(output, "w") as sink:
        total, errors = process_jsonl(source, sink, apply)
    typer.echo(f"classified {total - errors} of {total} lines ({errors} errors)", err=True)


@models_app.command("evaluate")
def evaluate_command(
    data_dir: Annotated[
        Path | None, typer.Option(help="Data folder with validation splits.")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Also write the report (Markdown).")] = None,
) -> None:
    """Evaluate the shipped models on the validation splits and the functional suite."""
    from hearth.enrich.datasets import default_data_dir
    from hearth.enrich.evaluate import evaluation_report

    report = evaluation_report(data_dir or default_data_dir())
    typer.echo(report)
    if output is not None:
        output.write_text(report, encoding="utf-8")
