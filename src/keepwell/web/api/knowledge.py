"""The knowledge base through the API: list, search, get, create, update; suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from keepwell.auth.service import employee_for
from keepwell.knowledge.models import Article
from keepwell.knowledge.schemas import (
    ArticleCreate,
    ArticlePublic,
    ArticleUpdate,
    HitPublic,
    VersionPublic,
)
from keepwell.knowledge.search import Hit, search
from keepwell.knowledge.service import (
    article_public,
    create_article,
    get_article,
    list_articles,
    update_article,
    versions,
)
from keepwell.knowledge.suggest import KnowHow, account_know_how, ticket_know_how
from keepwell.record.models import Account
from keepwell.web.deps import ApiReader, ApiWriter, SessionDep
from keepwell.web.params import IdPath
from keepwell.web.problem_details import ApiProblem, problem_responses

router = APIRouter(tags=["knowledge"], responses=problem_responses(401, 403, 422))
Limit = Annotated[int, Query(ge=1, le=200)]


class ArticleList(BaseModel):
    """A page of articles, most recently changed first."""

    items: list[ArticlePublic]
    total: int
    limit: int
    offset: int


class SearchResult(BaseModel):
    """Search hits, best first."""

    query: str
    hits: list[HitPublic]


class KnowHowPublic(BaseModel):
    """Articles linked to the subject, then related ones."""

    linked: list[int]
    related: list[HitPublic]


@router.get("/knowledge/articles", summary="List articles")
def list_articles_endpoint(
    db: SessionDep,
    who: ApiReader,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> ArticleList:
    """Articles with a tag and status (both optional)."""
    rows, total = list_articles(db, tag=tag, status=status, limit=limit, offset=offset)
    items = [article_public(db, a) for a in rows]
    return ArticleList(items=items, total=total, limit=limit, offset=offset)


@router.get("/knowledge/search", summary="Search articles")
def search_endpoint(
    db: SessionDep,
    who: ApiReader,
    q: Annotated[str, Query(max_length=500)],
    tag: Annotated[list[str] | None, Query(max_length=8)] = None,
    limit: Limit = 20,
) -> SearchResult:
    """Ranked full-text search; ``snippet`` is HTML with matched words in ``<mark>``."""
    return SearchResult(query=q, hits=_hits(search(db, q, limit, tags=tag or ())))


@router.get(
    "/knowledge/articles/{article_id}", summary="Get an article", responses=problem_responses(404)
)
def get_article_endpoint(article_id: IdPath, db: SessionDep, who: ApiReader) -> ArticlePublic:
    """One article with its Markdown body, tags and links."""
    return article_public(db, _get(db, article_id))


@router.get(
    "/knowledge/articles/{article_id}/versions",
    summary="List an article's versions",
    responses=problem_responses(404),
)
def versions_endpoint(article_id: IdPath, db: SessionDep, who: ApiReader) -> list[VersionPublic]:
    """Every saved version, newest first."""
    _get(db, article_id)
    return [VersionPublic.model_validate(v) for v in versions(db, article_id)]


@router.post(
    "/knowledge/articles",
    status_code=201,
    summary="Create an article",
    responses=problem_responses(404),
)
def create_article_endpoint(
    data: ArticleCreate, db: SessionDep, who: ApiWriter, response: Response
) -> ArticlePublic:
    """Write a new article (version 1); links are checked."""
    article = create_article(db, data, author=employee_for(db, who.user), actor=who.actor)
    db.commit()
    response.headers["Location"] = f"/api/v1/knowledge/articles/{article.id}"
    return article_public(db, article)


@router.patch(
    "/knowledge/articles/{article_id}",
    summary="Update an article",
    responses=problem_responses(404, 409),
)
def update_article_endpoint(
    article_id: IdPath, data: ArticleUpdate, db: SessionDep, who: ApiWriter
) -> ArticlePublic:
    """Change fields; a change is a new version. ``base_version`` guards against lost edits."""
    article = _get(db, article_id)
    update_article(db, article, data, actor=who.actor)
    db.commit()
    return article_public(db, article)


@router.get(
    "/tickets/{ticket_id}/knowledge",
    summary="Articles for a ticket",
    responses=problem_responses(404),
)
def ticket_knowledge_endpoint(
    ticket_id: IdPath, db: SessionDep, who: ApiReader, limit: Limit = 6
) -> KnowHowPublic:
    """Articles linked to the ticket's asset or account, then ones related to its text."""
    found = ticket_know_how(db, ticket_id, limit)
    if found is None:
        raise ApiProblem(404, f"no ticket with id {ticket_id}", "not-found")
    return _know_how(found)


@router.get(
    "/accounts/{account_id}/knowledge",
    summary="Articles for an account",
    responses=problem_responses(404),
)
def account_knowledge_endpoint(
    account_id: IdPath, db: SessionDep, who: ApiReader, limit: Limit = 6
) -> KnowHowPublic:
    """Articles linked to the account or its assets, then related to its business."""
    if db.get(Account, account_id) is None:
        raise ApiProblem(404, f"no account with id {account_id}", "not-found")
    return _know_how(account_know_how(db, account_id, limit))


def _get(db: SessionDep, article_id: int) -> Article:
    return get_article(db, article_id)


def _hits(hits: list[Hit]) -> list[HitPublic]:
    return [
        HitPublic(
            article_id=h.article_id,
            title=h.title,
            status=h.status,
            score=h.score,
            snippet=str(h.snippet),
            updated_at=h.updated_at,
        )
        for h in hits
    ]


def _know_how(found: KnowHow) -> KnowHowPublic:
    return KnowHowPublic(linked=[a.id for a in found.linked], related=_hits(found.related))
