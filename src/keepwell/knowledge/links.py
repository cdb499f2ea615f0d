"""Links from articles to the record: checked on write, named on read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.knowledge.errors import KnowledgeError
from keepwell.knowledge.models import LINK_KINDS, ArticleLink
from keepwell.knowledge.schemas import LinkIn, LinkPublic
from keepwell.people.models import RetentionRole
from keepwell.record.models import Account, Asset

TARGETS: dict[str, tuple[Any, str]] = {
    "account": (Account, "name"),
    "asset": (Asset, "serial"),
    "retention_role": (RetentionRole, "name"),
}
"""Per kind: the model holding the targets and the attribute naming them. Packages above
the knowledge base add their own (recurring problems) with ``register_target``."""


def register_target(kind: str, model: Any, column: str) -> None:
    """Let articles link to rows of ``model`` as ``kind``, named by ``column``."""
    TARGETS[kind] = (model, column)


def check_links(session: Session, links: Sequence[LinkIn]) -> list[tuple[str, int]]:
    """The distinct ``(kind, id)`` pairs; raise naming the first unknown kind or target."""
    pairs = list(dict.fromkeys((link.kind, link.id) for link in links))
    for kind, target_id in pairs:
        if kind not in LINK_KINDS:
            raise KnowledgeError(f"unknown link kind {kind!r}; use one of {', '.join(LINK_KINDS)}")
        if target_id not in labels(session, kind, [target_id]):
            raise KnowledgeError(f"there is no {kind.replace('_', ' ')} with id {target_id}")
    return pairs


def labels(session: Session, kind: str, ids: Iterable[int]) -> dict[int, str]:
    """The names of targets of ``kind`` by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if kind not in TARGETS:
        return {}
    model, column = TARGETS[kind]
    query = select(model.id, getattr(model, column)).where(model.id.in_(wanted))
    return {row[0]: str(row[1]) for row in session.execute(query)}


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
