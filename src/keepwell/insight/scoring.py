"""A scoring run: churn risk with reasons, health, repeat-purchase value, stored over time.

``run_scoring`` trains and backtests the churn model, scores every live account, adds the
health score (what the team agreed on) beside the churn probability (what the data
says), the BG/NBD probability alive and expected value, revenue at risk and growth
signals, and stores it all as one versioned :class:`ScoreRun`. Earlier runs are kept, so
trends and "what changed" can be read back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from keepwell import __version__
from keepwell.insight.churn.backtest import TrainingOptions
from keepwell.insight.churn.reasons import AccountScore as ChurnScore
from keepwell.insight.churn.reasons import RiskChange, what_changed
from keepwell.insight.churn.service import ChurnRun, train_and_score, with_health
from keepwell.insight.features import FEATURES, EngineName
from keepwell.insight.health import (
    HealthConfig,
    HealthConfigError,
    health_score,
    load_health_config,
)
from keepwell.insight.history import as_churn_score
from keepwell.insight.lifetime_value import order_transactions, repeat_customer_scores
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import revenue_at_risk
from keepwell.insight.signals import growth_signals
from keepwell.insight.snapshots import latest_scores
from keepwell.record.models import Account
from keepwell.settings import get_settings


@dataclass(frozen=True)
class ScoringResult:
    """A stored run and the accounts whose risk moved since the previous one."""

    run_id: int
    churn: ChurnRun
    movers: list[RiskChange]

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (what ``keepwell score --json`` prints)."""
        return {
            "run_id": self.run_id,
            **self.churn.summary(),
            "movers": [
                {
                    "account_id": m.account_id,
                    "before": m.before,
                    "after": m.after,
                    "features": [f.__dict__ for f in m.changes],
                }
                for m in self.movers
            ],
        }


def company_health_config() -> HealthConfig:
    """The company's health configuration (``<data_dir>/health.yaml``) or the default.

    Every component must name a feature (see docs/features.md).
    """
    path = get_settings().data_dir / "health.yaml"
    config = load_health_config(path if path.exists() else None)
    unknown = sorted({c.metric for c in config.components} - set(FEATURES))
    if unknown:
        raise HealthConfigError(f"{path}: unknown health metrics {unknown}; see docs/features.md")
    return config


def run_scoring(
    engine: Engine,
    *,
    engine_name: EngineName = "duckdb",
    as_of: date | None = None,
    health_config: HealthConfig | None = None,
    options: TrainingOptions | None = None,
) -> ScoringResult:
    """Train, score and store one run; see the module docstring.

    ``options`` says how the churn model is trained and backtested (default: from the
    company's churn definition, see :func:`~keepwell.insight.churn.train_and_score`).
    """
    config = health_config or company_health_config()
    trained = train_and_score(engine, engine_name=engine_name, as_of=as_of, options=options)
    churn = with_health(engine, trained, config)
    value = _repeat_value(engine, churn.as_of - timedelta(days=1))
    with Session(engine, expire_on_commit=False) as session:
        previous = _previous_scores(session)
        run = _store(session, churn, config, value, engine_name)
        session.commit()
    return ScoringResult(run.id, churn, what_changed(previous, churn.scores))


def _repeat_value(engine: Engine, day: date) -> pd.DataFrame:
    try:
        return repeat_customer_scores(order_transactions(engine), day)
    except ValueError:
        return pd.DataFrame(columns=["p_alive", "expected_orders", "expected_value"])


def _previous_scores(session: Session) -> list[ChurnScore]:
    return [as_churn_score(r) for r in latest_scores(session).values()]


def _store(
    session: Session, churn: ChurnRun, config: HealthConfig, value: pd.DataFrame, engine_name: str
) -> ScoreRun:
    segments = dict(session.execute(select(Account.id, Account.segment)).all())
    run = ScoreRun(
        as_of=churn.as_of,
        data_start=churn.cutoffs[0] if churn.cutoffs else None,
        data_end=churn.as_of - timedelta(days=1),
        engine=engine_name,
        model=churn.model_name,
        model_version=f"keepwell-{__version__}",
        method=churn.method,
        n_accounts=len(churn.scores),
        metrics=churn.summary(),
        health_config=config.model_dump(),
    )
    session.add(run)
    session.flush()
    session.add_all(
        _account_score(run.id, s, config, segments.get(s.account_id), value) for s in churn.scores
    )
    return run


def _account_score(
    run_id: int,
    score: ChurnScore,
    config: HealthConfig,
    segment: str | None,
    value: pd.DataFrame,
) -> AccountScore:
    values = {k: _finite(v) for k, v in score.values.items()}
    health = health_score(config, values, segment)
    annual = values.get("revenue_365d")
    repeat = value.loc[score.account_id] if score.account_id in value.index else None
    return AccountScore(
        run_id=run_id,
        account_id=score.account_id,
        churn_probability=score.probability,
        health_score=health.score,
        health_band=health.band,
        p_alive=_cell(repeat, "p_alive"),
        expected_orders_365d=_cell(repeat, "expected_orders"),
        expected_value_12m=_cell(repeat, "expected_value"),
        annual_revenue=annual,
        revenue_at_risk=revenue_at_risk(annual, score.probability),
        reasons=[{"key": r.key, "sentence": r.sentence, "weight": r.weight} for r in score.reasons],
        health_breakdown=[c.__dict__ for c in health.components],
        growth=growth_signals(values),
        features=values,
        contributions={k: float(v) for k, v in score.contributions.items()},
    )


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _cell(row: pd.Series | None, name: str) -> float | None:
    if row is None:
        return None
    return _finite(row[name])
