"""Reads the pages and the API share beyond the record's service functions.

The account list itself always comes from ``keepwell.record.service.list_accounts``;
this module only adds what the portfolio filters by (owner, department) and what the
"my work" page lists (the signed-in person's assignments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.record.models import Account
from keepwell.record.schemas import AccountSummary
from keepwell.record.service import count_accounts, current_assignment, list_accounts
from keepwell.web.params import MAX_ID

OWNER_ROLE = "account_owner"


class PortfolioFilters(BaseModel):
    """What the portfolio is filtered by; ``status`` None means any status."""

    model_config = ConfigDict(frozen=True)

    status: str | None = Field(default=None, max_length=16)
    segment: str | None = Field(default=None, max_length=64)
    region: str | None = Field(default=None, max_length=64)
    owner: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Employee id of the account owner."
    )
    department: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="Department id of someone on the account team."
    )
    search: str | None = Field(default=None, max_length=255)

    def accounts(
        self,
        session: Session,
        day: date,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[AccountSummary]:
        """``list_accounts`` with the filters it understands itself."""
        return list_accounts(
            session,
            status=self.status,
            segment=self.segment,
            region=self.region,
            search=self.search,
            limit=limit,
            offset=offset,
            as_of=day,
        )

    def count(self, session: Session) -> int:
        """``count_accounts`` with the filters it understands itself."""
        return count_accounts(
            session,
            status=self.status,
            segment=self.segment,
            region=self.region,
            search=self.search,
        )


@dataclass(frozen=True)
class PortfolioRow:
    """An account now and the same account one year earlier (for the trend)."""

    account: AccountSummary
    year_before: AccountSummary | None

    @property
    def revenue_change(self) -> float | None:
        """Relative change of twelve-month revenue against the year before."""
        before = self.year_before.revenue_12m if self.year_before else 0.0
        return (self.account.revenue_12m - before) / before if before else None

    @property
    def orders_change(self) -> float | None:
        """Relative change of twelve-month order count against the year before."""
        before = self.year_before.orders_12m if self.year_before else 0
        return (self.account.orders_12m - before) / before if before else None


@dataclass(frozen=True)
class PortfolioPage:
    """One page of the portfolio and how many accounts match in all."""

    rows: list[PortfolioRow]
    total: int


def portfolio(
    session: Session,
    filters: PortfolioFilters,
    *,
    offset: int,
    limit: int,
    day: date,
    trend: bool = True,
) -> PortfolioPage:
    """Accounts by name, filtered, one page; with ``trend`` also as of a year earlier."""
    earlier_day = year_before(day)
    team_ids = team_account_ids(session, filters.owner, filters.department, day)
    before: list[AccountSummary] = []
    if team_ids is None:
        total = filters.count(session)
        now = filters.accounts(session, day, limit=limit, offset=offset)
        if trend:
            before = filters.accounts(session, earlier_day, limit=limit, offset=offset)
    else:
        matching = [a for a in filters.accounts(session, day) if a.id in team_ids]
        total, now = len(matching), matching[offset : offset + limit]
        if trend:
            shown = {a.id for a in now}
            before = [a for a in filters.accounts(session, earlier_day) if a.id in shown]
    earlier = {a.id: a for a in before}
    return PortfolioPage([PortfolioRow(a, earlier.get(a.id)) for a in now], total)


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def team_account_ids(
    session: Session, owner: int | None, department: int | None, day: date
) -> set[int] | None:
    """Accounts owned by ``owner`` and served by ``department``; None when neither is set."""
    if owner is None and department is None:
        return None
    found: set[int] | None = None
    conditions: list[ColumnElement[bool]] = []
    if owner is not None:
        conditions.append(and_(Employee.id == owner, RetentionRole.key == OWNER_ROLE))
    if department is not None:
        conditions.append(Employee.department_id == department)
    for condition in conditions:
        query = (
            select(AccountTeamMember.account_id)
            .join(Employee, Employee.id == AccountTeamMember.employee_id)
            .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
            .where(current_assignment(day), condition)
        )
        ids = set(session.scalars(query))
        found = ids if found is None else found & ids
    return found


@dataclass(frozen=True)
class Option:
    """A choice in a filter."""

    value: str
    label: str


@dataclass(frozen=True)
class FilterOptions:
    """The choices of the portfolio filters."""

    statuses: list[Option]
    segments: list[Option]
    regions: list[Option]
    owners: list[Option]
    departments: list[Option]


def filter_options(session: Session, day: date) -> FilterOptions:
    """Every status, segment, region, current account owner and department there is."""

    def distinct(column: Any) -> list[Option]:
        values = session.scalars(select(column).where(column.is_not(None)).distinct())
        return [Option(v, v) for v in sorted(v for v in values if v)]

    owners = session.execute(
        select(Employee.id, Employee.name)
        .join(AccountTeamMember, AccountTeamMember.employee_id == Employee.id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(RetentionRole.key == OWNER_ROLE, current_assignment(day))
        .distinct()
        .order_by(Employee.name)
    )
    departments = session.execute(select(Department.id, Department.name).order_by(Department.name))
    return FilterOptions(
        statuses=distinct(Account.status),
        segments=distinct(Account.segment),
        regions=distinct(Account.region),
        owners=[Option(str(i), n) for i, n in owners],
        departments=[Option(str(i), n) for i, n in departments],
    )


@dataclass(frozen=True)
class Assignment:
    """One account a person works on, and their retention role there."""

    account_id: int
    account: str
    status: str
    segment: str | None
    region: str | None
    role_key: str
    role: str
    charter: str
    since: date | None


def assignments(
    session: Session, employee_id: int, day: date, *, limit: int, offset: int
) -> tuple[list[Assignment], int]:
    """The employee's current roles on accounts, by account name; and how many in all."""
    where = (AccountTeamMember.employee_id == employee_id, current_assignment(day))
    joined = (
        select(
            Account.id.label("account_id"),
            Account.name.label("account"),
            Account.status,
            Account.segment,
            Account.region,
            RetentionRole.key.label("role_key"),
            RetentionRole.name.label("role"),
            RetentionRole.charter,
            AccountTeamMember.since,
        )
        .join(Account, Account.id == AccountTeamMember.account_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(*where)
    )
    query = joined.order_by(func.lower(Account.name), Account.id, RetentionRole.name)
    rows = session.execute(query.offset(offset).limit(limit)).mappings()
    total_query = (
        select(func.count())
        .select_from(AccountTeamMember)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(*where)
    )
    return [Assignment(**row) for row in rows], session.scalar(total_query) or 0
