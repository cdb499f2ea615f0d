"""The voice of the customer: summary, themes, comment explorer, detractors, say–do gap.

Endpoints call :mod:`keepwell.voice.service`, like the page and ``keepwell voice``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from keepwell.db.values import Day, Moment
from keepwell.voice.nps import detractors
from keepwell.voice.saydo import say_do_gap
from keepwell.voice.service import (
    account_names,
    comment_dict,
    current_themes,
    detractor_dict,
    explore_comments,
    theme_dicts,
    voice_summary,
)
from keepwell.web.deps import ApiReader, SessionDep
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["voice"], responses=problem_responses(401, 403, 422))


@router.get("/voice/summary", summary="Voice of the customer summary")
def summary_endpoint(
    db: SessionDep, who: ApiReader, as_of: Day | None = None, themes: bool = False
) -> dict[str, Any]:
    """Sentiment by source, NPS/CSAT by quarter and segment, detractors, say–do gap.

    ``themes=true`` adds the themes with their churn lift (as stored, kept current).
    """
    return voice_summary(db, as_of, with_themes=themes)


@router.get("/voice/themes", summary="Themes across comments with churn lift")
def themes_endpoint(db: SessionDep, who: ApiReader, as_of: Day | None = None) -> dict[str, Any]:
    """Themes over survey comments, tickets and notes; lift among lost and at-risk accounts.

    Themes are stored by the scheduled run and new comments join them as they arrive.
    """
    return theme_dicts(current_themes(db, as_of))


@router.get("/voice/comments", summary="Search comments")
def comments_endpoint(
    db: SessionDep,
    who: ApiReader,
    search: Annotated[str | None, Query(max_length=200)] = None,
    source: Literal["survey", "ticket", "interaction"] | None = None,
    sentiment: Literal["positive", "neutral", "negative"] | None = None,
    account_id: Annotated[int | None, Query(ge=1)] = None,
    since: Moment | None = None,
    until: Moment | None = None,
    theme_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Comments matching every filter, newest first, with their sentiment."""
    try:
        page = explore_comments(
            db,
            search=search,
            source=source,
            label=sentiment,
            account_id=account_id,
            since=since,
            until=until,
            theme_id=theme_id,
            limit=limit,
            offset=offset,
        )
    except ValueError as exc:
        raise ApiProblem(422, str(exc), "validation") from None
    names = account_names(db, {c.account_id for c in page.items})
    return {"total": page.total, "items": [comment_dict(c, names) for c in page.items]}


@router.get("/voice/detractors", summary="NPS detractors and their follow-up")
def detractors_endpoint(
    db: SessionDep,
    who: ApiReader,
    as_of: Day | None = None,
    unheard: bool = False,
    days: Annotated[int, Query(ge=1, le=3650)] = 365,
) -> dict[str, Any]:
    """Detractors of the last ``days`` days; ``unheard=true``: only those nobody followed up."""
    found = [d for d in detractors(db, as_of, days=days) if d.unheard or not unheard]
    return {"items": [detractor_dict(d) for d in found]}


@router.get("/voice/say-do-gap", summary="Say–do gap")
def say_do_endpoint(db: SessionDep, who: ApiReader, as_of: Day | None = None) -> dict[str, Any]:
    """Accounts whose survey answers and behaviour disagree, both ways."""
    return {"items": [g.as_dict() for g in say_do_gap(db, as_of)]}
