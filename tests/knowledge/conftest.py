"""Helpers for the knowledge tests: articles written through the service."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.web.conftest import record_files

from keepwell.db import session_scope
from keepwell.intake.service import import_file
from keepwell.knowledge.schemas import ArticleCreate, LinkIn
from keepwell.knowledge.service import create_article
from keepwell.record.models import Account


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


@pytest.fixture
def customer_record(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """The web tests' small customer record; account ids by external id."""
    for kind, (mapping, text) in record_files().items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text + "\n", encoding="utf-8")
        result = import_file(engine, kind, path, mapping)
        assert result.ok, result.errors
    with session_scope(engine) as session:
        rows = session.execute(select(Account.external_id, Account.id)).all()
        return {row.external_id: row.id for row in rows}
