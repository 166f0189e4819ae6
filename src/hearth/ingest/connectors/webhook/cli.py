"""`hearth webhook sign FILE`: the headers a sender must attach, to test an integration by hand.

``webhook_app`` is added by the root app with ``app.add_typer(webhook_app, name="webhook")``.
The secret is read from ``HEARTH_WEBHOOK_SECRET`` or asked for, never taken as an argument, so
it does not end up in the shell's history.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Annotated

import typer

from hearth.ingest.connectors.webhook.verify import sign

webhook_app = typer.Typer(
    help="Inbound webhook helpers for integrators.", no_args_is_help=True, add_completion=False
)


@webhook_app.callback()
def webhook_group() -> None:
    """Inbound webhook helpers for integrators."""
    # A callback keeps "sign" a sub-command; Typer would collapse a one-command app otherwise.


@webhook_app.command("sign")
def sign_command(
    file: Annotated[Path, typer.Argument(help="The JSON body to send.", exists=True)],
    secret: Annotated[
        str,
        typer.Option(
            envvar="HEARTH_WEBHOOK_SECRET", prompt=True, hide_input=True, help="Channel secret."
        ),
    ],
    delivery: Annotated[str | None, typer.Option(help="Delivery id (default: a UUID).")] = None,
    timestamp: Annotated[int | None, typer.Option(help="Unix seconds (default: now).")] = None,
) -> None:
    """Print the signature headers for FILE, one `Name: value` per line (curl -H friendly)."""
    headers = sign(
        file.read_bytes(),
        secret,
        timestamp=timestamp if timestamp is not None else int(time.time()),
        delivery_id=delivery or str(uuid.uuid4()),
    )
    for name, value in headers.items():
        typer.echo(f"{name}: {value}")
