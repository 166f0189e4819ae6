"""`hearth demo …` commands that only read the world: dump items, show its shape.

(The command that streams the world into a running Hearth belongs to the listening pipeline.)
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from hearth.demo.bulk import bulk
from hearth.demo.world import DemoWorld

demo_app = typer.Typer(
    help="The simulated demo world (two fictional brands).", no_args_is_help=True
)

SeedOpt = Annotated[int, typer.Option(help="World seed: the same seed gives the same items.")]
StartOpt = Annotated[
    str | None, typer.Option(help="Simulated start, ISO 8601 with offset (default: now, UTC).")
]
HoursOpt = Annotated[float, typer.Option(help="Length of the window in simulated hours.")]
BrandOpt = Annotated[list[str] | None, typer.Option("--brand", help="briquo and/or pizzadoro.")]
RateOpt = Annotated[
    list[str] | None, typer.Option("--rate", help="BRAND=N mentions per simulated hour.")
]
ScandalOpt = Annotated[
    float | None,
    typer.Option(help="Minutes after start when the pizza scandal breaks (-1: never)."),
]


@demo_app.command("generate")
def generate(
    seed: SeedOpt = 7,
    start: StartOpt = None,
    hours: HoursOpt = 1.0,
    brand: BrandOpt = None,
    rate: RateOpt = None,
    scandal_at: ScandalOpt = 8.0,
    count: Annotated[int | None, typer.Option(help="Instead of a window: N bulk items.")] = None,
    output: Annotated[
        str, typer.Option(help="File to write JSON lines to, or - for stdout.")
    ] = "-",
) -> None:
    """Write the items of a window of the demo world as JSON lines (one MentionIn per line)."""
    if count is not None:
        items = bulk(count, seed)
    else:
        world = _world(seed, start, brand, rate, scandal_at)
        items = world.items_between(world.start, world.start + timedelta(hours=hours))
    lines = "".join(item.model_dump_json() + "\n" for item in items)
    if output == "-":
        sys.stdout.write(lines)
    else:
        Path(output).write_text(lines, encoding="utf-8")
        typer.echo(f"{len(items)} items written to {output}", err=True)


@demo_app.command("stats")
def stats(
    seed: SeedOpt = 7,
    start: StartOpt = None,
    hours: HoursOpt = 4.0,
    brand: BrandOpt = None,
    rate: RateOpt = None,
    scandal_at: ScandalOpt = 8.0,
    bucket_minutes: Annotated[int, typer.Option(help="Width of each row.")] = 15,
) -> None:
    """Show volume, negative share and abusive share per brand over time."""
    if bucket_minutes <= 0:
        raise typer.BadParameter("--bucket-minutes must be positive")
    world = _world(seed, start, brand, rate, scandal_at)
    typer.echo("from (UTC)        " + "".join(f"{b.slug:>28}" for b in world.brands))
    t0, step = world.start, timedelta(minutes=bucket_minutes)
    while t0 < world.start + timedelta(hours=hours):
        items = world.items_between(t0, t0 + step)
        typer.echo(
            t0.strftime("%Y-%m-%d %H:%M  ")
            + "".join(
                _cell([m for m in items if m.raw["demo"]["brand"] == b.slug]) for b in world.brands
            )
        )
        t0 += step


def _cell(items: list) -> str:
    labels = Counter()
    for item in items:
        labels["negative"] += item.raw["demo"]["sentiment"] == "negative"
        labels["abusive"] += item.raw["demo"]["abusive"]
    n = max(len(items), 1)
    return f"{len(items):>8} neg {labels['negative'] / n:4.0%} abuse {labels['abusive'] / n:4.0%}"


def _world(seed, start, brand, rate, scandal_at) -> DemoWorld:
    try:
        when = datetime.fromisoformat(start) if start else None
        if when is not None and when.tzinfo is None:
            raise ValueError(f"--start needs a UTC offset, e.g. {start}+00:00")
        rates = dict(_rate(r) for r in rate or [])
        scandal = None if scandal_at is None or scandal_at < 0 else timedelta(minutes=scandal_at)
        return DemoWorld(
            seed,
            start=when,
            brands=brand or ("briquo", "pizzadoro"),
            rates=rates,
            scandal_at=scandal,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


def _rate(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--rate must look like BRAND=N, got {text!r}")
    return name, float(value)
