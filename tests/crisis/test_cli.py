from __future__ import annotations

import csv
import io
from datetime import timedelta

from typer.testing import CliRunner

from hearth.crisis.cli import app
from tests.crisis.helpers import BUCKET, MONDAY, rhythm_counts

runner = CliRunner()


def write_series(path, rows) -> None:
    path.write_text("timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in rows))


def series(n: int, surge_at: int | None = None):
    counts = rhythm_counts(MONDAY, n, seed=11)
    rows = []
    for i, value in enumerate(counts):
        if surge_at is not None and i >= surge_at:
            value *= 8
        rows.append(((MONDAY + i * BUCKET).strftime("%Y-%m-%d %H:%M:%S"), int(value)))
    return rows


def test_score_writes_one_row_per_input_row_with_the_contract_columns(tmp_path):
    source = tmp_path / "series.csv"
    write_series(source, series(600))
    result = runner.invoke(app, ["score", "--input", str(source), "--output", "-"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["timestamp", "value", "anomaly_score", "alert"]
    assert len(rows) == 600
    assert rows[10]["timestamp"] == (MONDAY + 10 * BUCKET).strftime("%Y-%m-%d %H:%M:%S")
    assert all(0 <= float(r["anomaly_score"]) <= 1 and r["alert"] in ("0", "1") for r in rows)


def test_score_flags_a_surge(tmp_path):
    source, target = tmp_path / "series.csv", tmp_path / "out.csv"
    write_series(source, series(800, surge_at=700))
    result = runner.invoke(app, ["score", "--input", str(source), "--output", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.open()))
    assert rows[700]["alert"] == "1"


def test_bad_rows_are_reported_with_line_numbers_and_the_rest_scored(tmp_path):
    source = tmp_path / "series.csv"
    good = series(5)
    lines = [good[0], ("yesterday", 3), good[1], (good[2][0], "many"), good[3], (good[1][0], 4)]
    write_series(source, lines)
    result = runner.invoke(app, ["score", "--input", str(source)])
    assert result.exit_code == 1
    assert "line 3: timestamp 'yesterday'" in result.stderr
    assert "line 5: value 'many' is not a number" in result.stderr
    assert "line 7: timestamp" in result.stderr and "not after the previous row" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["timestamp"] for r in rows] == [good[0][0], good[1][0], good[3][0]]


def test_missing_columns_is_a_clear_error(tmp_path):
    source = tmp_path / "series.csv"
    source.write_text("time,count\n2015-01-01 00:00:00,3\n")
    result = runner.invoke(app, ["score", "--input", str(source)])
    assert result.exit_code != 0
    assert "timestamp" in result.output


def test_missing_input_file_is_a_clear_error(tmp_path):
    wide = {"COLUMNS": "400"}  # keep the error panel on one line
    result = runner.invoke(app, ["score", "--input", str(tmp_path / "nope.csv")], env=wide)
    assert result.exit_code != 0
    assert "not a readable file" in result.output


def test_timestamps_with_offsets_are_accepted(tmp_path):
    source = tmp_path / "series.csv"
    start = MONDAY.replace(tzinfo=None)
    rows = [((start + timedelta(minutes=5 * i)).isoformat() + "+02:00", i) for i in range(3)]
    write_series(source, rows)
    result = runner.invoke(app, ["score", "--input", str(source)])
    assert result.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 3
