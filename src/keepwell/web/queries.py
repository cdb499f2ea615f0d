"""Reads the pages and the API share beyond the record's service functions.

The account list itself always comes from ``keepwell.record.service.list_accounts`` and
its filters; this module adds the page's order (by name or by the latest scores), the
scores beside each row, the filter choices, and what the "my work" page lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, and_, bindparam, exists, false, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from keepwell.days import same_day_a_year_earlier
from keepwell.db.prepared import prepared, read
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import RiskLevel, risk_bands
from keepwell.insight.snapshots import latest_run
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.record.models import Account
from keepwell.record.schemas import AccountSummary
from keepwell.record.service import (
    OWNER_ROLE,
    account_filters,
    account_summaries,
    count_accounts,
    current_assignment,
    order_totals,
)
from keepwell.tasks.attention import account_owners
from keepwell.web.params import MAX_ID

RiskFilter = Literal["at_risk", "watch"]


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
    risk: RiskFilter | None = Field(
        default=None,
        description="Only accounts at this risk level or above in the latest scoring run.",
    )
    unowned: bool = Field(default=False, description="Only accounts without a current owner.")
    left_since: date | None = Field(
        default=None, description="Only accounts that ended on or after this day."
    )

    def conditions(self, day: date, session: Session) -> list[ColumnElement[bool]]:
        """The record's own account conditions for these filters, and the risk ones."""
        found = account_filters(**self.model_dump(include=RECORD_FILTERS), day=day)
        if self.risk is not None:
            found.append(Account.id.in_(_risky_accounts(session, self.risk)))
        if self.unowned:
            found.append(Account.id.not_in(owned_accounts(day)))
        if self.left_since is not None:
            found.append(Account.ended_on >= self.left_since)
        return found

    def count(self, session: Session, day: date) -> int:
        """How many accounts match (``count_accounts`` when only the record's filters are set)."""
        if self.risk is None and not self.unowned and self.left_since is None:
            return count_accounts(session, **self.model_dump(include=RECORD_FILTERS), as_of=day)
        query = select(func.count()).select_from(Account).where(*self.conditions(day, session))
        return read(session, query).scalar() or 0


def _risky_accounts(session: Session, level: RiskFilter) -> Select[Any]:
    """The accounts of the latest run at ``level`` or above (none before the first run)."""
    run = latest_run(session)
    if run is None:
        return select(AccountScore.account_id).where(false())
    bands = risk_bands(run.metrics)
    floor = bands.at_risk if level == "at_risk" else bands.watch
    return select(AccountScore.account_id).where(
        AccountScore.run_id == run.id, AccountScore.churn_probability >= floor
    )


RECORD_FILTERS = {"status", "segment", "region", "owner", "department", "search"}
"""The filters ``keepwell.record.service.account_filters`` knows."""


def owned_accounts(day: date) -> Select[Any]:
    """The ids of accounts with a current account owner."""
    return (
        select(AccountTeamMember.account_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(RetentionRole.key == OWNER_ROLE, current_assignment(day))
    )


SORTS: dict[str, str] = {
    "name": "Name",
    "risk": "Risk, highest first",
    "health": "Health, lowest first",
    "at_risk": "Revenue at risk, highest first",
}
"""The portfolio's orders; ``at_risk`` only for roles that see money."""
SORT_FIELDS: dict[str, str] = {"at_risk": "score.revenue_at_risk"}
"""The declared fields the portfolio's orders read (refused where hidden)."""


@dataclass(frozen=True)
class RowScore:
    """The latest scores a portfolio row shows (without reasons and features)."""

    account_id: int
    churn_probability: float | None
    health_score: float | None
    health_band: str
    revenue_at_risk: float | None


SCORE_COLUMNS = (
    AccountScore.account_id,
    AccountScore.churn_probability,
    AccountScore.health_score,
    AccountScore.health_band,
    AccountScore.revenue_at_risk,
)


@dataclass(frozen=True)
class PortfolioRow:
    """An account now, one year earlier (for the trend), and its latest scores."""

    account: AccountSummary
    year_before: tuple[int, float] | None
    """Orders and revenue of the twelve months a year earlier."""
    score: RowScore | None = None
    owner: str | None = None
    level: RiskLevel | None = None
    """The risk level of the latest run (None when not scored)."""

    @property
    def revenue_change(self) -> float | None:
        """Relative change of twelve-month revenue against the year before."""
        before = self.year_before[1] if self.year_before else 0.0
        return (self.account.revenue_12m - before) / before if before else None

    @property
    def orders_change(self) -> float | None:
        """Relative change of twelve-month order count against the year before."""
        before = self.year_before[0] if self.year_before else 0
        return (self.account.orders_12m - before) / before if before else None


@dataclass(frozen=True)
class PortfolioPage:
    """One page of the portfolio, how many accounts match in all, and the run scored."""

    rows: list[PortfolioRow]
    total: int
    run: ScoreRun | None = None


def portfolio(
    session: Session,
    filters: PortfolioFilters,
    *,
    offset: int,
    limit: int,
    day: date,
    trend: bool = True,
    sort: str = "name",
) -> PortfolioPage:
    """Accounts filtered and sorted, one page; with ``trend`` also as of a year earlier.

    Unless sorted by name, accounts follow the latest run's scores (unscored ones last).
    """
    total = filters.count(session, day)
    run = latest_run(session)
    ids = _page_ids(
        session, filters.conditions(day, session), run, sort, offset=offset, limit=limit
    )
    if not ids:
        return PortfolioPage([], total, run)
    now = {a.id: a for a in account_summaries(session, ids, day)}
    before: dict[int, tuple[int, float]] = {}
    scores: dict[int, RowScore] = {}
    if trend:
        before = order_totals(session, ids, same_day_a_year_earlier(day))
    levels: dict[int, RiskLevel] = {}
    if run is not None:
        found = read(session, _row_scores(), run=run.id, ids=ids)
        scores = {s.account_id: RowScore(**s._mapping) for s in found}
        bands = risk_bands(run.metrics)
        levels = {i: bands.level(s.churn_probability) for i, s in scores.items()}
    owners = account_owners(session, ids, day)
    rows = [
        PortfolioRow(
            now[i], before.get(i), scores.get(i), owners.get(i, (0, None))[1], levels.get(i)
        )
        for i in ids
        if i in now
    ]
    return PortfolioPage(rows, total, run)


@prepared
def _row_scores() -> Select[*tuple[Any, ...]]:
    """The scores a page of rows shows, from one run."""
    return select(*SCORE_COLUMNS).where(
        AccountScore.run_id == bindparam("run"),
        AccountScore.account_id.in_(bindparam("ids", expanding=True)),
    )


def _page_ids(
    session: Session,
    conditions: list[ColumnElement[bool]],
    run: ScoreRun | None,
    sort: str,
    *,
    offset: int,
    limit: int,
) -> list[int]:
    by_name = (func.lower(Account.name), Account.id)
    if run is None or sort not in SCORE_ORDER:
        query = select(Account.id).where(*conditions).order_by(*by_name)
        return list(read(session, query.offset(offset).limit(limit)).scalars())
    # Scored accounts in score order (read along the run's score index), then the others.
    column, descending = SCORE_ORDER[sort]
    has_key = and_(AccountScore.run_id == run.id, column.is_not(None))
    scored = (
        select(Account.id)
        .join(AccountScore, AccountScore.account_id == Account.id)
        .where(has_key, *conditions)
    )
    # Equal scores by account id: the account is then checked in the status index alone,
    # without reading its row (a third of the cost of ordering ties by name).
    ordered = scored.order_by(column.desc() if descending else column, Account.id)
    ids = list(read(session, ordered.offset(offset).limit(limit)).scalars())
    if len(ids) == limit:
        return ids
    count = select(func.count()).select_from(scored.subquery())
    before = offset + len(ids) if ids else session.scalar(count) or 0
    unscored = (
        select(Account.id)
        .where(*conditions, ~exists().where(AccountScore.account_id == Account.id, has_key))
        .order_by(*by_name)
    )
    rest = unscored.offset(max(0, offset - before)).limit(limit - len(ids))
    return ids + list(read(session, rest).scalars())


SCORE_ORDER: dict[str, tuple[Any, bool]] = {
    "risk": (AccountScore.churn_probability, True),
    "health": (AccountScore.health_score, False),
    "at_risk": (AccountScore.revenue_at_risk, True),
}
"""The score column each sort follows, and whether highest first."""


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
