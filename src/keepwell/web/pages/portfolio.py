"""The portfolio: every account with its twelve-month trend, filtered and paged."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.paging import pager
from keepwell.web.params import ID_PATTERN
from keepwell.web.queries import PortfolioFilters, filter_options, portfolio
from keepwell.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
ANY = "any"


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
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Accounts by name with revenue (or order) trend, open tickets and team size."""
    today = date.today()
    filters = PortfolioFilters(
        status=None if status == ANY else status or None,
        segment=segment or None,
        region=region or None,
        owner=int(owner) if owner else None,
        department=int(department) if department else None,
        search=search.strip() or None,
    )
    first = pager(request, page, 0)
    found = portfolio(db, filters, offset=first.offset, limit=first.per_page, day=today)
    context = {
        "rows": found.rows,
        "pager": pager(request, page, found.total),
        "filters": {
            "status": status,
            "segment": segment,
            "region": region,
            "owner": owner,
            "department": department,
            "search": search,
        },
        "today": today,
    }
    if is_htmx(request) and request.headers.get("hx-target") == "portfolio-results":
        return render(request, "_portfolio_results.html", context)
    context["options"] = filter_options(db, today)
    return render(request, "portfolio.html", context)
