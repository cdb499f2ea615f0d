"""Knowledge pages: list and search with snippets, article view, write and edit, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from starlette.responses import Response

from keepwell.auth.permissions import Permission
from keepwell.auth.service import employee_for
from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.forms import diff_versions, links_text, parse_links, parse_tags
from keepwell.knowledge.links import public_links
from keepwell.knowledge.models import ARTICLE_STATUSES, Article
from keepwell.knowledge.render import render_markdown
from keepwell.knowledge.schemas import ArticleCreate, ArticleUpdate
from keepwell.knowledge.search import search
from keepwell.knowledge.service import create_article, get_article, list_articles, update_article
from keepwell.knowledge.service import versions as article_versions
from keepwell.web import feedback
from keepwell.web.deps import CurrentUser, PageWriter, SessionDep
from keepwell.web.paging import pager
from keepwell.web.params import IdPath
from keepwell.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25
SEARCH_HITS = 50
Text = Annotated[str, Form(max_length=200_000)]
Short = Annotated[str, Form(max_length=2_000)]


@router.get("/knowledge")
def knowledge_page(
    request: Request,
    who: CurrentUser,
    db: SessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
    tag: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """All articles, newest first, or the search hits for ``q`` with snippets."""
    context: dict[str, Any] = {"q": q, "tag": tag}
    if q.strip():
        context["hits"] = search(db, q, SEARCH_HITS, tags=[tag] if tag else ())
    else:
        total = list_articles(db, tag=tag or None, limit=0)[1]
        paging = pager(request, page, total, PER_PAGE)
        rows, _ = list_articles(db, tag=tag or None, limit=PER_PAGE, offset=paging.offset)
        context.update(articles=rows, pager=paging)
    if is_htmx(request) and request.headers.get("hx-target") == "results":
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/list.html", context)


@router.get("/knowledge/new")
def new_article_page(
    request: Request,
    who: PageWriter,
    db: SessionDep,
    link: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """An empty article form (``link`` pre-fills a link such as ``account:12``)."""
    form = {"title": "", "body": "", "tags": "", "links": link, "status": "published"}
    return _form(request, None, form)


@router.post("/knowledge")
def create_article_page(
    request: Request,
    who: PageWriter,
    db: SessionDep,
    title: Short = "",
    body: Text = "",
    tags: Short = "",
    links: Short = "",
    status: Short = "published",
) -> Response:
    """Save a new article and show it."""
    form = {"title": title, "body": body, "tags": tags, "links": links, "status": status}
    try:
        data = ArticleCreate(
            title=title.strip() or " ",
            body=body,
            tags=parse_tags(tags),
            links=parse_links(links),
            status=status,
        )
        article = create_article(db, data, author=employee_for(db, who.user), actor=who.actor)
    except (KnowledgeError, ValueError) as exc:
        db.rollback()
        return _form(request, None, form, error=_message(exc))
    db.commit()
    return feedback.redirect(request, f"/knowledge/{article.id}", "Article saved.")


@router.get("/knowledge/{article_id}")
def article_page(
    request: Request, article_id: IdPath, who: CurrentUser, db: SessionDep
) -> Response:
    """One article, rendered, with its tags, links and authors."""
    article = _article(db, article_id)
    context = {
        "article": article,
        "html": render_markdown(article.body),
        "links": public_links(db, article.links),
        "can_write": who.can(Permission.WRITE),
    }
    return render(request, "knowledge/article.html", context)


@router.get("/knowledge/{article_id}/edit")
def edit_article_page(
    request: Request, article_id: IdPath, who: PageWriter, db: SessionDep
) -> Response:
    """The article form filled with the current version."""
    article = _article(db, article_id)
    return _form(request, article, _filled(article))


@router.post("/knowledge/{article_id}")
def update_article_page(
    request: Request,
    article_id: IdPath,
    who: PageWriter,
    db: SessionDep,
    base_version: Annotated[int, Form(ge=1)],
    title: Short = "",
    body: Text = "",
    tags: Short = "",
    links: Short = "",
    status: Short = "published",
) -> Response:
    """Save the edited article as a new version (refused if someone saved in between)."""
    article = _article(db, article_id)
    form = {"title": title, "body": body, "tags": tags, "links": links, "status": status}
    try:
        data = ArticleUpdate(
            title=title.strip() or " ",
            body=body,
            tags=parse_tags(tags),
            links=parse_links(links),
            status=status,
            base_version=base_version,
        )
        update_article(db, article, data, actor=who.actor)
    except (KnowledgeError, ValueError) as exc:
        db.rollback()
        return _form(request, _article(db, article_id), form, error=_message(exc))
    db.commit()
    return feedback.redirect(request, f"/knowledge/{article_id}", "Article saved.")


@router.get("/knowledge/{article_id}/history")
def history_page(
    request: Request,
    article_id: IdPath,
    who: CurrentUser,
    db: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    """Every version; the changes that made ``version`` (default: the latest)."""
    article = _article(db, article_id)
    saved = article_versions(db, article_id)
    by_number = {v.number: v for v in saved}
    shown = by_number.get(version or article.version)
    if shown is None:
        raise HTTPException(404, f"Article {article_id} has no version {version}.")
    before = by_number.get(shown.number - 1)
    diff = diff_versions(before, shown) if before else []
    context = {"article": article, "versions": saved, "shown": shown, "diff": diff}
    return render(request, "knowledge/history.html", context)


def _article(db: SessionDep, article_id: int) -> Article:
    return get_article(db, article_id)


def _filled(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "body": article.body,
        "tags": ", ".join(article.tag_names),
        "links": links_text(article.links),
        "status": article.status,
    }


def _form(
    request: Request, article: Article | None, form: dict[str, str], *, error: str | None = None
) -> Response:
    context = {"article": article, "form": form, "error": error, "statuses": ARTICLE_STATUSES}
    return render(request, "knowledge/edit.html", context, status=422 if error else 200)


def _message(exc: Exception) -> str:
    if isinstance(exc, KnowledgeError):
        return str(exc).capitalize() + "."
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}".strip(": ")
    return str(exc)
