"""The voice page: NPS trend, sentiment, detractors, say–do gap, themes and the comment explorer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from keepwell.rendering.charts import Bar, bar_chart, signed
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
PAGE_SIZE = 20
"""Comments per page of the explorer: on a phone 50 made the page 9,000 px of comments."""


def nps_chart(trend: Sequence[dict[str, Any]]) -> Markup:
    """NPS per quarter (the last 12) as bars above or below a zero line (scale −100 … 100);
    a quarter with too few answers to judge shows as "too few"."""
    bars = []
    for t in [t for t in trend if t["nps"] is not None][-12:]:
        answers = t["nps_answers"]
        if t["nps_too_few"]:
            note = (
                f"{t['period']}: only {answers} answers, too few to judge (fewer than "
                f"{MIN_ANSWERS})"
            )
        else:
            note = f"{t['period']}: Net Promoter Score {signed(t['nps'])} from {answers} answers"
        value = None if t["nps_too_few"] else float(t["nps"])
        bars.append(Bar(f"{t['period'][2:]} ({answers})", value, note))
    title = "Net Promoter Score by quarter (answers in brackets)"
    return bar_chart(bars, title=title, low=-100, high=100, fmt=signed)


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
