"""Scoring runs on the demo company: stored, versioned, explained, and compared over time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from tests.conftest import ScoredDemo

from keepwell.insight.churn import TrainingOptions
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import revenue_at_risk
from keepwell.insight.scoring import run_scoring
from keepwell.insight.signals import growth_signals, share_loss_signals
from keepwell.insight.snapshots import account_risk, latest_run, latest_scores


def test_growth_signals() -> None:
    assert growth_signals({"revenue_365d_vs_prior_year": 1.5, "usage_trend": 0.9}) == [
        "ordering is up 50% on the year before"
    ]
    assert growth_signals({"orders_90d_vs_last_year": None}) == []
    assert growth_signals({"assets_installed_365d": 2.0}) == [
        "2 machines installed in the last year"
    ]


def test_share_loss_needs_falling_parts_and_running_equipment_or_steady_orders() -> None:
    running = {"spare_parts_365d_vs_prior_year": 0.4, "usage_trend": 1.02}
    assert share_loss_signals(running) == [
        "spare-parts orders down 60% on the year before while its equipment runs at 102% of "
        "its earlier usage: parts are likely bought elsewhere"
    ]
    assert share_loss_signals({**running, "usage_trend": 0.5}) == []  # the machines stopped
    steady = {"spare_parts_365d_vs_prior_year": 0.5, "revenue_365d_vs_prior_year": 0.95}
    assert share_loss_signals(steady) == [
        "spare-parts orders down 50% on the year before while its other ordering holds up: "
        "parts are likely bought elsewhere"
    ]
    assert share_loss_signals({**steady, "revenue_365d_vs_prior_year": 0.3}) == []
    assert share_loss_signals({"spare_parts_365d_vs_prior_year": 0.9, "usage_trend": 1.0}) == []
    assert share_loss_signals({"spare_parts_365d_vs_prior_year": None}) == []


@pytest.mark.slow
def test_demo_scoring_runs_are_stored_and_explained(demo_engine: Engine) -> None:
    # Both runs here, not the shared scored demo's: the same run made by another process
    # (another xdist worker) was seen to move a few accounts' risk.
    first = run_scoring(demo_engine)
    second = run_scoring(demo_engine)
    with Session(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(ScoreRun)) == 2
        run = latest_run(session)
        assert run is not None and run.id == second.run_id and run.as_of == date(2025, 7, 1)
        assert run.metrics["roc_auc"] > 0.6 and run.method == "time-backtest"
        scores = latest_scores(session)
        assert len(scores) == run.n_accounts > 200
        stored = session.scalar(
            select(func.count())
            .select_from(AccountScore)
            .where(AccountScore.run_id == first.run_id)
        )
        assert stored == first.churn.summary()["scored"]
    for score in scores.values():
        assert 0.0 <= (score.churn_probability or 0.0) <= 1.0
        assert score.health_band in {"healthy", "watch", "at_risk", "no_data"}
        assert len(score.health_breakdown) == 8
        if score.annual_revenue is not None and score.churn_probability is not None:
            assert score.revenue_at_risk == revenue_at_risk(
                score.annual_revenue, score.churn_probability
            )
            assert score.revenue_at_risk == pytest.approx(
                score.annual_revenue * score.churn_probability, abs=0.005
            )
    riskiest = max(scores.values(), key=lambda s: s.churn_probability or 0.0)
    assert riskiest.reasons and all(r["sentence"] for r in riskiest.reasons)
    with Session(demo_engine) as session:
        risk = account_risk(session, riskiest.account_id)
    assert risk is not None and risk["reasons"] == [r["sentence"] for r in riskiest.reasons]
    assert risk["accuracy"]["roc_auc"] == run.metrics["roc_auc"]
    assert second.movers == [], "the same data and model move nobody's risk"


@pytest.mark.slow
def test_scoring_trains_with_the_options_it_is_given(scored_demo: ScoredDemo) -> None:
    earlier, latest = scored_demo.runs  # the earlier one with two backtest cutoffs
    assert earlier.churn.options is not None and earlier.churn.options.test_cutoffs == 2
    assert earlier.churn.options.half_life_days is None
    assert len(earlier.churn.backtest.test_cutoffs) == 2
    assert latest.churn.options == TrainingOptions(
        horizon_days=latest.churn.definition.horizon_days,
        settle_days=latest.churn.definition.settle_days,
    ), "the default: from the churn definition"
