"""Reading stored scoring runs: the latest scores and one account's risk with its accuracy."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.signals import share_loss_signals

ACCURACY_KEYS = ("roc_auc", "pr_auc", "brier", "top_decile_lift")


def latest_run(session: Session) -> ScoreRun | None:
    """The newest scoring run, with its backtest metrics."""
    return session.scalar(select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1))


def latest_scores(
    session: Session, account_ids: list[int] | None = None
) -> dict[int, AccountScore]:
    """The newest run's scores by account (only ``account_ids`` if given)."""
    run = latest_run(session)
    if run is None:
        return {}
    query = select(AccountScore).where(AccountScore.run_id == run.id)
    if account_ids is not None:
        query = query.where(AccountScore.account_id.in_(account_ids))
    return {score.account_id: score for score in session.scalars(query)}


def account_risk(session: Session, account_id: int) -> dict[str, Any] | None:
    """One account's latest scores, reasons and health breakdown, beside the model's accuracy."""
    run = latest_run(session)
    if run is None:
        return None
    score = latest_scores(session, [account_id]).get(account_id)
    if score is None:
        return None
    return {
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "model": run.model,
        "method": run.method,
        "accuracy": {key: run.metrics.get(key) for key in ACCURACY_KEYS},
        "churn_probability": score.churn_probability,
        "reasons": [r["sentence"] for r in score.reasons],
        "health_score": score.health_score,
        "health_band": score.health_band,
        "health_breakdown": score.health_breakdown,
        "p_alive": score.p_alive,
        "expected_orders_365d": score.expected_orders_365d,
        "expected_value_12m": score.expected_value_12m,
        "annual_revenue": score.annual_revenue,
        "revenue_at_risk": score.revenue_at_risk,
        "growth": score.growth,
        "share_loss": share_loss_signals(score.features),
    }
