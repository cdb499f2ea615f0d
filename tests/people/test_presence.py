"""One answer to "is this person still here?", in SQL and in Python, at a leaving day.

The consumers that choose people (team choices, departures, digests) follow the same rule,
so an employee with a leaving day next month is still offered today and one whose leaving
day has passed is gone even though nobody cleared the active flag.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from keepwell.db import session_scope
from keepwell.people.models import Department, Employee
from keepwell.people.presence import is_present, still_present
from keepwell.teams.departure import departed_employees
from keepwell.teams.team import active_employees

DAY = date(2026, 6, 30)

CASES = [
    # name, left_at, active, present on DAY
    ("Stays", None, True, True),
    ("Flag cleared", None, False, False),
    ("Leaves next month", DAY + timedelta(days=30), True, True),
    ("Leaves next month, flag already cleared", DAY + timedelta(days=30), False, True),
    ("Leaves today", DAY, True, False),
    ("Left last month, flag never cleared", DAY - timedelta(days=30), True, False),
]


@pytest.mark.parametrize(("name", "left_at", "active", "expected"), CASES)
def test_python_rule(name: str, left_at: date | None, active: bool, expected: bool) -> None:
    assert is_present(left_at, active, DAY) is expected, name


def test_sql_rule_and_its_consumers_agree_with_the_python_rule(engine: Engine) -> None:
    with session_scope(engine) as s:
        department = Department(name="Service")
        s.add(department)
        s.flush()
        for i, (name, left_at, active, _) in enumerate(CASES):
            s.add(
                Employee(
                    name=name,
                    department_id=department.id,
                    left_at=left_at,
                    active=active,
                    source="test",
                    external_id=f"e-{i}",
                )
            )
    expected = {name for name, _, _, present in CASES if present}
    with session_scope(engine) as s:
        where = still_present(Employee.left_at, Employee.active, DAY)
        assert set(s.scalars(select(Employee.name).where(where))) == expected
        assert {e.name for e in active_employees(s, DAY)} == expected
        gone = {name for name, _ in departed_employees(s, DAY).values()}
        assert gone == {name for name, *_ in CASES} - expected
