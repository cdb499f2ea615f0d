"""Recurring problems: list by impact, detail, detection, and the person's actions.

Endpoints call :mod:`keepwell.problems` service functions, like the pages and the CLI.
Revenue figures are present only for principals who see money.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from keepwell.db.values import Day
from keepwell.problems import service
from keepwell.problems.impact import problem_counts_by_account
from keepwell.problems.represent import representation_named
from keepwell.problems.store import assign_new_tickets, run_detection
from keepwell.problems.views import (
    account_problems,
    detection_document,
    list_problems,
    problem_detail,
)
from keepwell.record.models import Account
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep
from keepwell.web.params import Id, IdPath
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["problems"], responses=problem_responses(401, 403, 404, 422))


class DetectIn(BaseModel):
    """Options of a detection run."""

    model_config = ConfigDict(extra="forbid")

    representation: str = Field(default="auto", pattern="^(auto|multilingual|tfidf|minilm)$")
    min_size: int | None = Field(default=None, ge=2, le=100_000)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=255)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[Id] = Field(min_length=1, max_length=100)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tickets: list[str] = Field(min_length=1, max_length=10_000)
    label: str = Field(min_length=1, max_length=255)


class ProblemUpdate(BaseModel):
    """The 8D fields, owner, status and dates; only those given change."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=20_000)
    containment: str | None = Field(default=None, max_length=20_000)
    root_cause: str | None = Field(default=None, max_length=20_000)
    corrective_action: str | None = Field(default=None, max_length=20_000)
    preventive_action: str | None = Field(default=None, max_length=20_000)
    verification: str | None = Field(default=None, max_length=20_000)
    owner_id: Id | None = None
    status: str | None = Field(default=None, description="Not null when given.")
    contained_on: Day | None = None
    corrected_on: Day | None = None
    closed_on: Day | None = None


@router.get("/problems", summary="List recurring problems by impact")
def list_endpoint(db: SessionDep, who: ApiReader, as_of: Day | None = None) -> dict[str, Any]:
    """Live problems with tickets, accounts, lost and at-risk accounts, trend and recurrence."""
    return {"problems": list_problems(db, as_of=as_of, money=who.sees_money)}


@router.get("/problems/counts-by-account", summary="Repeat problems per account")
def counts_endpoint(
    db: SessionDep,
    who: ApiReader,
    as_of: Day | None = None,
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
) -> dict[str, Any]:
    """Per account id: problems it hit at least twice in the last ``days`` days."""
    counts = problem_counts_by_account(db, as_of or date.today(), days=days)
    return {"counts": {str(k): v for k, v in sorted(counts.items())}}


@router.get("/problems/{problem_id}", summary="Get a problem")
def get_endpoint(
    problem_id: IdPath, db: SessionDep, who: ApiReader, as_of: Day | None = None
) -> dict[str, Any]:
    """The 8D record, impact, tickets, accounts and history of one problem."""
    return problem_detail(db, problem_id, as_of=as_of, money=who.sees_money)


@router.post("/problems/detect", summary="Run problem detection")
def detect_endpoint(data: DetectIn, db: SessionDep, who: ApiWriter) -> dict[str, Any]:
    """Detect problems over all tickets; owned problems keep their ids and tickets."""
    try:
        chosen = representation_named(data.representation, seed=data.seed)
    except ValueError as exc:
        raise ApiProblem(422, str(exc), "validation") from None
    run = run_detection(db, representation=chosen, min_size=data.min_size, seed=data.seed)
    document = detection_document(db, run)
    db.commit()
    return document


@router.post("/problems/assign", summary="Place new tickets against known problems")
def assign_endpoint(db: SessionDep, who: ApiWriter) -> dict[str, Any]:
    """Tickets in no problem join the nearest known problem if they fit it."""
    run = assign_new_tickets(db)
    db.commit()
    return {"assigned": run.assigned, "unassigned": run.unassigned}


def _detail(db: SessionDep, problem_id: int, money: bool) -> dict[str, Any]:
    db.commit()
    return problem_detail(db, problem_id, money=money)


@router.post("/problems/{problem_id}/confirm", summary="Confirm a problem")
def confirm_endpoint(problem_id: IdPath, db: SessionDep, who: ApiWriter) -> dict[str, Any]:
    """The problem becomes owned: it keeps its id and tickets across detection runs."""
    service.confirm(db, problem_id, actor=who.actor)
    return _detail(db, problem_id, who.sees_money)


@router.post("/problems/{problem_id}/dismiss", summary="Dismiss a problem")
def dismiss_endpoint(problem_id: IdPath, db: SessionDep, who: ApiWriter) -> dict[str, Any]:
    """Not a real problem: it keeps its tickets so it does not come back."""
    service.dismiss(db, problem_id, actor=who.actor)
    return _detail(db, problem_id, who.sees_money)


@router.post("/problems/{problem_id}/rename", summary="Rename a problem")
def rename_endpoint(
    problem_id: IdPath, data: RenameIn, db: SessionDep, who: ApiWriter
) -> dict[str, Any]:
    """A label of the person's choosing; detection no longer relabels it."""
    service.rename(db, problem_id, data.label, actor=who.actor)
    return _detail(db, problem_id, who.sees_money)


@router.post("/problems/{problem_id}/merge", summary="Merge problems into this one")
def merge_endpoint(
    problem_id: IdPath, data: MergeIn, db: SessionDep, who: ApiWriter
) -> dict[str, Any]:
    """Every ticket of ``sources`` moves here; the sources become merged."""
    service.merge(db, problem_id, data.sources, actor=who.actor)
    return _detail(db, problem_id, who.sees_money)


@router.post("/problems/{problem_id}/split", status_code=201, summary="Split a problem")
def split_endpoint(
    problem_id: IdPath, data: SplitIn, db: SessionDep, who: ApiWriter
) -> dict[str, Any]:
    """Move ``tickets`` (external or internal ids) into a new confirmed problem."""
    new = service.split(db, problem_id, data.tickets, label=data.label, actor=who.actor)
    return _detail(db, new.id, who.sees_money)


@router.patch("/problems/{problem_id}", summary="Update a problem's 8D record")
def update_endpoint(
    problem_id: IdPath, data: ProblemUpdate, db: SessionDep, who: ApiWriter
) -> dict[str, Any]:
    """Set description, containment, root cause, actions, verification, owner, status, dates."""
    service.update_problem(db, problem_id, data.model_dump(exclude_unset=True), actor=who.actor)
    return _detail(db, problem_id, who.sees_money)


@router.get("/accounts/{account_id}/problems", summary="An account's recurring problems")
def account_endpoint(account_id: IdPath, db: SessionDep, who: ApiReader) -> dict[str, Any]:
    """The live problems this account's tickets belong to."""
    if db.get(Account, account_id) is None:
        raise ApiProblem(404, f"no account with id {account_id}", "not-found")
    return {"problems": account_problems(db, account_id)}
