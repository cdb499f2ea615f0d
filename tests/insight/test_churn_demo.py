"""End to end on the demo company: the backtest ranks churners and the reasons match why.

The demo generator records every churned account's causes. For each churner, the model's
reasons a month or two before it left are compared with those causes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from tests.conftest import ScoredDemo

from keepwell.demo import ChurnedAccount, load_ground_truth
from keepwell.insight.churn import churn_features, monthly_cutoffs, score_frame
from keepwell.insight.churn.reasons import Reason
from keepwell.record.models import Account
from keepwell.record.warning_signs import KIND_WORDS

pytestmark = pytest.mark.slow
CAUSE_REASONS = {
    "repeat_problems": {"complaints", "tickets", "equipment"},
    "late_deliveries": {"deliveries", "complaints"},
    "price_competitor": {"quotes", "order_trend", "ordering_rate"},  # value below its usual
    "owner_left": {"team", "contacts", "interactions"},
    "usage_decline": {"equipment"},
    "unanswered_detractor": {"nps", "csat"},
}
"""The reason groups that show each of the generator's churn causes."""
CAUSE_NOTES = {
    "repeat_problems": "discontent",
    "late_deliveries": "deliveries",
    "price_competitor": "competitor",
    "usage_decline": "volumes",
}
"""The kind of warning sign the account team's notes record for a cause."""


def _names_a_cause(reason: Reason, causes: tuple[str, ...] | list[str]) -> bool:
    """Whether ``reason`` is a cause's reason group, or its notes' kind of warning sign."""
    if reason.key != "warning_notes":
        return any(reason.key in CAUSE_REASONS[cause] for cause in causes)
    kinds = [CAUSE_NOTES[cause] for cause in causes if cause in CAUSE_NOTES]
    return any(KIND_WORDS[kind] in reason.sentence for kind in kinds)


def _before_churn(churned: ChurnedAccount) -> date:
    assert churned.churned_on is not None
    day = date.fromisoformat(churned.churned_on)
    return monthly_cutoffs(day - timedelta(days=75), day - timedelta(days=30))[-1]


def test_demo_backtest_and_reasons_agree_with_the_planted_causes(
    scored_demo: ScoredDemo, demo_engine: Engine
) -> None:
    truth = load_ground_truth(scored_demo.files)
    run = scored_demo.runs[-1].churn  # train_and_score(demo) with its defaults, in run_scoring
    assert run.method == "time-backtest"
    assert run.metrics.roc_auc is not None and run.metrics.roc_auc > 0.7, run.summary()

    with demo_engine.connect() as conn:
        ids = dict(conn.execute(select(Account.external_id, Account.id)).all())
    cutoffs = {c.account: _before_churn(c) for c in truth.churned}
    features = churn_features(demo_engine, sorted(set(cutoffs.values())))
    agreed = 0
    for churned in truth.churned:
        rows = features[
            (features["cutoff"] == cutoffs[churned.account])
            & (features["account_id"] == ids[churned.account])
        ]
        (score,) = score_frame(run.model, rows)
        agreed += any(_names_a_cause(reason, churned.causes) for reason in score.reasons)
    share = agreed / len(truth.churned)
    assert share > 0.6, (share, run.summary()["roc_auc"])
