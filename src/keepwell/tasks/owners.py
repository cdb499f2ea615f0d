"""Who should own an account's task: the team member in a role, else the account owner."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.service import current_assignment

ACCOUNT_OWNER = "account_owner"
EXECUTIVE_SPONSOR = "executive_sponsor"


def deactivated_employees() -> Select[int | None]:
    """The ids of employees whose user was deactivated (they count as gone)."""
    return select(User.employee_id).where(User.active.is_(False), User.employee_id.is_not(None))


def team_holders(session: Session, account_id: int, day: date) -> dict[str, list[Employee]]:
    """The current team of an account: employees by retention-role key, longest-serving first.

    Employees whose user was deactivated count as gone.
    """
    query = (
        select(RetentionRole.key, Employee)
        .join(AccountTeamMember, AccountTeamMember.role_id == RetentionRole.id)
        .join(Employee, AccountTeamMember.employee_id == Employee.id)
        .where(
            AccountTeamMember.account_id == account_id,
            current_assignment(day),
            Employee.id.not_in(deactivated_employees()),
        )
        .order_by(AccountTeamMember.since, AccountTeamMember.id)
    )
    holders: dict[str, list[Employee]] = {}
    for key, employee in session.execute(query):
        holders.setdefault(key, []).append(employee)
    return holders


def owner_for(
    session: Session,
    account_id: int,
    role_key: str | None,
    day: date,
    fallback_id: int | None = None,
) -> tuple[Employee | None, str | None]:
    """Who owns a task for ``role_key`` on the account, and the role they hold.

    The holder of the role, else the account owner, else ``fallback_id`` (a leaver's
    manager, ...), else the executive sponsor or anyone left on the team.
    """
    holders = team_holders(session, account_id, day)
    for key in (role_key, ACCOUNT_OWNER):
        if key and holders.get(key):
            return holders[key][0], key
    if fallback_id is not None:
        fallback = session.get(Employee, fallback_id)
        if fallback is not None:
            return fallback, role_key
    for key in (EXECUTIVE_SPONSOR, *holders):
        if holders.get(key):
            return holders[key][0], key
    return None, role_key
