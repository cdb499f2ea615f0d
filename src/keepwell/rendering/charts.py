"""Charts drawn on the server as inline SVG: one look for the pages, the reviews and the PDFs.

Every chart shares one drawing area (:data:`WIDTH` × :data:`HEIGHT` user units), one text
size, one palette and one number format per kind of value (:func:`short_number`,
:func:`percent`). The stylesheet keeps a chart between :data:`MIN_PX` and :data:`MAX_PX`
wide (scrolling inside its own box on a narrower screen), so its text is never drawn
smaller than ``FONT * MIN_PX / WIDTH`` px (11) or larger than ``FONT * MAX_PX / WIDTH``
(15). Colours are also written as SVG presentation attributes, so a renderer without
the stylesheet (the PDF) draws the same chart.

A chart with a single bar or point says less than a sentence: it is rendered as one
(:func:`sentence`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 480, 210
"""The drawing area of every chart, in SVG user units."""
LEFT, RIGHT, TOP, BOTTOM = 50, 12, 14, 38
FONT = 12
"""Text size in user units."""
MIN_PX, MAX_PX = 440, 600
"""Shown width limits in CSS px (``.chart`` in keepwell.css): text stays 11–15 px."""
CHAR = 0.6
"""Average glyph width as a share of the text size, to keep labels from overlapping."""

INK = "#1c2430"
TEXT = "#4a5566"
"""Tick, label and value text: 7.6:1 on white, 7.0:1 on the page canvas."""
GRID, AXIS = "#e3e7ee", "#9aa3b2"
PALETTE = ("#1f6f8b", "#9a5b0a", "#2e7d4f", "#b3261e", "#6d28d9", "#4a5566")
"""Series colours in turn (``chart-series-0`` … ``chart-series-5``); the first is the accent
every single-series chart uses. Each is 5.0–7.6:1 on white and 4.7–7.0:1 on the canvas."""
ACCENT = PALETTE[0]

Format = Callable[[float], str]


@dataclass(frozen=True)
class Bar:
    """One bar (or point): its axis label, its value and the text shown on hover.

    A ``None`` value is a gap (too little data), drawn as ``missing`` in the chart.
    """

    label: str
    value: float | None
    note: str


@dataclass(frozen=True)
class Series:
    """One labelled line through ``points`` (x, y), in x order."""

    label: str
    points: Sequence[tuple[float, float]]


def short_number(value: float) -> str:
    """A compact label: 950, 1.2k, 3.4M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def percent(value: float) -> str:
    """A share as a whole percentage: 0.42 → 42%."""
    return f"{value:.0%}"


def signed(value: float) -> str:
    """A number with its sign (scores around zero): +12, −40, 0."""
    return f"{value:+.0f}".replace("-", "−") if round(value) else "0"


def nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value`` (a round top of the scale)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always ends at 10


def sentence(title: str, bars: Sequence[Bar]) -> Markup:
    """What a chart of one bar (or none) would show, said in words."""
    if not bars:
        return Markup('<p class="chart-sentence">{}: nothing to show yet.</p>').format(title)
    return Markup('<p class="chart-sentence">{}: {}.</p>').format(title, bars[0].note)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    fmt: Format = short_number,
    low: float = 0.0,
    high: float | None = None,
    missing: str = "too few",
) -> Markup:
    """Bars from ``low`` (the base line; below it when negative) to each value.

    ``high`` fixes the top of the scale (rounded up from the largest value otherwise);
    ``fmt`` formats ticks and values. One bar (or none), or bars that are all zero, become
    a sentence.
    """
    if len(bars) < 2:
        return sentence(title, bars)
    values = [b.value for b in bars if b.value is not None]
    if low >= 0 and not any(values):
        return Markup('<p class="chart-sentence">{}: none in this period.</p>').format(title)
    top = high if high is not None else nice_top(max([*values, 0.0]))
    scale = Scale(min(low, 0.0), top)
    slot = (WIDTH - LEFT - RIGHT) / len(bars)
    every = _label_step([b.label for b in bars], slot)
    show_values = slot >= max((_text_width(fmt(v)) for v in values), default=0) + 6
    parts = [_open(title, "chart-columns"), *scale.grid(fmt)]
    for index, bar in enumerate(bars):
        middle = LEFT + (index + 0.5) * slot
        parts.append(
            _bar(bar, middle, slot * 0.62, scale, fmt, show_values, missing, index % every == 0)
        )
    parts.append("</svg>")
    return _box(parts)


def line_chart(
    points: Sequence[Bar],
    *,
    title: str,
    top: float | None = None,
    label: str | Format = short_number,
    low: float = 0.0,
) -> Markup:
    """A line through ``points`` (oldest first) with a dot and a hover text at each.

    ``top`` fixes the scale (1.0 for probabilities); ``label`` formats the ticks (a
    function such as :func:`percent`, or a ``str.format`` pattern; empty leaves them out).
    One point (or none) becomes a sentence.
    """
    if len(points) < 2:
        return sentence(title, points)
    fmt = _formatter(label)
    values = [p.value for p in points if p.value is not None]
    scale = Scale(low, top if top is not None else nice_top(max([*values, 0.0])))
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / len(points)
    every = _label_step([p.label for p in points], step)
    xy = [(LEFT + (i + 0.5) * step, p.value) for i, p in enumerate(points)]
    parts = [_open(title, "chart-trend"), *scale.grid(fmt)]
    drawn = [f"{x:.1f},{scale.y(v):.1f}" for x, v in xy if v is not None]
    parts.append(
        f'<polyline class="chart-path" fill="none" stroke="{ACCENT}" stroke-width="2" '
        f'points="{" ".join(drawn)}"/>'
    )
    for index, (point, (x, value)) in enumerate(zip(points, xy, strict=True)):
        dot = (
            f'<circle class="chart-dot" fill="{ACCENT}" cx="{x:.1f}" cy="{scale.y(value):.1f}" '
            f'r="4"/>'
            if value is not None
            else ""
        )
        parts.append(
            f'<g class="chart-item"><title>{escape(point.note)}</title>{dot}'
            f"{_axis_label(x, point.label) if index % every == 0 else ''}</g>"
        )
    parts.append("</svg>")
    return _box(parts)


def series_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_max: float | None = None,
    percent: bool = False,
    step: bool = False,
) -> Markup:
    """Lines of ``series`` sharing one x and y axis, with a legend.

    ``step`` draws each value until the next point (as a survival curve is read);
    ``percent`` labels the y axis 0–100 %. Series of one point are left out; with none
    left the chart is a sentence.
    """
    drawn = [s for s in series if len(s.points) > 1]
    if not drawn:
        return Markup('<p class="chart-sentence">{}: not enough points to draw yet.</p>').format(
            title
        )
    xs = [x for s in drawn for x, _ in s.points]
    ys = [y for s in drawn for _, y in s.points]
    x_low, x_high = min(xs), max(xs)
    x_span = (x_high - x_low) or 1.0
    scale = Scale(0.0, y_max if y_max is not None else nice_top(max(ys)))
    plot_w = WIDTH - LEFT - RIGHT
    fmt: Format = _percent_of_one if percent else short_number

    def px(x: float) -> float:
        return LEFT + plot_w * (x - x_low) / x_span

    parts = [_open(title, "chart-lines"), *scale.grid(fmt)]
    for x, anchor in ((x_low, "start"), (x_low + x_span / 2, "middle"), (x_high, "end")):
        parts.append(
            _text("chart-tick", px(x), HEIGHT - BOTTOM + 18, short_number(round(x)), anchor)
        )
    parts.append(_text("chart-label", LEFT + plot_w / 2, HEIGHT - 6, x_label, "middle"))
    for index, s in enumerate(drawn):
        path = _path([(px(x), scale.y(y)) for x, y in s.points], step=step)
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<g class="chart-series-{index % len(PALETTE)}"><title>{escape(s.label)}</title>'
            f'<path class="chart-line" fill="none" stroke="{color}" stroke-width="2" '
            f'd="{path}"/></g>'
        )
    parts.append("</svg>")
    return _box(parts, legend=[s.label for s in drawn])


@dataclass(frozen=True)
class Scale:
    """The value axis from ``low`` to ``high``, drawn over the plot's height."""

    low: float
    high: float

    def y(self, value: float | None) -> float:
        """The y coordinate of ``value`` (clamped to the scale)."""
        span = (self.high - self.low) or 1.0
        share = min(max(((value or 0.0) - self.low) / span, 0.0), 1.0)
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)

    @property
    def base(self) -> float:
        """Where bars start: zero, or the bottom when the scale does not reach it."""
        return self.y(0.0 if self.low <= 0 <= self.high else self.low)

    def grid(self, fmt: Format) -> list[str]:
        """Grid lines and tick labels at the top, middle and bottom (and zero)."""
        ticks = [self.high, (self.high + self.low) / 2, self.low]
        if self.low < 0 < self.high and 0 not in ticks:
            ticks.append(0.0)
        lines = []
        for value in ticks:
            y = self.y(value)
            css, color = ("chart-axis", AXIS) if value == 0 else ("chart-grid", GRID)
            lines.append(
                f'<line class="{css}" stroke="{color}" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                f'y1="{y:.1f}" y2="{y:.1f}"/>'
                + _text("chart-tick", LEFT - 8, y + FONT / 3, fmt(value), "end")
            )
        return lines


def _bar(
    bar: Bar,
    middle: float,
    width: float,
    scale: Scale,
    fmt: Format,
    show_value: bool,
    missing: str,
    show_label: bool,
) -> str:
    label = _axis_label(middle, bar.label) if show_label else ""
    if bar.value is None:
        return (
            f'<g class="chart-item chart-missing"><title>{escape(bar.note)}</title>'
            + _text("chart-value", middle, scale.base - 6, missing, "middle")
            + f"{label}</g>"
        )
    base, end = scale.base, scale.y(bar.value)
    top, height = min(base, end), abs(base - end)
    value = ""
    if show_value and bar.value:
        y = end - 6 if bar.value >= 0 else end + FONT + 2
        value = _text("chart-value", middle, y, fmt(bar.value), "middle")
    return (
        f'<g class="chart-item"><title>{escape(bar.note)}</title>'
        f'<rect class="chart-bar" fill="{ACCENT}" x="{middle - width / 2:.1f}" y="{top:.1f}" '
        f'width="{width:.1f}" height="{height:.1f}" rx="2"/>{value}{label}</g>'
    )


def _open(title: str, kind: str) -> str:
    return (
        f'<svg class="chart {kind}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" font-size="{FONT}" '
        f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
    )


def _box(parts: list[str], legend: Sequence[str] = ()) -> Markup:
    """The chart in its own box (which scrolls when the screen is narrower), then the legend."""
    items = "".join(
        f'<li class="chart-series-{i % len(PALETTE)}"><span class="chart-swatch"></span>'
        f"{escape(label)}</li>"
        for i, label in enumerate(legend)
    )
    keys = f'<ul class="chart-legend">{items}</ul>' if items else ""
    return Markup(f'<div class="chart-box">{"".join(parts)}</div>{keys}')


def _text(css: str, x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text class="{css}" fill="{TEXT}" x="{x:.1f}" y="{y:.1f}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _axis_label(x: float, text: str) -> str:
    return _text("chart-label", x, HEIGHT - BOTTOM + 18, text, "middle")


def _text_width(text: str) -> float:
    return len(text) * FONT * CHAR


def _label_step(labels: Sequence[str], slot: float) -> int:
    """Label every n-th bar so that labels never overlap (1: every bar)."""
    widest = max((_text_width(label) for label in labels), default=0.0) + FONT
    return max(1, math.ceil(widest / slot))


def _formatter(label: str | Format) -> Format:
    if callable(label):
        return label
    pattern = label
    return lambda value: pattern.format(value) if pattern else ""


def _percent_of_one(value: float) -> str:
    return percent(value)


def _path(points: Sequence[tuple[float, float]], *, step: bool) -> str:
    commands = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for x, y in points[1:]:
        commands.append(f"H{x:.1f}V{y:.1f}" if step else f"L{x:.1f},{y:.1f}")
    return "".join(commands)
