"""Signals on orders, invoices and quotes: order gap, overdue invoices, stalled RFQs,
broken delivery promises."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import Field
from sqlalchemy import and_, func, or_, select

from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.playbooks.signals.common import days_ago
from keepwell.record.models import Order, Quote


class GapParams(Params):
    min_ratio: float = Field(default=2.0, gt=0)
    min_order_days: int = Field(default=4, ge=2)
    max_days_since: int = Field(default=730, ge=1)
    """Older silences are lost business for the win-back list, not a task."""


class OrderGap(Signal[GapParams]):
    """Days since the last order are ``min_ratio`` times the customer's usual gap or more."""

    name = "order_gap"
    description = "Days since the last order at least min_ratio times the usual gap."
    params = GapParams

    def find(self, ctx: Context, params: GapParams) -> list[Hit]:
        query = (
            select(Order.account_id, Order.ordered_at)
            .where(Order.ordered_at <= ctx.today, Order.status != "cancelled")
            .distinct()
        )
        days: dict[int, list[date]] = defaultdict(list)
        for account_id, ordered_at in ctx.session.execute(query):
            if account_id in ctx.accounts:
                days[account_id].append(ordered_at)
        hits = []
        for account_id, ordered in days.items():
            hit = _gap_hit(account_id, sorted(ordered), ctx.today, params)
            if hit is not None:
                hits.append(hit)
        return hits


def _gap_hit(account_id: int, ordered: list[date], today: date, params: GapParams) -> Hit | None:
    if len(ordered) < params.min_order_days:
        return None
    usual = (ordered[-1] - ordered[0]).days / (len(ordered) - 1)
    since = (today - ordered[-1]).days
    if usual < 1 or since > params.max_days_since or since / usual < params.min_ratio:
        return None
    facts = {
        "days_since": since,
        "usual_gap": round(usual),
        "ratio": round(since / usual, 1),
        "last_order": str(ordered[-1]),
    }
    summary = f"no order for {since} days where {round(usual)} days is usual"
    return Hit(account_id, "order_gap", summary, facts)


class InvoiceParams(Params):
    grace_days: int = Field(default=30, ge=0, le=365)


class OverdueInvoice(Signal[InvoiceParams]):
    """Invoices unpaid ``grace_days`` after their due day."""

    name = "overdue_invoice"
    description = "Invoices unpaid grace_days or more after their due day."
    params = InvoiceParams

    def find(self, ctx: Context, params: InvoiceParams) -> list[Hit]:
        query = (
            select(
                Order.account_id,
                func.count(Order.id),
                func.sum(Order.amount),
                func.min(Order.due_at),
            )
            .where(
                Order.paid_at.is_(None),
                Order.due_at < days_ago(ctx.today, params.grace_days),
                Order.status != "cancelled",
            )
            .group_by(Order.account_id)
        )
        hits = []
        for account_id, count, amount, oldest in ctx.session.execute(query):
            if account_id in ctx.accounts:
                summary = f"{count} invoice(s) overdue, the oldest due {oldest}"
                facts = {"invoices": count, "amount": amount, "oldest_due": str(oldest)}
                hits.append(Hit(account_id, "overdue_invoices", summary, facts))
        return hits


class RfqParams(Params):
    max_days: int = Field(default=5, ge=0, le=365)
    lookback_days: int = Field(default=120, ge=1, le=3650)


class StalledRfq(Signal[RfqParams]):
    """An RFQ still unanswered ``max_days`` after it came in."""

    name = "stalled_rfq"
    description = "RFQs without a response max_days or more after they were received."
    params = RfqParams

    def find(self, ctx: Context, params: RfqParams) -> list[Hit]:
        query = select(Quote.id, Quote.account_id, Quote.received_at, Quote.external_id).where(
            Quote.outcome == "open",
            Quote.responded_at.is_(None),
            Quote.received_at <= days_ago(ctx.today, params.max_days),
            Quote.received_at >= days_ago(ctx.today, params.lookback_days),
        )
        hits = []
        for quote_id, account_id, received, external_id in ctx.session.execute(query):
            if account_id in ctx.accounts:
                waiting = (ctx.today - received).days
                summary = f"RFQ {external_id} unanswered for {waiting} days"
                hits.append(
                    Hit(
                        account_id,
                        f"rfq:{quote_id}",
                        summary,
                        {"rfq": external_id, "days_waiting": waiting},
                    )
                )
        return hits


class PromiseParams(Params):
    within_days: int = Field(default=60, ge=1, le=730)
    min_days_late: int = Field(default=3, ge=0, le=365)


class BrokenPromise(Signal[PromiseParams]):
    """Orders delivered (or still undelivered) past their promised day, lately."""

    name = "broken_promise"
    description = "Orders delivered min_days_late or more after the promised day, within_days."
    params = PromiseParams

    def find(self, ctx: Context, params: PromiseParams) -> list[Hit]:
        since = days_ago(ctx.today, params.within_days)
        query = select(Order.id, Order.account_id, Order.promised_at, Order.delivered_at).where(
            Order.promised_at.is_not(None),
            Order.status != "cancelled",
            or_(
                and_(
                    Order.delivered_at >= since,
                    Order.delivered_at <= ctx.today,
                    Order.delivered_at > Order.promised_at,
                ),
                and_(
                    Order.delivered_at.is_(None),
                    Order.promised_at >= since,
                    Order.promised_at < days_ago(ctx.today, params.min_days_late),
                ),
            ),
        )
        worst: dict[int, tuple[int, int, int]] = {}
        for order_id, account_id, promised, delivered in ctx.session.execute(query):
            if account_id not in ctx.accounts or promised is None:
                continue
            late = ((delivered or ctx.today) - promised).days
            if late < params.min_days_late:
                continue
            count, days, last = worst.get(account_id, (0, 0, 0))
            worst[account_id] = (count + 1, max(days, late), max(last, order_id))
        return [
            Hit(
                account_id,
                f"late:{last}",
                f"{count} order(s) late against the promised day, up to {days} days",
                {"late_orders": count, "days_late": days},
            )
            for account_id, (count, days, last) in worst.items()
        ]
