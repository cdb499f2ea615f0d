"""The retention report: survival curves by cohort or segment, revenue retention, value at risk.

Read from the record: an account's life starts on its start date (else its first order)
and ends on its end date; accounts without an end date are still customers (censored at
the report date). Revenue retention uses non-cancelled orders per period. Revenue at
risk comes from the latest scoring run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.insight.models import AccountScore
from keepwell.insight.retention import (
    RevenueRetention,
    SurvivalCurve,
    revenue_retention,
    survival_by_group,
)
from keepwell.insight.risk import total_money
from keepwell.insight.snapshots import latest_run, latest_scores
from keepwell.record.models import Account, Order

GroupBy = Literal["cohort", "segment"]
Period = Literal["quarter", "year"]
DAYS_PER_MONTH = 365.25 / 12
MILESTONES = (12, 36, 60, 120)
UNKNOWN = "(none)"


@dataclass(frozen=True)
class CurveSummary:
    """One group's Kaplan-Meier curve (in months) and its headline figures."""

    group: str
    customers: int
    churned: int
    survival: dict[str, float | None]
    """Share still a customer after 12, 36, 60 and 120 months (``None`` outside the
    tenures the record observed for this group)."""
    median_months: float | None
    observed_from: float
    """Tenure (months) from which the record observed this group; the curve is the share
    surviving from there on (customers older than the record enter late)."""
    points: list[tuple[float, float]]
    """(month, survival) after each churn, from (observed_from, 1) to the longest tenure."""


@dataclass(frozen=True)
class RiskBySegment:
    """Revenue at risk (annual revenue × churn probability) of one segment."""

    segment: str
    accounts: int
    annual_revenue: float
    revenue_at_risk: float


@dataclass(frozen=True)
class RetentionReport:
    """Everything ``keepwell retention`` prints and the retention page shows."""

    as_of: date
    group_by: GroupBy
    period: Period
    curves: list[CurveSummary]
    revenue: list[RevenueRetention]
    risk_run_id: int | None
    risk: list[RiskBySegment]

    @property
    def revenue_at_risk(self) -> float:
        """Total revenue at risk over every segment."""
        return total_money(r.revenue_at_risk for r in self.risk)

    def as_dict(self, *, money: bool = True) -> dict[str, Any]:
        """JSON-ready form; ``money=False`` leaves out amounts (ratios stay)."""
        revenue = [asdict(r) for r in self.revenue]
        risk = [asdict(r) for r in self.risk]
        if not money:
            for row in revenue:
                for key in ("starting_revenue", "retained_revenue", "revenue"):
                    row.pop(key)
            risk = [{"segment": r["segment"], "accounts": r["accounts"]} for r in risk]
        return {
            "as_of": self.as_of.isoformat(),
            "group_by": self.group_by,
            "period": self.period,
            "curves": [asdict(c) for c in self.curves],
            "revenue_retention": revenue,
            "risk_run_id": self.risk_run_id,
            "revenue_at_risk": round(self.revenue_at_risk, 2) if money else None,
            "risk_by_segment": risk,
        }


def retention_report(
    session: Session,
    *,
    group_by: GroupBy = "cohort",
    period: Period = "year",
    as_of: date | None = None,
) -> RetentionReport:
    """Survival by start cohort (year) or segment, GRR/NRR per period, revenue at risk."""
    as_of = as_of or date.today()
    return RetentionReport(
        as_of=as_of,
        group_by=group_by,
        period=period,
        curves=_curves(session, group_by, as_of),
        revenue=_revenue(session, period, as_of),
        risk_run_id=(run.id if (run := latest_run(session)) else None),
        risk=_risk(session),
    )


def _curves(session: Session, group_by: GroupBy, as_of: date) -> list[CurveSummary]:
    first_order = (
        select(Order.account_id, func.min(Order.ordered_at).label("first"))
        .group_by(Order.account_id)
        .subquery()
    )
    rows = session.execute(
        select(Account.started_on, Account.ended_on, Account.segment, first_order.c.first).join(
            first_order, first_order.c.account_id == Account.id, isouter=True
        )
    ).all()
    record_start = session.scalar(select(func.min(Order.ordered_at))) or as_of
    durations, observed, groups, entries = [], [], [], []
    for started, ended, segment, first in rows:
        start = started or first
        if start is None or start > as_of:
            continue
        end = ended if ended is not None and ended <= as_of else None
        if end is not None and end < record_start:
            continue  # lost before the record began: its peers' losses are not there either
        duration = max(((end or as_of) - start).days, 0) / DAYS_PER_MONTH
        durations.append(duration)
        observed.append(end is not None)
        groups.append(str(start.year) if group_by == "cohort" else (segment or UNKNOWN))
        entries.append(min(max((record_start - start).days, 0) / DAYS_PER_MONTH, duration))
    if not durations:
        return []
    curves = survival_by_group(durations, observed, groups, entries)
    spans: dict[str, tuple[float, float]] = {}
    for duration, entry, group in zip(durations, entries, groups, strict=True):
        low, high = spans.get(group, (entry, duration))
        spans[group] = (min(low, entry), max(high, duration))
    return [_summary(name, curve, *spans[name]) for name, curve in curves.items()]


def _summary(name: str, curve: SurvivalCurve, first: float, last: float) -> CurveSummary:
    survival = {
        f"{m}m": (round(curve.at(m), 4) if first <= m <= last else None) for m in MILESTONES
    }
    median = curve.median()
    points = [(round(first, 2), 1.0)] + [
        (round(t, 2), round(s, 4)) for t, s in zip(curve.times, curve.survival, strict=True)
    ]
    if last > points[-1][0]:
        points.append((round(last, 2), points[-1][1]))
    return CurveSummary(
        group=name,
        customers=curve.n,
        churned=sum(curve.events),
        survival=survival,
        median_months=None if median is None else round(median, 1),
        observed_from=round(first, 1),
        points=points,
    )


def _revenue(session: Session, period: Period, as_of: date) -> list[RevenueRetention]:
    rows = session.execute(
        select(Order.account_id, Order.ordered_at, Order.amount).where(
            Order.status != "cancelled", Order.ordered_at <= as_of
        )
    ).all()
    if not rows:
        return []
    labels = [_period_label(day, period) for _, day, _ in rows]
    current = _period_label(as_of, period)
    first = min(day for _, day, _ in rows)
    partial = _period_label(first, period) if first != _period_start(first, period) else None
    kept = [
        (a, p, float(m))
        for (a, _, m), p in zip(rows, labels, strict=True)
        if p not in (current, partial)
    ]
    if not kept:
        return []
    accounts, periods, amounts = zip(*kept, strict=True)
    return revenue_retention(accounts, periods, amounts)


def _period_start(day: date, period: Period) -> date:
    if period == "year":
        return date(day.year, 1, 1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _period_label(day: date, period: Period) -> str:
    if period == "year":
        return str(day.year)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _risk(session: Session) -> list[RiskBySegment]:
    scores = latest_scores(session)
    if not scores:
        return []
    segments = dict(session.execute(select(Account.id, Account.segment)).all())
    totals: dict[str, list[AccountScore]] = defaultdict(list)
    for account_id, score in scores.items():
        totals[segments.get(account_id) or UNKNOWN].append(score)
    return sorted(
        (
            RiskBySegment(
                name,
                len(found),
                total_money(s.annual_revenue for s in found),
                total_money(s.revenue_at_risk for s in found),
            )
            for name, found in totals.items()
        ),
        key=lambda r: -r.revenue_at_risk,
    )
