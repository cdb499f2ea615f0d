"""Signals on orders, invoices and quotes: order gap, overdue invoices, stalled RFQs,
broken delivery promises."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import ClassVar

from pydantic import Field
from sqlalchemy import and_, func, or_, select

from keepwell.days import days_before
from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.record.models import Order, Quote
from keepwell.teams.models import PromiseCheck
from keepwell.teams.rfq import RESPONSE_SLA_DAYS, broken_promises, sla_breaches, sla_state


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
    fact_fields: ClassVar[dict[str, str]] = {"amount": "order.amount"}

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
                Order.due_at < days_before(ctx.today, params.grace_days),
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
    """An RFQ still unanswered ``max_days`` after it came in (the RFQ response-time SLA)."""

    name = "stalled_rfq"
    description = "RFQs without a response more than max_days after they were received."
    params = RfqParams

    def find(self, ctx: Context, params: RfqParams) -> list[Hit]:
        since = days_before(ctx.today, params.lookback_days)
        hits = []
        for quote in sla_breaches(ctx.session, ctx.today, params.max_days):
            if quote.account_id in ctx.accounts and quote.received_at >= since:
                waiting = (ctx.today - quote.received_at).days
                summary = f"RFQ {quote.external_id} unanswered for {waiting} days"
                facts = {"rfq": quote.external_id, "days_waiting": waiting}
                hits.append(Hit(quote.account_id, f"rfq:{quote.id}", summary, facts))
        return hits


class PromiseParams(Params):
    within_days: int = Field(default=60, ge=1, le=730)
    min_days_late: int = Field(default=3, ge=0, le=365)
    sla_days: int = Field(default=RESPONSE_SLA_DAYS, ge=0, le=365)


class BrokenPromise(Signal[PromiseParams]):
    """A promise broken lately: a quote's lead time or specification, an order's promised
    day, or the RFQ response time."""

    name = "broken_promise"
    description = (
        "Quotes whose deliveries broke the promised lead time or specification, orders "
        "without a quote delivered min_days_late after the promised day, and RFQs answered "
        "after sla_days, within_days."
    )
    params = PromiseParams

    def find(self, ctx: Context, params: PromiseParams) -> list[Hit]:
        since = days_before(ctx.today, params.within_days)
        hits = _quote_hits(ctx, since)
        hits += _order_hits(ctx, since, params.min_days_late)
        hits += _late_answer_hits(ctx, since, params.sla_days)
        return hits


def _quote_hits(ctx: Context, since: date) -> list[Hit]:
    """Broken quote promises (:func:`keepwell.teams.rfq.broken_promises`) seen lately."""
    broken = [r for r in broken_promises(ctx.session) if r.account_id in ctx.accounts]
    ids = [r.quote_id for r in broken]
    delivered = dict(
        ctx.session.execute(
            select(Order.quote_id, func.max(Order.delivered_at))
            .where(Order.quote_id.in_(ids))
            .group_by(Order.quote_id)
        ).all()
    )
    checked = dict(
        ctx.session.execute(
            select(PromiseCheck.quote_id, PromiseCheck.checked_at).where(
                PromiseCheck.quote_id.in_(ids)
            )
        ).all()
    )
    hits = []
    for result in broken:
        seen = [d for d in (delivered.get(result.quote_id),) if d is not None]
        seen += [c.date() for c in (checked.get(result.quote_id),) if c is not None]
        if not seen or max(seen) < since or max(seen) > ctx.today:
            continue
        what = []
        days = 0
        if result.lead_time_kept is False:
            worst, promised = result.worst_lead_time_days, result.promised_lead_time_days
            if worst is not None and promised is not None:
                days = max(worst - promised, 0)
                what.append(f"lead time {worst} days where {promised} were promised")
            else:
                what.append("delivered after the promised day")
        if result.spec_met is False:
            what.append("specification not met")
        summary = f"quote {result.quote_id}: " + ", ".join(what)
        facts = {"quote": result.quote_id, "days_late": days, "spec_met": result.spec_met}
        hits.append(Hit(result.account_id, f"quote:{result.quote_id}", summary, facts))
    return hits


def _order_hits(ctx: Context, since: date, min_days_late: int) -> list[Hit]:
    """Orders without a quote (a quote's orders are in its promise) delivered late."""
    query = select(Order.id, Order.account_id, Order.promised_at, Order.delivered_at).where(
        Order.promised_at.is_not(None),
        Order.quote_id.is_(None),
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
                Order.promised_at < days_before(ctx.today, min_days_late),
            ),
        ),
    )
    worst: dict[int, tuple[int, int, int]] = {}
    for order_id, account_id, promised, delivered in ctx.session.execute(query):
        if account_id not in ctx.accounts or promised is None:
            continue
        late = ((delivered or ctx.today) - promised).days
        if late < min_days_late:
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


def _late_answer_hits(ctx: Context, since: date, sla_days: int) -> list[Hit]:
    """RFQs answered lately but after the response-time SLA (:func:`sla_state` ``late``)."""
    query = select(Quote).where(
        Quote.responded_at.is_not(None),
        Quote.responded_at >= since,
        Quote.responded_at <= ctx.today,
    )
    hits = []
    for quote in ctx.session.scalars(query.order_by(Quote.id)):
        state, took = sla_state(quote, ctx.today, sla_days)
        if quote.account_id in ctx.accounts and state == "late":
            summary = f"RFQ {quote.external_id} answered after {took} days ({sla_days} promised)"
            facts = {"rfq": quote.external_id, "days_late": took - sla_days}
            hits.append(Hit(quote.account_id, f"rfq_late:{quote.id}", summary, facts))
    return hits
