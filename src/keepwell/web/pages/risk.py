"""The leader's start page: the accounts at risk, what is at stake, why, and who is on it."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from keepwell.rendering.links import portfolio_url
from keepwell.tasks.attention import RiskList, accounts_at_risk
from keepwell.web.deps import CurrentUser, Principal, SessionDep
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
SHOWN = 25


@router.get("/at-risk")
def at_risk_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Accounts at risk: uncovered ones first, then by revenue at risk (or by risk)."""
    today = date.today()
    found = accounts_at_risk(db, day=today, by_money=who.sees_money, limit=SHOWN)
    context = {
        "found": found,
        "rows": risk_rows(found, who),
        "today": today,
        "links": {
            "all": portfolio_url(risk="at_risk", sort="at_risk" if who.sees_money else "risk"),
            "unowned": portfolio_url(risk="at_risk", unowned=True, sort="risk"),
        },
    }
    return render(request, "at_risk.html", context)


def risk_rows(found: RiskList, who: Principal) -> list[dict[str, object]]:
    """The rows with their reasons as the viewer may read them."""
    return [{"row": row, "reasons": row.reasons[:1]} for row in found.rows]
