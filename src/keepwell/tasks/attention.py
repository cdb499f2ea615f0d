"""Who we are about to lose, why, how much, and who is on it: one row per account.

The start pages, the account list of the CLI and its JSON read these rows. Each row
joins the latest run's score (the one ranked risk, see :mod:`keepwell.insight.risk`)
with the account owner, the open task due first (the next step) and the last
interaction. Every function reads with a fixed number of statements.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import RiskBands, RiskLevel, is_negligible, risk_bands
from keepwell.insight.snapshots import latest_run
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.models import Account, Interaction
from keepwell.record.service import OWNER_ROLE, current_assignment
from keepwell.tasks.models import Task
from keepwell.tasks.schemas import OPEN_STATUSES

TOUCH_WINDOW = timedelta(days=30)
"""An account counts as touched when someone recorded an interaction this recently."""
LEVEL_ORDER = {"at_risk": 0, "watch": 1, "low": 2}


@dataclass(frozen=True)
class NextStep:
    """The open task on an account that is due first."""

    task_id: int
    title: str
    due_on: date | None
    overdue: bool

    def as_dict(self) -> dict[str, Any]:
        """``{"title", "due_on"}`` as the JSON contract names them."""
        return {"title": self.title, "due_on": self.due_on.isoformat() if self.due_on else None}


@dataclass(frozen=True)
class AccountRisk:
    """One account's risk story."""

    account_id: int
    name: str
    status: str
    risk: float | None
    level: RiskLevel
    health: float | None
    health_band: str | None
    revenue_at_risk: float | None
    owner_id: int | None
    owner: str | None
    next_step: NextStep | None
    reasons: list[str] = field(default_factory=list)
    last_touch: datetime | None = None

    @property
    def touched(self) -> bool:
        """Whether anyone recorded an interaction in the last 30 days."""
        return self.last_touch is not None

    @property
    def uncovered(self) -> bool:
        """No owner or no next step: somebody has to pick it up."""
        return self.owner_id is None or self.next_step is None

    @property
    def reason(self) -> str | None:
        """The top reason."""
        return self.reasons[0] if self.reasons else None

    @property
    def negligible(self) -> bool:
        """The revenue at risk is under the documented floor."""
        return is_negligible(self.revenue_at_risk)


@dataclass(frozen=True)
class RiskList:
    """Accounts at risk, most pressing first, and how many are uncovered."""

    rows: list[AccountRisk]
    total: int
    uncovered: int
    bands: RiskBands | None
    run: ScoreRun | None


def account_risks(
    session: Session, account_ids: Collection[int], *, day: date, run: ScoreRun | None = None
) -> dict[int, AccountRisk]:
    """The risk story of each of ``account_ids`` (scores of the latest run, or ``run``)."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    run = run or latest_run(session)
    bands = risk_bands(run.metrics) if run is not None else None
    names = session.execute(
        select(Account.id, Account.name, Account.status).where(Account.id.in_(ids))
    ).all()
    scores: dict[int, Any] = {}
    if run is not None:
        found = session.execute(
            select(
                AccountScore.account_id,
                AccountScore.churn_probability,
                AccountScore.health_score,
                AccountScore.health_band,
                AccountScore.revenue_at_risk,
                AccountScore.reasons,
            ).where(AccountScore.run_id == run.id, AccountScore.account_id.in_(ids))
        )
        scores = {row.account_id: row for row in found}
    owners = account_owners(session, ids, day)
    steps = next_steps(session, ids, day)
    touches = last_touches(session, ids, day)
    rows = {}
    for account_id, name, status in names:
        score = scores.get(account_id)
        probability = score.churn_probability if score is not None else None
        owner = owners.get(account_id)
        rows[account_id] = AccountRisk(
            account_id=account_id,
            name=name,
            status=status,
            risk=probability,
            level=bands.level(probability) if bands is not None else "low",
            health=score.health_score if score is not None else None,
            health_band=score.health_band if score is not None else None,
            revenue_at_risk=score.revenue_at_risk if score is not None else None,
            owner_id=owner[0] if owner else None,
            owner=owner[1] if owner else None,
            next_step=steps.get(account_id),
            reasons=[r["sentence"] for r in score.reasons] if score is not None else [],
            last_touch=touches.get(account_id),
        )
    return rows


def accounts_at_risk(
    session: Session,
    *,
    day: date,
    by_money: bool,
    employee_id: int | None = None,
    levels: Sequence[RiskLevel] = ("at_risk",),
    limit: int = 25,
) -> RiskList:
    """Active accounts whose risk level is in ``levels``, the uncovered ones first.

    Then by revenue at risk (``by_money``) or by risk, highest first. With
    ``employee_id`` only the accounts where that person is on the team now, ordered by
    level, uncovered, then risk: the most urgent first.
    """
    run = latest_run(session)
    if run is None:
        return RiskList([], 0, 0, None, None)
    bands = risk_bands(run.metrics)
    floor = bands.watch if "watch" in levels else bands.at_risk
    query = (
        select(AccountScore.account_id)
        .join(Account, Account.id == AccountScore.account_id)
        .where(
            AccountScore.run_id == run.id,
            AccountScore.churn_probability >= floor,
            Account.status == "active",
        )
    )
    if employee_id is not None:
        team = (
            select(AccountTeamMember.account_id)
            .join(Employee, Employee.id == AccountTeamMember.employee_id)
            .where(AccountTeamMember.employee_id == employee_id, current_assignment(day))
        )
        query = query.where(AccountScore.account_id.in_(team))
    ids = list(session.scalars(query))
    found = account_risks(session, ids, day=day, run=run)
    rows = [r for r in found.values() if r.level in levels]
    rows.sort(
        key=_mine_first if employee_id is not None else (_money_first if by_money else _risk_first)
    )
    return RiskList(rows[:limit], len(rows), sum(r.uncovered for r in rows), bands, run)


def _money_first(row: AccountRisk) -> tuple[Any, ...]:
    return (not row.uncovered, -(row.revenue_at_risk or 0.0), -(row.risk or 0.0), row.name)


def _risk_first(row: AccountRisk) -> tuple[Any, ...]:
    return (not row.uncovered, -(row.risk or 0.0), row.name)


def _mine_first(row: AccountRisk) -> tuple[Any, ...]:
    overdue = row.next_step is not None and row.next_step.overdue
    return (
        LEVEL_ORDER[row.level],
        row.next_step is not None,
        not overdue,
        -(row.risk or 0.0),
        row.name,
    )


def account_owners(
    session: Session, account_ids: Collection[int], day: date
) -> dict[int, tuple[int, str]]:
    """The current account owner (employee id and name) of each account that has one."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(AccountTeamMember.account_id, Employee.id, Employee.name)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(
            RetentionRole.key == OWNER_ROLE,
            current_assignment(day),
            AccountTeamMember.account_id.in_(sorted(account_ids)),
        )
        .order_by(AccountTeamMember.account_id, Employee.name)
    )
    owners: dict[int, tuple[int, str]] = {}
    for account_id, employee_id, name in rows:
        owners.setdefault(account_id, (employee_id, name))
    return owners


def next_steps(session: Session, account_ids: Collection[int], day: date) -> dict[int, NextStep]:
    """The open task due first on each account (tasks without a due day come last)."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(Task.id, Task.account_id, Task.title, Task.due_on)
        .where(Task.account_id.in_(sorted(account_ids)), Task.status.in_(OPEN_STATUSES))
        .order_by(Task.account_id, Task.due_on.is_(None), Task.due_on, Task.id)
    )
    steps: dict[int, NextStep] = {}
    for task_id, account_id, title, due_on in rows:
        if account_id is not None and account_id not in steps:
            overdue = due_on is not None and due_on < day
            steps[account_id] = NextStep(task_id, title, due_on, overdue)
    return steps


def last_touches(session: Session, account_ids: Collection[int], day: date) -> dict[int, datetime]:
    """The latest interaction of each account touched in the :data:`TOUCH_WINDOW` to ``day``."""
    if not account_ids:
        return {}
    since = datetime.combine(day - TOUCH_WINDOW, time(0))
    until = datetime.combine(day + timedelta(days=1), time(0))
    rows = session.execute(
        select(Interaction.account_id, func.max(Interaction.occurred_at))
        .where(
            Interaction.account_id.in_(sorted(account_ids)),
            Interaction.occurred_at >= since,
            Interaction.occurred_at < until,
        )
        .group_by(Interaction.account_id)
    )
    return {account_id: at for account_id, at in rows if at is not None}
