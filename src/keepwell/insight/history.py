"""Scores over time: the portfolio's trend per run, stored movers, and outcomes since a run.

Every scoring run is kept, so these read only the stored runs: no model is retrained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sklearn.metrics import roc_auc_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keepwell.insight.churn.reasons import AccountScore as ChurnScore
from keepwell.insight.churn.reasons import RiskChange, what_changed
from keepwell.insight.models import AccountScore, ScoreRun
from keepwell.insight.risk import at_risk_term, money_sum_term, recent_run_metrics, round_money
from keepwell.record.models import Account

MOVE_THRESHOLD = 0.1
"""A change in churn probability smaller than this is noise, not a mover."""


@dataclass(frozen=True)
class RunPoint:
    """One run's portfolio figures."""

    run_id: int
    as_of: date
    accounts: int
    mean_risk: float
    at_risk: int
    """Accounts at risk (the run's at-risk level of churn probability)."""
    revenue_at_risk: float
    roc_auc: float | None


@dataclass(frozen=True)
class Mover:
    """An account whose risk moved between the two latest runs, and the features behind it."""

    account_id: int
    name: str
    change: RiskChange
    reasons: list[str]


@dataclass(frozen=True)
class Outcome:
    """How a past run's scores held up against what happened since."""

    run_id: int
    as_of: date
    days_since: int
    accounts: int
    churned_since: int
    base_rate: float
    top_decile_rate: float | None
    """Share of the run's riskiest tenth that has churned since."""
    roc_auc: float | None
    """None until both churned and kept accounts exist."""


def run_history(session: Session, limit: int = 12) -> list[RunPoint]:
    """The latest ``limit`` runs, oldest first, with their portfolio figures."""
    runs = recent_run_metrics(session, limit)
    if not runs:
        return []
    at_risk = func.sum(at_risk_term(runs))
    rows = session.execute(
        select(
            ScoreRun.id,
            ScoreRun.as_of,
            ScoreRun.metrics,
            func.count(AccountScore.id),
            func.avg(AccountScore.churn_probability),
            at_risk,
            func.coalesce(func.sum(money_sum_term()), 0.0),
        )
        .join(AccountScore, AccountScore.run_id == ScoreRun.id)
        .where(ScoreRun.id.in_(list(runs)))
        .group_by(ScoreRun.id, ScoreRun.as_of, ScoreRun.metrics)
        .order_by(ScoreRun.id.desc())
        .limit(limit)
    ).all()
    return [
        RunPoint(
            run_id,
            as_of,
            count,
            float(mean or 0.0),
            int(risky or 0),
            round_money(float(money)),
            metrics.get("roc_auc"),
        )
        for run_id, as_of, metrics, count, mean, risky, money in reversed(rows)
    ]


def latest_movers(
    session: Session, *, threshold: float = MOVE_THRESHOLD, top: int = 10
) -> list[Mover]:
    """Accounts whose risk moved most between the two latest runs, with the reasons now."""
    runs = session.scalars(select(ScoreRun.id).order_by(ScoreRun.id.desc()).limit(2)).all()
    if len(runs) < 2:
        return []
    latest, previous = runs
    stored = {run: _scores(session, run) for run in runs}
    changes = what_changed(
        [as_churn_score(s) for s in stored[previous].values()],
        [as_churn_score(s) for s in stored[latest].values()],
        threshold=threshold,
    )[:top]
    ids = [c.account_id for c in changes]
    names = dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(ids))).all())
    return [
        Mover(
            c.account_id,
            names.get(c.account_id, f"#{c.account_id}"),
            c,
            [r["sentence"] for r in stored[latest][c.account_id].reasons],
        )
        for c in changes
    ]


def outcomes(session: Session, today: date, *, limit: int = 6) -> list[Outcome]:
    """For each of the latest runs, the accounts that churned since and how the scores ranked them.

    An account counts as churned when its end date falls after the run's day (up to
    ``today``). The top decile is the run's riskiest tenth of accounts.
    """
    runs = session.scalars(select(ScoreRun).order_by(ScoreRun.id.desc()).limit(limit)).all()
    found = []
    for run in reversed(runs):
        rows = session.execute(
            select(AccountScore.churn_probability, Account.ended_on)
            .join(Account, Account.id == AccountScore.account_id)
            .where(AccountScore.run_id == run.id, AccountScore.churn_probability.is_not(None))
        ).all()
        if not rows:
            continue
        scored = sorted(
            (
                (float(p or 0.0), ended is not None and run.as_of <= ended <= today)
                for p, ended in rows
            ),
            key=lambda row: -row[0],
        )
        churned = sum(flag for _, flag in scored)
        decile = scored[: max(len(scored) // 10, 1)]
        found.append(
            Outcome(
                run_id=run.id,
                as_of=run.as_of,
                days_since=max((today - run.as_of).days, 0),
                accounts=len(scored),
                churned_since=churned,
                base_rate=churned / len(scored),
                top_decile_rate=sum(flag for _, flag in decile) / len(decile),
                roc_auc=_auc(scored),
            )
        )
    return found


def _auc(scored: list[tuple[float, bool]]) -> float | None:
    """ROC AUC of the probabilities against the outcomes (``None`` with one class only)."""
    flags = [flag for _, flag in scored]
    if all(flags) or not any(flags):
        return None
    return float(roc_auc_score(flags, [p for p, _ in scored]))


def _scores(session: Session, run_id: int) -> dict[int, AccountScore]:
    query = select(AccountScore).where(AccountScore.run_id == run_id)
    return {s.account_id: s for s in session.scalars(query)}


def as_churn_score(stored: AccountScore) -> ChurnScore:
    """A stored score in the form :func:`what_changed` compares."""
    return ChurnScore(
        stored.account_id,
        stored.churn_probability or 0.0,
        [],
        dict(stored.features),
        dict(stored.contributions),
    )
