"""Server-rendered SVG charts: no chart library, no script, the same markup in the PDF reports.

Every label is escaped; numbers are formatted by us. The SVG carries a <title> and a text
summary for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 180, 36, 22, 8


def volume_chart(series: Sequence[tuple[datetime, int, int]], *, title: str,
                 label: Callable[[datetime], str]) -> Markup:
    """Bars of volume per bucket, the negative part darker (stacked)."""
    if not series:
        return Markup("")
    peak = max(max(total for _, total, _ in series), 1)
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / len(series)
    bars = []
    for i, (start, total, negative) in enumerate(series):
        x = PAD_LEFT + i * step
        h_total, h_neg = plot_h * total / peak, plot_h * negative / peak
        y = PAD_TOP + plot_h - h_total
        tip = escape(f"{label(start)}: {total} ({negative} negative)")
        bars.append(
            f'<g><title>{tip}</title>'
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(step - 1, 1):.1f}" '
            f'height="{h_total:.1f}"/>'
            f'<rect class="bar-neg" x="{x:.1f}" y="{PAD_TOP + plot_h - h_neg:.1f}" '
            f'width="{max(step - 1, 1):.1f}" height="{h_neg:.1f}"/></g>')
    ticks = [f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end">'
             f'{peak}</text>',
             f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" '
             f'text-anchor="end">0</text>']
    every = max(1, len(series) // 6)
    for i in range(0, len(series), every):
        x = PAD_LEFT + i * step
        ticks.append(f'<text class="axis" x="{x:.1f}" y="{HEIGHT - 6}">'
                     f'{escape(label(series[i][0]))}</text>')
    total = sum(t for _, t, _ in series)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}: {total}"><title>{escape(title)}</title>'
        + "".join(bars) + "".join(ticks) + "</svg>")
