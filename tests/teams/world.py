"""A small company for the teams tests, written through the ORM on a migrated database.

Day ``DAY`` is the report day. Accounts:
- Acme: Ann (Sales) and Sven (Service) both talk to two contacts -> multi-threaded.
- Beta: only Ann talks to Bob -> one person and one contact; Ann's sole account.
- Gamma: Ann and Sven talk only to Gail; Gail's colleague Carl left -> one contact.
- Delta: only Otto (who left) talked to Dora -> uncovered, and a hand-over for Otto.
- Lost Co: lost, not in the report.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.people.models import AccountTeamMember, Department, Employee
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account, Contact, Interaction, Order

DAY = date(2026, 6, 30)


def _at(days_before: int) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_before), datetime.min.time())


def build(engine: Engine) -> dict[str, int]:
    """Write the company; return ids by short name."""
    with session_scope(engine) as s:
        roles = ensure_builtin_roles(s)
        sales, service = Department(name="Sales"), Department(name="Service")
        s.add_all([sales, service])
        s.flush()
        people = {
            "ann": Employee(name="Ann Seller", email="ann@maker.test", department_id=sales.id),
            "sven": Employee(
                name="Sven Service", email="sven@maker.test", department_id=service.id
            ),
            "otto": Employee(
                name="Otto Old", department_id=sales.id, left_at=DAY - timedelta(days=10)
            ),
        }
        accounts = {
            name: Account(name=name.title(), status="active")
            for name in ("acme", "beta", "gamma", "delta")
        }
        accounts["lost"] = Account(name="Lost Co", status="lost")
        for i, row in enumerate([*people.values(), *accounts.values()]):
            row.source, row.external_id = "test", f"x-{i}"
        s.add_all([*people.values(), *accounts.values()])
        s.flush()
        contacts = {}
        for key, account, left in (
            ("ada", "acme", None),
            ("abe", "acme", None),
            ("bob", "beta", None),
            ("gail", "gamma", None),
            ("carl", "gamma", DAY - timedelta(days=30)),
            ("dora", "delta", None),
            ("lou", "lost", None),
        ):
            contacts[key] = Contact(
                account_id=accounts[account].id,
                name=key.title(),
                left_at=left,
                source="test",
                external_id=f"c-{key}",
            )
        s.add_all(contacts.values())
        s.flush()
        talks = [
            ("acme", "ann", "ada", 10),
            ("acme", "sven", "abe", 20),
            ("acme", "ann", "abe", 30),
            ("beta", "ann", "bob", 5),
            ("beta", "ann", "bob", 400),
            ("gamma", "ann", "gail", 15),
            ("gamma", "sven", "gail", 25),
            ("gamma", "sven", "carl", 60),
            ("delta", "otto", "dora", 40),
            ("lost", "ann", "lou", 3),
        ]
        for i, (account, who, contact, days) in enumerate(talks):
            s.add(
                Interaction(
                    account_id=accounts[account].id,
                    employee_id=people[who].id,
                    contact_id=contacts[contact].id,
                    kind="call",
                    occurred_at=_at(days),
                    source="test",
                    external_id=f"i-{i}",
                )
            )
        for i, (account, amount, days) in enumerate(
            (
                ("acme", 1000.0, 50),
                ("beta", 500.0, 100),
                ("beta", 250.0, 200),
                ("gamma", 300.0, 400),
                ("delta", 700.0, 10),
            )
        ):
            s.add(
                Order(
                    account_id=accounts[account].id,
                    ordered_at=DAY - timedelta(days=days),
                    amount=amount,
                    status="paid",
                    source="test",
                    external_id=f"o-{i}",
                )
            )
        for i, (account, who, role) in enumerate(
            (
                ("acme", "ann", "account_owner"),
                ("acme", "sven", "service_lead"),
                ("beta", "ann", "account_owner"),
                ("delta", "otto", "account_owner"),
            )
        ):
            s.add(
                AccountTeamMember(
                    account_id=accounts[account].id,
                    employee_id=people[who].id,
                    role_id=roles[role].id,
                    source="test",
                    external_id=f"t-{i}",
                )
            )
        ids = {k: v.id for k, v in {**people, **accounts}.items()}
        ids.update({f"contact_{k}": v.id for k, v in contacts.items()})
        return ids
