"""Retention: customer survival by cohort or segment, revenue retention, revenue at risk."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from keepwell.insight.retention_report import MILESTONES, RetentionReport, retention_report
from keepwell.record.lost import lost_reason_counts
from keepwell.rendering.charts import Bar, Series, bar_chart, series_chart
from keepwell.web.deps import CurrentUser, SessionDep, StateDep
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
CURVES_SHOWN = 6


@router.get("/retention")
def retention_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    state: StateDep,
    by: Annotated[Literal["cohort", "segment"], Query()] = "segment",
    period: Annotated[Literal["quarter", "year"], Query()] = "year",
) -> Response:
    """Survival curves, GRR/NRR per period and revenue at risk (amounts for money roles)."""
    report = retention_report(db, group_by=by, period=period)
    context = {
        "report": report,
        "by": by,
        "period": period,
        "milestones": MILESTONES,
        "survival_chart": _survival_chart(report),
        "retention_chart": _retention_chart(report),
        "lost_reasons": lost_reason_counts(db, state.settings.lost_reasons),
    }
    return render(request, "retention.html", context)


def _survival_chart(report: RetentionReport) -> Markup | None:
    biggest = sorted(report.curves, key=lambda c: -c.customers)[:CURVES_SHOWN]
    series = [
        Series(f"{c.group} ({c.customers})", c.points)
        for c in sorted(biggest, key=lambda c: c.group)
        if len(c.points) > 1
    ]
    if not series:
        return None
    return series_chart(
        series,
        title=f"Share of customers still buying, by {report.group_by}",
        x_label="months as a customer",
        y_max=1.0,
        percent=True,
        step=True,
    )


def _retention_chart(report: RetentionReport) -> Markup | None:
    if not report.revenue:
        return None
    bars = [
        Bar(r.period, 100 * r.net, f"{r.period}: NRR {100 * r.net:.1f}%, GRR {100 * r.gross:.1f}%")
        for r in report.revenue
    ]
    return bar_chart(bars, title="Net revenue retention per period (%)")
