"""Search everywhere through the API: ``GET /api/v1/search?q=``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from keepwell.search import KINDS, search_everything
from keepwell.web.deps import ApiReader, SessionDep
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["search"], responses=problem_responses(401, 403, 422))

Kind = Literal["account", "contact", "ticket", "asset", "problem", "article"]


class FoundPublic(BaseModel):
    """One thing found, with the page that shows it."""

    kind: Kind
    id: int
    title: str
    subtitle: str
    url: str


class SearchPublic(BaseModel):
    """Results grouped by kind (accounts, contacts, tickets, machines, problems, articles)."""

    results: list[FoundPublic]
    took_ms: float


@router.get("/search", summary="Search everywhere")
def search_endpoint(
    db: SessionDep,
    who: ApiReader,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for.")],
    kinds: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Comma-separated kinds to search (default: all): " + ", ".join(KINDS),
        ),
    ] = None,
    per_kind: Annotated[int, Query(ge=1, le=50, description="Results per kind.")] = 5,
) -> SearchPublic:
    """Accounts (name, id in any source system), contacts (name, e-mail), tickets (number,
    words of subject and text), machines (serial, model), problems (title) and articles
    (full text): the best few of each kind, grouped in that order."""
    chosen = _kinds(kinds)
    found = search_everything(db, q, chosen, per_kind)
    return SearchPublic(
        results=[FoundPublic.model_validate(f, from_attributes=True) for f in found.results],
        took_ms=found.took_ms,
    )


def _kinds(value: str | None) -> tuple[str, ...]:
    if value is None:
        return KINDS
    asked = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in asked if k not in KINDS]
    if unknown or not asked:
        named = ", ".join(unknown) or "(none)"
        raise ApiProblem(422, f"kinds must name some of {', '.join(KINDS)}; unknown: {named}")
    return asked
