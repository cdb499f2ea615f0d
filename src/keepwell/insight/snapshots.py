"""Reading stored scoring runs: the latest scores and one account's risk with its accuracy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import accuracy_story, risk_bands, risk_level
from keepwell.insight.signals import share_loss_signals

ACCURACY_KEYS = ("roc_auc", "pr_auc", "brier", "top_decile_lift")


def latest_run(session: Session) -> ScoreRun | None:
    """The newest scoring run, with its backtest metrics."""
    return session.scalar(_latest_run())


def latest_scores(
    session: Session, account_ids: list[int] | None = None
) -> dict[int, AccountScore]:
    """The newest run's scores by account (only ``account_ids`` if given)."""
    if account_ids is None:
        scores = session.scalars(_latest_scores())
    else:
        scores = session.scalars(_latest_scores_of(), {"ids": account_ids})
    return {score.account_id: score for score in scores}


def accounts_in_band(session: Session, band: str) -> set[int]:
    """Accounts whose health band is ``band`` in the newest run (ids only: a cheap read)."""
    query = select(AccountScore.account_id).where(
        _in_latest_run(), AccountScore.health_band == band
    )
    return set(session.scalars(query))


REASON_TIMELINE: dict[str, str] = {
    "complaints": "ticket",
    "tickets": "ticket",
    "recurring_problems": "ticket",
    "order_gap": "order",
    "order_trend": "order",
    "ordering_rate": "order",
    "spare_parts": "order",
    "deliveries": "order",
    "quotes": "quote",
    "handoff": "quote",
    "payments": "invoice",
    "nps": "survey",
    "csat": "survey",
    "follow_up": "survey",
    "interactions": "interaction",
    "warning_notes": "interaction",
    "contacts": "contact",
    "team": "team",
    "equipment": "telemetry",
}
"""The part of the account's timeline that shows what a reason is about, by the key of its
group (:data:`keepwell.insight.churn.sentences.GROUPS`) and a timeline family
(:data:`keepwell.record.timeline.TIMELINE_FAMILIES`)."""


def account_risk(session: Session, account_id: int) -> dict[str, Any] | None:
    """One account's latest scores, reasons and health breakdown, beside the model's accuracy."""
    score = read(session, _account_risk(), account=account_id).first()
    if score is None:
        return None
    story = accuracy_story(score.metrics)
    return {
        "run_id": score.run_id,
        "as_of": score.as_of.isoformat(),
        "model": score.model,
        "method": score.method,
        "accuracy": {key: score.metrics.get(key) for key in ACCURACY_KEYS},
        "churn_probability": score.churn_probability,
        "level": risk_level(score.churn_probability, score.metrics),
        "accuracy_sentence": story.sentence if story is not None else None,
        "reasons": [r["sentence"] for r in score.reasons],
        "reason_timeline": [REASON_TIMELINE.get(r.get("key", "")) for r in score.reasons],
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
        "risk_bands": _effective_bands(score.metrics),
    }


def _effective_bands(metrics: Mapping[str, Any] | None) -> dict[str, Any]:
    """The thresholds every list and label uses (:func:`keepwell.insight.risk.risk_bands`),
    so the account page's sentences cannot use other bands than its badges."""
    bands = risk_bands(metrics)
    return {
        "at_risk": bands.at_risk,
        "watch": bands.watch,
        "base_rate": bands.base_rate,
        "source": bands.source,
    }


@prepared
def _latest_run() -> Select[ScoreRun]:
    return select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1)


def _in_latest_run() -> ColumnElement[bool]:
    return AccountScore.run_id == select(func.max(ScoreRun.id)).scalar_subquery()


@prepared
def _latest_scores() -> Select[AccountScore]:
    return select(AccountScore).where(_in_latest_run())


@prepared
def _latest_scores_of() -> Select[AccountScore]:
    return _latest_scores().where(AccountScore.account_id.in_(bindparam("ids", expanding=True)))


@prepared
def _account_risk() -> Select[*tuple[Any, ...]]:
    """The account's score in the newest run, with that run's model and accuracy."""
    score_columns = [
        getattr(AccountScore, name)
        for name in (
            "churn_probability",
            "reasons",
            "health_score",
            "health_band",
            "health_breakdown",
            "p_alive",
            "expected_orders_365d",
            "expected_value_12m",
            "annual_revenue",
            "revenue_at_risk",
            "growth",
            "features",
        )
    ]
    return (
        select(ScoreRun.id.label("run_id"), ScoreRun.as_of, ScoreRun.model, ScoreRun.method)
        .add_columns(ScoreRun.metrics, *score_columns)
        .join(AccountScore, AccountScore.run_id == ScoreRun.id)
        .where(_in_latest_run(), AccountScore.account_id == bindparam("account", type_=Integer))
    )
