"""Charts drawn on the server as inline SVG: no script, styled by the stylesheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 18, 30
LINE_INSET = 36
ACCENT, GRID, TICK = "#1f6f8b", "#c9cfd9", "#5b6472"
"""Presentation attributes, for renderers without the stylesheet's rules (the PDF);
the stylesheet's classes take precedence in the browser."""


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value and the text shown on hover."""

    label: str
    value: float
    note: str


def short_number(value: float) -> str:
    """A compact label: 950, 1.2k, 3.4M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def bar_chart(bars: Sequence[Bar], *, title: str) -> Markup:
    """A bar chart of ``bars`` with a zero line, a top grid line and value labels."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max((b.value for b in bars), default=0.0) or 1.0
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
        _grid(TOP, short_number(top)),
        _grid(TOP + plot_h / 2, short_number(top / 2)),
        _grid(TOP + plot_h, "0", axis=True),
    ]
    for index, bar in enumerate(bars):
        parts.append(_bar(bar, LEFT + index * slot, slot, plot_h * max(bar.value, 0.0) / top))
    parts.append("</svg>")
    return Markup("".join(parts))


def _grid(y: float, label: str, *, axis: bool = False) -> str:
    css = "chart-axis" if axis else "chart-grid"
    return (
        f'<line class="{css}" stroke="{GRID}" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="chart-tick" fill="{TICK}" font-size="11" x="{LEFT - 6}" '
        f'y="{y + 4:.1f}" text-anchor="end">'
        f"{escape(label)}</text>"
    )


def _bar(bar: Bar, x: float, slot: float, height: float) -> str:
    width = slot * 0.62
    left = x + (slot - width) / 2
    base = HEIGHT - BOTTOM
    middle = x + slot / 2
    value_label = (
        f'<text class="chart-value" x="{middle:.1f}" y="{base - height - 4:.1f}" '
        f'text-anchor="middle">{escape(short_number(bar.value))}</text>'
        if bar.value
        else ""
    )
    return (
        f'<g class="chart-item"><title>{escape(bar.note)}</title>'
        f'<rect class="chart-bar" fill="{ACCENT}" x="{left:.1f}" y="{base - height:.1f}" '
        f'width="{width:.1f}" height="{height:.1f}" rx="2"/>{value_label}'
        f'<text class="chart-label" x="{middle:.1f}" y="{base + 18}" text-anchor="middle">'
        f"{escape(bar.label)}</text></g>"
    )


def line_chart(
    points: Sequence[Bar], *, title: str, top: float | None = None, label: str = "{:.0f}"
) -> Markup:
    """A line through ``points`` (oldest first) with a dot and a hover text at each.

    ``top`` fixes the scale (1.0 for probabilities); ``label`` formats the tick values.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    high = top or max((p.value for p in points), default=0.0) or 1.0
    inset = LINE_INSET if len(points) > 1 else plot_w / 2
    step = (plot_w - 2 * inset) / max(len(points) - 1, 1)
    xy = [
        (LEFT + inset + i * step, TOP + plot_h * (1 - max(p.value, 0.0) / high))
        for i, p in enumerate(points)
    ]
    parts = [
        f'<svg class="chart chart-line" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
        _grid(TOP, label.format(high)),
        _grid(TOP + plot_h / 2, label.format(high / 2)),
        _grid(TOP + plot_h, label.format(0), axis=True),
    ]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(
            f'<polyline class="chart-path" fill="none" stroke="{ACCENT}" stroke-width="2" '
            f'points="{path}"/>'
        )
    for point, (x, y) in zip(points, xy, strict=True):
        parts.append(
            f'<g class="chart-item"><title>{escape(point.note)}</title>'
            f'<circle class="chart-dot" fill="{ACCENT}" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
            f'<text class="chart-label" x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(point.label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
