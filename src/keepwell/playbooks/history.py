"""Reading back what the playbooks did: firings, newest first."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.playbooks.models import PlaybookFiring, ReviewItem
from keepwell.record.models import Account


def list_firings(
    session: Session, *, rule: str | None = None, limit: int = 50, offset: int = 0
) -> list[tuple[PlaybookFiring, str]]:
    """Firings (with the account's name), newest first; only ``rule``'s if given."""
    query = select(PlaybookFiring, Account.name).join(
        Account, PlaybookFiring.account_id == Account.id
    )
    if rule:
        query = query.where(PlaybookFiring.rule == rule)
    query = query.order_by(PlaybookFiring.id.desc()).offset(offset).limit(limit)
    return [(firing, name) for firing, name in session.execute(query)]


def count_firings(session: Session, *, rule: str | None = None) -> int:
    """How many firings there are (of ``rule`` if given)."""
    query = select(func.count(PlaybookFiring.id))
    if rule:
        query = query.where(PlaybookFiring.rule == rule)
    return session.scalar(query) or 0


def firings_by_rule(session: Session) -> dict[str, int]:
    """How often each rule has fired."""
    query = select(PlaybookFiring.rule, func.count(PlaybookFiring.id)).group_by(PlaybookFiring.rule)
    return {rule: int(n) for rule, n in session.execute(query)}


def open_review_items(session: Session) -> list[tuple[ReviewItem, str]]:
    """The leadership review list: open items (with the account's name), oldest first."""
    query = (
        select(ReviewItem, Account.name)
        .join(Account, ReviewItem.account_id == Account.id)
        .where(ReviewItem.resolved_at.is_(None))
        .order_by(ReviewItem.id)
    )
    return [(item, name) for item, name in session.execute(query)]
