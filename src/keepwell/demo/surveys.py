"""Survey responses: twice-yearly relationship NPS and a CSAT after closed tickets.

Scores fall once a customer's story begins; detractors usually get a follow-up call,
except those whose story is that nobody answered them.
"""

from __future__ import annotations

from datetime import date

from keepwell.demo.dice import Dice, later, office_time, plus
from keepwell.demo.model import Contact, Customer, World
from keepwell.demo.rows import SurveyRow, TicketRow
from keepwell.demo.text import capital, comment, issue
from keepwell.demo.ticket_context import Context

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
TOPICS = {
    "repeat_problems": "problem",
    "late_deliveries": "delivery",
    "price_competitor": "price",
    "owner_left": "service",
    "unanswered_detractor": "service",
    "usage_decline": "usage",
}


def build_surveys(world: World, tickets: list[TicketRow]) -> list[SurveyRow]:
    """NPS campaign answers and ticket CSATs, with unique response ids."""
    rows: list[SurveyRow] = []
    for customer in world.customers:
        ctx = Context(Dice(world.seed, "surveys", customer.index), world, customer)
        rows += _campaigns(ctx)
        rows += _planted_detractor(ctx)
    dice = Dice(world.seed, "csat")
    rows += [row for t in tickets if (row := _csat(dice, world, t)) is not None]
    rows.sort(key=lambda r: (r.responded_at, r.customer.index, r.kind))
    _number(Dice(world.seed, "survey-ids"), rows)
    return rows


def campaign_days(world: World) -> list[tuple[str, date]]:
    """The relationship-NPS campaigns of the period: name and sending day."""
    period = world.period
    days = []
    for year in range(period.start.year, period.as_of.year + 1):
        for half, day in (("H1", date(year, 3, 10)), ("H2", date(year, 9, 15))):
            if period.start <= day <= plus(period.as_of, -21):
                days.append((f"NPS {year}-{half}", day))
    return days


def _campaigns(ctx: Context) -> list[SurveyRow]:
    customer, dice = ctx.customer, ctx.dice
    rows = []
    for name, sent in campaign_days(ctx.world):
        if not customer.started_on < sent < customer.active_until(ctx.period):
            continue
        invited = customer.present_contacts(sent)[:3]
        for contact in invited:
            if dice.chance(0.45 if customer.tier == "A" else 0.35):
                day = plus(sent, dice.integer(0, 20))
                rows.append(_nps(ctx, contact, day, name, _score(dice, customer, day)))
    return rows


def _score(dice: Dice, customer: Customer, day: date) -> int:
    troubled = customer.engagement(day) < 1 and not customer.story.has("usage_decline")
    mean, sd = (4.0, 1.8) if troubled else (8.3, 1.4)
    return int(min(max(round(dice.normal(mean, sd)), 0), 10))


def _nps(ctx: Context, contact: Contact, day: date, campaign: str, score: int) -> SurveyRow:
    dice, story = ctx.dice, ctx.customer.story
    band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    text = None
    if dice.chance({"promoter": 0.4, "passive": 0.5, "detractor": 0.85}[band]):
        topic = band
        if band == "detractor":
            topic = TOPICS.get(story.causes[0], "service") if story.causes else "service"
        text = _comment(ctx, topic)
    unanswered = story.has("unanswered_detractor") and ctx.customer.engagement(day) < 1
    followed = band == "detractor" and not unanswered and dice.chance(0.85)
    return SurveyRow(
        "",
        ctx.customer,
        "nps",
        score,
        office_time(dice, day),
        text,
        campaign,
        contact,
        followed_up=followed,
    )


def _comment(ctx: Context, topic: str) -> str:
    lang = ctx.language()
    story = ctx.customer.story
    subject = issue(story.problem, lang)
    slots = {"issue": subject, "Issue": capital(subject), "competitor": story.competitor or ""}
    return comment(ctx.dice, topic, lang, slots)


def _planted_detractor(ctx: Context) -> list[SurveyRow]:
    """The detractor answer nobody followed up (stories with an unanswered detractor)."""
    story = ctx.customer.story
    if story.detractor_on is None:
        return []
    contacts = ctx.customer.present_contacts(story.detractor_on)
    if not contacts:
        return []
    day = story.detractor_on
    name = f"NPS {day.year}-{'H1' if day.month <= 6 else 'H2'}"
    topic = "problem" if story.problem else "service"
    row = _nps(ctx, contacts[0], day, name, ctx.dice.integer(0, 4))
    row.comment = _comment(ctx, topic)
    row.followed_up = False
    return [row]


def _csat(dice: Dice, world: World, ticket: TicketRow) -> SurveyRow | None:
    if ticket.closed_at is None or ticket.contact is None or not dice.chance(0.22):
        return None
    answered = later(ticket.closed_at, dice.integer(1, 72))
    end = ticket.customer.active_until(world.period)
    if answered.date() >= end:
        return None
    slow = (ticket.closed_at - ticket.opened_at).days > 14 or ticket.problem is not None
    score = int(min(max(round(dice.normal(2.6 if slow else 4.3, 0.9)), 1), 5))
    text = None
    if dice.chance(0.35):
        lang = "de" if ticket.customer.german and dice.chance(0.7) else "en"
        text = comment(dice, "csat_bad" if score <= 3 else "csat_good", lang, {})
    return SurveyRow(
        "", ticket.customer, "csat", score, answered, text, "Ticket CSAT", ticket.contact
    )


def _number(dice: Dice, rows: list[SurveyRow]) -> None:
    used: set[str] = set()
    for row in rows:
        number = f"R_{dice.token(ALPHABET, 15)}"
        while number in used:
            number = f"R_{dice.token(ALPHABET, 15)}"
        used.add(number)
        row.number = number
