"""The docs cover every setting, command, permission and audited action (as Datasette does)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_generated_reference_docs_are_current() -> None:
    generator = runpy.run_path(str(ROOT / "scripts" / "gen_docs.py"))
    stale = [name for name, render in generator["GENERATED"].items()
             if (DOCS / name).read_text() != render()]
    assert stale == [], f"run `uv run python scripts/gen_docs.py` to refresh {stale}"


def test_every_audit_action_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_]+\.[a-z_]+\.[a-z_]+)`", (DOCS / "audit.md").read_text()))
    used = set()
    for path in (ROOT / "src" / "hearth").rglob("*.py"):
        used |= set(re.findall(r'action="([a-z_]+\.[a-z_]+\.[a-z_]+)"', path.read_text()))
    assert used, "no audit action found in the code"
    assert sorted(used - documented) == []
