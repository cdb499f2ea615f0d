"""Knowledge where it is needed: articles for an account, a ticket, a problem.

Articles linked to the subject come first; then a search for the subject's own words
(industry, products, ticket subjects, a problem's description) where any word may match
and articles matching more of them rank higher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Integer, Select, String, bindparam, or_, select
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.knowledge.models import Article, ArticleLink
from keepwell.knowledge.query import STOPWORDS, parse
from keepwell.knowledge.search import Hit, search
from keepwell.record.models import Account, Asset, Ticket

WORD = re.compile(r"[^\W\d_][\w-]{2,}")
MAX_TERMS = 16
RECENT_TICKETS = 10


@dataclass(frozen=True)
class ArticleRef:
    """An article named in a list."""

    id: int
    title: str
    status: str


@dataclass(frozen=True)
class KnowHow:
    """Articles for one subject: those linked to it, then related ones found by search."""

    linked: list[ArticleRef] = field(default_factory=list)
    related: list[Hit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to suggest."""
        return not self.linked and not self.related


def key_terms(text_or_terms: str | Iterable[str]) -> list[str]:
    """Distinct words worth searching for, in order of first appearance."""
    texts = [text_or_terms] if isinstance(text_or_terms, str) else list(text_or_terms)
    found: dict[str, None] = {}
    for text in texts:
        for word in WORD.findall(text or ""):
            lowered = word.lower()
            if lowered not in STOPWORDS:
                found.setdefault(lowered)
    return list(found)[:MAX_TERMS]


def related_articles(
    session: Session,
    text_or_terms: str | Iterable[str],
    limit: int = 5,
    *,
    exclude: Sequence[int] = (),
) -> list[Hit]:
    """Published articles sharing words with ``text_or_terms``, most related first."""
    terms = key_terms(text_or_terms)
    if not terms:
        return []
    query = parse(" ".join(terms), any_term=True)
    return search(session, query, limit, status="published", exclude=exclude)


def linked_articles(
    session: Session, targets: Iterable[tuple[str, int]], limit: int = 20
) -> list[ArticleRef]:
    """Articles linked to any of ``targets`` (``(kind, id)`` pairs), recently changed first."""
    ids_by_kind: dict[str, list[int]] = {}
    for kind, target_id in targets:
        ids_by_kind.setdefault(kind, []).append(target_id)
    if not ids_by_kind:
        return []
    values: dict[str, Any] = {"limit": limit}
    for index, (kind, ids) in enumerate(ids_by_kind.items()):
        values.update({f"kind_{index}": kind, f"ids_{index}": ids})
    rows = read(session, _linked(len(ids_by_kind)), **values)
    return [ArticleRef(row.id, row.title, row.status) for row in rows]


@lru_cache(maxsize=8)
def _linked(kinds: int) -> Select[int, str, str]:
    """Articles linked to targets of ``kinds`` kinds (``kind_<n>`` with the ids ``ids_<n>``)."""
    conditions = [
        (ArticleLink.target_kind == bindparam(f"kind_{n}", type_=String))
        & ArticleLink.target_id.in_(bindparam(f"ids_{n}", expanding=True))
        for n in range(kinds)
    ]
    linked = select(ArticleLink.article_id).where(or_(*conditions))
    return (
        select(Article.id, Article.title, Article.status)
        .where(Article.id.in_(linked))
        .order_by(Article.updated_at.desc(), Article.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


class Equipment(Protocol):
    """What the account's suggestions need of one of its assets."""

    @property
    def id(self) -> int: ...
    @property
    def model(self) -> str | None: ...
    @property
    def product_line(self) -> str | None: ...


def account_know_how(session: Session, account_id: int, limit: int = 6) -> KnowHow:
    """Articles for an account: linked to it or its assets, then related to its business."""
    rows = read(session, _industry_and_assets(), account=account_id).all()
    if not rows:
        return KnowHow()
    assets = [row for row in rows if row.id is not None]
    return equipment_know_how(session, account_id, rows[0].industry, assets, limit)


def equipment_know_how(
    session: Session,
    account_id: int,
    industry: str | None,
    assets: Sequence[Equipment],
    limit: int = 6,
) -> KnowHow:
    """``account_know_how`` for an account whose industry and assets (by id) are known."""
    targets = [("account", account_id), *(("asset", a.id) for a in assets)]
    subjects = read(session, _recent_subjects(), account=account_id, limit=RECENT_TICKETS)
    words = [industry or "", *(f"{a.product_line or ''} {a.model or ''}" for a in assets)]
    return _know_how(session, targets, [*words, *subjects.scalars()], limit)


@prepared
def _industry_and_assets() -> Select[str | None, int | None, str | None, str | None]:
    """The account's industry, once per asset (once with no asset when it has none)."""
    return (
        select(Account.industry, Asset.id, Asset.model, Asset.product_line)
        .outerjoin(Asset, Asset.account_id == Account.id)
        .where(Account.id == bindparam("account", type_=Integer))
        .order_by(Asset.id)
    )


@prepared
def _recent_subjects() -> Select[str]:
    return (
        select(Ticket.subject)
        .where(Ticket.account_id == bindparam("account", type_=Integer))
        .order_by(Ticket.opened_at.desc())
        .limit(bindparam("limit", type_=Integer))
    )


def ticket_know_how(session: Session, ticket_id: int, limit: int = 6) -> KnowHow | None:
    """Articles for a ticket (None when there is no such ticket)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    targets = [("account", ticket.account_id)]
    if ticket.asset_id is not None:
        targets.insert(0, ("asset", ticket.asset_id))
    words = [ticket.subject, ticket.product_line or "", ticket.text[:2_000]]
    return _know_how(session, targets, words, limit)


def problem_know_how(
    session: Session, problem_id: int, text_or_terms: str | Iterable[str], limit: int = 6
) -> KnowHow:
    """Articles for a recurring problem: linked to it (its lesson learned), then related to
    its description (pass its title, ticket subjects, root cause)."""
    words = [text_or_terms] if isinstance(text_or_terms, str) else list(text_or_terms)
    return _know_how(session, [("problem", problem_id)], words, limit)


def _know_how(
    session: Session, targets: list[tuple[str, int]], words: list[str], limit: int
) -> KnowHow:
    linked = linked_articles(session, targets, limit)
    seen = [a.id for a in linked]
    related = related_articles(session, words, max(limit - len(linked), 3), exclude=seen)
    return KnowHow(linked=linked, related=related)
