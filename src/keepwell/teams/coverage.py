"""Relationship coverage from interactions: who talks to whom, and where it hangs on one thread.

An *active pair* is an employee still employed and a contact still at the customer who
had at least one interaction inside the window; a visit or call note's contacts met each
count as met by its employee. Single-threaded and uncovered are defined
once, in :mod:`keepwell.people.single_threaded` (the churn feature uses the same definition).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.days import end_of_day
from keepwell.db.prepared import prepared, read
from keepwell.people.models import AccountTeamMember, Department, Employee
from keepwell.people.presence import still_present
from keepwell.people.single_threaded import RELATIONSHIP_WINDOW_DAYS, is_single_threaded
from keepwell.record.models import Account, Contact, Interaction, InteractionContact, Order
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
    accounts = {
        row.id: AccountCoverage(row.id, row.name, row.status)
        for row in read(session, _accounts(account_ids is not None), ids=account_ids or [])
    }
    narrow = len(accounts) <= NARROW_TO_IDS
    values = {**_window(day, window_days), "ids": list(accounts)}
    holders = _add_pairs(session, accounts, narrow, values)
    _add_team(session, accounts, narrow, values)
    _add_revenue(session, accounts, narrow, values)
    _add_left_contacts(session, accounts, narrow, values)
    names = holders if account_ids is not None and narrow else _employee_names(session)
    ordered = sorted(accounts.values(), key=lambda a: (a.name.lower(), a.account_id))
    return CoverageReport(day, window_days, ordered, names)


DAY: Any = bindparam("day", type_=Date)
"""The report day, as the parameter of the prepared reads below."""


def _window(day: date, window_days: int) -> dict[str, Any]:
    """The values of the prepared reads' parameters for the report day."""
    end = end_of_day(day)
    return {
        "day": day,
        "since": end - timedelta(days=window_days),
        "end": end,
        "year_ago": day - timedelta(days=365),
        "left_since": day - timedelta(days=LEFT_LOOKBACK_DAYS),
    }


def _only(query: QueryT, column: Any, narrow: bool) -> QueryT:
    """``query`` narrowed to the accounts ``ids`` when they are few (else the dict filters)."""
    return query.where(column.in_(bindparam("ids", expanding=True))) if narrow else query


@prepared
def _accounts(chosen: bool) -> Select[*tuple[Any, ...]]:
    query = select(Account.id, Account.name, Account.status)
    if chosen:
        return query.where(Account.id.in_(bindparam("ids", expanding=True)))
    return query.where(Account.status != "lost")


@prepared
def _all_employees() -> Select[*tuple[Any, ...]]:
    return select(Employee.id, Employee.name)


def _employee_names(session: Session) -> dict[int, str]:
    """Every employee's name."""
    return {int(row.id): str(row.name) for row in read(session, _all_employees())}


@prepared
def _pairs(narrow: bool, met: bool = False) -> Select[*tuple[Any, ...]]:
    """Employee–contact pairs of the window: by the interaction's contact, or (``met``)
    by the contacts a visit or call note names as met."""
    contact_id = InteractionContact.contact_id if met else Interaction.contact_id
    query = select(
        Interaction.account_id,
        Interaction.employee_id,
        contact_id.label("contact_id"),
        Employee.name.label("employee"),
        Department.name.label("department"),
    ).distinct()
    if met:
        query = query.select_from(InteractionContact).join(
            Interaction, Interaction.id == InteractionContact.interaction_id
        )
    query = (
        query.join(Employee, Employee.id == Interaction.employee_id)
        .join(Contact, Contact.id == contact_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(
            Interaction.occurred_at >= bindparam("since"),
            Interaction.occurred_at < bindparam("end"),
            still_present(Employee.left_at, Employee.active, DAY),
            still_present(Contact.left_at, Contact.active, DAY),
        )
    )
    return _only(query, Interaction.account_id, narrow)


def _add_pairs(
    session: Session, accounts: dict[int, AccountCoverage], narrow: bool, values: dict[str, Any]
) -> dict[int, str]:
    """Fill in the active pairs; the names of the employees holding them, by id."""
    holders: dict[int, str] = {}
    seen: set[tuple[int, int, int]] = set()
    rows = [
        *read(session, _pairs(narrow), **values),
        *read(session, _pairs(narrow, True), **values),
    ]
    for row in rows:
        item = accounts.get(row.account_id)
        pair = (row.account_id, row.employee_id, row.contact_id)
        if item is None or pair in seen:
            continue
        seen.add(pair)
        item.pairs += 1
        holders[row.employee_id] = row.employee
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
    return dict(sorted(holders.items()))


@prepared
def _team(narrow: bool) -> Select[*tuple[Any, ...]]:
    query = (
        select(AccountTeamMember.account_id, func.count(func.distinct(Employee.id)).label("team"))
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(current_assignment(DAY))
        .group_by(AccountTeamMember.account_id)
    )
    return _only(query, AccountTeamMember.account_id, narrow)


def _add_team(
    session: Session, accounts: dict[int, AccountCoverage], narrow: bool, values: dict[str, Any]
) -> None:
    for row in read(session, _team(narrow), **values):
        if row.account_id in accounts:
            accounts[row.account_id].team = int(row.team)


@prepared
def _revenue(narrow: bool) -> Select[*tuple[Any, ...]]:
    query = (
        select(Order.account_id, func.sum(Order.amount).label("total"))
        .where(
            Order.status != "cancelled",
            Order.ordered_at > bindparam("year_ago"),
            Order.ordered_at <= DAY,
        )
        .group_by(Order.account_id)
    )
    return _only(query, Order.account_id, narrow)


def _add_revenue(
    session: Session, accounts: dict[int, AccountCoverage], narrow: bool, values: dict[str, Any]
) -> None:
    for row in read(session, _revenue(narrow), **values):
        if row.account_id in accounts:
            accounts[row.account_id].revenue_12m = round(float(row.total or 0.0), 2)


@prepared
def _left_contacts(narrow: bool) -> Select[*tuple[Any, ...]]:
    query = (
        select(Contact.account_id, Contact.name)
        .where(
            Contact.left_at.is_not(None),
            Contact.left_at <= DAY,
            Contact.left_at > bindparam("left_since"),
        )
        .order_by(Contact.left_at, Contact.name)
    )
    return _only(query, Contact.account_id, narrow)


def _add_left_contacts(
    session: Session, accounts: dict[int, AccountCoverage], narrow: bool, values: dict[str, Any]
) -> None:
    for row in read(session, _left_contacts(narrow), **values):
        if row.account_id in accounts:
            accounts[row.account_id].left_contacts.append(row.name)
