"""A tiny crafted record for task and playbook tests: accounts, people and teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from keepwell.people.models import AccountTeamMember, Employee
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account


@dataclass
class World:
    """Ids of what was made, by short name."""

    accounts: dict[str, int] = field(default_factory=dict)
    employees: dict[str, int] = field(default_factory=dict)


def account(session: Session, name: str, **values: Any) -> Account:
    """Add an account with external id ``name``."""
    row = Account(source="test", external_id=name, name=name, **values)
    session.add(row)
    session.flush()
    return row


def employee(session: Session, name: str, **values: Any) -> Employee:
    """Add an employee whose email is ``<name>@maker.test``."""
    row = Employee(
        source="test", external_id=name, name=name.title(), email=f"{name}@maker.test", **values
    )
    session.add(row)
    session.flush()
    return row


def assign(
    session: Session,
    account_id: int,
    employee_id: int,
    role: str,
    since: date | None = None,
    until: date | None = None,
) -> None:
    """Put an employee on an account's team in a retention role."""
    roles = ensure_builtin_roles(session)
    session.add(
        AccountTeamMember(
            source="test",
            external_id=f"{account_id}-{employee_id}-{role}",
            account_id=account_id,
            employee_id=employee_id,
            role_id=roles[role].id,
            since=since,
            until=until,
        )
    )
    session.flush()


def small_world(session: Session) -> World:
    """Two accounts; Olga owns both, Sven is service lead on the first only."""
    world = World()
    for name in ("acme", "beta"):
        world.accounts[name] = account(session, name).id
    for name in ("olga", "sven", "lena"):
        world.employees[name] = employee(session, name).id
    for name in ("acme", "beta"):
        assign(session, world.accounts[name], world.employees["olga"], "account_owner")
    assign(session, world.accounts["acme"], world.employees["sven"], "service_lead")
    return world
