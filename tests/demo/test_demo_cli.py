"""`hearth demo generate` and `hearth demo stats`."""

from typer.testing import CliRunner

from hearth.demo.cli import demo_app
from hearth.ingest.schemas import MentionIn

runner = CliRunner()
START = "2026-11-20T17:00:00+00:00"


def test_generate_writes_valid_json_lines(tmp_path):
    out = tmp_path / "demo.jsonl"
    result = runner.invoke(
        demo_app, ["generate", "--start", START, "--hours", "0.25", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    items = [MentionIn.model_validate_json(line) for line in out.read_text().splitlines()]
    assert len(items) > 20
    assert {m.raw["demo"]["brand"] for m in items} == {"briquo", "pizzadoro"}


def test_generate_count_gives_exactly_n_items():
    result = runner.invoke(demo_app, ["generate", "--count", "25"])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 25


def test_generate_one_brand_at_a_chosen_rate():
    result = runner.invoke(
        demo_app,
        [
            "generate",
            "--start",
            START,
            "--brand",
            "briquo",
            "--rate",
            "briquo=2000",
            "--hours",
            "0.1",
        ],
    )
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) > 100
    assert all('"brand":"briquo"' in line for line in lines)


def test_stats_shows_the_scandal():
    result = runner.invoke(demo_app, ["stats", "--start", START, "--hours", "1"])
    assert result.exit_code == 0
    assert "pizzadoro" in result.stdout and "neg" in result.stdout


def test_naive_start_is_a_clear_error():
    result = runner.invoke(demo_app, ["stats", "--start", "2026-11-20T17:00:00"])
    assert result.exit_code == 2
    assert "UTC offset" in result.output


def test_bad_rate_is_a_clear_error():
    result = runner.invoke(demo_app, ["stats", "--start", START, "--rate", "briquo"])
    assert result.exit_code == 2
    assert "BRAND=N" in result.output
