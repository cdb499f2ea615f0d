"""Writing and reading articles: every change is a new version and an audit entry."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.errors import NotFound
from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.links import check_links, public_links
from keepwell.knowledge.models import (
    ARTICLE_STATUSES,
    Article,
    ArticleLink,
    ArticleTag,
    ArticleVersion,
)
from keepwell.knowledge.schemas import ArticleCreate, ArticlePublic, ArticleUpdate, LinkIn
from keepwell.people.models import Employee

TAG = re.compile(r"^[\w][\w.-]{0,63}$")
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters (among them the search's match markers) never stored in text."""


def clean_text(value: str) -> str:
    """``value`` without control characters other than tab and newline."""
    return UNSAFE.sub("", value.replace("\r\n", "\n"))


def normalize_tags(tags: Sequence[str]) -> list[str]:
    """Tags in lower case with dashes for spaces, sorted, each checked."""
    found = set()
    for raw in tags:
        tag = re.sub(r"\s+", "-", raw.strip().lower())
        if not tag:
            continue
        if not TAG.match(tag):
            raise KnowledgeError(f"tag {raw!r} may hold letters, digits, '-', '_' and '.' only")
        found.add(tag)
    return sorted(found)


def get_article(session: Session, article_id: int) -> Article:
    """The article with ``article_id``, or a 404 error."""
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"there is no article with id {article_id}")
    return article


def create_article(
    session: Session,
    data: ArticleCreate,
    *,
    author: Employee | None,
    actor: str,
    source: str = "keepwell",
    external_id: str | None = None,
) -> Article:
    """Add an article (version 1) with its tags and links, audited; not yet committed."""
    _check_status(data.status)
    article = Article(
        title=_title(data.title),
        body=clean_text(data.body),
        status=data.status,
        version=1,
        author_id=author.id if author else None,
        created_by=actor,
        updated_by=actor,
        source=source,
        external_id=external_id,
    )
    _set_tags(article, normalize_tags(data.tags))
    _set_links(session, article, data.links)
    session.add(article)
    session.flush()
    _snapshot(session, article, actor)
    record(
        session,
        actor=actor,
        action="article.created",
        entity="articles",
        entity_id=article.id,
        changes={"title": article.title, "tags": article.tag_names, "status": article.status},
    )
    return article


def update_article(
    session: Session, article: Article, data: ArticleUpdate, *, actor: str
) -> list[str]:
    """Apply the fields set in ``data``; a change makes a new version. Returns changed fields."""
    if data.base_version is not None and data.base_version != article.version:
        raise KnowledgeError(
            f"article {article.id} changed since version {data.base_version} "
            f"(now version {article.version}); reload it and edit again",
            409,
        )
    changed = _apply(session, article, data)
    if changed:
        article.version += 1
        article.updated_by = actor
        session.flush()
        _snapshot(session, article, actor)
        record(
            session,
            actor=actor,
            action="article.updated",
            entity="articles",
            entity_id=article.id,
            changes={"fields": changed, "version": article.version},
        )
    return changed


def list_articles(
    session: Session,
    *,
    tag: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Article], int]:
    """Articles, most recently changed first, and how many in all."""
    query = select(Article)
    if tag:
        query = query.where(Article.tags.any(ArticleTag.tag == tag.strip().lower()))
    if status:
        query = query.where(Article.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Article.updated_at.desc(), Article.id.desc())
    return list(session.scalars(ordered.offset(offset).limit(limit))), total


def versions(session: Session, article_id: int) -> list[ArticleVersion]:
    """Every saved version of an article, newest first."""
    query = select(ArticleVersion).where(ArticleVersion.article_id == article_id)
    return list(session.scalars(query.order_by(ArticleVersion.number.desc())))


def article_public(session: Session, article: Article) -> ArticlePublic:
    """The article with its tags and named links."""
    return ArticlePublic(
        id=article.id,
        title=article.title,
        body=article.body,
        status=article.status,
        version=article.version,
        tags=article.tag_names,
        links=public_links(session, article.links),
        author_id=article.author_id,
        created_by=article.created_by,
        updated_by=article.updated_by,
        created_at=article.created_at,
        updated_at=article.updated_at,
    )


def _apply(session: Session, article: Article, data: ArticleUpdate) -> list[str]:
    changed = []
    if data.title is not None and _title(data.title) != article.title:
        article.title = _title(data.title)
        changed.append("title")
    if data.body is not None and clean_text(data.body) != article.body:
        article.body = clean_text(data.body)
        changed.append("body")
    if data.status is not None and data.status != article.status:
        _check_status(data.status)
        article.status = data.status
        changed.append("status")
    if data.tags is not None and normalize_tags(data.tags) != article.tag_names:
        _set_tags(article, normalize_tags(data.tags))
        changed.append("tags")
    if data.links is not None:
        before = {(link.target_kind, link.target_id) for link in article.links}
        if set(check_links(session, data.links)) != before:
            _set_links(session, article, data.links)
            changed.append("links")
    return changed


def _set_tags(article: Article, tags: list[str]) -> None:
    kept = {t.tag: t for t in article.tags}
    article.tags = [kept.get(tag) or ArticleTag(tag=tag) for tag in tags]
    article.tag_text = " ".join(tags)


def _set_links(session: Session, article: Article, links: Sequence[LinkIn]) -> None:
    kept = {(link.target_kind, link.target_id): link for link in article.links}
    article.links = [
        kept.get(pair) or ArticleLink(target_kind=pair[0], target_id=pair[1])
        for pair in check_links(session, links)
    ]


def _snapshot(session: Session, article: Article, actor: str) -> None:
    session.add(
        ArticleVersion(
            article_id=article.id,
            number=article.version,
            title=article.title,
            body=article.body,
            tags=article.tag_names,
            status=article.status,
            saved_by=actor,
        )
    )


def _title(value: str) -> str:
    title = " ".join(clean_text(value).split())
    if not title:
        raise KnowledgeError("an article needs a title")
    return title[:255]


def _check_status(status: str) -> None:
    if status not in ARTICLE_STATUSES:
        raise KnowledgeError(f"status must be one of {', '.join(ARTICLE_STATUSES)}, not {status!r}")
