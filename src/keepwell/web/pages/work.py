"""My work: the signed-in person's accounts, their role on each, and this week's changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from keepwell.auth.permissions import Role
from keepwell.auth.service import employee_for
from keepwell.record.schemas import TimelineEvent
from keepwell.record.timeline import recent_events
from keepwell.tasks.attention import accounts_at_risk
from keepwell.web.deps import CurrentUser, SessionDep
from keepwell.web.pages.risk import risk_rows
from keepwell.web.paging import pager
from keepwell.web.panels import work_panels
from keepwell.web.queries import Assignment, assignments
from keepwell.web.redaction import visible_events
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
WEEK_EVENTS = 8
NEEDS_ACTION = 10


LEADING_ROLES = frozenset({Role.ADMIN.value, Role.LEADER.value})


@router.get("/")
def home(who: CurrentUser) -> Response:
    """Leaders start on the accounts at risk; everyone else on their own work."""
    start = "/at-risk" if who.user.role in LEADING_ROLES else "/my-work"
    return RedirectResponse(start, status_code=303)


@router.get("/my-work")
def my_work(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Accounts where the user's employee record is on the team, with the week's events."""
    employee = employee_for(db, who.user)
    today = date.today()
    week_start = datetime.combine(today - timedelta(days=6), time(0))
    items: list[Assignment] = []
    total = 0
    weeks: dict[int, list[TimelineEvent]] = {}
    needs: list[dict[str, object]] = []
    if employee is not None:
        mine = accounts_at_risk(
            db,
            day=today,
            by_money=who.sees_money,
            employee_id=employee.id,
            levels=("at_risk", "watch"),
            limit=NEEDS_ACTION,
        )
        needs = risk_rows(mine, who)
        first = pager(request, page, 0, PER_PAGE)
        items, total = assignments(db, employee.id, today, limit=PER_PAGE, offset=first.offset)
        accounts = (item.account_id for item in items)
        found = recent_events(db, accounts, since=week_start, limit=WEEK_EVENTS + 1)
        weeks = {a: visible_events(events, who.sees_money) for a, events in found.items()}
    context = {
        "employee": employee,
        "needs": needs,
        "assignments": items,
        "weeks": weeks,
        "week_limit": WEEK_EVENTS,
        "week_start": week_start,
        "pager": pager(request, page, total, PER_PAGE),
        "panels": work_panels.panels(db, who, employee),
    }
    return render(request, "my_work.html", context)
