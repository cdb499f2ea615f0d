"""Editing an account's cross-functional team: add a person in a role, end a membership.

Memberships are never deleted: ending one sets ``until``, so the team's history stays
available to the workforce view (team changes against churn).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.people.models import AccountTeamMember, Department, Employee, RetentionRole
from keepwell.people.presence import is_present, still_present
from keepwell.record.models import Account
from keepwell.record.service import current_assignment
from keepwell.teams.errors import Conflict, NotFound, TeamsError
from keepwell.teams.roles import role_by_key

SOURCE = "keepwell"


@dataclass(frozen=True)
class Member:
    """One membership of an account team."""

    id: int
    employee_id: int
    name: str
    department: str | None
    role_key: str
    role: str
    since: date | None
    until: date | None
    current: bool
    source: str


def get_account(session: Session, account_id: int) -> Account:
    """The account with ``account_id``."""
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account with id {account_id}")
    return account


def team_members(session: Session, account_id: int, day: date | None = None) -> list[Member]:
    """Every membership of the account's team, current ones first, then by role and name."""
    today = day or date.today()
    query = (
        select(
            AccountTeamMember.id,
            AccountTeamMember.employee_id,
            Employee.name,
            Department.name.label("department"),
            RetentionRole.key.label("role_key"),
            RetentionRole.name.label("role"),
            AccountTeamMember.since,
            AccountTeamMember.until,
            current_assignment(today).label("current"),
            AccountTeamMember.source,
        )
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .outerjoin(Department, Department.id == Employee.department_id)
        .where(AccountTeamMember.account_id == account_id)
    )
    members = [Member(**row) for row in session.execute(query).mappings()]
    return sorted(members, key=lambda m: (not m.current, m.role, m.name, m.id))


def active_employees(session: Session, day: date | None = None) -> list[Employee]:
    """Employees still employed on ``day``, by name (the choices for a team)."""
    query = select(Employee).where(
        still_present(Employee.left_at, Employee.active, day or date.today())
    )
    return list(session.scalars(query.order_by(Employee.name, Employee.id)))


def add_member(
    session: Session,
    account_id: int,
    *,
    employee_id: int,
    role_key: str,
    since: date | None = None,
    actor: str,
) -> AccountTeamMember:
    """Put an employee on the account's team in a role from ``since`` (default today)."""
    start = since or date.today()
    get_account(session, account_id)
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(f"no employee with id {employee_id}")
    if not is_present(employee.left_at, employee.active, start):
        raise TeamsError(f"{employee.name} no longer works here")
    role = role_by_key(session, role_key)
    if any(
        m.employee_id == employee_id and m.role_key == role.key and m.current
        for m in team_members(session, account_id, start)
    ):
        raise Conflict(f"{employee.name} is already {role.name} on this account")
    member = AccountTeamMember(
        account_id=account_id,
        employee_id=employee_id,
        role_id=role.id,
        since=start,
        source=SOURCE,
        external_id=f"kw-{uuid.uuid4().hex}",
    )
    session.add(member)
    session.flush()
    record(
        session,
        actor=actor,
        action="team.add",
        entity="account",
        entity_id=account_id,
        changes={"employee": employee.name, "role": role.name, "since": start.isoformat()},
    )
    return member


def end_member(
    session: Session, account_id: int, member_id: int, *, until: date | None = None, actor: str
) -> AccountTeamMember:
    """End a membership on ``until`` (default today); the row stays as history."""
    end = until or date.today()
    member = session.get(AccountTeamMember, member_id)
    if member is None or member.account_id != account_id:
        raise NotFound(f"no team member {member_id} on account {account_id}")
    if member.until is not None and member.until <= end:
        raise Conflict("this membership has already ended")
    if member.since is not None and end < member.since:
        raise TeamsError("a membership cannot end before it started")
    member.until = end
    session.flush()
    employee = session.get(Employee, member.employee_id)
    role = session.get(RetentionRole, member.role_id)
    record(
        session,
        actor=actor,
        action="team.end",
        entity="account",
        entity_id=account_id,
        changes={
            "employee": employee.name if employee else None,
            "role": role.name if role else None,
            "until": end.isoformat(),
        },
    )
    return member
