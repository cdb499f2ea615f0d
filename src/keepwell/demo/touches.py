"""CRM activities: the account team's calls, visits, meetings, e-mails and notes.

Contact follows the account team: when the only person holding a relationship leaves,
contact stops. Detractors get a call back unless their story says otherwise, overdue
invoices a reminder, and what the customer says about problems, prices and production
ends up in notes.
"""

from __future__ import annotations

from datetime import date

from keepwell.demo.dice import Dice, later, office_time, plus
from keepwell.demo.model import Employee, World
from keepwell.demo.notes_text import KINDS, NOTES, ROLE_PURPOSES, ROLE_WEIGHTS
from keepwell.demo.rows import InteractionRow, OrderRow, SurveyRow, TicketRow
from keepwell.demo.text import issue, render
from keepwell.demo.ticket_context import Context, assignee

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
RATES = {"A": 22.0, "B": 9.0, "C": 4.0}
STORY_NOTES = {
    "price_competitor": "price_note",
    "late_deliveries": "delivery_note",
    "usage_decline": "usage_note",
    "repeat_problems": "problem_note",
}


def build_interactions(
    world: World, orders: list[OrderRow], tickets: list[TicketRow], surveys: list[SurveyRow]
) -> list[InteractionRow]:
    """Every CRM activity, with unique activity ids."""
    rows: list[InteractionRow] = []
    for customer in world.customers:
        ctx = Context(Dice(world.seed, "touches", customer.index), world, customer)
        rows += _routine(ctx)
        rows += _story_notes(ctx)
    ctx_of = {
        c.index: Context(Dice(world.seed, "replies", c.index), world, c) for c in world.customers
    }
    rows += [_follow_up(ctx_of[s.customer.index], s) for s in surveys if s.followed_up]
    rows += [r for o in orders if (r := _reminder(ctx_of[o.customer.index], o)) is not None]
    rows.sort(key=lambda r: (r.occurred_at, r.customer.index, r.subject))
    _number(Dice(world.seed, "activity-ids"), rows)
    return rows


def _routine(ctx: Context) -> list[InteractionRow]:
    customer, dice = ctx.customer, ctx.dice
    rows = []
    first = max(ctx.period.start, customer.started_on)
    last = customer.active_until(ctx.period)
    gap = 365 / RATES[customer.tier]
    day = plus(first, dice.exponential(gap))
    while day < last:
        if dice.chance(_appetite(ctx, day)):
            present = [r for r in ROLE_WEIGHTS if customer.member(r, day) is not None]
            if present:
                role = dice.weighted(present, [ROLE_WEIGHTS[r] for r in present])
                purposes, weights = zip(*ROLE_PURPOSES[role], strict=True)
                purpose = dice.weighted(purposes, weights)
                rows.append(_row(ctx, day, purpose, customer.member(role, day), {}))
        day = plus(day, max(dice.exponential(gap), 1))
    return rows


def _appetite(ctx: Context, day: date) -> float:
    """How likely a planned touch happens: less as the customer drifts away."""
    story = ctx.customer.story
    engagement = ctx.customer.engagement(day)
    if story.detractor_on is not None and day >= story.detractor_on:
        engagement *= 0.5
    return engagement


def _story_notes(ctx: Context) -> list[InteractionRow]:
    """What the team wrote down as the story unfolded, and the note closing a lost account."""
    story, dice = ctx.customer.story, ctx.dice
    rows = []
    cause = story.causes[0] if story.causes else None
    if cause in STORY_NOTES and story.signals_from is not None:
        end = min(ctx.customer.active_until(ctx.period), ctx.period.as_of)
        span = (end - story.signals_from).days
        for _ in range(dice.integer(1, 3) if span > 30 else 0):
            day = plus(story.signals_from, dice.integer(span // 3, span - 1))
            author = ctx.customer.member("account_owner", day) or assignee(ctx, "service_lead", day)
            rows.append(_row(ctx, day, STORY_NOTES[cause], author, {}))
    if story.churned and story.marked_lost and story.churn_on is not None:
        author = assignee(ctx, "account_owner", story.churn_on)
        rows.append(_row(ctx, story.churn_on, "lost_note", author, {"reason": story.lost_reason}))
    return rows


def _follow_up(ctx: Context, survey: SurveyRow) -> InteractionRow:
    day = plus(survey.responded_at.date(), ctx.dice.integer(2, 10))
    author = ctx.customer.member("account_owner", day) or assignee(ctx, "executive_sponsor", day)
    row = _row(ctx, day, "detractor_followup", author, {"score": survey.score})
    row.contact = survey.contact
    return row


def _reminder(ctx: Context, order: OrderRow) -> InteractionRow | None:
    if order.due_at is None:
        return None
    paid = order.paid_at or ctx.period.as_of
    overdue = (paid - order.due_at).days
    if overdue < 14 or not ctx.dice.chance(0.6):
        return None
    days = ctx.dice.integer(8, 13)
    day = plus(order.due_at, days)
    if day >= ctx.customer.active_until(ctx.period):
        return None
    author = assignee(ctx, "finance_contact", day)
    return _row(ctx, day, "payment", author, {"order": order.number, "days": days})


def _row(
    ctx: Context, day: date, purpose: str, employee: Employee | None, extra: dict[str, object]
) -> InteractionRow:
    dice, customer = ctx.dice, ctx.customer
    contact = ctx.contact(day, "decision maker")
    machine = dice.pick(customer.machines)
    slots: dict[str, object] = {
        "contact": contact.name if contact else "the customer",
        "model": machine.model.name,
        "serial": machine.serial,
        "year": day.year,
        "issue": issue(customer.story.problem),
        "competitor": customer.story.competitor or "a competitor",
        "pct": dice.integer(8, 20),
        "order": "",
        "days": 0,
        "score": 0,
        "reason": "",
        **extra,
    }
    subjects, texts = NOTES[purpose]
    kind = dice.pick(KINDS[purpose]) if purpose in KINDS else "note"
    moment = office_time(dice, day)
    if kind == "visit":
        moment = later(moment.replace(hour=9, minute=0), dice.integer(0, 3))
    return InteractionRow(
        number="",
        customer=customer,
        occurred_at=moment,
        kind=kind,
        direction=_direction(dice, kind, purpose),
        subject=render(dice, dice.pick(subjects), slots),
        text=render(dice, dice.pick(texts), slots),
        employee=employee,
        contact=contact,
    )


def _direction(dice: Dice, kind: str, purpose: str) -> str | None:
    if kind == "note":
        return None
    inbound = 0.6 if purpose == "technical" else 0.25
    return "inbound" if dice.chance(inbound) else "outbound"


def _number(dice: Dice, rows: list[InteractionRow]) -> None:
    used: set[str] = set()
    for row in rows:
        number = f"00T{dice.token(ALPHABET, 15)}"
        while number in used:
            number = f"00T{dice.token(ALPHABET, 15)}"
        used.add(number)
        row.number = number
