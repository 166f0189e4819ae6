from __future__ import annotations

import json
import logging

import pytest

from hearth.config import InsecureSecretKeyError, Settings
from hearth.kit.logs import JsonFormatter


def test_production_refuses_a_placeholder_secret(monkeypatch) -> None:
    monkeypatch.setenv("HEARTH_ENV", "production")
    for placeholder in ("change-me", "", "secret"):
        monkeypatch.setenv("HEARTH_SECRET_KEY", placeholder)
        with pytest.raises(InsecureSecretKeyError):
            Settings()
    monkeypatch.setenv("HEARTH_SECRET_KEY", "x" * 48)
    assert Settings().resolved_secret_key == "x" * 48


def test_embedded_default_generates_and_keeps_a_secret(tmp_path) -> None:
    first = Settings(data_dir=tmp_path).resolved_secret_key
    again = Settings(data_dir=tmp_path).resolved_secret_key
    assert len(first) >= 40 and first == again
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_default_database_is_sqlite_in_the_data_folder(tmp_path) -> None:
    url = Settings(data_dir=tmp_path).resolved_database_url
    assert url == f"sqlite:///{(tmp_path / 'hearth.db').resolve()}"


def test_json_logs_are_one_object_per_line_with_extras() -> None:
    record = logging.LogRecord("hearth.test", logging.WARNING, __file__, 1, "hello %s", ("you",),
                               None)
    record.workspace = "briquo"
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "hello you" and line["level"] == "warning"
    assert line["workspace"] == "briquo"
