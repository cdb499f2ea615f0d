"""Relationship coverage, departure impact and hand-over holdings on a small company."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.teams.world import DAY, build

from keepwell.auth.models import User
from keepwell.db import session_scope
from keepwell.people.models import Employee
from keepwell.teams.coverage import coverage_report
from keepwell.teams.departure import departed_holdings, departure_impact, departure_ranking


def test_coverage_finds_pairs_threads_and_departed_contacts(engine: Engine) -> None:
    ids = build(engine)
    with Session(engine) as session:
        report = coverage_report(session, DAY)
    found = report.by_id()
    assert set(found) == {ids["acme"], ids["beta"], ids["gamma"], ids["delta"]}
    acme, beta, gamma, delta = (found[ids[k]] for k in ("acme", "beta", "gamma", "delta"))
    assert (acme.pairs, acme.threading, acme.departments) == (3, "multi", ["Sales", "Service"])
    assert acme.team == 2 and acme.revenue_12m == 1000.0
    assert beta.threading == "one person and one contact" and beta.holders == [ids["ann"]]
    assert beta.revenue_12m == 750.0
    assert gamma.threading == "one contact" and gamma.contacts == [ids["contact_gail"]]
    assert gamma.left_contacts == ["Carl"] and gamma.revenue_12m == 0.0
    assert delta.threading == "uncovered" and delta.team == 0
    summary = report.summary()
    assert summary["single_threaded"] == 2 and summary["uncovered"] == 1
    assert summary["active_pairs"] == 3 + 1 + 2
    assert summary["contacts_left"] == 1


def test_a_short_window_drops_old_pairs(engine: Engine) -> None:
    ids = build(engine)
    with Session(engine) as session:
        report = coverage_report(session, DAY, window_days=12)
    found = report.by_id()
    assert found[ids["acme"]].holders == [ids["ann"]] and found[ids["acme"]].pairs == 1
    assert found[ids["gamma"]].threading == "uncovered"


def test_departure_impact_counts_only_sole_relationships(engine: Engine) -> None:
    ids = build(engine)
    with Session(engine) as session:
        report = coverage_report(session, DAY)
    ann = departure_impact(report, ids["ann"])
    assert [a["name"] for a in ann.accounts] == ["Beta"]
    assert ann.revenue_12m == 750.0 and ann.shared_accounts == 2
    assert "revenue_12m" not in ann.as_dict(money=False)
    assert departure_impact(report, ids["sven"]).accounts == []
    ranking = departure_ranking(report)
    assert [(i.name, len(i.accounts)) for i in ranking] == [("Ann Seller", 1)]


def test_departed_employees_leave_holdings_for_hand_over(engine: Engine) -> None:
    build(engine)
    with Session(engine) as session:
        holdings = departed_holdings(session, DAY)
    assert [(h.employee, h.account, h.roles) for h in holdings] == [
        ("Otto Old", "Delta", ("account_owner",))
    ]
    assert holdings[0].last_interaction == date(2026, 5, 21)
    assert holdings[0].left_on == date(2026, 6, 20)


def test_a_deactivated_user_counts_as_departed(engine: Engine) -> None:
    ids = build(engine)
    with session_scope(engine) as session:
        session.add(
            User(
                email="sven@maker.test",
                name="Sven",
                password_hash="x",
                role="member",
                active=False,
                employee_id=ids["sven"],
            )
        )
    with Session(engine) as session:
        holdings = departed_holdings(session, DAY)
        assert session.get(Employee, ids["sven"]) is not None
    by_employee = {(h.employee, h.account): h for h in holdings}
    assert set(by_employee) == {
        ("Otto Old", "Delta"),
        ("Sven Service", "Acme"),
        ("Sven Service", "Gamma"),
    }
    assert by_employee[("Sven Service", "Acme")].roles == ("service_lead",)
    assert by_employee[("Sven Service", "Gamma")].roles == ()
    assert by_employee[("Sven Service", "Gamma")].last_interaction == DAY.replace(day=5)
