"""The weekly review on the demo company, scored twice a month apart."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tests.conftest import DEMO_AS_OF, DEMO_SCORED_EARLIER

from keepwell.report import weekly_review
from keepwell.report.render import render_document

pytestmark = pytest.mark.slow
AS_OF = DEMO_AS_OF


def test_demo_review_has_trend_movers_coverage_and_accuracy(
    scored_demo_engine: Engine,
) -> None:
    assert (AS_OF - DEMO_SCORED_EARLIER).days == 28  # scored then, and the day after AS_OF
    with Session(scored_demo_engine) as session:
        review = weekly_review(session, AS_OF, money=True)
    assert [s.key for s in review.sections] == ["portfolio", "movers", "coverage", "accuracy"]
    portfolio = review.section("portfolio")
    assert portfolio is not None and len(portfolio.data["history"]) == 2
    assert portfolio.data["latest"].accounts > 200 and portfolio.data["chart"] is not None
    movers = review.section("movers")
    assert movers is not None
    for mover in movers.data["movers"]:
        assert abs(mover["after"] - mover["before"]) > 0.1
        assert all("_" not in change for change in mover["changes"])
    accuracy = review.section("accuracy")
    assert accuracy is not None and accuracy.data["backtest"]["roc_auc"] > 0.6
    first = accuracy.data["outcomes"][0]
    assert first.accounts > 200 and first.days_since == 28
    html = render_document(review)
    assert "Weekly retention review" in html and "Model accuracy versus outcomes" in html
