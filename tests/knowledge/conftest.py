"""Helpers for the knowledge tests: articles written through the service."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.knowledge.schemas import ArticleCreate, LinkIn
from keepwell.knowledge.service import create_article


def add_article(
    engine: Engine,
    title: str,
    body: str = "",
    *,
    tags: Sequence[str] = (),
    links: Sequence[tuple[str, int]] = (),
    status: str = "published",
) -> int:
    """Write one article as ``test``; its id."""
    data = ArticleCreate(
        title=title,
        body=body,
        tags=list(tags),
        links=[LinkIn(kind=k, id=i) for k, i in links],
        status=status,
    )
    with session_scope(engine) as session:
        return create_article(session, data, author=None, actor="test").id
