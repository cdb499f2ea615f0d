"""Demo sign-ins: an admin, a leader and one member per department, linked to employees."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from tests.intake.helpers import write_rows

from keepwell.auth.demo import ADMIN_EMAIL, ensure_demo_users
from keepwell.auth.models import User
from keepwell.auth.passwords import verify_password
from keepwell.intake.service import import_file


def test_demo_users_per_department(sqlite_engine: Engine, tmp_path: Path) -> None:
    staff = [
        {"external_id": "E1", "name": "Sam", "email": "sam@x.test", "department": "Sales"},
        {"external_id": "E2", "name": "Sue", "email": "sue@x.test", "department": "Service"},
        {"external_id": "E3", "name": "Sid", "email": "sid@x.test", "department": "Service"},
    ]
    assert import_file(sqlite_engine, "employees", write_rows(tmp_path / "e.csv", staff)).ok
    with Session(sqlite_engine) as session:
        password, logins = ensure_demo_users(session)
        session.commit()
        assert [(lg.email, lg.role, lg.department) for lg in logins] == [
            (ADMIN_EMAIL, "admin", "—"),
            ("sam@x.test", "leader", "Sales"),
            ("sue@x.test", "member", "Service"),
        ]
        users = {u.email: u for u in session.scalars(select(User))}
        assert users["sue@x.test"].employee_id is not None
        assert all(verify_password(u.password_hash, password) for u in users.values())
        again, _ = ensure_demo_users(session)
        session.commit()
        assert again != password
        assert not verify_password(users[ADMIN_EMAIL].password_hash, password)
        assert verify_password(users[ADMIN_EMAIL].password_hash, again)
