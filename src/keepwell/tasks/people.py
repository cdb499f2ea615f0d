"""Whose tasks "mine" means: the employee behind a sign-in email or an operating-system user."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.auth.service import employee_for, find_user
from keepwell.people.models import Employee
from keepwell.people.presence import still_present


class PersonNotFound(LookupError):
    """Nobody matches; the message says what was tried."""


def employee_named(session: Session, who: str) -> Employee:
    """The employee for an email (a user's, else an employee's) or a login name.

    A login name (no ``@``) matches the one user or employee whose email starts with
    ``name@``.
    """
    text = who.strip().lower()
    if "@" in text:
        user = find_user(session, text)
        employee = employee_for(session, user) if user is not None else _by_email(session, text)
        if employee is None:
            raise PersonNotFound(f"no employee is linked to {text}")
        return employee
    return _by_login(session, text)


def _by_email(session: Session, email: str) -> Employee | None:
    query = (
        select(Employee)
        .where(func.lower(Employee.email) == email)
        .order_by(Employee.active.desc(), Employee.id)
    )
    return session.scalars(query.limit(1)).first()


def _by_login(session: Session, login: str) -> Employee:
    pattern = f"{login}@%"
    users = list(session.scalars(select(User).where(User.email.like(pattern))))
    if len(users) == 1:
        employee = employee_for(session, users[0])
        if employee is not None:
            return employee
    query = select(Employee).where(
        func.lower(Employee.email).like(pattern),
        still_present(Employee.left_at, Employee.active, date.today()),
    )
    employees = list(session.scalars(query.limit(2)))
    if len(employees) != 1:
        found = "nobody" if not employees else "several people"
        raise PersonNotFound(
            f"{found} with an email starting {login}@; name yourself with --as EMAIL"
        )
    return employees[0]
