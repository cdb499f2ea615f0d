"""One definition of single-threaded: team coverage and the churn feature agree account by account.

Coverage on day D sees the interactions up to the end of D; the feature at cutoff D + 1
sees those before D + 1. So both describe the same moment and must give the same answer.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.teams.world import DAY, _at, build

from keepwell.db import session_scope
from keepwell.insight.features import compute_features, connect, write_snapshot
from keepwell.people.models import AccountTeamMember, Employee
from keepwell.people.roles import ensure_builtin_roles
from keepwell.people.single_threaded import RELATIONSHIP_WINDOW_DAYS, is_single_threaded
from keepwell.record.models import Account, Contact, Interaction, Order
from keepwell.teams.coverage import WINDOW_DAYS, coverage_report


def _more(engine: Engine, ids: dict[str, int]) -> dict[str, int]:
    """Epsilon: a team of two, yet only Ann talks (to two contacts) -> one person.

    Zeta: Ann–Zoe 179 days ago, Sven–Zed 180 days ago: only the first is in the window.
    """
    with session_scope(engine) as s:
        roles = ensure_builtin_roles(s)
        made = {}
        for name in ("epsilon", "zeta"):
            row = Account(name=name.title(), status="active", source="test", external_id=name)
            s.add(row)
            s.flush()
            made[name] = row.id
            s.add(
                Order(
                    account_id=row.id,
                    ordered_at=DAY - timedelta(days=300),
                    amount=1.0,
                    status="paid",
                    source="test",
                    external_id=f"o-{name}",
                )
            )
        for who, role in (("ann", "account_owner"), ("sven", "service_lead")):
            s.add(
                AccountTeamMember(
                    account_id=made["epsilon"],
                    employee_id=ids[who],
                    role_id=roles[role].id,
                    source="test",
                    external_id=f"t-eps-{who}",
                )
            )
        talks = (
            ("epsilon", "ann", "eve", 5),
            ("epsilon", "ann", "eli", 50),
            ("zeta", "ann", "zoe", RELATIONSHIP_WINDOW_DAYS - 1),
            ("zeta", "sven", "zed", RELATIONSHIP_WINDOW_DAYS),
        )
        for account, who, name, days in talks:
            contact = Contact(
                account_id=made[account], name=name.title(), source="test", external_id=name
            )
            s.add(contact)
            s.flush()
            s.add(
                Interaction(
                    account_id=made[account],
                    employee_id=ids[who],
                    contact_id=contact.id,
                    kind="call",
                    occurred_at=_at(days),
                    source="test",
                    external_id=f"i-{name}",
                )
            )
        assert s.get_one(Employee, ids["ann"]).left_at is None
    return made


def _by_coverage(engine: Engine, day: date) -> dict[int, bool]:
    with Session(engine) as session:
        report = coverage_report(session, day)
    return {a.account_id: a.single_threaded for a in report.accounts}


def _by_features(folder: Path, cutoff: date) -> dict[int, bool]:
    con = connect("duckdb", folder)
    try:
        table = compute_features(con, [cutoff])
    finally:
        con.disconnect()
    return {r["account_id"]: r["single_threaded"] for r in table.to_pylist()}


def test_the_shared_rule() -> None:
    assert WINDOW_DAYS == RELATIONSHIP_WINDOW_DAYS == 180
    assert [is_single_threaded(h, c) for h, c in ((1, 1), (1, 3), (4, 1), (2, 2), (0, 0))] == [
        True,
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize("day", [DAY - timedelta(days=40), DAY - timedelta(days=10), DAY])
def test_coverage_and_feature_agree_account_by_account(
    engine: Engine, tmp_path: Path, day: date
) -> None:
    ids = build(engine)
    ids.update(_more(engine, ids))
    write_snapshot(engine, tmp_path)
    coverage = _by_coverage(engine, day)
    feature = _by_features(tmp_path, day + timedelta(days=1))
    named = ("acme", "beta", "gamma", "delta", "epsilon", "zeta")
    shared = set(coverage) & set(feature)
    assert {ids[n] for n in named if n != "delta"} <= shared  # Delta's first order: 10 days ago
    assert {a: feature[a] for a in shared} == {a: coverage[a] for a in shared}
    if day == DAY:
        assert {n: coverage[ids[n]] for n in named} == {
            "acme": False,  # multi-threaded
            "beta": True,  # one person and one contact
            "gamma": True,  # two of ours, one contact (the other left)
            "delta": False,  # uncovered: only a leaver talked to them
            "epsilon": True,  # a team of two, but one person holds every relationship
            "zeta": True,  # the 180-day-old call is outside the window
        }
