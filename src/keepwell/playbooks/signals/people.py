"""Signals on people: a key contact left, an employee left (hand-over), single-threaded."""

from __future__ import annotations

from collections import Counter

from pydantic import Field
from sqlalchemy import and_, func, or_, select

from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.playbooks.core import Context, Hit, Params, Signal
from keepwell.playbooks.signals.common import days_ago
from keepwell.record.models import Contact, Order
from keepwell.record.service import current_assignment
from keepwell.tasks.owners import deactivated_employees, team_holders


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
            Contact.left_at >= days_ago(ctx.today, params.within_days),
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
    only_vacant: bool = True
    """Skip roles someone else already holds again (the hand-over happened)."""


class EmployeeLeft(Signal[LeaverParams]):
    """An employee left (leaving day set, or deactivated) while on an account's team."""

    name = "employee_left"
    description = "An employee left while holding a role on the account: hand it over."
    params = LeaverParams

    def find(self, ctx: Context, params: LeaverParams) -> list[Hit]:
        since = days_ago(ctx.today, params.within_days)
        deactivated = deactivated_employees()
        gone = or_(
            and_(
                Employee.left_at.is_not(None),
                Employee.left_at <= ctx.today,
                Employee.left_at >= since,
            ),
            and_(
                Employee.left_at.is_(None),
                or_(Employee.active.is_(False), Employee.id.in_(deactivated)),
            ),
        )
        held = or_(
            AccountTeamMember.until.is_(None),
            AccountTeamMember.until >= func.coalesce(Employee.left_at, since),
        )
        query = (
            select(AccountTeamMember.account_id, Employee, RetentionRole.name, RetentionRole.key)
            .join(Employee, AccountTeamMember.employee_id == Employee.id)
            .join(RetentionRole, AccountTeamMember.role_id == RetentionRole.id)
            .where(gone, held)
        )
        hits = []
        for account_id, employee, role_name, role_key in ctx.session.execute(query):
            if account_id not in ctx.accounts:
                continue
            if params.only_vacant and team_holders(ctx.session, account_id, ctx.today).get(
                role_key
            ):
                continue
            left = f"left on {employee.left_at}" if employee.left_at else "is no longer active"
            facts = {
                "employee": employee.name,
                "role": role_name,
                "role_key": role_key,
                "left_at": str(employee.left_at or ""),
            }
            hits.append(
                Hit(
                    account_id,
                    f"handover:{employee.id}:{role_key}",
                    f"{employee.name} ({role_name}) {left}",
                    facts,
                    fallback_owner_id=employee.manager_id,
                )
            )
        return hits


class ThreadParams(Params):
    max_contacts: int = Field(default=1, ge=0)
    max_team: int = Field(default=1, ge=0)
    min_orders_365d: int = Field(default=2, ge=0)


class SingleThreaded(Signal[ThreadParams]):
    """A live customer held by one contact on their side or one person on ours."""

    name = "single_threaded"
    description = "At most max_contacts present contacts or max_team team members."
    params = ThreadParams

    def find(self, ctx: Context, params: ThreadParams) -> list[Hit]:
        contacts = self._count(
            ctx,
            select(Contact.account_id).where(
                or_(
                    and_(Contact.left_at.is_not(None), Contact.left_at > ctx.today),
                    and_(Contact.left_at.is_(None), Contact.active.is_(True)),
                )
            ),
        )
        team = self._count(
            ctx,
            select(AccountTeamMember.account_id)
            .join(Employee, AccountTeamMember.employee_id == Employee.id)
            .where(current_assignment(ctx.today), Employee.id.not_in(deactivated_employees())),
        )
        orders = self._count(
            ctx,
            select(Order.account_id).where(
                Order.ordered_at > days_ago(ctx.today, 365), Order.ordered_at <= ctx.today
            ),
        )
        hits = []
        for account_id in ctx.accounts:
            if orders[account_id] < params.min_orders_365d:
                continue
            people, ours = contacts[account_id], team[account_id]
            if people <= params.max_contacts or ours <= params.max_team:
                summary = f"{people} contact(s) at the customer, {ours} on our team"
                hits.append(
                    Hit(account_id, "single_threaded", summary, {"contacts": people, "team": ours})
                )
        return hits

    @staticmethod
    def _count(ctx: Context, query: object) -> Counter[int]:
        return Counter(ctx.session.scalars(query))  # type: ignore[call-overload]
