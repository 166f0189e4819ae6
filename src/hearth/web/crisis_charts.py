"""The crisis chart: volume and negative mentions per bucket, with the radar's baseline drawn.

Same conventions as `charts.py`: server-rendered SVG, every label escaped, a title and a text
summary for screen readers, no script.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from markupsafe import Markup, escape

from hearth.crisis.queries import ChartPoint
from hearth.web.i18n import _, localtime

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 200, 40, 22, 8


def _baseline(
    points: Sequence[ChartPoint],
    attr: str,
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
    css: str,
) -> str:
    coords = [
        f"{x_of(i):.1f},{y_of(getattr(p, attr)):.1f}"
        for i, p in enumerate(points)
        if getattr(p, attr) is not None
    ]
    if len(coords) < 2:
        return ""
    return f'<polyline class="{css}" points="{" ".join(coords)}"/>'


def crisis_chart(
    points: Sequence[ChartPoint],
    *,
    title: str,
    label: Callable[[datetime], str],
    tip: Callable[[ChartPoint], str],
    legend: tuple[str, str, str],
) -> Markup:
    """Stacked bars (all mentions, the negative part darker) and two dashed baseline lines."""
    if not points:
        return Markup("")
    peak = max(max(max(p.mentions, p.expected_mentions or 0) for p in points), 1)
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(points)

    def x_of(i: int) -> float:
        return PAD_LEFT + i * step + step / 2

    def y_of(value: float) -> float:
        return PAD_TOP + plot_h - plot_h * value / peak

    bars = []
    width = max(step - 1, 1)
    for i, p in enumerate(points):
        x = PAD_LEFT + i * step
        bars.append(
            f"<g><title>{escape(tip(p))}</title>"
            f'<rect class="bar" x="{x:.1f}" y="{y_of(p.mentions):.1f}" width="{width:.1f}" '
            f'height="{plot_h * p.mentions / peak:.1f}"/>'
            f'<rect class="bar-neg" x="{x:.1f}" y="{y_of(p.negative):.1f}" width="{width:.1f}" '
            f'height="{plot_h * p.negative / peak:.1f}"/></g>'
        )
    lines = _baseline(points, "expected_mentions", x_of, y_of, "baseline") + _baseline(
        points, "expected_negative", x_of, y_of, "baseline-neg"
    )
    axis = [
        f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end">'
        f"{peak:.0f}</text>",
        f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(1, len(points) // 6)
    for i in range(0, len(points), every):
        axis.append(
            f'<text class="axis" x="{PAD_LEFT + i * step:.1f}" y="{HEIGHT - 6}">'
            f"{escape(label(points[i].start))}</text>"
        )
    total, negative = sum(p.mentions for p in points), sum(p.negative for p in points)
    summary = escape(f"{title}: {legend[0]} {total}, {legend[1]} {negative}")
    keys = "".join(
        f'<span class="key key-{css}">{escape(text)}</span>'
        for css, text in zip(("bar", "bar-neg", "baseline"), legend, strict=True)
    )
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{summary}"><title>{escape(title)}</title>'
        + "".join(bars)
        + lines
        + "".join(axis)
        + "</svg>"
    )
    return Markup(svg + f'<p class="chart-keys">{keys}</p>')


def volume_chart(points: Sequence[ChartPoint], title: str) -> Markup:
    """The crisis chart with its labels in the reader's language and time zone."""
    return crisis_chart(
        points,
        title=title,
        label=lambda start: localtime(start, "HH:mm"),
        tip=lambda p: _(
            "%(when)s: %(total)s mentions (%(negative)s negative)",
            when=localtime(p.start, "HH:mm"),
            total=p.mentions,
            negative=p.negative,
        ),
        legend=(_("mentions"), _("negative"), _("usual level")),
    )

