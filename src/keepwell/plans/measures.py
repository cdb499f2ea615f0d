"""Measures an objective can be tied to, read from the record so progress is shown, not typed.

Each measure is one cheap query on one account as of a day; its value comes with a
sentence. ``higher_is_better`` says which way the target points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from keepwell.problems.models import ProblemTicket
from keepwell.record.models import Order, Ticket

DELIVERY_DAYS = 365
COMPLAINT_DAYS = 365


@dataclass(frozen=True)
class Reading:
    """A measure's value on one account today, in words."""

    label: str
    value: float | None
    text: str
    target: float | None = None
    met: bool | None = None


@dataclass(frozen=True)
class Measure:
    """A measure: its label for people, which way is better, and how to read it."""

    key: str
    label: str
    unit: str
    higher_is_better: bool
    read: Callable[[Session, int, date], tuple[float | None, str]]


def _on_time(session: Session, account_id: int, day: date) -> tuple[float | None, str]:
    """Share of the orders delivered in the last 12 months on or before the promised day."""
    since = day - timedelta(days=DELIVERY_DAYS)
    kept = case((Order.delivered_at <= Order.promised_at, 1), else_=0)
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(kept), 0)).where(
            Order.account_id == account_id,
            Order.promised_at.is_not(None),
            Order.delivered_at.is_not(None),
            Order.delivered_at > since,
            Order.delivered_at <= day,
        )
    ).one()
    total, on_time = int(row[0]), int(row[1])
    if not total:
        return None, "no delivery with a promised date in the last 12 months"
    share = 100.0 * on_time / total
    return share, f"{share:.0f} % on time ({on_time} of {total} deliveries in 12 months)"


def _repeat_complaints(session: Session, account_id: int, day: date) -> tuple[float | None, str]:
    """Complaints of the last 12 months that belong to a recurring problem."""
    since = datetime.combine(day - timedelta(days=COMPLAINT_DAYS), time(0))
    until = datetime.combine(day + timedelta(days=1), time(0))
    count = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(ProblemTicket, ProblemTicket.ticket_id == Ticket.id)
        .where(
            Ticket.account_id == account_id,
            Ticket.kind == "complaint",
            Ticket.opened_at >= since,
            Ticket.opened_at < until,
        )
    )
    n = int(count or 0)
    return float(n), f"{n} repeat complaint{'s' if n != 1 else ''} in 12 months"


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("on_time_delivery", "On-time delivery", "%", True, _on_time),
        Measure("repeat_complaints", "Repeat complaints", "", False, _repeat_complaints),
    )
}
"""The measures an objective may name, by key."""


def measure_label(key: str | None) -> str:
    """A measure's label for people ("—" for none)."""
    found = MEASURES.get(key or "")
    return found.label if found else "—"


def read_measure(
    session: Session, key: str, account_id: int, day: date, target: float | None = None
) -> Reading:
    """The measure ``key`` on the account as of ``day``, against ``target`` when given."""
    measure = MEASURES[key]
    value, text = measure.read(session, account_id, day)
    met = None
    if value is not None and target is not None:
        met = value >= target if measure.higher_is_better else value <= target
    return Reading(measure.label, value, text, target, met)
