"""Workforce view: retention capacity per role and department, overloads and gaps, team
changes against churn, and a job-description profile for every retention role.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.record.models import Account
from keepwell.record.service import current_assignment
from keepwell.teams.coverage import coverage_report
from keepwell.teams.roles import list_roles

OVERLOAD = 1.5
"""A person holding more than this times the role's median number of accounts is overloaded."""


@dataclass
class RoleCapacity:
    """How many people hold a role, over how many accounts and how much revenue."""

    key: str
    name: str
    people: int = 0
    accounts: int = 0
    revenue_12m: float = 0.0
    lacking: int = 0
    median_accounts: float = 0.0
    overloaded: list[tuple[str, int]] = field(default_factory=list)


def current_team(session: Session, day: date) -> list[Any]:
    """Current memberships on active accounts: account, employee, department, role key."""
    query = (
        select(
            AccountTeamMember.account_id,
            Employee.id.label("employee_id"),
            Employee.name,
            Department.name.label("department"),
            RetentionRole.key,
        )
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .join(Account, Account.id == AccountTeamMember.account_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(current_assignment(day), Account.status != "lost")
    )
    return list(session.execute(query).all())


def capacity(session: Session, day: date | None = None) -> dict[str, Any]:
    """Capacity per role and per department on ``day``: people, accounts, revenue, overloads."""
    today = day or date.today()
    revenue = {a.account_id: a.revenue_12m for a in coverage_report(session, today).accounts}
    rows = current_team(session, today)
    roles = {
        r.key: RoleCapacity(r.key, r.name, lacking=r.lacking) for r in list_roles(session, today)
    }
    held: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    departments: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        held[row.key][row.name].add(row.account_id)
        departments[row.department or "(none)"]["people"].add(row.employee_id)
        departments[row.department or "(none)"]["accounts"].add(row.account_id)
    for key, people in held.items():
        role = roles[key]
        accounts = set().union(*people.values())
        counts = [len(a) for a in people.values()]
        role.people, role.accounts = len(people), len(accounts)
        role.revenue_12m = round(sum(revenue.get(a, 0.0) for a in accounts), 2)
        role.median_accounts = float(median(counts))
        limit = OVERLOAD * role.median_accounts
        role.overloaded = sorted(
            ((name, len(a)) for name, a in people.items() if len(a) > limit), key=lambda p: -p[1]
        )
    by_department = [
        {
            "department": name,
            "people": len(sets["people"]),
            "accounts": len(sets["accounts"]),
            "revenue_12m": round(sum(revenue.get(a, 0.0) for a in sets["accounts"]), 2),
            "accounts_per_person": round(len(sets["accounts"]) / len(sets["people"]), 1),
        }
        for name, sets in sorted(departments.items())
    ]
    return {"as_of": today.isoformat(), "roles": list(roles.values()), "departments": by_department}


def team_changes_and_churn(
    session: Session, day: date | None = None, *, threshold: int = 2
) -> dict[str, Any]:
    """Churn in the last year of accounts whose team changed ``threshold``+ times the year before.

    The cohort is the accounts active a year ago (``start``) that had started a year before
    that; a change is someone joining or leaving the account's team, or a team member
    leaving the company, in the year before ``start``. Churn is the account being lost
    after ``start``. Changes caused by the loss itself fall outside the window.
    """
    today = day or date.today()
    start = today - timedelta(days=365)
    window = start - timedelta(days=365)
    accounts = session.execute(
        select(Account.id, Account.started_on, Account.status, Account.ended_on)
    ).all()
    cohort = {
        a.id: a.status == "lost" and a.ended_on is not None and start < a.ended_on <= today
        for a in accounts
        if (a.started_on is None or a.started_on <= window)
        and not (a.status == "lost" and (a.ended_on is None or a.ended_on <= start))
    }
    changes: dict[int, int] = defaultdict(int)
    members = session.execute(
        select(
            AccountTeamMember.account_id,
            AccountTeamMember.since,
            AccountTeamMember.until,
            Employee.left_at,
        ).join(Employee, Employee.id == AccountTeamMember.employee_id)
    ).all()
    for m in members:
        for moment in {m.since, m.until or m.left_at}:
            if moment is not None and window < moment <= start:
                changes[m.account_id] += 1
    groups = {"changed": [0, 0], "stable": [0, 0]}
    for account_id, churned in cohort.items():
        group = groups["changed" if changes[account_id] >= threshold else "stable"]
        group[0] += 1
        group[1] += churned
    rates = {k: (v[1] / v[0] if v[0] else None) for k, v in groups.items()}
    ratio = (
        round(rates["changed"] / rates["stable"], 2)
        if rates["changed"] is not None and rates["stable"]
        else None
    )
    return {
        "as_of": today.isoformat(),
        "threshold": threshold,
        "cohort_start": start.isoformat(),
        "changed": {
            "accounts": groups["changed"][0],
            "churned": groups["changed"][1],
            "rate": _round(rates["changed"]),
        },
        "stable": {
            "accounts": groups["stable"][0],
            "churned": groups["stable"][1],
            "rate": _round(rates["stable"]),
        },
        "ratio": ratio,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
