"""Signals on people: a key contact left, an employee left (hand-over), single-threaded."""

from __future__ import annotations

from collections import Counter

from pydantic import Field
from sqlalchemy import select

from keepwell.days import days_before
from keepwell.people.models import Employee, RetentionRole
from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.record.models import Contact, Order
from keepwell.tasks.owners import team_holders
from keepwell.teams.coverage import WINDOW_DAYS, coverage_report
from keepwell.teams.departure import Holding, departed_holdings


class ContactParams(Params):
    within_days: int = Field(default=60, ge=1, le=730)


class KeyContactLeft(Signal[ContactParams]):
    """A key contact at the customer left within the last ``within_days``."""

    name = "key_contact_left"
    description = "A key contact left the customer within within_days."
    params = ContactParams

    def find(self, ctx: Context, params: ContactParams) -> list[Hit]:
        query = select(Contact).where(
            Contact.is_key.is_(True),
            Contact.left_at >= days_before(ctx.today, params.within_days),
            Contact.left_at <= ctx.today,
        )
        return [
            Hit(
                c.account_id,
                f"contact:{c.id}",
                f"key contact {c.name} left on {c.left_at}",
                {"contact": c.name, "title": c.title or "", "left_at": str(c.left_at)},
            )
            for c in ctx.session.scalars(query)
            if c.account_id in ctx.accounts
        ]


class LeaverParams(Params):
    within_days: int = Field(default=365, ge=1, le=3650)
    """How far back departures are handed over."""
    window_days: int = Field(default=180, ge=1, le=3650)
    """Interactions this long before leaving make a relationship to hand over."""
    only_vacant: bool = True
    """Skip roles someone else already holds again (the hand-over happened)."""


class EmployeeLeft(Signal[LeaverParams]):
    """An employee left while holding the account (:func:`departed_holdings`): hand it over."""

    name = "employee_left"
    description = "An employee left while holding a role on, or the relationship with, the account."
    params = LeaverParams

    def find(self, ctx: Context, params: LeaverParams) -> list[Hit]:
        since = days_before(ctx.today, params.within_days)
        holdings = [
            h
            for h in departed_holdings(ctx.session, ctx.today, window_days=params.window_days)
            if h.account_id in ctx.accounts and (h.left_on is None or h.left_on >= since)
        ]
        if not holdings:
            return []
        role_names = dict(ctx.session.execute(select(RetentionRole.key, RetentionRole.name)).all())
        managers = dict(
            ctx.session.execute(
                select(Employee.id, Employee.manager_id).where(
                    Employee.id.in_({h.employee_id for h in holdings})
                )
            ).all()
        )
        hits = []
        for holding in holdings:
            held = team_holders(ctx.session, holding.account_id, ctx.today)
            keys = holding.roles or (RELATIONSHIP,)
            for key in keys:
                if params.only_vacant and key != RELATIONSHIP and held.get(key):
                    continue
                hits.append(_handover(holding, key, role_names.get(key, key), managers))
        return hits


RELATIONSHIP = "relationship"
"""The role key of a hand-over of contacts only (the leaver talked to them, held no role)."""


def _handover(holding: Holding, key: str, role: str, managers: dict[int, int | None]) -> Hit:
    left = f"left on {holding.left_on}" if holding.left_on else "is no longer active"
    facts = {
        "employee": holding.employee,
        "role": role,
        "role_key": key,
        "left_at": str(holding.left_on or ""),
        "last_interaction": str(holding.last_interaction or ""),
    }
    return Hit(
        holding.account_id,
        f"handover:{holding.employee_id}:{key}",
        f"{holding.employee} ({role}) {left}",
        facts,
        fallback_owner_id=managers.get(holding.employee_id),
    )


class ThreadParams(Params):
    window_days: int = Field(default=WINDOW_DAYS, ge=1, le=3650)
    """How far back an interaction keeps a relationship active."""
    min_orders_365d: int = Field(default=2, ge=0)
    """Only live customers: at least this many orders in the last year."""
    include_uncovered: bool = False
    """Also accounts without any active relationship (coverage ``uncovered``)."""


class SingleThreaded(Signal[ThreadParams]):
    """One employee or one contact holds the whole relationship (team coverage analytics)."""

    name = "single_threaded"
    description = "One of our people or one contact holds all the active relationships."
    params = ThreadParams

    def find(self, ctx: Context, params: ThreadParams) -> list[Hit]:
        report = coverage_report(
            ctx.session, ctx.today, window_days=params.window_days, account_ids=list(ctx.accounts)
        )
        orders = Counter(
            ctx.session.scalars(
                select(Order.account_id).where(
                    Order.ordered_at > days_before(ctx.today, 365), Order.ordered_at <= ctx.today
                )
            )
        )
        hits = []
        for item in report.accounts:
            uncovered = params.include_uncovered and item.threading == "uncovered"
            if not (item.single_threaded or uncovered):
                continue
            if orders[item.account_id] < params.min_orders_365d:
                continue
            people, ours = len(item.contacts), len(item.holders)
            summary = f"{item.threading}: {people} contact(s) at the customer, {ours} of ours"
            facts = {"contacts": people, "team": ours, "threading": item.threading}
            hits.append(Hit(item.account_id, "single_threaded", summary, facts))
        return hits
