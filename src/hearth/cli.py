"""The `hearth` command. Domain sub-commands attach here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="hearth",
    help="Hearth: self-hosted community management for brands.",
    no_args_is_help=True,
    add_completion=False,
)
