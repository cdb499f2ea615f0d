"""The say–do gap: what an account says in surveys against what it does.

For each account with an NPS answer in the last year, its latest score is set
against its behaviour: orders in the last ``window`` days against the
``window`` days before, tickets in the last 90 days, and the health band of
the latest scoring run when there is one.

* **says happy, acts like leaving**: latest score ≥ 7 while orders fell by at
  least half, or its health band is ``at_risk``, or it was marked lost;
* **complains, yet stays**: latest score ≤ 6 while orders held up (at least
  80 % of the period before) and it is not at risk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.insight.snapshots import latest_scores
from keepwell.record.models import Account, Order, SurveyResponse, Ticket
from keepwell.voice.nps import DETRACTOR_MAX

WINDOW_DAYS = 180
SURVEY_DAYS = 365
TICKET_DAYS = 90
DROP = 0.5
HELD = 0.8


@dataclass(frozen=True)
class SayDo:
    """One account whose words and deeds disagree."""

    account_id: int
    account: str
    gap: str
    score: float
    responded_at: datetime
    orders_recent: int
    orders_before: int
    tickets_90d: int
    health_band: str | None
    account_status: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {**self.__dict__, "responded_at": self.responded_at.isoformat()}


def _latest_nps(session: Session, day: date) -> dict[int, tuple[float, datetime]]:
    end = datetime.combine(day, time.max)
    start = end - timedelta(days=SURVEY_DAYS)
    rows = session.execute(
        select(SurveyResponse.account_id, SurveyResponse.score, SurveyResponse.responded_at)
        .where(
            SurveyResponse.kind == "nps",
            SurveyResponse.responded_at > start,
            SurveyResponse.responded_at <= end,
        )
        .order_by(SurveyResponse.responded_at, SurveyResponse.id)
    ).all()
    return {r.account_id: (r.score, r.responded_at) for r in rows}


def _orders(session: Session, ids: list[int], day: date) -> dict[int, list[int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(Order.account_id, Order.ordered_at).where(
            Order.account_id.in_(ids),
            Order.status != "cancelled",
            Order.ordered_at > day - timedelta(days=2 * WINDOW_DAYS),
            Order.ordered_at <= day,
        )
    ).all()
    for account, ordered in rows:
        counts[account][0 if ordered > day - timedelta(days=WINDOW_DAYS) else 1] += 1
    return counts


def _tickets(session: Session, ids: list[int], day: date) -> dict[int, int]:
    end = datetime.combine(day, time.max)
    rows = session.execute(
        select(Ticket.account_id, func.count())
        .where(
            Ticket.account_id.in_(ids),
            Ticket.opened_at > end - timedelta(days=TICKET_DAYS),
            Ticket.opened_at <= end,
        )
        .group_by(Ticket.account_id)
    ).all()
    return {int(row[0]): int(row[1]) for row in rows}


def _gap(score: float, recent: int, before: int, band: str | None, status: str) -> str | None:
    fell = before > 0 and recent <= DROP * before
    held = recent >= HELD * before and (recent > 0 or before > 0)
    if score > DETRACTOR_MAX and (fell or band == "at_risk" or status == "lost"):
        return "says_happy_acts_leaving"
    if score <= DETRACTOR_MAX and held and band != "at_risk" and status != "lost":
        return "complains_yet_stays"
    return None


def say_do_gap(session: Session, as_of: date | None = None) -> list[SayDo]:
    """Accounts whose latest NPS answer and behaviour disagree (see the module docstring)."""
    day = as_of or date.today()
    said = _latest_nps(session, day)
    ids = sorted(said)
    if not ids:
        return []
    orders, tickets = _orders(session, ids, day), _tickets(session, ids, day)
    bands = {a: s.health_band for a, s in latest_scores(session, ids).items()}
    accounts = session.execute(
        select(Account.id, Account.name, Account.status).where(Account.id.in_(ids))
    ).all()
    found = []
    for account in accounts:
        score, at = said[account.id]
        recent, before = orders[account.id]
        gap = _gap(score, recent, before, bands.get(account.id), account.status)
        if gap is not None:
            found.append(
                SayDo(
                    account.id,
                    account.name,
                    gap,
                    score,
                    at,
                    recent,
                    before,
                    tickets.get(account.id, 0),
                    bands.get(account.id),
                    account.status,
                )
            )
    return sorted(found, key=lambda s: (s.gap, -s.orders_before + s.orders_recent, s.account))
