"""The whole demo company in one call: people, customers, stories and three years of activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from keepwell.demo.dice import Period
from keepwell.demo.model import World
from keepwell.demo.orders import build_orders
from keepwell.demo.rows import Activity
from keepwell.demo.staff import build_staff, build_teams
from keepwell.demo.story import plan_stories
from keepwell.demo.surveys import build_surveys
from keepwell.demo.telemetry import build_telemetry
from keepwell.demo.tickets import build_tickets
from keepwell.demo.touches import build_interactions
from keepwell.demo.world import assign_ids, build_customers


@dataclass
class Company:
    """The generated company: who is who, and everything that happened."""

    world: World
    activity: Activity


def build_company(seed: int, accounts: int, as_of: date) -> Company:
    """Generate the demo company for ``seed`` with ``accounts`` customers up to ``as_of``."""
    if accounts < 1:
        raise ValueError("the demo needs at least one customer account")
    period = Period.ending(as_of)
    staff = build_staff(seed, period)
    customers = build_customers(seed, accounts, period)
    plan_stories(seed, customers, staff, period)
    build_teams(seed, customers, staff, period)
    assign_ids(seed, customers)
    world = World(seed, period, staff, customers)
    quotes, orders = build_orders(world)
    tickets = build_tickets(world, orders)
    surveys = build_surveys(world, tickets)
    interactions = build_interactions(world, orders, tickets, surveys)
    telemetry = build_telemetry(world, tickets)
    return Company(world, Activity(quotes, orders, tickets, surveys, interactions, telemetry))
