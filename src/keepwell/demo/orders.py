"""Orders, invoices and quotes over the period: each customer's rhythm, and how it fades.

A customer re-orders spare parts and service at its own rate; machines bought during the
period come from a won quote. Orders thin out as a story's signals start, stop at churn,
deliveries slip during the company's supply crunch and for customers hit by late deliveries.
"""

from __future__ import annotations

from datetime import date

from keepwell.demo.catalog import (
    CONTRACT_LINE,
    MODELS,
    PROBLEMS_BY_KEY,
    SERVICE_LINE,
    SPARE_PARTS_LINE,
    Model,
)
from keepwell.demo.dice import Dice, Period, plus
from keepwell.demo.model import Customer, Machine, World
from keepwell.demo.rows import OrderRow, QuoteRow
from keepwell.demo.text import specification

RATES = {
    "A": {"spare_parts": 12.0, "service": 4.0, "product": 1.0},
    "B": {"spare_parts": 5.5, "service": 2.0, "product": 0.4},
    "C": {"spare_parts": 2.4, "service": 0.8, "product": 0.15},
}
"""Orders per year by tier and kind."""


def build_orders(world: World) -> tuple[list[QuoteRow], list[OrderRow]]:
    """Every quote and order of every customer, numbered the way the systems number them."""
    quotes: list[QuoteRow] = []
    orders: list[OrderRow] = []
    for customer in world.customers:
        dice = Dice(world.seed, "orders", customer.index)
        own: list[OrderRow] = []
        _machine_orders(dice, customer, world.period, quotes, own)
        _recurring_orders(dice, customer, world.period, quotes, own)
        _contract_invoices(dice, customer, world.period, own)
        _broken_promises(dice, customer, world.period, own)
        _lost_quotes(dice, customer, world.period, quotes)
        for order in own:
            _settle(dice, order, world.period)
        orders += own
    return _number_quotes(quotes), _number_orders(orders)


def _machine_orders(
    dice: Dice, customer: Customer, period: Period, quotes: list[QuoteRow], orders: list[OrderRow]
) -> None:
    for machine in customer.machines:
        if machine.ordered_at is None:
            continue
        price = round(machine.model.price * dice.uniform(0.92, 1.08), -1)
        quote = _won_quote(dice, customer, machine.ordered_at, price, machine.model)
        quotes.append(quote)
        order = _order(
            dice,
            customer,
            machine.ordered_at,
            price,
            1,
            machine.model.line,
            "product",
            period,
            quote.lead_days,
        )
        order.quote = quote
        orders.append(order)
        _install(dice, machine, order, period)


def _install(dice: Dice, machine: Machine, order: OrderRow, period: Period) -> None:
    assert order.promised_at is not None
    delivered = order.delivered_at or order.promised_at
    machine.installed_at = min(plus(delivered, dice.integer(5, 25)), plus(period.as_of, -1))


def _recurring_orders(
    dice: Dice, customer: Customer, period: Period, quotes: list[QuoteRow], orders: list[OrderRow]
) -> None:
    scale = dice.lognormal(1.0, 0.35)
    first = max(period.start, customer.started_on)
    last = customer.active_until(period)
    for kind, rate in RATES[customer.tier].items():
        day = plus(first, dice.exponential(365 / (rate * scale)))
        while day < last:
            if dice.chance(customer.engagement(day)):
                orders.append(_recurring(dice, customer, day, kind, period, quotes))
            day = plus(day, max(dice.exponential(365 / (rate * scale)), 1))


def _recurring(
    dice: Dice, customer: Customer, day: date, kind: str, period: Period, quotes: list[QuoteRow]
) -> OrderRow:
    if kind == "spare_parts":
        amount = dice.lognormal(1_300 if customer.tier == "C" else 2_100, 0.8)
        if customer.story.has("price_competitor") and customer.engagement(day) < 1:
            amount *= 0.6
        return _order(
            dice,
            customer,
            day,
            amount,
            dice.integer(1, 30),
            SPARE_PARTS_LINE,
            kind,
            period,
            dice.integer(10, 21),
        )
    if kind == "service":
        hours = dice.integer(4, 40)
        return _order(
            dice,
            customer,
            day,
            hours * 118 + dice.integer(150, 900),
            hours,
            SERVICE_LINE,
            kind,
            period,
            dice.integer(5, 28),
        )
    model = dice.pick(MODELS)
    amount = round(model.price * dice.uniform(0.3, 1.1), -1)
    quote = _won_quote(dice, customer, day, amount, model)
    quotes.append(quote)
    order = _order(dice, customer, day, amount, 1, model.line, kind, period, quote.lead_days)
    order.quote = quote
    return order


def _broken_promises(
    dice: Dice, customer: Customer, period: Period, orders: list[OrderRow]
) -> None:
    """Customers leaving over late deliveries had at least two of them, however few orders."""
    story = customer.story
    if not story.has("late_deliveries") or story.signals_from is None:
        return
    start, end = story.signals_from, plus(customer.active_until(period), -30)
    late = sum(o.late_days >= 7 and o.ordered_at >= start for o in orders)
    for _ in range(max(2 - late, 0)):
        day = plus(start, dice.integer(0, max((end - start).days, 1)))
        order = _order(
            dice,
            customer,
            day,
            dice.lognormal(2_100, 0.8),
            dice.integer(1, 30),
            SPARE_PARTS_LINE,
            "spare_parts",
            period,
            dice.integer(10, 21),
        )
        assert order.promised_at is not None
        order.status = "open"
        order.delivered_at = plus(order.promised_at, dice.integer(14, 40))
        orders.append(order)


def _contract_invoices(
    dice: Dice, customer: Customer, period: Period, orders: list[OrderRow]
) -> None:
    if customer.contract_value is None:
        return
    years = range(period.start.year, period.as_of.year + 1)
    for year in years:
        day = date(year, customer.started_on.month, min(customer.started_on.day, 28))
        if max(period.start, customer.started_on) <= day < customer.active_until(period):
            order = _order(
                dice,
                customer,
                day,
                customer.contract_value,
                1,
                CONTRACT_LINE,
                "contract",
                period,
                0,
            )
            order.promised_at = order.delivered_at = None
            order.invoiced_at = day
            orders.append(order)


def _order(
    dice: Dice,
    customer: Customer,
    day: date,
    amount: float,
    quantity: float,
    line: str,
    kind: str,
    period: Period,
    lead_days: int,
) -> OrderRow:
    promised = plus(day, lead_days)
    cancelled = kind != "contract" and dice.chance(0.02)
    delivered = None if cancelled else plus(promised, _delay(dice, customer, day, kind, period))
    return OrderRow(
        number="",
        customer=customer,
        ordered_at=day,
        amount=round(amount, 2),
        quantity=quantity,
        product_line=line,
        kind=kind,
        status="cancelled" if cancelled else "open",
        promised_at=promised,
        delivered_at=max(delivered, plus(day, 1)) if delivered else None,
    )


def _delay(dice: Dice, customer: Customer, day: date, kind: str, period: Period) -> int:
    """Days between the promised and the actual delivery (negative: early)."""
    delay = round(dice.normal(-1.5, 3.0))
    low, high = PROBLEMS_BY_KEY["late_delivery"].window
    crunch = period.fraction(day) >= low and period.fraction(day) <= high
    if crunch and kind in ("product", "spare_parts") and dice.chance(0.35):
        delay += dice.integer(7, 35)
    story = customer.story
    hit = story.has("late_deliveries") and story.signals_from is not None
    if hit and story.signals_from and day >= plus(story.signals_from, -30) and dice.chance(0.75):
        delay += dice.integer(12, 55)
    return delay


def _settle(dice: Dice, order: OrderRow, period: Period) -> None:
    """Invoice and payment dates, and the status the order has on ``as_of``."""
    if order.status == "cancelled":
        order.delivered_at = None
        return
    if order.kind != "contract":
        if order.delivered_at is None or order.delivered_at > period.as_of:
            order.delivered_at = None
            return
        order.invoiced_at = plus(order.delivered_at, dice.integer(0, 3))
    assert order.invoiced_at is not None
    if order.invoiced_at > period.as_of:
        order.status, order.invoiced_at = "delivered", None
        return
    order.due_at = plus(order.invoiced_at, order.customer.payment_days)
    late = order.customer.late_payer or dice.chance(0.05)
    paid = plus(order.due_at, dice.integer(5, 70) if late else dice.integer(-12, 4))
    order.paid_at = paid if paid <= period.as_of else None
    order.status = "paid" if order.paid_at else "invoiced"


def _won_quote(
    dice: Dice, customer: Customer, ordered: date, value: float, model: Model
) -> QuoteRow:
    received = plus(ordered, -dice.integer(20, 60))
    quote = _quote(dice, customer, received, value, model)
    quote.decided_at, quote.outcome = ordered, "won"
    quote.responded_at = min(quote.responded_at or ordered, ordered)
    return quote


def _quote(dice: Dice, customer: Customer, received: date, value: float, model: Model) -> QuoteRow:
    slow = customer.engagement(received) < 1 and not customer.story.has("usage_decline")
    response = dice.integer(8, 25) if slow else dice.integer(1, 8)
    return QuoteRow(
        number="",
        customer=customer,
        received_at=received,
        responded_at=plus(received, response),
        decided_at=None,
        value=round(value, 2),
        product_line=model.line,
        lead_days=7 * dice.integer(6, 14),
        specification=specification(dice, model.name, model.line, value < 0.8 * model.price),
        outcome="open",
        owner=customer.member("account_owner", received),
    )


def _lost_quotes(dice: Dice, customer: Customer, period: Period, quotes: list[QuoteRow]) -> None:
    first = max(period.start, customer.started_on)
    last = customer.active_until(period)
    count = dice.poisson(0.35 * RATES[customer.tier]["product"] * 3 + 0.8)
    days = [plus(first, dice.integer(0, max((last - first).days - 1, 0))) for _ in range(count)]
    story = customer.story
    if story.has("price_competitor") and story.signals_from is not None:
        span = max((last - story.signals_from).days - 20, 1)
        days += [plus(story.signals_from, dice.integer(0, span)) for _ in range(dice.integer(2, 4))]
    for day in days:
        model = dice.pick(MODELS)
        value = round(model.price * dice.uniform(0.9, 2.2), -1)
        quote = _quote(dice, customer, day, value, model)
        _decide(dice, quote, period)
        quotes.append(quote)


def _decide(dice: Dice, quote: QuoteRow, period: Period) -> None:
    assert quote.responded_at is not None
    age = (period.as_of - quote.received_at).days
    if age < 50:
        quote.responded_at = quote.responded_at if quote.responded_at <= period.as_of else None
        return
    quote.decided_at = min(plus(quote.responded_at, dice.integer(7, 45)), period.as_of)
    quote.outcome = dice.weighted(("lost", "no_bid", "withdrawn"), (75, 12, 13))
    if (
        quote.customer.story.has("price_competitor")
        and quote.customer.engagement(quote.received_at) < 1
    ):
        quote.outcome = "lost"


def _number_orders(orders: list[OrderRow]) -> list[OrderRow]:
    orders.sort(key=lambda o: (o.ordered_at, o.customer.index, o.kind, o.amount))
    for n, order in enumerate(orders):
        order.number = str(7_004_213 + n)
    return orders


def _number_quotes(quotes: list[QuoteRow]) -> list[QuoteRow]:
    quotes.sort(key=lambda q: (q.received_at, q.customer.index, q.value))
    counters: dict[int, int] = {}
    for quote in quotes:
        year = quote.received_at.year
        counters[year] = counters.get(year, 0) + 1
        quote.number = f"Q-{year}-{counters[year]:05d}"
    return quotes
