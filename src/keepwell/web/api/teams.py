"""The teams API: coverage, roles, account teams, human reads, RFQ reviews and comments.

Every endpoint calls the same service functions as the pages; amounts are left out
for principals who may not see money.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query

from keepwell.auth.service import employee_for
from keepwell.insight.human_reads import disagreements, read_accuracy, record_read
from keepwell.people.models import Employee
from keepwell.teams.access import is_admin, require_leader
from keepwell.teams.comments import add_comment, check_subject, thread
from keepwell.teams.coverage import coverage_report
from keepwell.teams.departure import (
    departed_holdings,
    departure_impact,
    departure_ranking,
)
from keepwell.teams.rfq import (
    check_specification,
    get_quote,
    missing_reviews,
    review_quote,
    reviews_of,
    send_quote,
)
from keepwell.teams.rfq_report import rfq_metrics
from keepwell.teams.roles import get_role, list_roles, update_role
from keepwell.teams.schemas import (
    CommentCreate,
    QuoteSend,
    ReadCreate,
    ReviewCreate,
    RoleUpdate,
    SpecCheck,
    TeamMemberCreate,
    TeamMemberEnd,
)
from keepwell.teams.team import add_member, end_member, get_account, team_members
from keepwell.web.deps import ApiReader, ApiWriter, Principal, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["teams"], responses=problem_responses(401, 403, 404, 409, 422))
T = TypeVar("T")
Json = dict[str, Any]


def _run(db: SessionDep, action: Callable[[], T]) -> T:
    """Run a service call and commit its changes (a refusal propagates to the one
    error handler, which answers with its problem detail)."""
    result = action()
    db.commit()
    return result


def _employee_id(db: SessionDep, who: Principal) -> int | None:
    employee = employee_for(db, who.user)
    return employee.id if employee else None


@router.get("/coverage", summary="Relationship coverage and departure impact")
def coverage_endpoint(
    db: SessionDep,
    who: ApiReader,
    window: Annotated[int, Query(ge=1, le=3650)] = 180,
) -> Json:
    """Every active account's coverage, who would take relationships along, open hand-overs."""
    report = coverage_report(db, window_days=window)
    money = who.sees_money
    return {
        "summary": report.summary(),
        "accounts": [a.as_dict(money=money) for a in report.accounts],
        "departure_impact": [i.as_dict(money=money) for i in departure_ranking(report)],
        "departed_holdings": [h.as_dict() for h in departed_holdings(db, report.as_of)],
    }


@router.get("/employees/{employee_id}/departure-impact", summary="If this employee left")
def departure_endpoint(
    employee_id: IdPath,
    db: SessionDep,
    who: ApiReader,
    window: Annotated[int, Query(ge=1, le=3650)] = 180,
) -> Json:
    """The accounts whose only active relationship this employee holds, and their worth."""
    if db.get(Employee, employee_id) is None:
        raise ApiProblem(404, f"no employee with id {employee_id}", "not-found")
    report = coverage_report(db, window_days=window)
    return departure_impact(report, employee_id).as_dict(money=who.sees_money)


@router.get("/roles", summary="Retention roles and charters")
def roles_endpoint(db: SessionDep, who: ApiReader) -> list[Json]:
    """Every role with its charter, signals, tasks, covered and lacking accounts."""
    return [asdict(r) for r in list_roles(db)]


@router.put("/roles/{role_id}", summary="Edit a role's charter")
def update_role_endpoint(role_id: IdPath, data: RoleUpdate, db: SessionDep, who: ApiWriter) -> Json:
    """Change a role's name, charter, signals and tasks (leaders and admins)."""

    def act() -> Json:
        require_leader(who.user, who.permissions, "edit roles and charters")
        role = update_role(db, get_role(db, role_id), actor=who.actor, **data.model_dump())
        return {
            "id": role.id,
            "key": role.key,
            "name": role.name,
            "charter": role.charter,
            "signals": role.signals,
            "tasks": role.tasks,
        }

    return _run(db, act)


@router.get("/accounts/{account_id}/team", summary="An account's team and its history")
def team_endpoint(account_id: IdPath, db: SessionDep, who: ApiReader) -> list[Json]:
    """Every membership, current ones first."""
    _run(db, lambda: get_account(db, account_id))
    return [asdict(m) for m in team_members(db, account_id)]


@router.post("/accounts/{account_id}/team", status_code=201, summary="Add a team member")
def add_member_endpoint(
    account_id: IdPath, data: TeamMemberCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """Put an employee on the account's team in a role (leaders and admins)."""

    def act() -> Json:
        require_leader(who.user, who.permissions, "edit account teams")
        row = add_member(
            db,
            account_id,
            employee_id=data.employee_id,
            role_key=data.role,
            since=data.since,
            actor=who.actor,
        )
        return {"id": row.id, "account_id": account_id, "since": row.since}

    return _run(db, act)


@router.post("/accounts/{account_id}/team/{member_id}/end", summary="End a team membership")
def end_member_endpoint(
    account_id: IdPath, member_id: IdPath, data: TeamMemberEnd, db: SessionDep, who: ApiWriter
) -> Json:
    """End a membership; it stays in the history (leaders and admins)."""

    def act() -> Json:
        require_leader(who.user, who.permissions, "edit account teams")
        row = end_member(db, account_id, member_id, until=data.until, actor=who.actor)
        return {"id": row.id, "until": row.until}

    return _run(db, act)


@router.post("/accounts/{account_id}/reads", status_code=201, summary="Record the owner's read")
def read_endpoint(account_id: IdPath, data: ReadCreate, db: SessionDep, who: ApiWriter) -> Json:
    """The account owner's read (healthy / watch / at_risk) with a reason."""
    row = _run(
        db,
        lambda: record_read(
            db,
            account_id,
            user_id=who.user.id,
            employee_id=_employee_id(db, who),
            read=data.read,
            reason=data.reason,
            actor=who.actor,
        ),
    )
    return {
        "id": row.id,
        "read": row.read,
        "model_read": row.model_read,
        "model_probability": row.model_probability,
    }


@router.get("/reads/disagreements", summary="Where owners and the model disagree")
def disagreements_endpoint(db: SessionDep, who: ApiReader) -> Json:
    """The disagreement list and how often each side was right."""
    return {
        "disagreements": [d.as_dict() for d in disagreements(db)],
        "accuracy": read_accuracy(db),
    }


@router.get("/rfqs/{quote_id}/reviews", summary="An RFQ's reviews and the gate")
def reviews_endpoint(quote_id: IdPath, db: SessionDep, who: ApiReader) -> Json:
    """The latest review of each kind and the reviews still missing."""
    _run(db, lambda: get_quote(db, quote_id))
    reviews = reviews_of(db, quote_id)
    return {
        "reviews": [
            {"kind": r.kind, "decision": r.decision, "note": r.note, "reviewed_at": r.reviewed_at}
            for r in reviews.values()
        ],
        "missing": missing_reviews(db, quote_id),
    }


@router.post("/rfqs/{quote_id}/reviews", status_code=201, summary="Review an RFQ")
def review_endpoint(quote_id: IdPath, data: ReviewCreate, db: SessionDep, who: ApiWriter) -> Json:
    """Record one required review (engineering, operations or quality)."""
    row = _run(
        db,
        lambda: review_quote(
            db,
            quote_id,
            kind=data.kind,
            decision=data.decision,
            note=data.note,
            user_id=who.user.id,
            employee_id=_employee_id(db, who),
            actor=who.actor,
            is_admin=is_admin(who.user),
        ),
    )
    return {"kind": row.kind, "decision": row.decision, "missing": missing_reviews(db, quote_id)}


@router.post("/rfqs/{quote_id}/send", summary="Send the quote")
def send_endpoint(quote_id: IdPath, data: QuoteSend, db: SessionDep, who: ApiWriter) -> Json:
    """Answer the RFQ with its promises; 409 until every required review approved."""
    quote = _run(
        db,
        lambda: send_quote(
            db,
            quote_id,
            lead_time_days=data.lead_time_days,
            specification=data.specification,
            actor=who.actor,
        ),
    )
    return {
        "id": quote.id,
        "responded_at": quote.responded_at,
        "promised_lead_time_days": quote.promised_lead_time_days,
    }


@router.post("/rfqs/{quote_id}/specification", summary="Check the delivered specification")
def spec_endpoint(quote_id: IdPath, data: SpecCheck, db: SessionDep, who: ApiWriter) -> Json:
    """Record whether the delivery met the promised specification."""
    row = _run(
        db,
        lambda: check_specification(
            db, quote_id, spec_met=data.spec_met, note=data.note, actor=who.actor
        ),
    )
    return {"quote_id": row.quote_id, "spec_met": row.spec_met}


@router.get("/rfqs/metrics", summary="RFQ turnaround, win rate, broken promises")
def rfq_metrics_endpoint(
    db: SessionDep, who: ApiReader, days: Annotated[int, Query(ge=1, le=3650)] = 365
) -> Json:
    """Figures of the RFQs received in the last ``days``."""
    return rfq_metrics(db, days=days)


@router.get("/comments/{kind}/{subject_id}", summary="A comment thread")
def thread_endpoint(kind: str, subject_id: IdPath, db: SessionDep, who: ApiReader) -> list[Json]:
    """The comments on an account, RFQ, problem or task, oldest first."""
    _run(db, lambda: check_subject(db, kind, subject_id))
    return [asdict(e) for e in thread(db, kind, subject_id)]


@router.post("/comments/{kind}/{subject_id}", status_code=201, summary="Add a comment")
def comment_endpoint(
    kind: str, subject_id: IdPath, data: CommentCreate, db: SessionDep, who: ApiWriter
) -> Json:
    """Add a comment; each @mention is stored for notification."""
    row = _run(
        db,
        lambda: add_comment(
            db,
            kind,
            subject_id,
            body=data.body,
            user_id=who.user.id,
            employee_id=_employee_id(db, who),
            actor=who.actor,
        ),
    )
    return {"id": row.id, "kind": kind, "subject_id": subject_id}
