"""Helpdesk tickets: recurring problems across customers, the repeats behind churn, one-offs.

Recurring problems hit machines of the affected models while the problem is live, late
deliveries and missing certificates come from real orders, customers leaving over a problem
report it again and again, and routine requests and one-off faults fill the rest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from keepwell.demo.catalog import (
    CERT_INDUSTRIES,
    MACHINE_PROBLEMS,
    PROBLEMS_BY_KEY,
    Problem,
)
from keepwell.demo.dice import Dice, Period, later, office_time, plus
from keepwell.demo.model import Contact, Employee, Machine, World
from keepwell.demo.oneoff_text import (
    FAULT_BODIES,
    FAULT_SUBJECTS,
    FAULTS,
    PARTS,
    ROUTINES,
)
from keepwell.demo.problem_text import PROBLEM_PHRASES
from keepwell.demo.rows import OrderRow, TicketRow
from keepwell.demo.text import capital, message, render, ticket
from keepwell.demo.ticket_context import Context, assignee, slots

ROUTINE_RATES = {"A": 5.5, "B": 2.3, "C": 0.9}
"""Routine requests and one-off faults per customer and year."""


def build_tickets(world: World, orders: list[OrderRow]) -> list[TicketRow]:
    """Every ticket of every customer, numbered in the order they were opened."""
    by_customer: dict[int, list[OrderRow]] = defaultdict(list)
    for order in orders:
        by_customer[order.customer.index].append(order)
    tickets: list[TicketRow] = []
    for customer in world.customers:
        ctx = Context(Dice(world.seed, "tickets", customer.index), world, customer)
        own_orders = by_customer[customer.index]
        _background_problems(ctx, tickets)
        _planted_problem(ctx, own_orders, tickets)
        _order_problems(ctx, own_orders, tickets)
        _routine(ctx, own_orders, tickets)
    tickets.sort(key=lambda t: (t.opened_at, t.customer.index, t.subject))
    for n, row in enumerate(tickets):
        row.number = f"HD-{20_417 + n}"
    return tickets


def _window(problem: Problem, period: Period) -> tuple[date, date]:
    low, high = problem.window
    return period.day(low * period.days), period.day(high * period.days)


def _background_problems(ctx: Context, out: list[TicketRow]) -> None:
    """Recurring machine problems at customers whose story is not about them."""
    story = ctx.customer.story
    for key in MACHINE_PROBLEMS:
        if story.problem == key:
            continue
        problem = PROBLEMS_BY_KEY[key]
        opens, closes = _window(problem, ctx.period)
        for machine in ctx.customer.machines:
            if machine.model.name not in problem.models:
                continue
            settle = 180 if key == "corrosion" else 14
            first = max(opens, plus(machine.installed_at, settle))
            last = min(closes, ctx.customer.active_until(ctx.period))
            if first >= last:
                continue
            years = (last - first).days / 365
            for _ in range(ctx.dice.poisson(problem.rate * years)):
                day = plus(first, ctx.dice.integer(0, (last - first).days - 1))
                out.append(_problem_ticket(ctx, problem, day, machine, None, repeat=0))


def _planted_problem(ctx: Context, orders: list[OrderRow], out: list[TicketRow]) -> None:
    """The repeated reports of the problem a customer is leaving over."""
    story = ctx.customer.story
    if story.problem is None or story.signals_from is None:
        return
    problem = PROBLEMS_BY_KEY[story.problem]
    _, closes = _window(problem, ctx.period)
    end = min(closes, plus(ctx.customer.active_until(ctx.period), -14))
    count = ctx.dice.integer(3, 6) if story.churned else ctx.dice.integer(2, 3)
    span = max((end - story.signals_from).days, count)
    machines = [m for m in ctx.customer.machines if m.model.name in problem.models]
    for k in range(count):
        day = plus(story.signals_from, span * (k + ctx.dice.uniform(0.1, 0.9)) / count)
        machine = ctx.dice.pick(machines) if machines else None
        order = _order_before(ctx, orders, day) if not machines else None
        out.append(_problem_ticket(ctx, problem, day, machine, order, repeat=k))


def _order_problems(ctx: Context, orders: list[OrderRow], out: list[TicketRow]) -> None:
    """Complaints about late deliveries and NCRs about missing certificates, from real orders."""
    story = ctx.customer.story
    late, certs = PROBLEMS_BY_KEY["late_delivery"], PROBLEMS_BY_KEY["missing_certs"]
    opens, closes = _window(certs, ctx.period)
    end = ctx.customer.active_until(ctx.period)
    reported = 0
    for order in orders:
        if order.promised_at is None or order.status == "cancelled":
            continue
        if order.kind not in ("product", "spare_parts"):
            continue
        late_days = (order.delivered_at or ctx.period.as_of) - order.promised_at
        angry = story.has("late_deliveries") and ctx.customer.engagement(order.ordered_at) < 1
        if late_days.days >= 7 and ctx.dice.chance(0.8 if angry else 0.2):
            day = plus(order.promised_at, ctx.dice.integer(2, min(late_days.days, 20)))
            if day < end:
                out.append(_problem_ticket(ctx, late, day, None, order, repeat=reported))
                reported += int(angry)
        regulated = ctx.customer.industry in CERT_INDUSTRIES and story.problem != "missing_certs"
        delivered = order.delivered_at
        if regulated and delivered and opens <= delivered <= closes and ctx.dice.chance(0.09):
            day = plus(delivered, ctx.dice.integer(1, 10))
            if day < end:
                out.append(_problem_ticket(ctx, certs, day, None, order, repeat=0))


def _order_before(ctx: Context, orders: list[OrderRow], day: date) -> OrderRow | None:
    delivered = [o for o in orders if o.delivered_at and o.delivered_at < day]
    return delivered[-1] if delivered else (orders[0] if orders else None)


def _problem_ticket(
    ctx: Context,
    problem: Problem,
    day: date,
    machine: Machine | None,
    order: OrderRow | None,
    repeat: int,
) -> TicketRow:
    dice = ctx.dice
    contact = ctx.contact(day, "purchaser" if machine is None else "user")
    lang = ctx.language()
    fills = slots(ctx, lang, contact, machine, order)
    subject, text = ticket(dice, PROBLEM_PHRASES[problem.key][lang], lang, fills, repeat)
    kinds, weights = zip(*problem.kinds, strict=True)
    kind = "support" if repeat == 0 and "support" in kinds else dice.weighted(kinds, weights)
    if repeat >= 3:
        kind = "complaint"
    severity = ("medium", "high", "high", "critical")[min(repeat, 3)]
    line = machine.model.line if machine else (order.product_line if order else None)
    team = "delivery_lead" if problem.key == "late_delivery" else "service_lead"
    if kind in ("ncr", "complaint") and problem.key != "late_delivery":
        team = "quality_lead"
    row = _row(ctx, day, subject, text, kind, severity, line, machine, contact, team)
    row.problem = problem.key
    return row


def _routine(ctx: Context, orders: list[OrderRow], out: list[TicketRow]) -> None:
    customer, dice = ctx.customer, ctx.dice
    first = max(ctx.period.start, customer.started_on)
    last = customer.active_until(ctx.period)
    mean_gap = 365 / ROUTINE_RATES[customer.tier]
    day = plus(first, dice.exponential(mean_gap))
    while day < last:
        running = [m for m in customer.machines if m.running(day)]
        order = _order_before(ctx, orders, day)
        if running:
            out.append(_routine_ticket(ctx, day, dice.pick(running), order))
        day = plus(day, max(dice.exponential(mean_gap), 1))


def _routine_ticket(ctx: Context, day: date, machine: Machine, order: OrderRow | None) -> TicketRow:
    dice = ctx.dice
    contact = ctx.contact(day, "user")
    lang = ctx.language()
    fills = slots(ctx, lang, contact, machine, order)
    if dice.chance(0.35):
        return _fault_ticket(ctx, day, machine, contact, lang, fills)
    routine = dice.pick(ROUTINES)
    if "{order}" in "".join(routine.bodies["en"]) and order is None:
        return _fault_ticket(ctx, day, machine, contact, lang, fills)
    subject = render(dice, dice.pick(routine.subjects[lang]), fills)
    text = render(dice, dice.pick(routine.bodies[lang]), fills)
    body = message(dice, lang, text, [], fills, complete=True)
    team = "finance_contact" if routine.key == "invoice" else "service_lead"
    return _row(
        ctx,
        day,
        subject,
        body,
        routine.kind,
        routine.severity,
        machine.model.line,
        machine,
        contact,
        team,
    )


def _fault_ticket(
    ctx: Context,
    day: date,
    machine: Machine,
    contact: Contact | None,
    lang: str,
    fills: dict[str, object],
) -> TicketRow:
    dice = ctx.dice
    part, fault = dice.pick(PARTS), dice.pick(FAULTS)
    at = 1 if lang == "de" else 0
    fills = {**fills, "part": part[at], "Part": capital(part[at]), "fault": fault[at]}
    subject = capital(render(dice, dice.pick(FAULT_SUBJECTS[lang]), fills))
    text = render(dice, dice.pick(FAULT_BODIES[lang]), fills)
    body = message(dice, lang, text, [], fills, complete=True)
    severity = dice.weighted(("low", "medium", "high"), (3, 5, 2))
    return _row(
        ctx,
        day,
        subject,
        body,
        "support",
        severity,
        machine.model.line,
        machine,
        contact,
        "service_lead",
    )


def _row(
    ctx: Context,
    day: date,
    subject: str,
    text: str,
    kind: str,
    severity: str,
    line: str | None,
    machine: Machine | None,
    contact: Contact | None,
    team: str,
) -> TicketRow:
    dice = ctx.dice
    opened = office_time(dice, day)
    slow = ctx.customer.story.has("unanswered_detractor") and ctx.customer.engagement(day) < 1
    first = later(opened, dice.lognormal(20.0 if slow else 3.0, 0.9))
    closed = later(first, 24 * dice.lognormal(9.0 if kind != "support" else 4.0, 0.8))
    worker: Employee | None = assignee(ctx, team, day)
    return TicketRow(
        number="",
        customer=ctx.customer,
        subject=subject[:500],
        text=text,
        opened_at=opened,
        kind=kind,
        severity=severity,
        status=_status(closed, first, ctx.period),
        product_line=line,
        first_response_at=_until(first, ctx.period),
        closed_at=_until(closed, ctx.period),
        machine=machine,
        contact=contact,
        assignee=worker,
    )


def _until(moment: datetime, period: Period) -> datetime | None:
    return moment if moment.date() < period.as_of else None


def _status(closed: datetime, first: datetime, period: Period) -> str:
    if closed.date() < plus(period.as_of, -10):
        return "closed"
    if closed.date() < period.as_of:
        return "resolved"
    return "pending" if first.date() < period.as_of else "open"
