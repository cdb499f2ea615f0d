"""Line and step charts drawn on the server as inline SVG (survival curves, trends)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from keepwell.web.charts import short_number

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 34
COLORS = ("#1d4ed8", "#b45309", "#047857", "#b91c1c", "#7c3aed", "#0e7490")
"""Series take the CSS classes ``chart-line-0`` … ``chart-line-5`` and these colours in
turn. The colours are also written as SVG presentation attributes, so the chart looks the
same where the stylesheet does not reach into SVG (PDF rendering)."""
PALETTE = len(COLORS)
GRID, AXIS, TICK = "#e5e7eb", "#c9cfd9", "#667085"


@dataclass(frozen=True)
class Series:
    """One labelled line through ``points`` (x, y), in x order."""

    label: str
    points: Sequence[tuple[float, float]]


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_max: float | None = None,
    percent: bool = False,
    step: bool = False,
) -> Markup:
    """A chart of ``series`` sharing one x and y axis, with a legend.

    ``step`` draws each value until the next point (as a survival curve is read);
    ``percent`` labels the y axis 0–100 %.
    """
    drawn = [s for s in series if s.points]
    xs = [x for s in drawn for x, _ in s.points] or [0.0, 1.0]
    ys = [y for s in drawn for _, y in s.points] or [0.0]
    x_low, x_high = min(xs), max(xs)
    x_span = (x_high - x_low) or 1.0
    top = y_max if y_max is not None else (max(ys) or 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * (x - x_low) / x_span

    def py(y: float) -> float:
        return TOP + plot_h * (1 - max(min(y / top, 1.0), 0.0))

    def tick(value: float) -> str:
        return f"{100 * value:.0f}%" if percent else short_number(value)

    parts = [
        f'<svg class="chart chart-lines" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for share in (1.0, 0.5, 0.0):
        y = py(top * share)
        css, color = ("chart-axis", AXIS) if share == 0 else ("chart-grid", GRID)
        parts.append(
            f'<line class="{css}" stroke="{color}" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" fill="{TICK}" font-size="11" x="{LEFT - 6}" '
            f'y="{y + 4:.1f}" text-anchor="end">{escape(tick(top * share))}</text>'
        )
    for x, anchor in ((x_low, "start"), (x_low + x_span / 2, "middle"), (x_high, "end")):
        parts.append(
            f'<text class="chart-tick" fill="{TICK}" font-size="11" x="{px(x):.1f}" '
            f'y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}">'
            f"{escape(short_number(round(x)))}</text>"
        )
    parts.append(
        f'<text class="chart-label" fill="{TICK}" font-size="11" x="{LEFT + plot_w / 2:.1f}" '
        f'y="{HEIGHT - 4}" text-anchor="middle">{escape(x_label)}</text>'
    )
    for index, s in enumerate(drawn):
        path = _path([(px(x), py(y)) for x, y in s.points], step=step)
        parts.append(
            f'<g class="chart-line-{index % PALETTE}"><title>{escape(s.label)}</title>'
            f'<path class="chart-line" fill="none" stroke="{COLORS[index % PALETTE]}" '
            f'stroke-width="2" d="{path}"/></g>'
        )
    parts.append("</svg>")
    legend = "".join(
        f'<li class="chart-line-{i % PALETTE}"><span class="chart-swatch"></span>'
        f"{escape(s.label)}</li>"
        for i, s in enumerate(drawn)
    )
    return Markup("".join(parts) + (f'<ul class="chart-legend">{legend}</ul>' if legend else ""))


def _path(points: Sequence[tuple[float, float]], *, step: bool) -> str:
    commands = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for x, y in points[1:]:
        commands.append(f"H{x:.1f}V{y:.1f}" if step else f"L{x:.1f},{y:.1f}")
    return "".join(commands)
