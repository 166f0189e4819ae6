"""The layering rules of DESIGN §2, checked with import-linter (contracts in pyproject.toml)."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(
        "PYTHONPATH", str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    assert lint_imports(no_cache=True) == 0
