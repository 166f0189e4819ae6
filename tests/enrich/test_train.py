"""`hearth models train` on a tiny copy of the data layout: it runs and is deterministic."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from typer.testing import CliRunner

from hearth.enrich.cli import models_app
from hearth.enrich.heads import load_heads

LANGS = ["arabic", "english", "french", "german", "hindi", "italian", "portuguese", "spanish"]
WORDS = {
    "negative": "awful bad hate",
    "neutral": "the meeting is on monday",
    "positive": "love great thanks",
}


def _csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture()
def tiny_data(tmp_path):
    data = tmp_path / "data"
    xlmt = [
        (f"{WORDS[lab]} {lang} {i}", lab, 0, lang)
        for lang in LANGS
        for lab in WORDS
        for i in range(3)
    ]
    _csv(data / "xlmt_sentiment" / "train.csv", ["text", "label", "label_id", "lang"], xlmt)
    two = [("you are an idiot", "offensive"), ("nice weather", "not-offensive")] * 3
    _csv(
        data / "tweeteval_offensive" / "train.csv",
        ["text", "label", "label_id"],
        [(t, lab, 0) for t, lab in two],
    )
    hate = [("women are scum", "hate"), ("women run the club", "not-hate")] * 3
    _csv(
        data / "tweeteval_hate" / "train.csv",
        ["text", "label", "label_id"],
        [(t, lab, 0) for t, lab in hate],
    )
    dav = [
        ("fuck off", "offensive_language"),
        ("hello there", "neither"),
        ("dirty immigrants", "hate_speech"),
    ] * 3
    _csv(data / "davidson_hate_offensive" / "train.csv", ["text", "label"], dav)
    mlma = [
        ("les immigrés dehors", "toxic", "hateful", "origin", "fr"),
        ("bonjour à tous", "normal", "normal", "other", "fr"),
        ("كلام عادي", "normal", "normal", "other", "ar"),
    ] * 3
    _csv(
        data / "mlma_hate_speech" / "train.csv",
        ["text", "label", "hostility", "target", "lang"],
        mlma,
    )
    _csv(data / "banking77" / "train.csv", ["text", "label"], [("where is my card", "card")] * 3)
    return data


def test_training_is_deterministic(tiny_data, tmp_path):
    runner = CliRunner()
    weights = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = runner.invoke(
            models_app, ["train", "--data-dir", str(tiny_data), "--out-dir", str(out)]
        )
        assert result.exit_code == 0, result.output
        weights.append(load_heads(out).weights)
    assert np.array_equal(weights[0], weights[1])
    assert set(load_heads(tmp_path / "a").heads) == {"lang", "sentiment", "offensive", "hate"}


def test_training_without_data_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(models_app, ["train", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "not found" in result.output
