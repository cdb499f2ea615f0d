"""Workforce view: capacity per role and department, team changes against churn, profiles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from tests.teams.world import DAY, build

from keepwell.db import session_scope
from keepwell.people.models import AccountTeamMember
from keepwell.people.roles import ensure_builtin_roles
from keepwell.record.models import Account
from keepwell.teams.profiles import profiles
from keepwell.teams.workforce import capacity, team_changes_and_churn


def test_capacity_per_role_and_department(engine: Engine) -> None:
    build(engine)
    with Session(engine) as session:
        found = capacity(session, DAY)
    roles = {r.key: r for r in found["roles"]}
    owner, service = roles["account_owner"], roles["service_lead"]
    assert (owner.people, owner.accounts, owner.revenue_12m, owner.lacking) == (1, 2, 1750.0, 2)
    assert (service.people, service.accounts, service.lacking) == (1, 1, 3)
    assert owner.median_accounts == 2.0 and owner.overloaded == []
    assert roles["quality_lead"].people == 0 and roles["quality_lead"].lacking == 4
    assert found["departments"] == [
        {"department": "Sales", "people": 1, "accounts": 2, "revenue_12m": 1750.0,
         "accounts_per_person": 2.0},
        {"department": "Service", "people": 1, "accounts": 1, "revenue_12m": 1000.0,
         "accounts_per_person": 1.0},
    ]  # fmt: skip


def test_accounts_whose_team_changed_churn_more(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        role = ensure_builtin_roles(session)["quality_lead"]
        session.add(
            AccountTeamMember(
                account_id=ids["acme"],
                employee_id=ids["sven"],
                role_id=role.id,
                since=DAY - timedelta(days=500),
                until=DAY - timedelta(days=400),
                source="test",
                external_id="wf-1",
            )
        )
        for key, days in (("acme", 100), ("gamma", 50)):
            session.execute(
                update(Account)
                .where(Account.id == ids[key])
                .values(status="lost", ended_on=DAY - timedelta(days=days))
            )
    with Session(engine) as session:
        found = team_changes_and_churn(session, DAY)
        once = team_changes_and_churn(session, DAY, threshold=3)
    assert found["changed"] == {"accounts": 1, "churned": 1, "rate": 1.0}
    assert found["stable"] == {"accounts": 3, "churned": 1, "rate": 0.333}
    assert found["ratio"] == 3.0
    assert once["changed"]["accounts"] == 0 and once["ratio"] is None


def test_profiles_read_like_a_job_description(engine: Engine) -> None:
    build(engine)
    with Session(engine) as session:
        found = {p.key: p for p in profiles(session, DAY)}
    owner = found["account_owner"]
    assert owner.works_with == [("Service", 1)]
    assert "Works every week with colleagues in Service" in owner.text
    assert "- renewals upcoming" not in owner.text and "- upcoming renewals" in owner.text
    assert owner.text.startswith("Account owner\n\nOwns the relationship")
    assert "keeps customers, not someone who takes orders" in owner.text
    assert found["service_lead"].works_with == [("Sales", 1)]
