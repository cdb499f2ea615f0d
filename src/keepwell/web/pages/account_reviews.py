"""The account review for the customer: page (draft → edit → approve), PDF, and the
account panel "What the customer experienced"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.plans.measures import read_measure
from keepwell.plans.service import may_edit
from keepwell.report.account import (
    Period,
    account_review,
    approve_review,
    parse_period,
    period_of,
    plan_progress,
    recurring_problems,
    require_reviewer,
    response_times,
    reviews_of,
    save_draft,
    start_review,
)
from keepwell.report.render import render_account_body, render_account_pdf
from keepwell.teams.errors import TeamsError
from keepwell.teams.team import get_account
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.panels import account_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
SEE_OTHER = 303
NOTICES = {
    "saved": "The review's summary and proposed objectives were saved.",
    "approved": "The review is approved: its PDF can now be shared with the customer.",
    "started": "The draft is started from the record: edit its summary and proposed objectives.",
}
RECENT_QUARTERS = 6
EXPERIENCE_DAYS = 365


@account_panels.register(
    "customer-view", "What the customer experienced", "reviews/_panel.html", order=25
)
def customer_view_panel(db: Any, who: Principal, view: Any) -> dict[str, Any] | None:
    """Promises kept, response times, repeat problems and open objectives, as the customer
    lived them over the last 12 months (no internal scores)."""
    account_id = view.account.id
    today = date.today()
    year = Period("12m", today - timedelta(days=EXPERIENCE_DAYS - 1), today)
    objectives = [
        (plan.title, o)
        for plan in plan_progress(db, account_id, today)
        for o in plan.objectives
        if o.status in ("on track", "needs attention")
    ]
    problems = [p for p in recurring_problems(db, account_id, today) if p.closed_on is None]
    return {
        "account_id": account_id,
        "on_time": read_measure(db, "on_time_delivery", account_id, today),
        "repeats": read_measure(db, "repeat_complaints", account_id, today),
        "service": response_times(db, account_id, year),
        "problems": problems,
        "objectives": objectives,
        "period": period_of(today),
    }


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except TeamsError as exc:
        raise HTTPException(404, str(exc)) from None


def _page(
    request: Request,
    db: Session,
    who: Principal,
    account_id: int,
    period: Period,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    review = account_review(db, account_id, period)
    context = {
        "review": review,
        "body": render_account_body(review),
        "editable": may_edit(db, who.user, who.permissions, account_id) and not review.approved,
        "notice": notice,
        "error": error,
    }
    return render(request, "reviews/page.html", context, status=status)


def recent_quarters(today: date, count: int = RECENT_QUARTERS) -> list[Period]:
    """The quarter of ``today`` and the ``count - 1`` before it, newest first."""
    quarters = [period_of(today)]
    while len(quarters) < count:
        quarters.append(period_of(quarters[-1].start - timedelta(days=1)))
    return quarters


def _list_page(
    request: Request,
    db: Session,
    who: Principal,
    account_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    account = get_account(db, account_id)
    rows = reviews_of(db, account_id)
    started = {row.period for row in rows}
    context = {
        "account": account,
        "reviews": [(row, parse_period(row.period)) for row in rows],
        "quarters": [q for q in recent_quarters(date.today()) if q.label not in started],
        "editable": may_edit(db, who.user, who.permissions, account_id),
        "error": error,
    }
    return render(request, "reviews/list.html", context, status=status)


@router.get("/accounts/{account_id}/reviews")
def reviews_page(
    request: Request, account_id: IdPath, who: CurrentUser, db: SessionDep
) -> Response:
    """The account's reviews, drafts and approved; the team starts the review of a quarter."""
    return _list_page(request, db, who, account_id)


@router.post("/accounts/{account_id}/reviews")
def start_review_page(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    period: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Start the draft of a quarter's review from the record (the account team)."""
    try:
        get_account(db, account_id)
        quarter = parse_period(period)
        _require(db, who, account_id)
        start_review(db, account_id, quarter, actor=who.actor)
    except TeamsError as exc:
        db.rollback()
        return _list_page(request, db, who, account_id, error=str(exc), status=exc.status)
    db.commit()
    return RedirectResponse(
        f"/accounts/{account_id}/reviews/{quarter.label}?done=started", status_code=SEE_OTHER
    )


@router.get("/accounts/{account_id}/reviews/{period}.pdf")
def review_pdf(account_id: IdPath, period: str, who: CurrentUser, db: SessionDep) -> Response:
    """The review as PDF for the customer (marked as a draft until approved)."""
    quarter = _period(period)
    review = account_review(db, account_id, quarter)
    name = f"account-review-{account_id}-{quarter.label}.pdf"
    return Response(
        render_account_pdf(review),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/accounts/{account_id}/reviews/{period}")
def review_page(
    request: Request,
    account_id: IdPath,
    period: str,
    who: CurrentUser,
    db: SessionDep,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The account review for one quarter; the account team edits and approves it here."""
    return _page(request, db, who, account_id, _period(period), notice=NOTICES.get(done))


@router.post("/accounts/{account_id}/reviews/{period}")
def save_review_page(
    request: Request,
    account_id: IdPath,
    period: str,
    who: PageWriter,
    db: SessionDep,
    summary: Annotated[str, Form(max_length=8000)] = "",
    objectives: Annotated[str, Form(max_length=12000)] = "",
) -> Response:
    """Save the review's summary and proposed objectives (the account team)."""
    quarter = _period(period)
    try:
        _require(db, who, account_id)
        save_draft(db, account_id, quarter, summary=summary, objectives=objectives, actor=who.actor)
    except TeamsError as exc:
        db.rollback()
        return _page(request, db, who, account_id, quarter, error=str(exc), status=exc.status)
    db.commit()
    return RedirectResponse(
        f"/accounts/{account_id}/reviews/{quarter.label}?done=saved", status_code=SEE_OTHER
    )


@router.post("/accounts/{account_id}/reviews/{period}/approve")
def approve_review_page(
    request: Request, account_id: IdPath, period: str, who: PageWriter, db: SessionDep
) -> Response:
    """Approve the review for the customer (the account team, leaders and admins)."""
    quarter = _period(period)
    try:
        _require(db, who, account_id)
        approve_review(db, account_id, quarter, actor=who.actor)
    except TeamsError as exc:
        db.rollback()
        return _page(request, db, who, account_id, quarter, error=str(exc), status=exc.status)
    db.commit()
    return RedirectResponse(
        f"/accounts/{account_id}/reviews/{quarter.label}?done=approved", status_code=SEE_OTHER
    )


def _require(db: Session, who: Principal, account_id: int) -> None:
    require_reviewer(db, who.user, who.permissions, account_id)
