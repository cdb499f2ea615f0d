"""The one ranked risk: its levels, the start pages, the CLI's account list, numbers that agree."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select, update
from tests.web.conftest import SQLITE_ONLY, Browser
from tests.web.scoredata import ACCURACY_SENTENCE, CALIBRATION, score, store_runs
from typer.testing import CliRunner

from keepwell.cli.app import app
from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import (
    accuracy_story,
    in_words,
    is_negligible,
    revenue_at_risk,
    risk_bands,
    risk_level,
    total_money,
)
from keepwell.people.models import Employee
from keepwell.tasks.models import Task

DUE = date.today() + timedelta(days=5)


def test_levels_come_from_validated_bands_else_from_the_base_rate() -> None:
    validated = {"risk_bands": {"at_risk": 0.3, "watch": 0.1, "base_rate": 0.05}}
    assert [risk_level(p, validated) for p in (0.31, 0.3, 0.2, 0.05, None)] == [
        "at_risk",
        "at_risk",
        "watch",
        "low",
        "low",
    ]
    assert risk_bands(validated).source == "validated"
    from_rate = risk_bands({"calibration": CALIBRATION})
    assert (from_rate.source, from_rate.base_rate) == ("base_rate", pytest.approx(0.064))
    assert from_rate.at_risk == pytest.approx(0.192) and from_rate.watch == pytest.approx(0.096)
    fixed = risk_bands({"roc_auc": 0.8})
    assert fixed.source == "fixed"
    assert (fixed.at_risk, fixed.watch) == (pytest.approx(0.15), pytest.approx(0.075))


def test_accuracy_reads_as_a_sentence() -> None:
    story = accuracy_story({"calibration": CALIBRATION, "horizon_days": 180})
    assert story is not None and story.sentence == ACCURACY_SENTENCE
    ranked = accuracy_story({"roc_auc": 0.74})
    assert ranked is not None and "riskier 74 times in 100" in ranked.sentence
    assert accuracy_story({}) is None
    assert [in_words(r) for r in (0.0, 0.02, 0.4, 1.0)] == ["none", "1 in 50", "4 in 10", "all"]


def test_money_is_rounded_once_and_small_amounts_are_negligible() -> None:
    assert revenue_at_risk(13491.0, 0.01) == 134.91 and revenue_at_risk(None, 0.5) is None
    assert total_money([1000.004, 2000.004, None]) == 3000.0
    assert total_money([0.125, 0.125]) == 0.26  # half up, each amount first
    assert is_negligible(134.91) and not is_negligible(71110.8) and not is_negligible(None)


def give_task(engine: Engine, account: int, title: str) -> int:
    with session_scope(engine) as session:
        owner = session.scalar(select(Employee.id).where(Employee.external_id == "E-2"))
        task = Task(title=title, account_id=account, owner_id=owner, due_on=DUE, status="open")
        session.add(task)
        session.flush()
        return task.id


def make_gamma_at_risk(engine: Engine, record: dict[str, int]) -> None:
    """Gamma at 50 % in the latest run: two accounts at risk, Gamma with less money at stake."""
    with session_scope(engine) as session:
        run = session.scalar(select(ScoreRun.id).order_by(ScoreRun.id.desc()).limit(1))
        session.execute(
            update(AccountScore)
            .where(AccountScore.run_id == run, AccountScore.account_id == record["C-3"])
            .values(churn_probability=0.5, revenue_at_risk=49382.5)
        )


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr class="risk-row[^"]*" data-account="(\d+)"', page)


@SQLITE_ONLY
def test_a_leader_starts_on_the_accounts_at_risk_uncovered_first(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    store_runs(engine, record)
    make_gamma_at_risk(engine, record)
    leader = browser("leader")
    assert leader.client.get("/", follow_redirects=False).headers["location"] == "/at-risk"
    page = leader.get("/at-risk").text
    acme, gamma = str(record["C-1"]), str(record["C-3"])
    assert rows_of(page) == [acme, gamma], "both uncovered: more revenue at risk first"
    assert "Leo Leader" in page and "Sam Seller" in page
    assert "no order in the last 90 days" in page and "No next step" in page
    assert "71,110.80 EUR" in page and "Contacted" in page and "No contact" in page
    assert 'href="/portfolio?risk=at_risk&amp;sort=at_risk">2</a>' in page
    task = give_task(engine, record["C-1"], "Call the buyer about the stopped orders")
    page = leader.get("/at-risk").text
    assert rows_of(page) == [gamma, acme], "Acme now has a next step: the uncovered one first"
    assert f'<a href="/tasks/{task}">Call the buyer about the stopped orders</a>' in page
    assert f"due {DUE.isoformat()}" in page
    member = browser("member")
    assert member.client.get("/", follow_redirects=False).headers["location"] == "/my-work"
    hidden = member.get("/at-risk").text
    assert rows_of(hidden) == [gamma, acme] and "71,110.80" not in hidden
    assert "Revenue at risk" not in hidden


@SQLITE_ONLY
def test_validated_bands_say_what_the_test_showed(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    """A validated threshold is where past customers left three times as often, not a
    probability three times the usual rate: "5 % or more, 1 times the usual rate" misled."""
    store_runs(engine, record)
    with session_scope(engine) as session:
        run = session.scalars(select(ScoreRun).order_by(ScoreRun.id.desc())).first()
        assert run is not None
        bands = {"at_risk": 0.05, "watch": 0.03, "base_rate": 0.04}
        run.metrics = {**run.metrics, "risk_bands": bands}
    page = html.unescape(re.sub(r"<[^>]+>", " ", browser("leader").get("/at-risk").text))
    flat = " ".join(page.split())
    assert (
        "a risk of leaving of 5% or more: in the model's test on past customers, those at "
        "this risk or more left at least 3 times as often as the usual 4%"
    ) in flat
    assert "1 times" not in flat


@SQLITE_ONLY
def test_a_member_sees_their_accounts_that_need_action(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    store_runs(engine, record)
    page = browser("member").get("/my-work").text
    assert "Your accounts that need action" in page
    assert rows_of(page) == [str(record["C-1"])], "Gamma at 8 % is low risk"
    assert "[amount hidden]" in page or "48,200" not in page


@SQLITE_ONLY
def test_portfolio_figures_link_to_their_accounts_and_show_owners(
    engine: Engine, record: dict[str, int], browser: Callable[[str], Browser]
) -> None:
    store_runs(engine, record)
    leader = browser("leader")
    page = leader.get("/portfolio").text
    assert '<dt>At risk</dt><dd><a href="/portfolio?status=active&amp;risk=at_risk' in page
    assert "Leo Leader" in page and '<th scope="col">Owner</th>' in page
    at_risk = leader.get("/portfolio?status=active&risk=at_risk&sort=risk").text
    names = re.findall(r'<a href="/accounts/\d+">([^<]+)</a> ', at_risk)
    assert names == ["Acme Pumps"]
    unowned = leader.get("/portfolio?status=any&unowned=1").text
    assert re.findall(r'<a href="/accounts/\d+">([^<]+)</a> ', unowned) == ["Beta Works"]


def test_revenue_at_risk_agrees_on_portfolio_retention_and_cli(
    engine: Engine,
    database_url: str,
    record: dict[str, int],
    browser: Callable[[str], Browser],
) -> None:
    """Amounts stored unrounded (as older runs did) still read the same everywhere."""
    store_runs(engine, record)
    with session_scope(engine) as session:
        run = ScoreRun(
            as_of=date(2025, 3, 1),
            engine="duckdb",
            model="lightgbm",
            model_version="test",
            method="time-backtest",
            n_accounts=2,
            metrics={"calibration": CALIBRATION},
        )
        session.add(run)
        session.flush()
        for key, amount in (("C-1", 1000.004), ("C-2", 2000.004)):
            stored = score(run.id, record[key], 0.5, 50.0, "watch", 1.0)
            stored.revenue_at_risk = amount
            session.add(stored)
    leader = browser("leader")
    portfolio = leader.get("/portfolio?status=any").text
    assert "<dt>Revenue at risk</dt><dd>" in portfolio
    assert "3,000.00 EUR" in portfolio and "3,000.01" not in portfolio
    retention = leader.get("/retention").text
    assert "3,000.00 EUR" in retention and "3,000.01" not in retention
    listed = CliRunner().invoke(app, ["--database-url", database_url, "account", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    amounts = [a["revenue_at_risk"] for a in json.loads(listed.stdout)["accounts"]]
    assert total_money(amounts) == 3000.0


def test_account_list_json_carries_the_risk_story_and_sorts(
    engine: Engine, database_url: str, record: dict[str, int]
) -> None:
    store_runs(engine, record)
    task = give_task(engine, record["C-1"], "Visit Acme")
    runner = CliRunner()

    def listed(*args: str) -> list[dict[str, object]]:
        result = runner.invoke(
            app, ["--database-url", database_url, "account", "list", "--json", *args]
        )
        assert result.exit_code == 0, result.output
        accounts: list[dict[str, object]] = json.loads(result.stdout)["accounts"]
        return accounts

    by_name = listed()
    assert [a["name"] for a in by_name] == ["Acme Pumps", "Beta Works", "Gamma Mills"]
    acme, beta, gamma = by_name
    assert acme["risk"] == 0.72 and acme["risk_level"] == "at_risk"
    assert (acme["health"], acme["health_band"]) == (28.0, "at_risk")
    assert acme["revenue_at_risk"] == pytest.approx(71110.8)
    assert acme["owner"] == "Leo Leader"
    assert acme["next_step"] == {"title": "Visit Acme", "due_on": DUE.isoformat()}
    assert acme["reasons"] == [
        "no order in the last 90 days",
        "2 invoices overdue",
    ]
    assert beta["risk"] is None and beta["owner"] is None and beta["reasons"] == []
    assert gamma["owner"] == "Sam Seller" and gamma["next_step"] is None
    assert task
    by_risk = [a["name"] for a in listed("--sort", "risk")]
    assert by_risk == ["Acme Pumps", "Gamma Mills", "Beta Works"], "unscored last"
    by_money = [a["name"] for a in listed("--sort", "revenue_at_risk")]
    assert by_money == ["Acme Pumps", "Gamma Mills", "Beta Works"]
    wrong = runner.invoke(
        app, ["--database-url", database_url, "account", "list", "--sort", "health"]
    )
    assert wrong.exit_code != 0 and "health" in wrong.output
