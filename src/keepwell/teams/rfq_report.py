"""RFQ figures: turnaround against the SLA, win rate and broken promises; the RFQ list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.record.models import Account, Quote
from keepwell.teams.models import QuoteReview
from keepwell.teams.rfq import RESPONSE_SLA_DAYS, REVIEWS, promise_results, sla_state


def rfq_metrics(
    session: Session, as_of: date | None = None, *, days: int = 365, account_id: int | None = None
) -> dict[str, Any]:
    """Turnaround, SLA hit rate, win rate and broken promises of RFQs received in ``days``."""
    day = as_of or date.today()
    query = select(Quote).where(
        Quote.received_at > day - timedelta(days=days), Quote.received_at <= day
    )
    if account_id is not None:
        query = query.where(Quote.account_id == account_id)
    quotes = list(session.scalars(query))
    turnaround = [
        (q.responded_at - q.received_at).days for q in quotes if q.responded_at is not None
    ]
    won = sum(q.outcome == "won" for q in quotes)
    decided = sum(q.outcome in ("won", "lost") for q in quotes)
    results = promise_results(session, [q.id for q in quotes if q.outcome == "won"])
    checked = [r for r in results if r.lead_time_kept is not None or r.spec_met is not None]
    return {
        "as_of": day.isoformat(),
        "days": days,
        "sla_days": RESPONSE_SLA_DAYS,
        "rfqs": len(quotes),
        "answered": len(turnaround),
        "median_turnaround_days": median(turnaround) if turnaround else None,
        "within_sla": sum(t <= RESPONSE_SLA_DAYS for t in turnaround),
        "overdue_open": sum(sla_state(q, day)[0] == "overdue" for q in quotes),
        "won": won,
        "decided": decided,
        "win_rate": round(won / decided, 3) if decided else None,
        "promises_checked": len(checked),
        "broken_promises": sum(r.broken for r in checked),
    }


@dataclass(frozen=True)
class RfqRow:
    """One RFQ in the list, with its SLA state and the reviews it still needs."""

    quote_id: int
    account_id: int
    account: str
    received_at: date
    responded_at: date | None
    outcome: str
    value: float | None
    sla: str
    sla_days: int
    missing: list[str]


def rfq_list(
    session: Session, *, state: str = "open", limit: int = 100, as_of: date | None = None
) -> list[RfqRow]:
    """RFQs newest first: ``open`` (not answered and undecided) or ``all``."""
    day = as_of or date.today()
    query = select(Quote, Account.name).join(Account, Account.id == Quote.account_id)
    if state == "open":
        query = query.where(Quote.responded_at.is_(None), Quote.outcome == "open")
    query = query.order_by(Quote.received_at.desc(), Quote.id.desc()).limit(limit)
    found = session.execute(query).all()
    approved: dict[int, set[str]] = {}
    reviews = select(QuoteReview.quote_id, QuoteReview.kind).where(
        QuoteReview.quote_id.in_([q.id for q, _ in found]), QuoteReview.decision == "approved"
    )
    for quote_id, kind in session.execute(reviews).all():
        approved.setdefault(quote_id, set()).add(kind)
    rows = []
    for quote, name in found:
        sla, n = sla_state(quote, day)
        done = approved.get(quote.id, set())
        missing = [k for k in REVIEWS if k not in done] if quote.responded_at is None else []
        rows.append(
            RfqRow(
                quote.id,
                quote.account_id,
                name,
                quote.received_at,
                quote.responded_at,
                quote.outcome,
                quote.value,
                sla,
                n,
                missing,
            )
        )
    return rows


def open_count(session: Session) -> int:
    """RFQs not yet answered nor decided."""
    query = select(func.count()).where(Quote.responded_at.is_(None), Quote.outcome == "open")
    return session.scalar(query) or 0
