"""The success-plans API: plans, objectives, milestones, and the link shared with the customer.

Creating and sharing needs a write token (or a signed-in writer) on the account's team,
or a leader or admin; reading needs read access. Errors are RFC 9457 problem details.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Response

from keepwell.plans.schemas import MilestoneCreate, ObjectiveCreate, PlanCreate, ShareCreate
from keepwell.plans.service import (
    STATUSES,
    PlanView,
    add_milestone,
    add_objective,
    create_plan,
    get_objective,
    get_plan,
    last_reviewed,
    plan_view,
    plans_of,
    require_edit,
)
from keepwell.plans.sharing import revoke_share, share_plan, shared_url
from keepwell.teams.team import get_account
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep, StateDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import problem_responses

router = APIRouter(tags=["plans"], responses=problem_responses(401, 403, 404, 422))
T = TypeVar("T")
Json = dict[str, Any]


def _run(db: SessionDep, action: Callable[[], T]) -> T:
    """Run a service call and commit its changes (a refusal propagates to the one
    error handler, which answers with its problem detail)."""
    result = action()
    db.commit()
    return result


def utc(moment: datetime) -> datetime:
    """A stored moment (naive UTC) as an aware UTC datetime."""
    return moment.replace(tzinfo=UTC)


def plan_json(view: PlanView) -> Json:
    """A plan as the API returns it (inside the company: internal notes included)."""
    plan, link = view.plan, view.link
    return {
        "id": plan.id,
        "account_id": plan.account_id,
        "title": plan.title,
        "internal_note": plan.internal_note,
        "review_on": plan.review_on,
        "last_reviewed_at": utc(last_reviewed(plan)),
        "shared_until": utc(link.expires_at) if link else None,
        "objectives": [
            {
                "id": o.objective.id,
                "text": o.objective.text,
                "status": o.objective.status,
                "status_label": STATUSES[o.objective.status],
                "employee_id": o.objective.employee_id,
                "employee": o.employee,
                "contact_id": o.objective.contact_id,
                "contact": o.contact,
                "measure": o.objective.measure,
                "target": o.objective.target,
                "reading": None
                if o.reading is None
                else {
                    "label": o.reading.label,
                    "value": o.reading.value,
                    "text": o.reading.text,
                    "met": o.reading.met,
                },
                "shared": o.objective.shared,
                "internal_note": o.objective.internal_note,
                "milestones": [
                    {
                        "id": m.milestone.id,
                        "title": m.milestone.title,
                        "due_on": m.milestone.due_on,
                        "shared": m.milestone.shared,
                        "done_at": utc(m.milestone.done_at) if m.milestone.done_at else None,
                        "done_by": m.milestone.done_by,
                        "comments": [
                            {
                                "author": c.author,
                                "by_customer": c.by_customer,
                                "body": c.body,
                                "created_at": utc(c.created_at),
                            }
                            for c in m.comments
                        ],
                    }
                    for m in o.milestones
                ],
            }
            for o in view.objectives
        ],
    }


@router.get("/accounts/{account_id}/plans", summary="An account's success plans")
def list_plans_endpoint(account_id: IdPath, db: SessionDep, who: ApiReader) -> list[Json]:
    """The account's plans, newest first, each with its objectives and milestones."""
    _run(db, lambda: get_account(db, account_id))
    return [plan_json(plan_view(db, plan)) for plan in plans_of(db, account_id)]


@router.post("/accounts/{account_id}/plans", status_code=201, summary="Make a success plan")
def create_plan_endpoint(
    account_id: IdPath, data: PlanCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """A new plan for the account (its team, leaders and admins)."""

    def act() -> Json:
        get_account(db, account_id)
        require_edit(db, who.user, who.permissions, account_id)
        plan = create_plan(db, account_id, actor=who.actor, **data.model_dump())
        return plan_json(plan_view(db, plan))

    return _run(db, act)


@router.get("/plans/{plan_id}", summary="A success plan")
def get_plan_endpoint(plan_id: IdPath, db: SessionDep, who: ApiReader) -> Json:
    """The plan with its objectives, measures read from the record, milestones and the
    customer's comments."""
    return _run(db, lambda: plan_json(plan_view(db, get_plan(db, plan_id))))


@router.post("/plans/{plan_id}/objectives", status_code=201, summary="Add an objective")
def add_objective_endpoint(
    plan_id: IdPath, data: ObjectiveCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """An objective in the customer's words, with an owner on each side."""

    def act() -> Json:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        objective = add_objective(db, plan, actor=who.actor, **data.model_dump())
        return {
            "id": objective.id,
            "plan_id": plan.id,
            "text": objective.text,
            "status": objective.status,
            "shared": objective.shared,
        }

    return _run(db, act)


@router.post("/objectives/{objective_id}/milestones", status_code=201, summary="Add a milestone")
def add_milestone_endpoint(
    objective_id: IdPath, data: MilestoneCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """A milestone of the objective with its due date."""

    def act() -> Json:
        objective, plan = get_objective(db, objective_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        milestone = add_milestone(db, objective, actor=who.actor, **data.model_dump())
        return {
            "id": milestone.id,
            "objective_id": objective.id,
            "title": milestone.title,
            "due_on": milestone.due_on,
            "shared": milestone.shared,
        }

    return _run(db, act)


@router.post("/plans/{plan_id}/share", status_code=201, summary="Share the plan with the customer")
def share_endpoint(
    plan_id: IdPath,
    db: SessionDep,
    who: ApiWriter,
    state: StateDep,
    data: ShareCreate | None = None,
) -> Json:
    """A new read-only link for the customer (shown once; the previous link stops working)."""

    def act() -> Json:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        days = (data or ShareCreate()).days
        raw, link = share_plan(db, plan, actor=who.actor, days=days)
        return {
            "url": shared_url(state.settings.public_url, raw),
            "expires_at": utc(link.expires_at),
        }

    return _run(db, act)


@router.delete("/plans/{plan_id}/share", status_code=204, summary="Revoke the customer's link")
def revoke_endpoint(plan_id: IdPath, db: SessionDep, who: ApiWriter) -> Response:
    """The plan's live link stops working at once."""

    def act() -> None:
        plan = get_plan(db, plan_id)
        require_edit(db, who.user, who.permissions, plan.account_id)
        revoke_share(db, plan, actor=who.actor)

    _run(db, act)
    return Response(status_code=204)
