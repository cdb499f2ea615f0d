"""The portfolio in score order, page by page: scored accounts by score (equal scores by
account id), then the rest by name, with nothing lost or repeated where the two meet."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.record.models import Account
from keepwell.web.queries import PortfolioFilters, portfolio

DAY = date(2026, 6, 30)
RISK = {"Delta": 0.9, "Echo": 0.4, "alpha": 0.4, "Bravo": 0.1, "Golf": None}
"""Churn risk per account, in the order they are created (equal scores go by account id);
Foxtrot and Hotel have no score, Golf a score without risk."""
NAMES = [*RISK, "Foxtrot", "Hotel", "India"]


@pytest.fixture
def accounts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = {name: Account(name=name, source="crm", external_id=name) for name in NAMES}
        rows["India"].status = "lost"
        session.add_all(rows.values())
        run = ScoreRun(
            as_of=DAY,
            engine="duckdb",
            model="logistic",
            model_version="t",
            method="time-backtest",
            n_accounts=5,
        )
        session.add(run)
        session.flush()
        for name, risk in RISK.items():
            session.add(
                AccountScore(
                    run_id=run.id,
                    account_id=rows[name].id,
                    churn_probability=risk,
                    health_score=None if risk is None else 100 * (1 - risk),
                    health_band="watch",
                )
            )
        return {name: row.id for name, row in rows.items()}


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 50])
def test_pages_in_score_order_meet_without_gaps(
    engine: Engine, accounts: dict[str, int], size: int
) -> None:
    expected = ["Delta", "Echo", "alpha", "Bravo", "Foxtrot", "Golf", "Hotel"]
    filters = PortfolioFilters(status="active")
    seen: list[str] = []
    with session_scope(engine) as session:
        for offset in range(0, 9, size):
            page = portfolio(session, filters, offset=offset, limit=size, day=DAY, sort="risk")
            assert page.total == len(expected)
            seen += [row.account.name for row in page.rows]
    assert seen == expected


def test_health_order_is_lowest_first_and_any_status_includes_lost(
    engine: Engine, accounts: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        page = portfolio(session, PortfolioFilters(), offset=0, limit=50, day=DAY, sort="health")
    names = [row.account.name for row in page.rows]
    assert names == ["Delta", "Echo", "alpha", "Bravo", "Foxtrot", "Golf", "Hotel", "India"]
