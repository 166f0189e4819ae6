"""Regenerate the reference parts of docs/ from the code: settings, CLI, permissions.

Run `uv run python scripts/gen_docs.py`; tests/test_docs.py fails when the docs fall behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from hearth.authz.roles import ROLE_PERMISSIONS, Permission, Role
from hearth.cli import app
from hearth.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def settings_md() -> str:
    lines = ["# Settings", "", "Every setting is an environment variable. Defaults suit the "
             "embedded demo; production needs at least `HEARTH_ENV=production` and "
             "`HEARTH_SECRET_KEY`.", "", "| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default if field.default is not None else ""
        lines.append(f"| `HEARTH_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(lines) + "\n"


def _walk(command: Any, prefix: str) -> list[tuple[str, str]]:
    rows = [(prefix, (command.help or "").strip().split("\n")[0])]
    if hasattr(command, "commands"):  # a group (Typer vendors its own click)
        for name, sub in sorted(command.commands.items()):
            rows.extend(_walk(sub, f"{prefix} {name}"))
    return rows


def cli_md() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command line", "", "`hearth --help` and `hearth COMMAND --help` give every "
             "option. The commands:", "", "| command | what it does |", "|---|---|"]
    for name, text in _walk(root, "hearth"):
        lines.append(f"| `{name}` | {text} |")
    return "\n".join(lines) + "\n"


def permissions_md() -> str:
    roles = list(Role)
    head = "| permission | " + " | ".join(r.value for r in roles) + " |"
    lines = ["# Roles and permissions", "",
             "Roles are per workspace. Checks live in the domain (`check_*` functions call the "
             "`can_*` predicates of `hearth.authz.policy`), so the UI, the API and the CLI "
             "enforce the same rules. A workspace you do not belong to answers 404, never 403.",
             "", "Rules beyond the table: nobody grants a role above their own; only owners "
             "make, demote or remove owners; a workspace keeps at least one owner; an admin "
             "resets a teammate's password only if they administer every workspace that "
             "teammate belongs to; API tokens carry their creator's role at creation narrowed "
             "to the scopes chosen, and stop working when the creator leaves.", "",
             "Why these roles: *agents* answer the inbox, *moderators* apply the rules, "
             "*analysts* read and export numbers, *managers* run channels, publishing and crisis "
             "response, *admins* run the team and settings, *owners* own the workspace.", "",
             head, "|" + "---|" * (len(roles) + 1)]
    for permission in Permission:
        marks = " | ".join("✓" if permission in ROLE_PERMISSIONS[r] else "" for r in roles)
        lines.append(f"| `{permission.value}` | {marks} |")
    return "\n".join(lines) + "\n"


GENERATED = {"settings.md": settings_md, "cli.md": cli_md, "permissions.md": permissions_md}

if __name__ == "__main__":
    for filename, render in GENERATED.items():
        (DOCS / filename).write_text(render())
        print(f"wrote docs/{filename}")
