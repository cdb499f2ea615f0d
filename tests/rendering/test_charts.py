"""The one chart module: sentences instead of one-bar charts, labels that fit, one palette."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

from keepwell.rendering import charts
from keepwell.rendering.charts import (
    FONT,
    MIN_PX,
    PALETTE,
    WIDTH,
    Bar,
    Series,
    bar_chart,
    line_chart,
    percent,
    series_chart,
    signed,
)
from keepwell.rendering.templating import STYLESHEET

SRC = Path(charts.__file__).resolve().parents[1]
BACKGROUNDS = ("#ffffff", "#f5f7fa")
"""The paper of cards and the page canvas."""
COLOUR = re.compile(r'(?:fill|stroke)="(#[0-9a-f]{6})"')


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def quarters(count: int) -> list[Bar]:
    return [
        Bar(f"2024-Q{i % 4 + 1}", 100.0 * i, f"quarter {i}: {100 * i} orders") for i in range(count)
    ]


def every_kind() -> list[str]:
    return [
        str(bar_chart(quarters(6), title="Orders per quarter")),
        str(line_chart(quarters(5), title="Churn risk", top=1.0, label=percent)),
        str(
            series_chart(
                [Series(f"group {i}", [(0, 1.0), (6, 0.8 - i / 10), (12, 0.5)]) for i in range(8)],
                title="Still buying",
                x_label="months",
                y_max=1.0,
                percent=True,
                step=True,
            )
        ),
        str(
            bar_chart(
                [Bar("Q1", 40.0, "NPS 40"), Bar("Q2", -60.0, "NPS −60"), Bar("Q3", None, "few")],
                title="NPS by quarter",
                low=-100,
                high=100,
                fmt=signed,
            )
        ),
    ]


def test_one_bar_or_point_is_a_sentence_not_a_chart() -> None:
    one = str(bar_chart([Bar("2024", 95.0, "2024: NRR 95.0%")], title="Net revenue retention"))
    assert "<svg" not in one
    assert one == '<p class="chart-sentence">Net revenue retention: 2024: NRR 95.0%.</p>'
    point = str(line_chart([Bar("2025-03-01", 0.4, "risk 40%")], title="Churn risk", top=1.0))
    assert "<svg" not in point and "risk 40%" in point
    assert "nothing to show yet" in str(bar_chart([], title="Tickets per month"))
    nothing = bar_chart([Bar("07 Dec", 0.0, "none"), Bar("14 Dec", 0.0, "none")], title="Run hours")
    assert str(nothing) == '<p class="chart-sentence">Run hours: none in this period.</p>'
    lonely = series_chart([Series("S", [(0, 1.0)])], title="Still buying", x_label="months")
    assert "<svg" not in str(lonely) and "Still buying" in str(lonely)


def test_two_bars_are_a_chart_with_every_label_and_value() -> None:
    chart = str(
        bar_chart(
            [Bar("machine fault", 3.0, "3 days"), Bar("customer stop", 12.0, "12 days")],
            title="Downtime <days>",
        )
    )
    assert chart.startswith('<div class="chart-box"><svg class="chart chart-columns"')
    labels = re.findall(r'class="chart-label"[^>]*>([^<]*)<', chart)
    values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', chart)
    ticks = re.findall(r'class="chart-tick"[^>]*>([^<]*)<', chart)
    assert labels == ["machine fault", "customer stop"] and values == ["3", "12"]
    assert ticks == ["20", "10", "0"]  # a round top above the largest value
    assert "Downtime &lt;days&gt;" in chart and "<title>3 days</title>" in chart


def test_labels_of_many_bars_are_thinned_so_they_never_overlap() -> None:
    chart = str(bar_chart(quarters(40), title="Tickets per month"))
    xs = [float(x) for x in re.findall(r'class="chart-label"[^>]*x="([\d.]+)"', chart)]
    assert 5 <= len(xs) < 40
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert min(gaps) >= len("2024-Q1") * FONT * charts.CHAR
    assert chart.count("<rect") == 40  # every bar is still drawn, with its hover text


def test_negative_bars_hang_below_zero_and_gaps_say_why() -> None:
    chart = str(every_kind()[3])
    zero = float(re.search(r'class="chart-axis"[^>]*y1="([\d.]+)"', chart).group(1))  # type: ignore[union-attr]
    (up_y, up_h), (down_y, _) = [
        (float(y), float(h))
        for y, h in re.findall(r'<rect[^>]*y="([\d.]+)"[^>]*height="([\d.]+)"', chart)
    ]
    assert up_y + up_h == pytest.approx(zero, abs=0.2) and down_y == pytest.approx(zero, abs=0.2)
    assert ">too few<" in chart and ">+100<" in chart and ">−100<" in chart


def test_every_chart_draws_with_one_palette_at_aa_contrast() -> None:
    allowed = {*PALETTE, charts.TEXT, charts.GRID, charts.AXIS}
    used = {c for chart in every_kind() for c in COLOUR.findall(chart)}
    assert used <= allowed and PALETTE[0] in used and len(used & set(PALETTE)) == len(PALETTE)
    for colour in (*PALETTE, charts.TEXT):
        for paper in BACKGROUNDS:
            assert contrast(colour, paper) >= 4.5, (colour, paper)
    css = STYLESHEET.read_text(encoding="utf-8")
    for index, colour in enumerate(PALETTE):
        assert f".chart-series-{index} {{ color: {colour}; }}" in css
        assert f".chart-series-{index} .chart-swatch {{ background: {colour}; }}" in css


def test_text_stays_legible_at_the_narrowest_width_and_needs_no_inline_style() -> None:
    assert FONT * MIN_PX / WIDTH >= 11
    css = STYLESHEET.read_text(encoding="utf-8")
    assert f".chart {{ display: block; width: 100%; min-width: {MIN_PX}px;" in css
    for chart in every_kind():
        assert "style=" not in chart and f'font-size="{FONT}"' in chart  # CSP: no inline styles
    legend = every_kind()[2]
    assert legend.count('<span class="chart-swatch"></span>') == 8


def test_the_rendering_layer_imports_neither_web_nor_report_nor_cli() -> None:
    found = []
    for path in (SRC / "rendering").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found += [
                f"{path.name}: {n}" for n in names if re.match(r"keepwell\.(web|report|cli)\b", n)
            ]
    assert found == []
    report = [
        f"{path.name}: {line.strip()}"
        for path in (SRC / "report").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*(from|import) keepwell\.web\b", line)
    ]
    assert report == []
