"""Time-based backtest and calibrated fitting, so that no outcome leaks across time.

For a test cutoff ``t`` the model is trained only on cutoffs ``c`` with
``c + horizon + settle < t``: every training label window (c, c + horizon] has closed,
and been confirmed (the definition's settle days), before the test cutoff, so nothing
observed on or after ``t`` (the test period) reaches training through a label.

Calibration learns the map from a model's standardised scores to churn rates from
scores the model did not see: the training examples are split into folds by account,
each fold is scored by a model fitted on the other folds, and the calibrator is fitted
on those out-of-fold scores of the latest few training cutoffs (the present's churn
rate, not the average over the years). The model is then fitted on every training
example and combined with that calibrator. The test cutoff's examples are never used
for fitting or calibrating. Scoring the present works the same way, with every cutoff
whose outcome is known as training examples.

The pooled metrics over many test cutoffs (up to ``test_cutoffs``, the latest ones) are
what a run reports: one cutoff holds few churners, and which ones depends on the day the
data end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from keepwell.insight.churn.calibration import CalibrationMethod, Calibrator
from keepwell.insight.churn.examples import FEATURE_NAMES, ChurnDataError, Examples
from keepwell.insight.churn.metrics import Metrics, evaluate
from keepwell.insight.churn.model import MODELS, ChurnModel, ModelName

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TrainingOptions:
    """How examples are split in time and how models are calibrated."""

    horizon_days: int = 180
    settle_days: int = 0
    """Days after a label window until its outcome is confirmed (the definition's)."""
    test_cutoffs: int = 8
    calibration_cutoffs: int = 3
    calibration_folds: int = 3
    min_train_churners: int = 20
    """Churn examples a backtest fold needs before its test cutoff: a model trained on a
    handful of early churners ranks by accidents of its time, not by signs of leaving."""
    calibration: CalibrationMethod = "platt"
    seed: int = 0
    half_life_days: float | None = 120.0
    """Examples this many days older than the latest weigh half as much in fitting: the
    present resembles the last months more than two years ago (None: all weigh the same)."""
    open_days: int | None = 90
    """Train also on cutoffs whose label window is still open, once this many days of it
    are confirmed (after the settle days); None trains on closed windows only."""

    @property
    def outcome_days(self) -> int:
        """Days after a cutoff until its label is known."""
        return self.horizon_days + self.settle_days


@dataclass(frozen=True)
class FoldResult:
    """One model's metrics on one test fold: a test cutoff, or a cross-validation fold.

    ``model`` is a churn model's name, or ``"health"`` for the team's health rule."""

    model: str
    cutoff: date | None
    fold: int
    train_examples: int
    metrics: Metrics


@dataclass(frozen=True)
class Backtest:
    """Per-fold and pooled metrics of every model, and the better one."""

    folds: list[FoldResult]
    pooled: dict[ModelName, Metrics]
    chosen: ModelName
    test_cutoffs: list[date]
    predictions: dict[ModelName, tuple[Ints, Floats]] = field(default_factory=dict)
    """Each model's pooled test outcomes and predicted probabilities."""


OpenExamples = Callable[[date], Examples]
"""The examples at cutoffs whose label window is open on a day, labelled only from the
data before that day (see :func:`keepwell.insight.churn.examples.open_examples`)."""


def open_cutoffs(cutoffs: Sequence[date], day: date, options: TrainingOptions) -> list[date]:
    """Of ``cutoffs``, those before ``day`` whose outcome is not known yet but at least
    ``open_days`` of whose label window are confirmed by ``day``."""
    if options.open_days is None:
        return []
    closed = set(purged(cutoffs, day, options.outcome_days))
    seen = timedelta(days=options.settle_days + options.open_days)
    return [c for c in cutoffs if c not in closed and c + seen <= day]


def purged(cutoffs: Sequence[date], before: date, outcome_days: int) -> list[date]:
    """The cutoffs whose outcome is known before ``before``: ``c + outcome_days < before``."""
    outcome = timedelta(days=outcome_days)
    return [c for c in cutoffs if c + outcome < before]


def calibration_slice(examples: Examples, options: TrainingOptions) -> Examples:
    """The latest ``calibration_cutoffs`` closed cutoffs' examples, whose churn rate is
    calibrated to (open windows would understate it)."""
    closed = examples.closed()
    return closed.at(closed.cutoffs[-options.calibration_cutoffs :])


def usable(examples: Examples) -> bool:
    """Whether ``examples`` hold both churned and retained accounts."""
    return len(examples) > 0 and len(np.unique(examples.y)) == 2


def out_of_fold_scores(kind: ModelName, examples: Examples, options: TrainingOptions) -> Floats:
    """Each example's standardised score from a model fitted on the other accounts' examples."""
    accounts = examples.frame["account_id"].to_numpy()
    fold_of = {a: i % options.calibration_folds for i, a in enumerate(np.unique(accounts))}
    folds = np.array([fold_of[a] for a in accounts])
    x, y, w = examples.x, examples.y, recency_weights(examples, options)
    scores = np.full(len(y), np.nan)
    for fold in range(options.calibration_folds):
        held = folds == fold
        if not held.any() or len(np.unique(y[~held])) < 2:
            continue
        model = ChurnModel(kind, FEATURE_NAMES, options.seed).fit(x[~held], y[~held], w[~held])
        scores[held] = model.score(x[held])
    return scores


def recency_weights(examples: Examples, options: TrainingOptions) -> Floats:
    """Each example's weight in fitting: halved every ``half_life_days`` before the latest
    cutoff (all 1 without a half-life)."""
    if options.half_life_days is None or len(examples) == 0:
        return np.ones(len(examples))
    cutoffs = examples.frame["cutoff"]
    age = np.asarray([(max(cutoffs) - c).days for c in cutoffs], dtype=np.float64)
    return np.asarray(0.5 ** (age / options.half_life_days), dtype=np.float64)


def fit_calibrated(kind: ModelName, examples: Examples, options: TrainingOptions) -> ChurnModel:
    """A model fitted on ``examples`` and calibrated out of fold on their latest slice."""
    in_slice = examples.frame["cutoff"].isin(set(calibration_slice(examples, options).cutoffs))
    latest = in_slice & examples.complete
    later = examples.y[latest.to_numpy()]
    if not (usable(examples) and len(np.unique(later)) == 2):
        raise ChurnDataError(
            "not enough history to calibrate: the latest cutoffs need churned and retained accounts"
        )
    scores = out_of_fold_scores(kind, examples, options)[latest.to_numpy()]
    known = ~np.isnan(scores)
    calibrator = Calibrator(options.calibration).fit(scores[known], later[known])
    weights = recency_weights(examples, options)
    model = ChurnModel(kind, FEATURE_NAMES, options.seed).fit(examples.x, examples.y, weights)
    return model.calibrate(calibrator)


def fold_training(examples: Examples, test_cutoff: date, options: TrainingOptions) -> Examples:
    """The training examples of the fold that tests ``test_cutoff`` (purged, see module)."""
    return examples.at(purged(examples.cutoffs, test_cutoff, options.outcome_days))


def backtest_cutoffs(examples: Examples, options: TrainingOptions) -> list[date]:
    """Up to ``options.test_cutoffs`` latest cutoffs with enough history before them."""
    ready = [
        cutoff
        for cutoff in examples.cutoffs
        if usable(examples.at([cutoff]))
        and usable(calibration_slice(fold_training(examples, cutoff, options), options))
        and int(fold_training(examples, cutoff, options).y.sum()) >= options.min_train_churners
    ]
    return ready[-options.test_cutoffs :]


def backtest(
    examples: Examples, options: TrainingOptions, recent: OpenExamples | None = None
) -> Backtest:
    """Both models at each backtest cutoff (see :func:`backtest_cutoffs`), trained on the past:
    the closed windows before it and, given ``recent``, the open ones labelled from the
    data before it."""
    tests = backtest_cutoffs(examples, options)
    if not tests:
        raise ChurnDataError(
            "not enough history for a time-based backtest: no cutoff has, before it, "
            "the purged training and calibration examples it needs"
        )
    folds: list[FoldResult] = []
    predictions: dict[ModelName, tuple[list[Ints], list[Floats]]] = {m: ([], []) for m in MODELS}
    for number, test_cutoff in enumerate(tests, start=1):
        train = fold_training(examples, test_cutoff, options)
        if recent is not None:
            train = train.plus(recent(test_cutoff))
        test = examples.at([test_cutoff])
        for kind in MODELS:
            p = fit_calibrated(kind, train, options).predict_proba(test.x)
            folds.append(FoldResult(kind, test_cutoff, number, len(train), evaluate(test.y, p)))
            predictions[kind][0].append(test.y)
            predictions[kind][1].append(p)
    return summarise(folds, predictions, tests)


def summarise(
    folds: list[FoldResult],
    predictions: dict[ModelName, tuple[list[Ints], list[Floats]]],
    tests: list[date],
) -> Backtest:
    """Pool each model's test predictions over the folds and pick the better model."""
    joined = {
        kind: (np.concatenate(ys), np.concatenate(ps)) for kind, (ys, ps) in predictions.items()
    }
    pooled = {kind: evaluate(y, p) for kind, (y, p) in joined.items()}
    return Backtest(folds, pooled, better(pooled), tests, joined)


def better(pooled: dict[ModelName, Metrics]) -> ModelName:
    """The model with the higher pooled ROC AUC; within 0.005 of each other, the lower Brier."""
    logistic, lightgbm = pooled["logistic"], pooled["lightgbm"]
    auc_gap = (lightgbm.roc_auc or 0.0) - (logistic.roc_auc or 0.0)
    if abs(auc_gap) <= 0.005:
        return "lightgbm" if lightgbm.brier < logistic.brier else "logistic"
    return "lightgbm" if auc_gap > 0 else "logistic"
