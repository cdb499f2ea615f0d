"""Train, judge and score churn risk from the shared customer record in one call.

With enough history the models learn from feature snapshots at monthly cutoffs and are
judged by a time-based backtest (``"time-backtest"``); without it, from the accounts'
attributes and lost status by cross-validation (``"cross-validation"``). The better
model by its pooled ROC AUC is refitted, calibrated and used to score every live account.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from threadpoolctl import threadpool_limits

from keepwell.insight.churn.attributes import (
    cross_validate,
    encode,
    fit_cv_calibrated,
    folds_for,
    load_accounts,
)
from keepwell.insight.churn.backtest import (
    Backtest,
    TrainingOptions,
    backtest,
    fit_calibrated,
    open_cutoffs,
)
from keepwell.insight.churn.bands import risk_bands
from keepwell.insight.churn.definition import ChurnDefinition, churn_events, load_definition
from keepwell.insight.churn.early_signs import REASON_DETAILS
from keepwell.insight.churn.examples import (
    FEATURE_NAMES,
    ChurnDataError,
    Examples,
    alive_at,
    build_examples,
    feature_frame,
    open_examples,
    training_cutoffs,
)
from keepwell.insight.churn.extra import EXTRA_BLOCKS
from keepwell.insight.churn.history import AccountHistory, load_histories, record_span
from keepwell.insight.churn.metrics import Metrics
from keepwell.insight.churn.model import ChurnModel, ModelName
from keepwell.insight.churn.reasons import AccountScore, explain
from keepwell.insight.churn.sentences import GROUPS, ReasonGroup
from keepwell.insight.features import EngineName, compute_features, connected, write_snapshot
from keepwell.insight.health.backtest import HealthBacktest, health_backtest
from keepwell.insight.health.config import HealthConfig
from keepwell.record.models import Account
from keepwell.settings import get_settings

Method = Literal["time-backtest", "cross-validation"]
WARMUP_DAYS = 180
"""History before the first training cutoff, so that its features have data behind them."""


@dataclass
class ChurnRun:
    """A trained churn model, how it did in its backtest, and the accounts it scored."""

    method: Method
    model_name: ModelName
    backtest: Backtest
    cutoffs: list[date]
    n_accounts: int
    n_examples: int
    as_of: date
    definition: ChurnDefinition
    model: ChurnModel
    scores: list[AccountScore] = field(default_factory=list)
    note: str | None = None
    """Why the time-based path was not taken, when it was not."""
    health: HealthBacktest | None = None
    """The team's health rule on the same backtest (time-based runs given a health rule)."""
    examples: Examples | None = None
    """The time-based run's training examples."""
    options: TrainingOptions | None = None
    """The time-based run's training options."""

    @property
    def metrics(self) -> Metrics:
        """The chosen model's pooled backtest metrics."""
        return self.backtest.pooled[self.model_name]

    def summary(self) -> dict[str, Any]:
        """The run as plain JSON values (what ``keepwell churn train --json`` prints)."""
        metrics = self.metrics.as_dict()
        return {
            "method": self.method,
            "model": self.model_name,
            "roc_auc": metrics["roc_auc"],
            "pr_auc": metrics["pr_auc"],
            "brier": metrics["brier"],
            "top_decile_lift": metrics["top_decile_lift"],
            "n_accounts": self.n_accounts,
            "n_examples": self.n_examples,
            "cutoffs": [c.isoformat() for c in self.cutoffs],
            "test_cutoffs": [c.isoformat() for c in self.backtest.test_cutoffs],
            "horizon_days": self.definition.horizon_days,
            "as_of": self.as_of.isoformat(),
            "scored": len(self.scores),
            "calibration": metrics["calibration"],
            "note": self.note,
            "risk_bands": self.risk_bands(),
            "health_backtest": self.health.summary() if self.health else None,
        }

    def risk_bands(self) -> dict[str, Any] | None:
        """The chosen model's validated risk bands (see :mod:`keepwell.insight.churn.bands`)."""
        pooled = self.backtest.predictions.get(self.model_name)
        return risk_bands(*pooled) if pooled is not None else None

    def backtest_rows(self) -> list[dict[str, Any]]:
        """Metrics per model and test fold, then pooled (``cutoff`` "all")."""
        rows = [
            {
                "model": f.model,
                "cutoff": f.cutoff.isoformat() if f.cutoff else None,
                "fold": f.fold,
                "train_examples": f.train_examples,
                **f.metrics.as_dict(with_calibration=False),
            }
            for f in self.backtest.folds
        ]
        for kind, metrics in self.backtest.pooled.items():
            pooled = metrics.as_dict(with_calibration=False)
            rows.append({"model": kind, "cutoff": "all", "fold": None, **pooled})
        if self.health is not None:
            rows.extend(
                {
                    "model": "health",
                    "cutoff": f.cutoff.isoformat() if f.cutoff else None,
                    "fold": f.fold,
                    "train_examples": f.train_examples,
                    **f.metrics.as_dict(with_calibration=False),
                }
                for f in self.health.folds
            )
            pooled = self.health.pooled.as_dict(with_calibration=False)
            rows.append({"model": "health", "cutoff": "all", "fold": None, **pooled})
        return rows


def train_and_score(
    engine: Engine,
    *,
    engine_name: EngineName = "duckdb",
    as_of: date | None = None,
    definition: ChurnDefinition | None = None,
    options: TrainingOptions | None = None,
) -> ChurnRun:
    """Train and judge both models, keep the better one and score the live accounts.

    ``as_of`` is the scoring day, the day the scores describe: only data recorded before
    it are used, and it is never after today (default: today, or the day after the
    latest record when that is earlier). The definition defaults to the company's (see
    :func:`load_definition`).
    """
    definition = definition or load_definition(data_dir=get_settings().data_dir)
    options = options or TrainingOptions(
        horizon_days=definition.horizon_days, settle_days=definition.settle_days
    )
    today = date.today()
    if as_of is not None and as_of > today:
        raise ChurnDataError(
            f"the scoring day {as_of} is after today ({today}): scores describe a day "
            "that has begun, from the data recorded before it"
        )
    with threadpool_limits(limits=TRAINING_THREADS):  # repeatable runs
        return _train_and_score(engine, engine_name, as_of, definition, options, today)


TRAINING_THREADS = 1
"""Threads of the numeric libraries while training and scoring. With more, OpenMP and BLAS
sum in a different order on every run and the same data scored twice moved some accounts'
risk by more than 0.1 (movers that are not real); one thread was also not slower here."""


def _train_and_score(
    engine: Engine,
    engine_name: EngineName,
    as_of: date | None,
    definition: ChurnDefinition,
    options: TrainingOptions,
    today: date,
) -> ChurnRun:
    span = record_span(engine)
    if span is None:
        return _snapshot_run(engine, definition, options, as_of or today, None)
    score_day = as_of or min(span[1] + timedelta(days=1), today)
    data_end = min(span[1], score_day - timedelta(days=1))
    try:
        return _time_run(engine, engine_name, definition, options, (span[0], data_end), score_day)
    except ChurnDataError as exc:
        try:
            return _snapshot_run(engine, definition, options, score_day, str(exc))
        except ChurnDataError as fallback:
            raise ChurnDataError(f"{exc}; from attributes alone: {fallback}") from fallback


def _time_run(
    engine: Engine,
    engine_name: EngineName,
    definition: ChurnDefinition,
    options: TrainingOptions,
    span: tuple[date, date],
    score_day: date,
) -> ChurnRun:
    first, data_end = span
    histories = list(load_histories(engine).values())
    events = churn_events(definition, histories, data_end)
    cutoffs = training_cutoffs(first, data_end, options.outcome_days, WARMUP_DAYS, score_day)
    if not cutoffs:
        raise ChurnDataError("not enough history: no cutoff has a known outcome yet")
    grid = training_cutoffs(first, data_end, 0, WARMUP_DAYS, score_day)
    recent_days = open_cutoffs([c for c in grid if c > cutoffs[-1]], score_day, options)
    features = churn_features(engine, [*cutoffs, *recent_days, score_day], engine_name)
    examples = build_examples(features, events, cutoffs, options.horizon_days)

    def recent(day: date) -> Examples:
        return examples_open_on(features, definition, histories, cutoffs, day, options)

    result = backtest(examples, options, recent)
    confirmed = data_end - timedelta(days=options.settle_days)
    present = open_examples(features, events, recent_days, options.horizon_days, confirmed)
    model = fit_calibrated(result.chosen, examples.plus(present), options)
    scores = score_frame(model, alive_at(features, events, score_day))
    run = ChurnRun(
        "time-backtest",
        result.chosen,
        result,
        cutoffs,
        _accounts(examples),
        len(examples),
        score_day,
        definition,
        model,
        scores,
    )
    run.examples, run.options = examples, options
    return run


def examples_open_on(
    features: pd.DataFrame,
    definition: ChurnDefinition,
    histories: Sequence[AccountHistory],
    cutoffs: Sequence[date],
    day: date,
    options: TrainingOptions,
) -> Examples:
    """The examples of ``cutoffs`` whose label window is open on ``day`` (see
    :func:`open_cutoffs`), labelled by the churns the data before ``day`` confirm."""
    known = churn_events(definition, histories, day - timedelta(days=1))
    days = open_cutoffs(cutoffs, day, options)
    confirmed = day - timedelta(days=1 + options.settle_days)
    return open_examples(features, known, days, options.horizon_days, confirmed)


def with_health(engine: Engine, run: ChurnRun, config: HealthConfig) -> ChurnRun:
    """``run`` with the team's health rule judged on its backtest (time-based runs only)."""
    if run.examples is None or run.options is None:
        return run
    with engine.connect() as conn:
        segments = {
            row.id: row.segment for row in conn.execute(select(Account.id, Account.segment))
        }
    run.health = health_backtest(
        run.examples, run.backtest.test_cutoffs, config, segments, run.options
    )
    return run


def churn_features(
    engine: Engine, cutoffs: list[date], engine_name: EngineName = "duckdb"
) -> pd.DataFrame:
    """The model's inputs per account and cutoff, from a fresh snapshot of the record."""
    with tempfile.TemporaryDirectory(prefix="keepwell-churn-") as folder:
        write_snapshot(engine, Path(folder))
        with connected(engine_name, Path(folder)) as con:
            return feature_frame(compute_features(con, cutoffs, extra_blocks=EXTRA_BLOCKS))


def _accounts(examples: Examples) -> int:
    return int(examples.frame["account_id"].nunique())


def _snapshot_run(
    engine: Engine,
    definition: ChurnDefinition,
    options: TrainingOptions,
    score_day: date,
    note: str | None,
) -> ChurnRun:
    data = encode(load_accounts(engine), definition.lost_statuses)
    folds_for(data.y)
    if not data.features:
        raise ChurnDataError("the accounts carry no attributes to learn from")
    result = cross_validate(data, options)
    everyone = np.arange(len(data.account_ids))
    model = fit_cv_calibrated(result.chosen, data, everyone, options)
    live = np.flatnonzero(data.y == 0)
    ids = [data.account_ids[row] for row in live]
    scores = _scores(model, ids, data.x[live], data.groups)
    return ChurnRun(
        "cross-validation",
        result.chosen,
        result,
        [],
        len(data.account_ids),
        len(data.account_ids),
        score_day,
        definition,
        model,
        scores,
        note,
    )


def score_frame(model: ChurnModel, frame: pd.DataFrame) -> list[AccountScore]:
    """Scores and reasons of a time-based model for feature rows (one per account)."""
    x = frame[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    details = frame[[name for name in REASON_DETAILS if name in frame]]
    rows = details.to_dict(orient="records")
    return _scores(model, frame["account_id"].astype("int64").tolist(), x, GROUPS, rows)


def _scores(
    model: ChurnModel,
    account_ids: list[int],
    x: np.ndarray,
    groups: tuple[ReasonGroup, ...],
    details: list[dict[str, Any]] | None = None,
) -> list[AccountScore]:
    """Probability, contributions and reasons of every row of ``x``; ``details`` (per row)
    are values only the reasons' sentences read (see
    :data:`keepwell.insight.churn.early_signs.REASON_DETAILS`)."""
    if len(account_ids) == 0:
        return []
    probabilities = model.predict_proba(x)
    pushes = model.contributions(x)
    scores: list[AccountScore] = []
    for row, account_id in enumerate(account_ids):
        values = {
            name: None if np.isnan(value) else float(value)
            for name, value in zip(model.features, x[row], strict=True)
        }
        contributions = dict(zip(model.features, map(float, pushes[row]), strict=True))
        extra = details[row] if details else {}
        reasons = explain({**values, **extra}, contributions, groups)
        scores.append(
            AccountScore(account_id, float(probabilities[row]), reasons, values, contributions)
        )
    return sorted(scores, key=lambda s: -s.probability)
