"""Users: creating them, changing their role, name, employee link and password.

Every change is written to the audit log with the acting user's email (or ``cli``).
"""

from __future__ import annotations

from types import EllipsisType
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from keepwell.audit.service import record
from keepwell.auth.models import ApiToken, User, UserSession
from keepwell.auth.passwords import hash_password, verify_password
from keepwell.auth.permissions import Role
from keepwell.days import utcnow
from keepwell.db.prepared import prepared
from keepwell.errors import Invalid
from keepwell.people.models import Employee

MAX_EMAIL = 255


class UserError(Invalid):
    """A user change cannot be made as asked (the message says why)."""


def normalize_email(email: str) -> str:
    """The email trimmed and lower-cased, as it is stored."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised email, or ``UserError`` if it cannot be one."""
    normal = normalize_email(email)
    local, at, domain = normal.partition("@")
    if not (local and at and domain) or len(normal) > MAX_EMAIL or " " in normal:
        raise UserError(f"{email!r} is not an email address")
    return normal


def check_role(role: str) -> Role:
    """The role named ``role``, or ``UserError`` listing the roles."""
    try:
        return Role(role)
    except ValueError:
        raise UserError(
            f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}"
        ) from None


def find_user(session: Session, email: str) -> User | None:
    """The user with this email (any case), if any."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def list_users(session: Session, *, limit: int | None = None, offset: int = 0) -> list[User]:
    """Users by email."""
    query = select(User).order_by(User.email).offset(offset).limit(limit)
    return list(session.scalars(query))


def count_users(session: Session) -> int:
    """How many users there are."""
    return session.scalar(select(func.count(User.id))) or 0


def employee_for(session: Session, user: User) -> Employee | None:
    """The user's employee record: the linked one, else the active employee with their email."""
    if user.employee_id is not None:
        return session.get(Employee, user.employee_id)
    return session.scalar(_employee_by_email(), {"email": user.email})


@prepared
def _employee_by_email() -> Select[Employee]:
    """The active employee with an email (any case) first; built once, asked per request."""
    return (
        select(Employee)
        .where(func.lower(Employee.email) == bindparam("email"))
        .order_by(Employee.active.desc(), Employee.id)
        .limit(1)
    )


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    actor: str,
    employee_id: int | None = None,
) -> User:
    """Add a user (the password is hashed); ``UserError`` for a taken email or bad input."""
    normal = check_email(email)
    checked_role = check_role(role)
    if find_user(session, normal) is not None:
        raise UserError(f"a user with email {normal} already exists")
    _check_employee(session, employee_id)
    user = User(
        email=normal,
        name=name.strip() or normal,
        role=checked_role.value,
        password_hash=hash_password(password),
        active=True,
        employee_id=employee_id,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    changes = {"email": normal, "role": checked_role.value}
    record(
        session,
        actor=actor,
        action="user.created",
        entity="users",
        entity_id=user.id,
        changes=changes,
    )
    return user


def update_user(
    session: Session,
    user: User,
    *,
    actor: str,
    role: str | None = None,
    active: bool | None = None,
    name: str | None = None,
    employee_id: int | EllipsisType | None = ...,
) -> dict[str, list[Any]]:
    """Change the given fields; return the changes as ``{field: [old, new]}``.

    A role change is audited as ``user.role_changed``, anything else as ``user.updated``.
    Deactivating a user ends their sessions. The last active admin cannot be demoted
    or deactivated.
    """
    wanted: dict[str, Any] = {}
    if role is not None:
        wanted["role"] = check_role(role).value
    if active is not None:
        wanted["active"] = active
    if name is not None and name.strip():
        wanted["name"] = name.strip()
    if not isinstance(employee_id, EllipsisType):
        _check_employee(session, employee_id)
        wanted["employee_id"] = employee_id
    changes = {k: [getattr(user, k), v] for k, v in wanted.items() if getattr(user, k) != v}
    if not changes:
        return changes
    _guard_last_admin(session, user, wanted)
    for field, (_old, new) in changes.items():
        setattr(user, field, new)
    if changes.get("active") == [True, False]:
        end_user_sessions(session, user.id)
    action = "user.role_changed" if "role" in changes else "user.updated"
    record(session, actor=actor, action=action, entity="users", entity_id=user.id, changes=changes)
    return changes


def set_password(session: Session, user: User, password: str, *, actor: str) -> None:
    """Replace the password (an admin's reset): the user's sessions end and their API
    tokens are revoked."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_user_sessions(session, user.id)
    revoked = revoke_user_tokens(session, user.id)
    changes = {"tokens_revoked": revoked}
    record(
        session,
        actor=actor,
        action="user.password_reset",
        entity="users",
        entity_id=user.id,
        changes=changes,
    )


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    keep_session: int | None = None,
    checked: bool = False,
) -> None:
    """The user's own change: ``UserError`` unless ``current`` is right (already
    ``checked`` by the rate-limited ``login.check_current_password``, or checked here);
    the user's other sessions end and their API tokens are revoked."""
    if not checked and not verify_password(user.password_hash, current):
        raise UserError("the current password is not right")
    if current == new:
        raise UserError("the new password must differ from the current one")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_user_sessions(session, user.id, keep=keep_session)
    revoked = revoke_user_tokens(session, user.id)
    record(
        session,
        actor=user.email,
        action="auth.password_changed",
        entity="users",
        entity_id=user.id,
        changes={"tokens_revoked": revoked},
    )


def revoke_user_tokens(session: Session, user_id: int) -> int:
    """Revoke every live API token of the user; how many were revoked."""
    query = (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def end_user_sessions(session: Session, user_id: int, *, keep: int | None = None) -> None:
    """Delete the user's browser sessions, except the one with id ``keep``."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    session.execute(query)


def _check_employee(session: Session, employee_id: int | None) -> None:
    if employee_id is not None and session.get(Employee, employee_id) is None:
        raise UserError(f"no employee with id {employee_id}")


def _guard_last_admin(session: Session, user: User, wanted: dict[str, Any]) -> None:
    if user.role != Role.ADMIN or not user.active:
        return
    stays_admin = wanted.get("role", user.role) == Role.ADMIN and wanted.get("active", True)
    if stays_admin:
        return
    admins = session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active.is_(True))
    )
    if (admins or 0) <= 1:
        raise UserError("this is the last active admin; make another user admin first")
