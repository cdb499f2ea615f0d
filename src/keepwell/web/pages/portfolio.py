"""The portfolio: every account with its trend and scores, filtered, sorted and paged."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from starlette.responses import Response

from keepwell.auth.visibility import refuse_hidden
from keepwell.insight.overview import accuracy, biggest_movers, risk_trend
from keepwell.insight.risk import LEVEL_LABELS, accuracy_story
from keepwell.record.models import Account
from keepwell.web.cache import database_key, page_parts
from keepwell.web.deps import CurrentUser, Principal, SessionDep
from keepwell.web.export import Column, Format, amount, export, percent, wants_export
from keepwell.web.links import PortfolioLinks
from keepwell.web.lists import currency, list_tools
from keepwell.web.paging import pager
from keepwell.web.params import ID_PATTERN
from keepwell.web.queries import (
    SORT_FIELDS,
    SORTS,
    PortfolioFilters,
    PortfolioPage,
    PortfolioRow,
    filter_options,
    portfolio,
)
from keepwell.web.scores import mover_views, portfolio_chart
from keepwell.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
ANY = "any"
SORT_PATTERN = "^(" + "|".join(SORTS) + ")$"
EXPORT_LIMIT = 100_000
"""The most accounts one export writes."""


def _score(row: PortfolioRow, name: str) -> Any:
    return getattr(row.score, name) if row.score is not None else None


COLUMNS = (
    Column("Account", lambda r: r.account.name),
    Column("Status", lambda r: r.account.status.replace("_", " ")),
    Column("Segment", lambda r: r.account.segment),
    Column("Region", lambda r: r.account.region),
    Column("Revenue, 12 months", lambda r: amount(r.account.revenue_12m), "account.revenue_12m"),
    Column("Revenue change %", lambda r: percent(r.revenue_change), "account.revenue_12m"),
    Column("Orders, 12 months", lambda r: r.account.orders_12m),
    Column("Orders change %", lambda r: percent(r.orders_change)),
    Column("Open tickets", lambda r: r.account.open_tickets),
    Column("Owner", lambda r: r.owner),
    Column("Last order", lambda r: r.account.last_order_on),
    Column("Risk %", lambda r: percent(_score(r, "churn_probability"))),
    Column("Risk level", lambda r: LEVEL_LABELS.get(r.level or "", None)),
    Column("Health", lambda r: _round(_score(r, "health_score"))),
    Column("Health band", lambda r: str(_score(r, "health_band") or "").replace("_", " ")),
    Column(
        "Revenue at risk",
        lambda r: amount(_score(r, "revenue_at_risk")),
        "score.revenue_at_risk",
    ),
)
"""The portfolio's export: what the table shows, as numbers where they are numbers."""


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


@router.get("/portfolio")
def portfolio_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    status: Annotated[str, Query(max_length=16)] = "active",
    segment: Annotated[str, Query(max_length=64)] = "",
    region: Annotated[str, Query(max_length=64)] = "",
    owner: Annotated[str, Query(pattern=ID_PATTERN)] = "",
    department: Annotated[str, Query(pattern=ID_PATTERN)] = "",
    search: Annotated[str, Query(max_length=255)] = "",
    risk: Annotated[str, Query(pattern="^(|at_risk|watch)$")] = "",
    unowned: Annotated[bool, Query()] = False,
    left_since: Annotated[date | None, Query()] = None,
    sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "name",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Format = "",
) -> Response:
    """Accounts with revenue (or order) trend, tickets, team, health and churn risk.

    ``format=csv`` or ``format=xlsx`` downloads every matching account.
    """
    today = date.today()
    filters = PortfolioFilters(
        status=None if status == ANY else status or None,
        segment=segment or None,
        region=region or None,
        owner=int(owner) if owner else None,
        department=int(department) if department else None,
        search=search.strip() or None,
        risk="at_risk" if risk == "at_risk" else "watch" if risk == "watch" else None,
        unowned=unowned,
        left_since=left_since,
    )
    refuse_hidden([SORT_FIELDS.get(sort, "")], who.hidden, "sort on")
    if wants_export(format):
        every = portfolio(db, filters, offset=0, limit=EXPORT_LIMIT, day=today, sort=sort)
        return export(
            format, "portfolio", COLUMNS, every.rows, hidden=who.hidden, currency=currency()
        )
    first = pager(request, page, 0)
    found = portfolio(db, filters, offset=first.offset, limit=first.per_page, day=today, sort=sort)
    context = {
        "rows": found.rows,
        "scored": found.run is not None,
        "pager": pager(request, page, found.total),
        "filters": {
            "status": status,
            "segment": segment,
            "region": region,
            "owner": owner,
            "department": department,
            "search": search,
            "risk": risk,
            "unowned": unowned,
            "left_since": left_since,
            "sort": sort,
        },
        "links": PortfolioLinks(filters),
        "today": today,
        "tools": list_tools(request, db, who.user.id, "portfolio"),
    }
    if is_htmx(request) and request.headers.get("hx-target") == "portfolio-results":
        return render(request, "_portfolio_results.html", context)
    database = database_key(db)
    context["options"] = page_parts.get(
        ("options", database, today), lambda: filter_options(db, today)
    )
    context["sorts"] = {k: v for k, v in SORTS.items() if SORT_FIELDS.get(k) not in who.hidden}
    context["insight"] = _insight(db, found, filters, today, who)
    return render(request, "portfolio.html", context)


def _insight(
    db: SessionDep, found: PortfolioPage, filters: PortfolioFilters, day: date, who: Principal
) -> dict[str, Any] | None:
    """Accuracy, totals, trend and movers of the latest run; None before the first run."""
    if found.run is None:
        return None
    run, database = found.run.id, database_key(db)
    matching = select(Account.id).where(*filters.conditions(day, db))
    trend = page_parts.get(("trend", database, run, filters, day), lambda: risk_trend(db, matching))
    movers = page_parts.get(("movers", database, run), lambda: biggest_movers(db))
    return {
        "accuracy": accuracy(found.run),
        "story": accuracy_story(found.run.metrics),
        "latest": trend[-1] if trend else None,
        "chart": portfolio_chart(trend, who.sees_money),
        "movers": mover_views(movers, who.sees_money),
    }
