"""The customer's view of a shared plan: no sign-in, only what was chosen for sharing.

The customer may mark a shared milestone done and comment on one; the forms carry the
link's own form token. Unknown links answer 404, revoked and expired ones 410, too many
requests 429 — each a plain page that says nothing about the plan.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.audit.service import record
from keepwell.errors import NotFound
from keepwell.plans.models import PlanShareLink
from keepwell.plans.service import get_plan, plan_view
from keepwell.plans.sharing import (
    MAX_COMMENT,
    MAX_NAME,
    SHARED_PATH,
    Limits,
    LinkState,
    audit_view,
    customer_comment,
    customer_mark_done,
    form_ok,
    present,
)
from keepwell.report.account import account_review, approved_reviews, get_draft, parse_period
from keepwell.report.render import render_account_pdf
from keepwell.settings import Settings
from keepwell.teams.errors import TeamsError
from keepwell.web.deps import PUBLIC, SessionDep, StateDep
from keepwell.web.pages.auth import client_address
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Form(max_length=128)]
REFUSALS = {
    LinkState.UNKNOWN: (404, "This link does not work."),
    LinkState.GONE: (410, "This link no longer works."),
    LinkState.LIMITED: (429, "Too many requests. Please try again in a few minutes."),
}
CUSTOMER_STATUS = {
    "on_track": "on track",
    "at_risk": "needs attention",
    "done": "done",
    "dropped": "dropped",
}
"""Objective statuses in the customer's words (the company's risk words stay inside)."""
NOTICES = {
    "done": "Thank you: the milestone is marked done.",
    "comment": "Thank you for your comment.",
}


def limits(settings: Settings) -> Limits:
    """The rate limits of shared links from the settings."""
    return Limits(
        per_link=settings.plan_link_max_requests,
        per_address=settings.plan_link_address_max_requests,
        window=timedelta(minutes=settings.plan_link_window_minutes),
    )


def _refusal(request: Request, state: LinkState) -> Response:
    status, message = REFUSALS[state]
    return render(request, "plans/shared_refused.html", {"message": message}, status=status)


def _open(
    request: Request, db: Session, settings: Settings, token: str, action: str
) -> PlanShareLink | Response:
    presented = present(db, token, client_address(request), action, limits=limits(settings))
    if presented.link is None:
        db.commit()
        return _refusal(request, presented.state)
    return presented.link


def _shared_page(
    request: Request,
    db: Session,
    link: PlanShareLink,
    token: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    view = plan_view(db, get_plan(db, link.plan_id), shared_only=True)
    context = {
        "view": view,
        "token": token,
        "form_token": link.form_token,
        "customer_status": CUSTOMER_STATUS,
        "expires_at": link.expires_at,
        "notice": notice,
        "error": error,
        "max_comment": MAX_COMMENT,
        "max_name": MAX_NAME,
        "reviews": approved_reviews(db, view.account.id),
    }
    return render(request, "plans/shared.html", context, status=status)


@router.get(SHARED_PATH + "{token}", dependencies=[PUBLIC])
def shared_plan_page(
    request: Request,
    token: str,
    db: SessionDep,
    state: StateDep,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """The plan as the customer sees it."""
    found = _open(request, db, state.settings, token, "view")
    if isinstance(found, Response):
        return found
    audit_view(db, found, client_address(request))
    db.commit()
    return _shared_page(request, db, found, token, notice=NOTICES.get(done))


@router.post(SHARED_PATH + "{token}/milestones/{milestone_id}/done", dependencies=[PUBLIC])
def shared_done(
    request: Request,
    token: str,
    milestone_id: IdPath,
    db: SessionDep,
    state: StateDep,
    form_token: Token = "",
) -> Response:
    """The customer marks a milestone done."""
    found = _open(request, db, state.settings, token, "mark done")
    if isinstance(found, Response):
        return found
    if not form_ok(db, found, form_token, client_address(request)):
        db.commit()
        return _shared_page(
            request,
            db,
            found,
            token,
            error="The form is out of date; please try again.",
            status=403,
        )
    try:
        customer_mark_done(db, found, milestone_id, client_address(request))
    except NotFound:
        db.commit()  # nothing was written but the request's count and its audit
        return _refusal(request, LinkState.UNKNOWN)
    except TeamsError as exc:
        db.commit()
        return _shared_page(request, db, found, token, error=str(exc), status=exc.status)
    db.commit()
    return RedirectResponse(f"{SHARED_PATH}{token}?done=done", status_code=303)


@router.post(SHARED_PATH + "{token}/milestones/{milestone_id}/comments", dependencies=[PUBLIC])
def shared_comment(
    request: Request,
    token: str,
    milestone_id: IdPath,
    db: SessionDep,
    state: StateDep,
    form_token: Token = "",
    body: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
    name: Annotated[str, Form(max_length=MAX_NAME)] = "",
) -> Response:
    """The customer comments on a milestone."""
    found = _open(request, db, state.settings, token, "comment")
    if isinstance(found, Response):
        return found
    if not form_ok(db, found, form_token, client_address(request)):
        db.commit()
        return _shared_page(
            request,
            db,
            found,
            token,
            error="The form is out of date; please try again.",
            status=403,
        )
    try:
        customer_comment(db, found, milestone_id, body, client_address(request), name)
    except NotFound:
        db.commit()  # nothing was written but the request's count and its audit
        return _refusal(request, LinkState.UNKNOWN)
    except TeamsError as exc:
        db.commit()
        return _shared_page(request, db, found, token, error=str(exc), status=exc.status)
    db.commit()
    return RedirectResponse(
        f"{SHARED_PATH}{token}?done=comment#milestone-{milestone_id}", status_code=303
    )


@router.get(SHARED_PATH + "{token}/reviews/{period}.pdf", dependencies=[PUBLIC])
def shared_review_pdf(
    request: Request,
    token: str,
    period: Annotated[str, Path(max_length=16)],
    db: SessionDep,
    state: StateDep,
) -> Response:
    """An approved account review of the plan's account, as PDF; drafts are not found."""
    found = _open(request, db, state.settings, token, "account review")
    if isinstance(found, Response):
        return found
    plan = get_plan(db, found.plan_id)
    draft = get_draft(db, plan.account_id, period)
    if draft is None or draft.status != "approved":
        record(
            db,
            actor=f"customer through shared link {found.id} ({client_address(request)})",
            action="plan_link.refused",
            entity="success_plans",
            entity_id=found.plan_id,
            changes={"reason": "no approved review", "asked": period, "link": found.id},
        )
        db.commit()
        return _refusal(request, LinkState.UNKNOWN)
    review = account_review(db, plan.account_id, parse_period(draft.period))
    record(
        db,
        actor=f"customer through shared link {found.id} ({client_address(request)})",
        action="plan_link.review",
        entity="success_plans",
        entity_id=found.plan_id,
        changes={"period": draft.period, "link": found.id},
    )
    db.commit()
    return Response(
        render_account_pdf(review),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="account-review-{draft.period}.pdf"'
        },
    )
