"""Who may edit roles, charters and account teams, and who owns an account."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.auth.permissions import Permission, Role
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.record.service import current_assignment
from keepwell.teams.errors import NotAllowed

LEADING_ROLES = frozenset({Role.LEADER.value, Role.ADMIN.value})


def is_leader(user: User, permissions: frozenset[Permission]) -> bool:
    """True for leaders and admins who may write (tokens need a write scope)."""
    return user.role in LEADING_ROLES and Permission.WRITE in permissions


def is_admin(user: User) -> bool:
    """True for admins: they may stand in for any department (e.g. an RFQ review)."""
    return user.role == Role.ADMIN.value


def require_leader(user: User, permissions: frozenset[Permission], what: str) -> None:
    """Refuse ``what`` unless the user is a leader or an admin."""
    if not is_leader(user, permissions):
        raise NotAllowed(f"only leaders and admins may {what}")


def owns_account(session: Session, employee_id: int | None, account_id: int, day: date) -> bool:
    """True when the employee is a current account owner of the account."""
    if employee_id is None:
        return False
    query = (
        select(AccountTeamMember.id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(RetentionRole, RetentionRole.id == AccountTeamMember.role_id)
        .where(
            AccountTeamMember.account_id == account_id,
            AccountTeamMember.employee_id == employee_id,
            RetentionRole.key == "account_owner",
            current_assignment(day),
        )
        .limit(1)
    )
    return session.scalar(query) is not None
