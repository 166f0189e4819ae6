"""`hearth enrich` and `hearth models ...` through Typer's test runner."""

from __future__ import annotations

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from hearth.enrich.cli import enrich_command, models_app

runner = CliRunner()


@pytest.fixture()
def enrich_app() -> typer.Typer:
    app = typer.Typer()
    app.command("enrich")(enrich_command)
    app.command("noop")(lambda: None)  # two commands, so "enrich" is addressed by name
    return app


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_enrich_writes_one_record_per_line_in_order(enrich_app, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "I love it"}\n{"id": "b", "text": "Je déteste ça"}\n')
    out = tmp_path / "out.jsonl"
    result = runner.invoke(enrich_app, ["enrich", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    records = _lines(out.read_text())
    assert [r["id"] for r in records] == [1, "b"]
    assert records[0]["sentiment"]["label"] == "positive"
    assert "toxicity" in records[1] and "dup_signature" in records[1]


def test_invalid_lines_get_error_records_and_valid_lines_survive(enrich_app):
    stdin = (
        '{"id": 1, "text": "first"}\n'
        "not json at all\n"
        '{"id": 3}\n'
        "\n"
        '["a list"]\n'
        '{"id": 6, "text": "last one"}\n'
    )
    result = runner.invoke(enrich_app, ["enrich"], input=stdin)
    assert result.exit_code == 0
    records = _lines(result.stdout)
    assert [r.get("id") for r in records] == [1, None, 3, None, 6]
    assert [r.get("line") for r in records if "error" in r] == [2, 3, 5]
    assert records[-1]["lang"] and "error" not in records[-1]


def test_undecodable_bytes_do_not_stop_the_file(enrich_app, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": 1, "text": "caf\xe9 \xff"}\n{"id": 2, "text": "fine"}\n')
    out = tmp_path / "out.jsonl"
    result = runner.invoke(enrich_app, ["enrich", "-i", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert [r["id"] for r in _lines(out.read_text())] == [1, 2]


def test_language_hint_from_input_is_used(enrich_app):
    result = runner.invoke(enrich_app, ["enrich"], input='{"id": 1, "text": "ok", "lang": "fr"}\n')
    assert _lines(result.stdout)[0]["lang"] == "fr"


def test_missing_input_file_is_a_clear_error(enrich_app, tmp_path):
    result = runner.invoke(enrich_app, ["enrich", "--input", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0
    assert "cannot open" in result.output


def _write_training(path, rows):
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)


SHIPPING = [
    "where is my parcel",
    "my delivery is late",
    "package not arrived yet",
    "colis toujours pas livré",
    "tracking number does not work",
    "livraison en retard",
]
BILLING = [
    "I was charged twice",
    "wrong amount on my invoice",
    "refund my payment please",
    "facture incorrecte",
    "double prélèvement sur ma carte",
    "my bill is too high",
]


def test_train_then_classify_custom_category(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    train = tmp_path / "train.csv"
    _write_training(train, [(t, "shipping") for t in SHIPPING] + [(t, "billing") for t in BILLING])
    result = runner.invoke(
        models_app, ["train-classifier", "--name", "support", "--input", str(train)]
    )
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert meta["version"] == 1 and meta["labels"] == ["billing", "shipping"] and meta["created"]
    assert (tmp_path / "data" / "classifiers" / "support" / "v1" / "meta.json").exists()
    stdin = '{"id": "x", "text": "my parcel is late"}\n{"id": "y", "text": "charged twice"}\nbad\n'
    result = runner.invoke(models_app, ["classify", "--name", "support"], input=stdin)
    assert result.exit_code == 0, result.output
    records = _lines(result.stdout)
    assert [(r.get("id"), r.get("label")) for r in records[:2]] == [
        ("x", "shipping"),
        ("y", "billing"),
    ]
    assert set(records[0]["scores"]) == {"billing", "shipping"}
    assert records[2]["line"] == 3 and "error" in records[2]


def test_retraining_creates_a_new_version(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    train = tmp_path / "train.csv"
    _write_training(train, [(t, "shipping") for t in SHIPPING] + [(t, "billing") for t in BILLING])
    for _ in range(2):
        runner.invoke(models_app, ["train-classifier", "--name", "support", "--input", str(train)])
    versions = sorted(p.name for p in (tmp_path / "classifiers" / "support").iterdir())
    assert versions == ["v1", "v2"]


def test_training_with_one_label_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    train = tmp_path / "train.csv"
    _write_training(train, [(t, "shipping") for t in SHIPPING])
    result = runner.invoke(models_app, ["train-classifier", "--name", "x", "--input", str(train)])
    assert result.exit_code == 2
    assert "two different labels" in result.output


def test_training_csv_without_header_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    train = tmp_path / "train.csv"
    train.write_text("hello,world\n")
    result = runner.invoke(models_app, ["train-classifier", "--name", "x", "--input", str(train)])
    assert result.exit_code == 2 and "text,label" in result.output


def test_bad_classifier_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    result = runner.invoke(models_app, ["classify", "--name", "../etc"], input="")
    assert result.exit_code == 2 and "invalid classifier name" in result.output


def test_classify_unknown_classifier_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    result = runner.invoke(models_app, ["classify", "--name", "nope"], input="")
    assert result.exit_code == 2 and "no classifier named" in result.output
