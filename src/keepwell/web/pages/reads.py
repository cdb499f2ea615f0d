"""Human read vs model: the owner's read form on the account page and the disagreement list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from keepwell.auth.service import employee_for
from keepwell.insight.human_reads import (
    READS,
    disagreements,
    latest_reads,
    read_accuracy,
    record_read,
)
from keepwell.insight.snapshots import latest_scores
from keepwell.teams.access import owns_account
from keepwell.teams.errors import TeamsError
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, Principal, SessionDep
from keepwell.web.panels import account_panels
from keepwell.web.params import IdPath
from keepwell.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/reads")
def reads_page(request: Request, who: CurrentUser, db: SessionDep) -> Response:
    """Where owners and the model disagree, and how often each was right."""
    context = {"disagreements": disagreements(db), "accuracy": read_accuracy(db)}
    return render(request, "teams/reads.html", context)


@router.post("/accounts/{account_id}/reads")
def record_read_page(
    request: Request,
    account_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    read: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=5_000)] = "",
) -> Response:
    """The account owner records their read of the customer."""
    employee = employee_for(db, who.user)
    try:
        record_read(
            db,
            account_id,
            user_id=who.user.id,
            employee_id=employee.id if employee else None,
            read=read,
            reason=reason,
            actor=who.actor,
        )
    except TeamsError as exc:
        db.rollback()
        context = {"error": str(exc), "account_id": account_id, "read": read, "reason": reason}
        return render(request, "teams/read_error.html", context, status=exc.status)
    db.commit()
    return feedback.redirect(
        request, f"/accounts/{account_id}#panel-read", "Your read of the account is recorded."
    )


@account_panels.register("read", "Human read vs model", "teams/_read_panel.html", order=30)
def read_panel(db: Any, who: Principal, view: Any) -> dict[str, Any] | None:
    """The latest owner read beside the model's; the form for the account's owner."""
    account_id = view.account.id
    employee = employee_for(db, who.user)
    score = latest_scores(db, [account_id]).get(account_id)
    return {
        "account_id": account_id,
        "latest": latest_reads(db, [account_id]).get(account_id),
        "model_read": score.health_band if score else None,
        "churn_probability": score.churn_probability if score else None,
        "can_record": employee is not None
        and owns_account(db, employee.id, account_id, view.as_of),
        "reads": READS,
    }
