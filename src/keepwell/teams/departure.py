"""Departure impact: which accounts lose their only relationship if an employee leaves.

``departure_impact`` answers the what-if for one employee; ``departure_ranking`` ranks
everyone by the revenue that hangs on them alone. ``departed_holdings`` lists, for
employees who actually left (``left_at`` set, inactive, or their user deactivated), each
account they held, so that a hand-over task can be created for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, not_, or_, select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.days import end_of_day
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.people.presence import still_present
from keepwell.record.models import Account, Interaction
from keepwell.teams.coverage import CoverageReport
from keepwell.teams.errors import NotFound, TeamsError


@dataclass
class DepartureImpact:
    """What leaves with one employee: accounts where they hold the only active relationship."""

    employee_id: int
    name: str
    accounts: list[dict[str, Any]] = field(default_factory=list)
    shared_accounts: int = 0

    @property
    def revenue_12m(self) -> float:
        """Trailing-year revenue of the accounts that would lose their only relationship."""
        return round(float(sum(a["revenue_12m"] for a in self.accounts)), 2)

    def as_dict(self, *, money: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; amounts left out without ``money``."""
        data = asdict(self)
        data["sole_accounts"] = len(self.accounts)
        if money:
            data["revenue_12m"] = self.revenue_12m
        else:
            data["accounts"] = [
                {k: v for k, v in a.items() if k != "revenue_12m"} for a in self.accounts
            ]
        return data


def departure_impact(report: CoverageReport, employee_id: int) -> DepartureImpact:
    """The accounts of ``report`` whose only active relationship is ``employee_id``'s."""
    impact = DepartureImpact(employee_id, report.employee_names.get(employee_id, "?"))
    for item in report.accounts:
        if item.holders == [employee_id]:
            impact.accounts.append(
                {"account_id": item.account_id, "name": item.name, "revenue_12m": item.revenue_12m}
            )
        elif employee_id in item.holders:
            impact.shared_accounts += 1
    impact.accounts.sort(key=lambda a: (-a["revenue_12m"], a["name"]))
    return impact


def departure_ranking(report: CoverageReport, *, limit: int | None = None) -> list[DepartureImpact]:
    """Every employee who is the only relationship somewhere, most revenue at stake first."""
    sole = {a.holders[0] for a in report.accounts if len(a.holders) == 1}
    ranked = sorted(
        (departure_impact(report, employee_id) for employee_id in sole),
        key=lambda i: (-i.revenue_12m, -len(i.accounts), i.name),
    )
    return ranked[:limit] if limit is not None else ranked


@dataclass(frozen=True)
class Holding:
    """An account a departed employee held, needing a hand-over."""

    employee_id: int
    employee: str
    left_on: date | None
    account_id: int
    account: str
    roles: tuple[str, ...]
    last_interaction: date | None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def departed_employees(session: Session, as_of: date) -> dict[int, tuple[str, date | None]]:
    """Employees gone on ``as_of`` (left, inactive, or user deactivated): name and leaving day."""
    deactivated = select(User.employee_id).where(
        User.active.is_(False), User.employee_id.is_not(None)
    )
    query = select(Employee.id, Employee.name, Employee.left_at).where(
        or_(
            not_(still_present(Employee.left_at, Employee.active, as_of)),
            Employee.id.in_(deactivated),
        )
    )
    return {row.id: (row.name, row.left_at) for row in session.execute(query)}


def departed_holdings(
    session: Session, as_of: date | None = None, *, window_days: int = 180
) -> list[Holding]:
    """For each departed employee, every active account they held when they left.

    Held means a team role running on the day before they left, or interactions in the
    ``window_days`` before leaving. The hand-over task for each holding belongs to the
    tasks feature; this function only says what needs handing over.
    """
    day = as_of or date.today()
    gone = departed_employees(session, day)
    if not gone:
        return []
    roles = _roles_held(session, gone, day)
    talks = _last_interactions(session, gone, day, window_days)
    names = dict(
        session.execute(
            select(Account.id, Account.name).where(
                Account.id.in_({a for _, a in roles} | {a for _, a in talks}),
                Account.status != "lost",
            )
        ).all()
    )
    holdings = [
        Holding(
            employee_id,
            gone[employee_id][0],
            gone[employee_id][1],
            account_id,
            names[account_id],
            tuple(sorted(roles.get((employee_id, account_id), ()))),
            talks.get((employee_id, account_id)),
        )
        for employee_id, account_id in sorted(set(roles) | set(talks))
        if account_id in names
    ]
    return sorted(holdings, key=lambda h: (h.employee, h.account))


def _leaving_day(gone: dict[int, tuple[str, date | None]], employee_id: int, day: date) -> date:
    left = gone[employee_id][1]
    return left if left is not None else day


def _roles_held(
    session: Session, gone: dict[int, tuple[str, date | None]], day: date
) -> dict[tuple[int, int], set[str]]:
    query = (
        select(
            AccountTeamMember.employee_id,
            AccountTeamMember.account_id,
            AccountTeamMember.since,
            AccountTeamMember.until,
            RetentionRole.key,
        )
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(AccountTeamMember.employee_id.in_(gone))
    )
    held: dict[tuple[int, int], set[str]] = {}
    for row in session.execute(query):
        last_day = _leaving_day(gone, row.employee_id, day) - timedelta(days=1)
        if (row.since is None or row.since <= last_day) and (
            row.until is None or row.until > last_day
        ):
            held.setdefault((row.employee_id, row.account_id), set()).add(row.key)
    return held


def _last_interactions(
    session: Session, gone: dict[int, tuple[str, date | None]], day: date, window_days: int
) -> dict[tuple[int, int], date]:
    query = select(Interaction.employee_id, Interaction.account_id, Interaction.occurred_at).where(
        Interaction.employee_id.in_(gone), Interaction.occurred_at < end_of_day(day)
    )
    last: dict[tuple[int, int], date] = {}
    for row in session.execute(query):
        assert row.employee_id is not None
        leaving = _leaving_day(gone, row.employee_id, day)
        when = row.occurred_at.date()
        if leaving - timedelta(days=window_days) <= when <= leaving:
            key = (row.employee_id, row.account_id)
            last[key] = max(when, last.get(key, when))
    return last


def find_employee(session: Session, name_or_id: str) -> Employee:
    """The employee with this id, or the one whose name contains the text (case-insensitive)."""
    text = name_or_id.strip()
    if text.isdigit():
        found = session.get(Employee, int(text))
        if found is not None:
            return found
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = list(
        session.scalars(
            select(Employee).where(func.lower(Employee.name).like(pattern, escape="\\")).limit(6)
        )
    )
    exact = [e for e in matches if e.name.lower() == text.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise NotFound(f"no employee matches {name_or_id!r}")
    names = ", ".join(e.name for e in matches[:5])
    raise TeamsError(f"{name_or_id!r} matches several employees: {names}")
