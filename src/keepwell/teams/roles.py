"""Retention roles and their charters: listing, editing, and which accounts lack a role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.people.models import AccountTeamMember, Employee, RetentionRole
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account
from keepwell.record.service import current_assignment
from keepwell.teams.errors import Conflict, NotFound, TeamsError

KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_ITEMS = 20


@dataclass(frozen=True)
class RoleView:
    """A retention role with its charter and how many accounts it covers today."""

    id: int
    key: str
    name: str
    charter: str
    signals: list[str]
    tasks: list[str]
    builtin: bool
    accounts: int
    lacking: int


def list_roles(session: Session, day: date | None = None) -> list[RoleView]:
    """Every role (built-ins created if missing) with covered and lacking active accounts."""
    today = day or date.today()
    roles = ensure_builtin_roles(session)
    active = session.scalar(select(func.count()).where(Account.status != "lost")) or 0
    covered = dict(
        session.execute(
            select(AccountTeamMember.role_id, func.count(func.distinct(Account.id)))
            .join(Employee, Employee.id == AccountTeamMember.employee_id)
            .join(Account, Account.id == AccountTeamMember.account_id)
            .where(current_assignment(today), Account.status != "lost")
            .group_by(AccountTeamMember.role_id)
        ).all()
    )
    views = [
        RoleView(
            r.id,
            r.key,
            r.name,
            r.charter,
            list(r.signals),
            list(r.tasks),
            r.builtin,
            int(covered.get(r.id, 0)),
            active - int(covered.get(r.id, 0)),
        )
        for r in roles.values()
    ]
    return sorted(views, key=lambda v: (not v.builtin, v.id))


def get_role(session: Session, role_id: int) -> RetentionRole:
    """The role with ``role_id``."""
    role = session.get(RetentionRole, role_id)
    if role is None:
        raise NotFound(f"no retention role with id {role_id}")
    return role


def role_by_key(session: Session, key: str) -> RetentionRole:
    """The role with ``key``."""
    role = ensure_builtin_roles(session).get(key)
    if role is None:
        raise NotFound(f"no retention role {key!r}")
    return role


def clean_items(values: list[str], what: str) -> list[str]:
    """Stripped, de-duplicated non-empty items (at most ``MAX_ITEMS``)."""
    items = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(items) > MAX_ITEMS:
        raise TeamsError(f"at most {MAX_ITEMS} {what}")
    return items


def update_role(
    session: Session,
    role: RetentionRole,
    *,
    name: str,
    charter: str,
    signals: list[str],
    tasks: list[str],
    actor: str,
) -> RetentionRole:
    """Change a role's name, charter, watched signals and tasks (audited)."""
    name, charter = name.strip(), charter.strip()
    if not name:
        raise TeamsError("the role needs a name")
    if not charter:
        raise TeamsError("the charter says what the role does to keep the customer; write it")
    new = {
        "name": name,
        "charter": charter,
        "signals": clean_items(signals, "signals"),
        "tasks": clean_items(tasks, "tasks"),
    }
    changes = {k: [getattr(role, k), v] for k, v in new.items() if getattr(role, k) != v}
    for key, value in new.items():
        setattr(role, key, value)
    if changes:
        record(
            session,
            actor=actor,
            action="role.update",
            entity="retention_role",
            entity_id=role.id,
            changes=changes,
        )
    session.flush()
    return role


def create_role(
    session: Session, *, key: str, name: str, charter: str, actor: str
) -> RetentionRole:
    """Add a company-specific role next to the built-ins (audited)."""
    key = key.strip().lower()
    if not KEY.match(key):
        raise TeamsError("the key is 2–64 lowercase letters, digits or underscores")
    if key in ensure_builtin_roles(session):
        raise Conflict(f"a role with key {key!r} exists")
    role = RetentionRole(key=key, name="", charter="", signals=[], tasks=[], builtin=False)
    session.add(role)
    update_role(session, role, name=name, charter=charter, signals=[], tasks=[], actor=actor)
    record(
        session,
        actor=actor,
        action="role.create",
        entity="retention_role",
        entity_id=role.id,
        changes={"key": key},
    )
    return role


@dataclass(frozen=True)
class LackingAccount:
    """An active account without anyone in a role."""

    account_id: int
    name: str
    segment: str | None
    region: str | None


def accounts_lacking(
    session: Session, role: RetentionRole, day: date | None = None
) -> list[LackingAccount]:
    """Active accounts where nobody currently holds ``role``, by name."""
    today = day or date.today()
    held = (
        select(AccountTeamMember.account_id)
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .where(AccountTeamMember.role_id == role.id, current_assignment(today))
    )
    query = (
        select(Account.id, Account.name, Account.segment, Account.region)
        .where(Account.status != "lost", Account.id.not_in(held))
        .order_by(func.lower(Account.name), Account.id)
    )
    return [LackingAccount(*row) for row in session.execute(query).all()]


def roles_of(session: Session, employee_id: int, day: date | None = None) -> dict[int, int]:
    """The roles an employee holds today: number of active accounts by role id."""
    query = (
        select(AccountTeamMember.role_id, func.count(func.distinct(Account.id)))
        .join(Employee, Employee.id == AccountTeamMember.employee_id)
        .join(Account, Account.id == AccountTeamMember.account_id)
        .where(
            AccountTeamMember.employee_id == employee_id,
            current_assignment(day or date.today()),
            Account.status != "lost",
        )
        .group_by(AccountTeamMember.role_id)
    )
    return {role_id: int(n) for role_id, n in session.execute(query).all()}
