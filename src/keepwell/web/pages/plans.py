"""Success plans inside the company: the account panel, the plan page and its forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from keepwell.plans.measures import MEASURES
from keepwell.plans.models import SuccessPlan
from keepwell.plans.service import (
    STATUSES,
    add_milestone,
    add_objective,
    complete_milestone,
    create_plan,
    get_milestone,
    get_objective,
    get_plan,
    last_reviewed,
    mark_reviewed,
    may_edit,
    plan_view,
    plans_of,
    require_edit,
    set_status,
)
from keepwell.plans.sharing import MAX_SHARE_DAYS, SHARE_DAYS, revoke_share, share_plan, shared_url
from keepwell.record.models import Contact
from keepwell.teams.errors import TeamsError
from keepwell.teams.team import team_members
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep, StateDep
from keepwell.web.panels import account_panels
from keepwell.web.params import ID_PATTERN, IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)
SEE_OTHER = 303
NOTICES = {
    "created": "The success plan was made. Add the customer's objectives below.",
    "objective": "The objective was added.",
    "milestone": "The milestone was added.",
    "status": "The objective's status was changed.",
    "done": "The milestone is marked done.",
    "reviewed": "The plan is marked reviewed; the next review date is set.",
    "revoked": "The customer's link was revoked; it no longer works.",
}
Text = Annotated[str, Form(max_length=2000)]
Title = Annotated[str, Form(max_length=255)]


@account_panels.register("plans", "Success plans", "plans/_account_panel.html", order=35)
def plans_panel(db: Any, who: Principal, view: Any) -> dict[str, Any] | None:
    """The account's success plans and, for its team, the form to make one."""
    account_id = view.account.id
    plans = [(plan, last_reviewed(plan)) for plan in plans_of(db, account_id)]
    return {
        "account_id": account_id,
        "plans": plans,
        "editable": may_edit(db, who.user, who.permissions, account_id),
    }


def _back(plan_id: int, done: str) -> Response:
    return RedirectResponse(f"/plans/{plan_id}?done={done}", status_code=SEE_OTHER)


def _refused(
    request: Request, db: Session, who: Principal, plan_id: int, exc: TeamsError
) -> Response:
    db.rollback()
    return _page(request, db, who, get_plan(db, plan_id), error=str(exc), status=exc.status)


def _page(
    request: Request,
    db: Session,
    who: Principal,
    plan: SuccessPlan,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
    url: str | None = None,
) -> Response:
    view = plan_view(db, plan)
    contacts = db.scalars(
        select(Contact).where(Contact.account_id == plan.account_id).order_by(Contact.name)
    ).all()
    employees = {m.employee_id: m.name for m in team_members(db, plan.account_id) if m.current}
    context = {
        "view": view,
        "last_reviewed": last_reviewed(plan),
        "editable": may_edit(db, who.user, who.permissions, plan.account_id),
        "statuses": STATUSES,
        "measures": MEASURES,
        "contacts": contacts,
        "employees": employees,
        "share_days": SHARE_DAYS,
        "max_share_days": MAX_SHARE_DAYS,
        "notice": notice,
        "error": error,
        "url": url,
    }
    return render(request, "plans/plan.html", context, status=status)


@router.post("/accounts/{account_id}/plans")
def create_plan_page(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    title: Title = "",
    review_on: Annotated[date | None, Form()] = None,
) -> Response:
    """Make a success plan for the account."""
    try:
        require_edit(db, who.user, who.permissions, account_id)
        plan = create_plan(db, account_id, title=title, actor=who.actor, review_on=review_on)
    except TeamsError as exc:
        db.rollback()
        context = {"error": str(exc), "back": f"/accounts/{account_id}#panel-plans"}
        return render(request, "plans/plan_error.html", context, status=exc.status)
    db.commit()
    return _back(plan.id, "created")


@router.get("/plans/{plan_id}")
def plan_page(
    request: Request,
    plan_id: IdPath,
    who: CurrentUser,
    db: SessionDep,
    done: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    """A success plan: objectives, owners, measures, milestones, the customer's comments."""
    plan = get_plan(db, plan_id)
    return _page(request, db, who, plan, notice=NOTICES.get(done))


@router.post("/plans/{plan_id}/objectives")
def add_objective_page(
    request: Request,
    plan_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    text: Text = "",
    employee_id: Annotated[str, Form(pattern=ID_PATTERN)] = "",
    contact_id: Annotated[str, Form(pattern=ID_PATTERN)] = "",
    status: Annotated[str, Form(max_length=16)] = "on_track",
    measure: Annotated[str, Form(max_length=32)] = "",
    target: Annotated[float | None, Form(ge=-1e9, le=1e9)] = None,
    shared: Annotated[bool, Form()] = False,
    internal_note: Text = "",
) -> Response:
    """Add an objective in the customer's words."""
    try:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        add_objective(
            db,
            plan,
            text=text,
            actor=who.actor,
            status=status,
            measure=measure or None,
            employee_id=int(employee_id) if employee_id else None,
            contact_id=int(contact_id) if contact_id else None,
            target=target,
            shared=shared,
            internal_note=internal_note,
        )
    except TeamsError as exc:
        return _refused(request, db, who, plan_id, exc)
    db.commit()
    return _back(plan_id, "objective")


@router.post("/objectives/{objective_id}/milestones")
def add_milestone_page(
    request: Request,
    objective_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    due_on: Annotated[date, Form()],
    title: Title = "",
    shared: Annotated[bool, Form()] = False,
) -> Response:
    """Add a milestone to an objective."""
    try:
        objective, plan = get_objective(db, objective_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        add_milestone(db, objective, title=title, due_on=due_on, actor=who.actor, shared=shared)
    except TeamsError as exc:
        return _refused(request, db, who, get_objective(db, objective_id)[1].id, exc)
    db.commit()
    return _back(plan.id, "milestone")


@router.post("/objectives/{objective_id}/status")
def status_page(
    request: Request,
    objective_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    status: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Change an objective's status."""
    try:
        objective, plan = get_objective(db, objective_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        set_status(db, objective, status, actor=who.actor)
    except TeamsError as exc:
        return _refused(request, db, who, get_objective(db, objective_id)[1].id, exc)
    db.commit()
    return _back(plan.id, "status")


@router.post("/milestones/{milestone_id}/done")
def milestone_done_page(milestone_id: IdPath, who: PageWriter, db: SessionDep) -> Response:
    """Mark a milestone done."""
    milestone, plan = get_milestone(db, milestone_id)
    require_edit(db, who.user, who.permissions, plan.account_id)
    complete_milestone(db, milestone, actor=who.actor)
    db.commit()
    return _back(plan.id, "done")


@router.post("/plans/{plan_id}/review")
def review_page(
    request: Request,
    plan_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    next_review: Annotated[date | None, Form()] = None,
) -> Response:
    """Mark the plan reviewed with the customer and set the next review."""
    try:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        mark_reviewed(db, plan, actor=who.actor, next_review=next_review)
    except TeamsError as exc:
        return _refused(request, db, who, plan_id, exc)
    db.commit()
    return _back(plan_id, "reviewed")


@router.post("/plans/{plan_id}/share")
def share_page(
    request: Request,
    plan_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    state: StateDep,
    days: Annotated[int, Form(ge=1, le=MAX_SHARE_DAYS)] = SHARE_DAYS,
) -> Response:
    """Make the customer's link and show it once."""
    try:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        raw, link = share_plan(db, plan, actor=who.actor, days=days)
    except TeamsError as exc:
        return _refused(request, db, who, plan_id, exc)
    db.commit()
    url = shared_url(state.settings.public_url, raw)
    notice = (
        f"The plan is shared until {link.expires_at:%Y-%m-%d}. Send the customer this link; "
        "it is shown only now."
    )
    return _page(request, db, who, plan, notice=notice, url=url)


@router.post("/plans/{plan_id}/share/revoke")
def revoke_page(request: Request, plan_id: IdPath, who: PageWriter, db: SessionDep) -> Response:
    """Revoke the customer's link."""
    try:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        revoke_share(db, plan, actor=who.actor)
    except TeamsError as exc:
        return _refused(request, db, who, plan_id, exc)
    db.commit()
    return _back(plan_id, "revoked")
