"""Scores on the portfolio and the account page: risk, health, reasons, accuracy, movers, trend."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markupsafe import escape
from sqlalchemy import Engine
from tests.conftest import ScoredDemo
from tests.web.conftest import SQLITE_ONLY, Browser
from tests.web.scoredata import ACCURACY_SENTENCE, OVERDUE, store_runs

from keepwell.db import session_scope
from keepwell.insight.models import ScoreRun
from keepwell.insight.risk import accuracy_story
from keepwell.insight.snapshots import account_risk, latest_scores


@pytest.fixture
def scored(engine: Engine, record: dict[str, int]) -> dict[str, int]:
    """The small record with two scoring runs."""
    return store_runs(engine, record)


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<a href="/accounts/\d+">([^<]+)</a> ', html)


def test_portfolio_shows_scores_accuracy_movers_and_trend(
    browser: Callable[[str], Browser], scored: dict[str, int]
) -> None:
    leader = browser("leader")
    page = leader.get("/portfolio").text
    assert "72%" in page and "8%" in page and "at risk" in page
    assert ACCURACY_SENTENCE in page
    assert "ROC" not in page and "Brier" not in page and "time-backtest" not in page
    admin = browser("admin").get("/portfolio").text
    assert ACCURACY_SENTENCE in admin and "<details" in admin
    assert "Brier score" in admin and "0.121" in admin
    assert "Model: gradient-boosted trees (LightGBM), tested by a backtest" in admin
    assert "lightgbm" not in admin and "time-backtest" not in admin
    assert "Biggest movers" in page and "15% → 72%" in page
    assert "What changed:" in page and "Orders in the last 90 days: 6 → 0" in page
    assert OVERDUE in page
    assert "Revenue at risk per scoring run" in page and "<polyline" in page
    assert "71,110.80" in page, "Acme's revenue at risk: 98,765 × 72 %"
    assert names_in_order(leader.get("/portfolio?sort=risk").text) == ["Acme Pumps", "Gamma Mills"]
    assert names_in_order(leader.get("/portfolio?sort=health").text) == [
        "Acme Pumps",
        "Gamma Mills",
    ]
    with_lost = leader.get("/portfolio?sort=risk&status=any").text
    assert names_in_order(with_lost)[-1] == "Beta Works", "unscored accounts come last"
    assert leader.get("/portfolio?sort=worst").status_code == 400


@SQLITE_ONLY
def test_portfolio_hides_money_from_members(
    browser: Callable[[str], Browser], scored: dict[str, int]
) -> None:
    page = browser("member").get("/portfolio").text
    assert "72%" in page and "Mean churn risk per scoring run" in page
    assert "71,110.80" not in page and "48,200" not in page and "98765" not in page
    assert "2 invoices overdue" in page
    assert "Revenue at risk, highest first" not in page
    assert "Revenue at risk per scoring run" not in page


@SQLITE_ONLY
def test_account_page_shows_risk_reasons_breakdown_and_history(
    browser: Callable[[str], Browser], scored: dict[str, int]
) -> None:
    leader = browser("leader")
    page = leader.get(f"/accounts/{scored['C-1']}").text
    assert "Not scored yet" not in page
    assert "72%" in page and "At risk" in page and "Probability alive" in page
    assert "no order in the last 90 days" in page and OVERDUE in page
    timeline = f'href="/accounts/{scored["C-1"]}?tab=timeline&amp;kinds='
    assert f'{timeline}order#timeline" title="What the timeline shows about this">no order' in page
    assert f"{timeline}invoice#timeline" in page, "each reason opens what is behind it"
    assert "Ordering" in page and "Orders in the last 90 days" in page
    assert "orders_90d" not in page and "98,765.00 EUR" in page
    assert "Churn risk over the last runs" in page and "<polyline" in page
    assert ACCURACY_SENTENCE in page and "ROC" not in page
    assert "71,110.80" in page
    member = browser("member").get(f"/accounts/{scored['C-1']}").text
    assert "48,200" not in member and "98765" not in member and "71,110.80" not in member
    assert "2 invoices overdue" in member
    unscored = leader.get(f"/accounts/{scored['C-2']}").text
    assert "Not scored yet" in unscored


@SQLITE_ONLY
def test_pages_before_the_first_run(
    browser: Callable[[str], Browser], record: dict[str, int]
) -> None:
    leader = browser("leader")
    assert "not computed yet" in leader.get("/portfolio").text
    assert leader.get("/portfolio?sort=risk").status_code == 200
    assert "Not scored yet" in leader.get(f"/accounts/{record['C-1']}").text


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["scored-demo"], indirect=True)
def test_pages_show_a_real_scoring_run(
    engine: Engine, scored_demo: ScoredDemo, browser: Callable[[str], Browser]
) -> None:
    """The demo company scored by ``run_scoring``: its accuracy and reasons reach the pages."""
    result = scored_demo.runs[-1]  # the latest run on the database under ``engine``
    summary = result.churn.summary()
    with session_scope(engine) as session:
        riskiest = max(latest_scores(session).values(), key=lambda s: s.churn_probability or 0)
        risk = account_risk(session, riskiest.account_id)
    assert risk is not None and risk["reasons"]
    leader = browser("leader")
    page = leader.get("/portfolio?sort=risk&status=any").text
    story = accuracy_story(result.churn.summary())
    assert story is not None and str(escape(story.sentence)) in page
    assert f"{summary['scored']:,} accounts" in page
    assert f'href="/accounts/{riskiest.account_id}"' in page.split("<tbody>")[1].split("</tr>")[0]
    account = leader.get(f"/accounts/{riskiest.account_id}").text
    assert f"{risk['churn_probability']:.0%}" in account
    for sentence in risk["reasons"]:
        assert str(escape(sentence)) in account


def test_account_page_says_when_health_and_model_disagree(
    browser: Callable[[str], Browser], engine: Engine, scored: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        run = session.get_one(ScoreRun, latest_scores(session)[scored["C-3"]].run_id)
        run.metrics = {**run.metrics, "risk_bands": {"at_risk": 0.05, "watch": 0.03}}
    leader = browser("leader")
    gamma = leader.get(f"/accounts/{scored['C-3']}").text
    assert (
        "The health rule calls this account healthy (88, strongest on ordering (50 of 100)), "
        "but the churn model puts its risk at 8 %, in the at-risk band." in gamma
    )
    acme = leader.get(f"/accounts/{scored['C-1']}").text
    assert "The health rule calls this account" not in acme, "both say at risk"
