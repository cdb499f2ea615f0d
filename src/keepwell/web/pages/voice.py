"""The voice page: NPS trend, sentiment, detractors, say–do gap, themes and the comment explorer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from markupsafe import Markup, escape
from starlette.responses import Response

from keepwell.voice.comments import SOURCES
from keepwell.voice.nps import MIN_ANSWERS
from keepwell.voice.service import (
    LABELS,
    account_names,
    comment_dict,
    current_themes,
    explore_comments,
    theme_dicts,
    voice_summary,
)
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 40, 28, 14


def nps_chart(trend: Sequence[dict[str, Any]]) -> Markup:
    """NPS per quarter as bars above or below a zero line (scale −100 … 100)."""
    shown = [t for t in trend if t["nps"] is not None][-12:]
    plot_h = HEIGHT - TOP - BOTTOM
    zero = TOP + plot_h / 2
    slot = (WIDTH - LEFT - 8) / max(len(shown), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="NPS by quarter">',
        "<title>NPS by quarter</title>",
    ]
    for y, label in ((TOP, "100"), (zero, "0"), (TOP + plot_h, "−100")):
        css = "chart-axis" if label == "0" else "chart-grid"
        parts.append(
            f'<line class="{css}" x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{label}</text>'
        )
    for i, t in enumerate(shown):
        x = LEFT + i * slot + slot * 0.19
        answers = t["nps_answers"]
        label = escape(f"{t['period'][2:]} · n={answers}")
        if t["nps_too_few"]:
            note = escape(
                f"{t['period']}: only {answers} answers, too few to judge (fewer than "
                f"{MIN_ANSWERS})"
            )
            parts.append(
                f'<g class="chart-item chart-too-few"><title>{note}</title>'
                f'<text class="chart-tick" x="{x + slot * 0.31:.1f}" y="{zero - 6:.1f}" '
                f'text-anchor="middle">too few</text>'
                f'<text class="chart-label" x="{x + slot * 0.31:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{label}</text></g>'
            )
            continue
        height = abs(t["nps"]) / 100 * plot_h / 2
        top = zero - height if t["nps"] >= 0 else zero
        note = escape(f"{t['period']}: NPS {t['nps']:.0f} from {answers} answers")
        parts.append(
            f'<g class="chart-item"><title>{note}</title>'
            f'<rect class="chart-bar" x="{x:.1f}" y="{top:.1f}" width="{slot * 0.62:.1f}" '
            f'height="{height:.1f}" rx="2"/>'
            f'<text class="chart-label" x="{x + slot * 0.31:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="middle">{label}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@router.get("/voice")
def voice_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    search: Annotated[str, Query(max_length=200)] = "",
    source: Annotated[str, Query(max_length=16)] = "",
    sentiment: Annotated[str, Query(max_length=16)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    theme: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """What customers say, and whether their behaviour agrees."""
    summary = voice_summary(db, with_themes=False)
    chosen_source = source if source in SOURCES else None
    chosen_label = sentiment if sentiment in LABELS else None
    found = explore_comments(
        db,
        search=search or None,
        source=chosen_source,
        label=chosen_label,
        theme_id=theme,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    names = account_names(db, {c.account_id for c in found.items})
    context = {
        "summary": summary,
        "chart": nps_chart(summary["nps_trend"]),
        "min_answers": MIN_ANSWERS,
        "comments": [comment_dict(c, names) for c in found.items],
        "total": found.total,
        "filters": {
            "search": search,
            "source": chosen_source or "",
            "sentiment": chosen_label or "",
            "theme": theme or "",
        },
        "page": page,
        "more": page * PAGE_SIZE < found.total,
        "sources": SOURCES,
        "labels": LABELS,
    }
    return render(request, "voice.html", context)


@router.get("/voice/themes")
def themes_fragment(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """The themes table, as stored by the scheduled run and kept current as comments arrive."""
    report = theme_dicts(current_themes(db))
    themes = sorted(report["themes"], key=lambda t: (-(t["churn_lift"] or 0), -t["size"]))
    return render(request, "_voice_themes.html", {"report": report, "themes": themes})
