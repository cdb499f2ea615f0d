"""What a problem costs, computed from the record on every read (so it is always current).

Per problem: tickets, accounts, assets and product lines hit, the trailing
12-month revenue of the affected accounts, how many of them are lost or at risk
(latest scoring run), the monthly ticket trend and the recurrence after the fix
(tickets opened after the day the problem was marked corrected).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from keepwell.days import end_of_day
from keepwell.insight.snapshots import latest_scores
from keepwell.problems.models import ProblemRecord, ProblemTicket
from keepwell.record.models import Account, Order, Ticket

TREND_MONTHS = 12
REVENUE_DAYS = 365
REPEAT_DAYS = 90
REPEAT_TICKETS = 2


@dataclass
class Impact:
    """The impact of one problem as of a day."""

    problem_id: int
    tickets: int = 0
    accounts: int = 0
    assets: int = 0
    products: list[str] = field(default_factory=list)
    revenue_12m: float = 0.0
    lost_accounts: int = 0
    at_risk_accounts: int = 0
    first_seen: date | None = None
    last_seen: date | None = None
    monthly: list[tuple[str, int]] = field(default_factory=list)
    recurred_after_fix: int = 0
    account_ids: list[int] = field(default_factory=list)

    @property
    def recurred(self) -> bool:
        """The problem came back after it was marked corrected."""
        return self.recurred_after_fix > 0


def _months(as_of: date) -> list[str]:
    year, month = as_of.year, as_of.month
    keys = []
    for _ in range(TREND_MONTHS):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys[::-1]


def _revenue(session: Session, accounts: Iterable[int], as_of: date) -> dict[int, float]:
    ids = sorted(set(accounts))
    if not ids:
        return {}
    query = (
        select(Order.account_id, func.sum(Order.amount))
        .where(
            Order.account_id.in_(ids),
            Order.status != "cancelled",
            Order.ordered_at > as_of - timedelta(days=REVENUE_DAYS),
            Order.ordered_at <= as_of,
        )
        .group_by(Order.account_id)
    )
    return {a: float(total or 0.0) for a, total in session.execute(query).all()}


def _lost(session: Session, accounts: Iterable[int], as_of: date) -> set[int]:
    ids = sorted(set(accounts))
    query = select(Account.id).where(
        Account.id.in_(ids),
        or_(Account.status == "lost", Account.ended_on <= as_of),
    )
    return set(session.scalars(query))


def problem_impacts(
    session: Session, problem_ids: Iterable[int] | None = None, *, as_of: date | None = None
) -> dict[int, Impact]:
    """Impact of each problem (all problems that are not merged, or only ``problem_ids``)."""
    day = as_of or date.today()
    problems = select(ProblemRecord.id, ProblemRecord.corrected_on).where(
        ProblemRecord.status != "merged"
    )
    if problem_ids is not None:
        problems = problems.where(ProblemRecord.id.in_(sorted(set(problem_ids))))
    fixed = dict(session.execute(problems).all())
    impacts = {pid: Impact(problem_id=pid) for pid in fixed}
    rows = session.execute(
        select(
            ProblemTicket.problem_id,
            Ticket.account_id,
            Ticket.asset_id,
            Ticket.product_line,
            Ticket.opened_at,
        )
        .join(Ticket, Ticket.id == ProblemTicket.ticket_id)
        .where(ProblemTicket.problem_id.in_(sorted(fixed)), Ticket.opened_at < end_of_day(day))
    ).all()
    months = _months(day)
    accounts_of: dict[int, set[int]] = defaultdict(set)
    assets_of: dict[int, set[int]] = defaultdict(set)
    products_of: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(months, 0))
    for pid, account, asset, product, opened in rows:
        impact = impacts[pid]
        impact.tickets += 1
        accounts_of[pid].add(account)
        if asset is not None:
            assets_of[pid].add(asset)
        if product:
            products_of[pid].add(product)
        opened_day = opened.date()
        impact.first_seen = min(impact.first_seen or opened_day, opened_day)
        impact.last_seen = max(impact.last_seen or opened_day, opened_day)
        key = f"{opened_day.year:04d}-{opened_day.month:02d}"
        if key in counts[pid]:
            counts[pid][key] += 1
        fixed_on = fixed[pid]
        if fixed_on is not None and opened_day > fixed_on:
            impact.recurred_after_fix += 1
    all_accounts = {a for group in accounts_of.values() for a in group}
    revenue = _revenue(session, all_accounts, day)
    lost = _lost(session, all_accounts, day)
    scores = latest_scores(session, sorted(all_accounts)) if all_accounts else {}
    at_risk = {a for a, s in scores.items() if s.health_band == "at_risk"}
    for pid, impact in impacts.items():
        impact.account_ids = sorted(accounts_of[pid])
        impact.accounts = len(impact.account_ids)
        impact.assets = len(assets_of[pid])
        impact.products = sorted(products_of[pid])
        impact.revenue_12m = sum(revenue.get(a, 0.0) for a in impact.account_ids)
        impact.lost_accounts = len(lost & set(impact.account_ids))
        impact.at_risk_accounts = len((at_risk - lost) & set(impact.account_ids))
        impact.monthly = [(m, counts[pid][m]) if pid in counts else (m, 0) for m in months]
    return impacts


@dataclass(frozen=True)
class ProblemHit:
    """A live problem that hit one account at least ``min_tickets`` times in a window."""

    account_id: int
    problem_id: int
    label: str
    tickets: int


def problem_hits(
    session: Session,
    as_of: date,
    *,
    days: int = REPEAT_DAYS,
    min_tickets: int = REPEAT_TICKETS,
) -> list[ProblemHit]:
    """Every (account, live problem) with at least ``min_tickets`` tickets in ``days``.

    The "repeat problems" playbook fires on these; :func:`problem_counts_by_account`
    counts them per account for the insight features.
    """
    start = end_of_day(as_of - timedelta(days=days))
    query = (
        select(Ticket.account_id, ProblemRecord.id, ProblemRecord.label, func.count())
        .join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
        .join(ProblemRecord, ProblemRecord.id == ProblemTicket.problem_id)
        .where(
            Ticket.opened_at >= start,
            Ticket.opened_at < end_of_day(as_of),
            ProblemRecord.status.not_in(("dismissed", "merged")),
        )
        .group_by(Ticket.account_id, ProblemRecord.id, ProblemRecord.label)
        .order_by(Ticket.account_id, ProblemRecord.id)
    )
    return [
        ProblemHit(account, problem, label, count)
        for account, problem, label, count in session.execute(query).all()
        if count >= min_tickets
    ]


def problem_counts_by_account(
    session: Session,
    as_of: date,
    *,
    days: int = REPEAT_DAYS,
    min_tickets: int = REPEAT_TICKETS,
) -> dict[int, int]:
    """Per account: how many live problems hit it at least ``min_tickets`` times in ``days``.

    Accounts with none are left out.
    """
    result: dict[int, int] = defaultdict(int)
    for hit in problem_hits(session, as_of, days=days, min_tickets=min_tickets):
        result[hit.account_id] += 1
    return dict(result)
