"""Two stored scoring runs over the small record of ``tests/web/conftest.py``.

Stored as ``keepwell score`` stores them: Acme's risk jumps from 15 % to 72 % between
the runs because its orders stopped; Gamma stays at 8 %; Beta is not scored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from keepwell.db import session_scope
from keepwell.insight.models import AccountScore, ScoreRun

OVERDUE = "2 invoices overdue"


def breakdown(orders: float) -> list[dict[str, Any]]:
    """A health breakdown with an order-frequency and a revenue component."""
    return [
        {
            "name": "Ordering",
            "metric": "orders_90d",
            "value": orders,
            "score": 10 * orders,
            "weight": 2.0,
        },
        {"name": "Spend", "metric": "revenue_365d", "value": 98765.0, "score": 55.0, "weight": 1.0},
    ]


def score(
    run: int, account: int, p: float, health: float, band: str, orders: float
) -> AccountScore:
    """One stored account score with reasons, features and contributions."""
    reasons = [{"key": "order_gap", "sentence": "no order in the last 90 days", "weight": 0.3}]
    if p > 0.5:
        reasons.append({"key": "payments", "sentence": OVERDUE, "weight": 0.2})
    return AccountScore(
        run_id=run,
        account_id=account,
        churn_probability=p,
        health_score=health,
        health_band=band,
        p_alive=1 - p,
        expected_orders_365d=4.5,
        expected_value_12m=20000.0,
        annual_revenue=98765.0,
        revenue_at_risk=98765.0 * p,
        reasons=reasons if p > 0.2 else [],
        health_breakdown=breakdown(orders),
        growth=[],
        features={"orders_90d": orders, "revenue_365d": 98765.0},
        contributions={"orders_90d": 2 * p, "revenue_365d": p / 4},
    )


PREDICTED = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.45)
OBSERVED = (0.0, 0.0, 0.01, 0.01, 0.02, 0.02, 0.03, 0.05, 0.1, 0.4)
CALIBRATION = [
    {"bin": i + 1, "n": 100, "mean_predicted": p, "observed": o}
    for i, (p, o) in enumerate(zip(PREDICTED, OBSERVED, strict=True))
]
"""A backtest of 1,000 examples in ten groups: base rate 6.4 %, so "at risk" from 19.2 %;
of the riskiest group (the only one at or over it) 4 in 10 left, of the others 1 in 38."""
ACCURACY_SENTENCE = (
    "Of the customers the model flagged as at risk in its test on past data, 4 in 10 left "
    "within 6 months; of the others, 1 in 38."
)


def store_runs(engine: Engine, record: dict[str, int]) -> dict[str, int]:
    """Two runs: Acme's risk from 15 % to 72 %, Gamma 8 % both times; Beta not scored."""
    metrics = {
        "roc_auc": 0.81,
        "pr_auc": 0.44,
        "brier": 0.121,
        "top_decile_lift": 3.2,
        "horizon_days": 180,
        "calibration": CALIBRATION,
    }
    with session_scope(engine) as session:
        for number, (acme, orders) in enumerate([(0.15, 6.0), (0.72, 0.0)], start=1):
            run = ScoreRun(
                as_of=date(2025, number, 1),
                engine="duckdb",
                model="lightgbm",
                model_version="test",
                method="time-backtest",
                n_accounts=2,
                metrics=metrics,
            )
            session.add(run)
            session.flush()
            band = "at_risk" if acme > 0.5 else "healthy"
            session.add(score(run.id, record["C-1"], acme, 100 - 100 * acme, band, orders))
            session.add(score(run.id, record["C-3"], 0.08, 88.0, "healthy", 5.0))
    return record
