"""Knowledge where it is needed: articles for an account, a ticket, a problem.

Articles linked to the subject come first; then a search for the subject's own words
(industry, products, ticket subjects, a problem's description) where any word may match
and articles matching more of them rank higher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

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
    conditions = [
        (ArticleLink.target_kind == kind) & (ArticleLink.target_id == target_id)
        for kind, target_id in targets
    ]
    if not conditions:
        return []
    linked = select(ArticleLink.article_id).where(or_(*conditions))
    query = (
        select(Article.id, Article.title, Article.status)
        .where(Article.id.in_(linked))
        .order_by(Article.updated_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return [ArticleRef(*row) for row in session.execute(query)]


def account_know_how(session: Session, account_id: int, limit: int = 6) -> KnowHow:
    """Articles for an account: linked to it or its assets, then related to its business."""
    account = session.get(Account, account_id)
    if account is None:
        return KnowHow()
    assets = session.execute(
        select(Asset.id, Asset.model, Asset.product_line).where(Asset.account_id == account_id)
    ).all()
    targets = [("account", account_id), *(("asset", a.id) for a in assets)]
    subjects = session.scalars(
        select(Ticket.subject)
        .where(Ticket.account_id == account_id)
        .order_by(Ticket.opened_at.desc())
        .limit(RECENT_TICKETS)
    )
    words = [account.industry or "", *(f"{a.product_line or ''} {a.model or ''}" for a in assets)]
    return _know_how(session, targets, [*words, *subjects], limit)


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
