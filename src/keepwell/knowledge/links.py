"""Links from articles to the record: checked on write, named on read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.models import LINK_KINDS, ArticleLink
from keepwell.knowledge.schemas import LinkIn, LinkPublic
from keepwell.people.models import RetentionRole
from keepwell.record.models import Account, Asset

TABLES: dict[str, tuple[str, str]] = {
    "account": ("accounts", "name"),
    "asset": ("assets", "serial"),
    "problem": ("problems", "title label name"),
    "retention_role": ("retention_roles", "name"),
}
"""Per kind: the table holding the targets and the column naming them."""
MODELS: dict[str, Any] = {"account": Account, "asset": Asset, "retention_role": RetentionRole}


def check_links(session: Session, links: Sequence[LinkIn]) -> list[tuple[str, int]]:
    """The distinct ``(kind, id)`` pairs; raise naming the first unknown kind or target."""
    pairs = list(dict.fromkeys((link.kind, link.id) for link in links))
    for kind, target_id in pairs:
        if kind not in LINK_KINDS:
            raise KnowledgeError(f"unknown link kind {kind!r}; use one of {', '.join(LINK_KINDS)}")
        names = labels(session, kind, [target_id])
        if _table_exists(session, kind) and target_id not in names:
            raise KnowledgeError(f"there is no {kind.replace('_', ' ')} with id {target_id}")
    return pairs


def labels(session: Session, kind: str, ids: Iterable[int]) -> dict[int, str]:
    """The names of targets of ``kind`` by id (empty when the kind's table is missing)."""
    wanted = sorted(set(ids))
    if not wanted or not _table_exists(session, kind):
        return {}
    table, column = TABLES[kind]
    model = MODELS.get(kind)
    if model is not None:
        query = select(model.id, getattr(model, column)).where(model.id.in_(wanted))
        return {row[0]: str(row[1]) for row in session.execute(query)}
    present = {c["name"] for c in inspect(session.connection()).get_columns(table)}
    label = next((c for c in column.split() if c in present), "id")
    listed = ",".join(str(int(i)) for i in wanted)
    rows = session.execute(text(f"SELECT id, {label} FROM {table} WHERE id IN ({listed})"))
    return {row[0]: str(row[1]) for row in rows}


def public_links(session: Session, links: Sequence[ArticleLink]) -> list[LinkPublic]:
    """The links with the names of their targets."""
    named: dict[str, dict[int, str]] = {}
    for kind in {link.target_kind for link in links}:
        ids = [link.target_id for link in links if link.target_kind == kind]
        named[kind] = labels(session, kind, ids)
    return [
        LinkPublic(kind=k, id=i, label=named[k].get(i))
        for k, i in sorted((link.target_kind, link.target_id) for link in links)
    ]


def _table_exists(session: Session, kind: str) -> bool:
    if kind in MODELS:
        return True
    return inspect(session.connection()).has_table(TABLES[kind][0])
