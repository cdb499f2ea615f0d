"""Relationship coverage from interactions: who talks to whom, and where it hangs on one thread.

An *active pair* is an employee still employed and a contact still at the customer who
had at least one interaction inside the window. Single-threaded and uncovered are defined
once, in :mod:`keepwell.people.threading` (the churn feature uses the same definition).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from keepwell.people.models import AccountTeamMember, Department, Employee
from keepwell.people.threading import RELATIONSHIP_WINDOW_DAYS, is_single_threaded
from keepwell.record.models import Account, Contact, Interaction, Order
from keepwell.record.service import current_assignment

WINDOW_DAYS = RELATIONSHIP_WINDOW_DAYS
"""How far back an interaction keeps a relationship active."""
LEFT_LOOKBACK_DAYS = 365
"""Contacts who left the customer within this many days are listed."""
QueryT = TypeVar("QueryT", bound=Select[*tuple[Any, ...]])
NARROW_TO_IDS = 1000
"""Up to this many accounts, queries filter by id; beyond, they read all and skip."""


@dataclass
class AccountCoverage:
    """One account's relationship coverage on the report day."""

    account_id: int
    name: str
    status: str
    revenue_12m: float = 0.0
    team: int = 0
    holders: list[int] = field(default_factory=list)
    contacts: list[int] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    pairs: int = 0
    left_contacts: list[str] = field(default_factory=list)

    @property
    def threading(self) -> str:
        """uncovered, one person and one contact, one person, one contact, or multi."""
        if not self.holders or not self.contacts:
            return "uncovered"
        if len(self.holders) == 1 and len(self.contacts) == 1:
            return "one person and one contact"
        if len(self.holders) == 1:
            return "one person"
        if len(self.contacts) == 1:
            return "one contact"
        return "multi"

    @property
    def single_threaded(self) -> bool:
        """True when one employee or one contact holds the whole relationship."""
        return is_single_threaded(len(self.holders), len(self.contacts))

    def as_dict(self, *, money: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; ``revenue_12m`` left out without ``money``."""
        data = asdict(self)
        data["threading"] = self.threading
        data["single_threaded"] = self.single_threaded
        if not money:
            data.pop("revenue_12m")
        return data


@dataclass
class CoverageReport:
    """Coverage of every active account as of ``as_of``."""

    as_of: date
    window_days: int
    accounts: list[AccountCoverage]
    employee_names: dict[int, str]

    def summary(self) -> dict[str, Any]:
        """Counts across the portfolio."""
        by_threading: dict[str, int] = defaultdict(int)
        for item in self.accounts:
            by_threading[item.threading] += 1
        n = len(self.accounts)
        return {
            "as_of": self.as_of.isoformat(),
            "window_days": self.window_days,
            "accounts": n,
            "active_pairs": sum(a.pairs for a in self.accounts),
            "single_threaded": sum(a.single_threaded for a in self.accounts),
            "uncovered": by_threading["uncovered"],
            "by_threading": dict(sorted(by_threading.items())),
            "mean_departments": round(sum(len(a.departments) for a in self.accounts) / n, 2)
            if n
            else 0.0,
            "contacts_left": sum(len(a.left_contacts) for a in self.accounts),
        }

    def by_id(self) -> dict[int, AccountCoverage]:
        """The accounts by id."""
        return {a.account_id: a for a in self.accounts}


def coverage_report(
    session: Session,
    as_of: date | None = None,
    *,
    window_days: int = WINDOW_DAYS,
    account_ids: list[int] | None = None,
) -> CoverageReport:
    """Coverage of every active account (or of ``account_ids``) on ``as_of`` (default today)."""
    if window_days < 1:
        raise ValueError("the window must be at least one day")
    day = as_of or date.today()
    query = select(Account.id, Account.name, Account.status).where(Account.status != "lost")
    if account_ids is not None:
        query = select(Account.id, Account.name, Account.status).where(Account.id.in_(account_ids))
    accounts = {
        row.id: AccountCoverage(row.id, row.name, row.status) for row in session.execute(query)
    }
    _add_pairs(session, accounts, day, window_days)
    _add_team(session, accounts, day)
    _add_revenue(session, accounts, day)
    _add_left_contacts(session, accounts, day)
    names = _employee_names(session, accounts if account_ids is not None else None)
    ordered = sorted(accounts.values(), key=lambda a: (a.name.lower(), a.account_id))
    return CoverageReport(day, window_days, ordered, names)


def day_end(day: date) -> datetime:
    """The first moment after ``day``."""
    return datetime.combine(day + timedelta(days=1), time(0))


def present(left_at: Any, active: Any, day: date) -> Any:
    """Not yet gone on ``day``: leaving later, or no leaving day and still active."""
    return or_(and_(left_at.is_not(None), left_at > day), and_(left_at.is_(None), active.is_(True)))


def _only(query: QueryT, column: Any, accounts: dict[int, AccountCoverage]) -> QueryT:
    """``query`` narrowed to ``accounts`` when they are few (else the dict filters the rows)."""
    return query.where(column.in_(accounts)) if len(accounts) <= NARROW_TO_IDS else query


def _employee_names(
    session: Session, accounts: dict[int, AccountCoverage] | None
) -> dict[int, str]:
    """Every employee's name, or only those holding ``accounts`` (when few)."""
    query = select(Employee.id, Employee.name)
    if accounts is not None and len(accounts) <= NARROW_TO_IDS:
        query = query.where(Employee.id.in_({h for a in accounts.values() for h in a.holders}))
    return {int(i): str(n) for i, n in session.execute(query)}


def _add_pairs(
    session: Session, accounts: dict[int, AccountCoverage], day: date, window_days: int
) -> None:
    end = day_end(day)
    query = (
        select(
            Interaction.account_id,
            Interaction.employee_id,
            Interaction.contact_id,
            Department.name.label("department"),
        )
        .distinct()
        .join(Employee, Employee.id == Interaction.employee_id)
        .join(Contact, Contact.id == Interaction.contact_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(
            Interaction.occurred_at >= end - timedelta(days=window_days),
            Interaction.occurred_at < end,
            present(Employee.left_at, Employee.active, day),
            present(Contact.left_at, Contact.active, day),
        )
    )
    for row in session.execute(_only(query, Interaction.account_id, accounts)):
        item = accounts.get(row.account_id)
        if item is None:
            continue
        item.pairs += 1
        if row.employee_id not in item.holders:
            item.holders.append(row.employee_id)
        if row.contact_id not in item.contacts:
            item.contacts.append(row.contact_id)
        if row.department and row.department not in item.departments:
            item.departments.append(row.department)
    for item in accounts.values():
        item.holders.sort()
        item.contacts.sort()
        item.departments.sort()


def _add_team(session: Session, accounts: dict[int, AccountCoverage], day: date) -> None:
    query = (
        select(AccountTeamMember.account_id, func.count(func.distinct(Employee.id)))
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(current_assignment(day))
        .group_by(AccountTeamMember.account_id)
    )
    for account_id, count in session.execute(_only(query, AccountTeamMember.account_id, accounts)):
        if account_id in accounts:
            accounts[account_id].team = int(count)


def _add_revenue(session: Session, accounts: dict[int, AccountCoverage], day: date) -> None:
    query = (
        select(Order.account_id, func.sum(Order.amount))
        .where(
            Order.status != "cancelled",
            Order.ordered_at > day - timedelta(days=365),
            Order.ordered_at <= day,
        )
        .group_by(Order.account_id)
    )
    for account_id, total in session.execute(_only(query, Order.account_id, accounts)):
        if account_id in accounts:
            accounts[account_id].revenue_12m = round(float(total or 0.0), 2)


def _add_left_contacts(session: Session, accounts: dict[int, AccountCoverage], day: date) -> None:
    query = (
        select(Contact.account_id, Contact.name)
        .where(
            Contact.left_at.is_not(None),
            Contact.left_at <= day,
            Contact.left_at > day - timedelta(days=LEFT_LOOKBACK_DAYS),
        )
        .order_by(Contact.left_at, Contact.name)
    )
    for account_id, name in session.execute(_only(query, Contact.account_id, accounts)):
        if account_id in accounts:
            accounts[account_id].left_contacts.append(name)
