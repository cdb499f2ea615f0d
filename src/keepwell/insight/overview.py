"""Reading stored runs for the portfolio and the account views.

The model's accuracy beside its scores, the portfolio's risk over the last runs, the
accounts whose risk moved most since the previous run (and the features behind the
move), and one account's risk and health over time. Every function reads with a fixed
number of statements, however many accounts were scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from keepwell.db.prepared import prepared, read
from keepwell.insight.churn.reasons import AccountScore as ChurnScore
from keepwell.insight.churn.reasons import FeatureChange, what_changed
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import at_risk_term, money_sum_term, recent_run_metrics, round_money
from keepwell.record.models import Account

RUNS_SHOWN = 12
MOVERS_SHOWN = 5
MOVE_THRESHOLD = 0.1
AT_RISK = "at_risk"


@dataclass(frozen=True)
class Accuracy:
    """How well a run's model did on its backtest."""

    run_id: int
    as_of: date
    model: str
    method: str
    n_accounts: int
    roc_auc: float | None
    pr_auc: float | None
    brier: float | None
    top_decile_lift: float | None


def accuracy(run: ScoreRun) -> Accuracy:
    """The run's backtest accuracy as stored with it."""
    metric = run.metrics.get
    return Accuracy(
        run.id,
        run.as_of,
        run.model,
        run.method,
        run.n_accounts,
        metric("roc_auc"),
        metric("pr_auc"),
        metric("brier"),
        metric("top_decile_lift"),
    )


@dataclass(frozen=True)
class TrendPoint:
    """The scored accounts of one run in aggregate."""

    as_of: date
    accounts: int
    mean_risk: float | None
    revenue_at_risk: float | None
    at_risk: int


def risk_trend(
    session: Session, accounts: Select[Any] | None = None, *, runs: int = RUNS_SHOWN
) -> list[TrendPoint]:
    """Mean churn risk, revenue at risk and the accounts at risk of the last ``runs`` runs.

    ``accounts`` (a select of account ids) narrows every run to those accounts. "At risk"
    is each run's own at-risk level (:mod:`keepwell.insight.risk`).
    """
    last = recent_run_metrics(session, runs)
    if not last:
        return []
    query = (
        select(
            ScoreRun.as_of,
            func.count(AccountScore.id),
            func.avg(AccountScore.churn_probability),
            func.sum(money_sum_term()),
            func.sum(at_risk_term(last)),
        )
        .join(AccountScore, AccountScore.run_id == ScoreRun.id)
        .where(ScoreRun.id.in_(list(last)))
        .group_by(ScoreRun.id, ScoreRun.as_of)
        .order_by(ScoreRun.id)
    )
    if accounts is not None:
        query = query.where(AccountScore.account_id.in_(accounts))
    return [
        TrendPoint(
            day,
            n,
            _float(mean),
            None if money is None else round_money(float(money)),
            int(red or 0),
        )
        for day, n, mean, money, red in session.execute(query)
    ]


@dataclass(frozen=True)
class Mover:
    """An account whose risk moved since the previous run, and why."""

    account_id: int
    name: str
    before: float
    after: float
    changes: list[FeatureChange]
    reasons: list[str]

    @property
    def delta(self) -> float:
        """The change in churn probability."""
        return self.after - self.before


def biggest_movers(
    session: Session, *, limit: int = MOVERS_SHOWN, threshold: float = MOVE_THRESHOLD
) -> list[Mover]:
    """The ``limit`` accounts whose risk moved most (by more than ``threshold``)."""
    runs = list(session.scalars(select(ScoreRun.id).order_by(ScoreRun.id.desc()).limit(2)))
    if len(runs) < 2:
        return []
    now, then = (
        select(AccountScore.account_id, AccountScore.churn_probability.label("p"))
        .where(AccountScore.run_id == run)
        .subquery()
        for run in runs
    )
    moved = func.abs(now.c.p - then.c.p)
    top = (
        select(now.c.account_id)
        .join(then, then.c.account_id == now.c.account_id)
        .where(moved > threshold)
        .order_by(moved.desc(), now.c.account_id)
        .limit(limit)
    )
    rows = session.execute(
        select(AccountScore, Account.name)
        .join(Account, Account.id == AccountScore.account_id)
        .where(AccountScore.run_id.in_(runs), AccountScore.account_id.in_(top))
    ).all()
    latest = {s.account_id: (s, name) for s, name in rows if s.run_id == runs[0]}
    previous = [_churn(s) for s, _name in rows if s.run_id == runs[1]]
    changes = what_changed(previous, [_churn(s) for s, _ in latest.values()], threshold=threshold)
    return [
        Mover(
            c.account_id,
            latest[c.account_id][1],
            c.before,
            c.after,
            c.changes,
            [r["sentence"] for r in latest[c.account_id][0].reasons],
        )
        for c in changes
    ]


@dataclass(frozen=True)
class HistoryPoint:
    """One account's scores in one run."""

    as_of: date
    churn_probability: float | None
    health_score: float | None


def account_history(
    session: Session, account_id: int, *, runs: int = RUNS_SHOWN
) -> list[HistoryPoint]:
    """The account's risk and health in the last ``runs`` runs that scored it, oldest first."""
    rows = read(session, _account_history(), account=account_id, runs=runs).all()
    return [HistoryPoint(*row) for row in reversed(rows)]


@prepared
def _account_history() -> Select[date, float | None, float | None]:
    return (
        select(ScoreRun.as_of, AccountScore.churn_probability, AccountScore.health_score)
        .join(ScoreRun, ScoreRun.id == AccountScore.run_id)
        .where(AccountScore.account_id == bindparam("account", type_=Integer))
        .order_by(ScoreRun.id.desc())
        .limit(bindparam("runs", type_=Integer))
    )


def _churn(score: AccountScore) -> ChurnScore:
    return ChurnScore(
        score.account_id,
        score.churn_probability or 0.0,
        [],
        dict(score.features),
        dict(score.contributions),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
