"""Sign-in users for the demo company: an admin, a leader and one person per department."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.auth.service import create_user, find_user, set_password
from keepwell.people.models import Department, Employee
from keepwell.people.presence import still_present

ADMIN_EMAIL = "admin@demo.keepwell.local"


@dataclass(frozen=True)
class DemoLogin:
    """A demo user's sign-in and what they are in the company."""

    email: str
    role: str
    department: str


def ensure_demo_users(session: Session) -> tuple[str, list[DemoLogin]]:
    """Create (or reset) the demo users with one fresh random password; return both.

    The leader is the first employee of Sales; every department's first active employee
    gets a member login linked to their employee record (so "My work" shows their accounts).
    """
    password = secrets.token_urlsafe(12)
    logins = [DemoLogin(ADMIN_EMAIL, "admin", "—")]
    _upsert(session, ADMIN_EMAIL, "Demo administrator", "admin", password, None)
    for index, (department, employee) in enumerate(_first_per_department(session)):
        role = "leader" if index == 0 else "member"
        email = employee.email or f"{department.lower()}@demo.keepwell.local"
        _upsert(session, email, employee.name, role, password, employee.id)
        logins.append(DemoLogin(email, role, department))
    return password, logins


def _first_per_department(session: Session) -> list[tuple[str, Employee]]:
    rows = session.execute(
        select(Department.name, Employee)
        .join(Employee, Employee.department_id == Department.id)
        .where(
            still_present(Employee.left_at, Employee.active, date.today()),
            Employee.email.is_not(None),
        )
        .order_by(Department.name != "Sales", Department.name, Employee.id)
    ).all()
    seen: dict[str, Employee] = {}
    for name, employee in rows:
        seen.setdefault(name, employee)
    return list(seen.items())


def _upsert(
    session: Session, email: str, name: str, role: str, password: str, employee_id: int | None
) -> None:
    user = find_user(session, email)
    if user is None:
        create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            actor="demo",
            employee_id=employee_id,
        )
    else:
        set_password(session, user, password, actor="demo")
