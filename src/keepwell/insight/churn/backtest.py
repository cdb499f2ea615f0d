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
from keepwell.insight.churn.model import MODELS, BlendModel, ChurnModel, ModelName

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
    open_weight: float = 3.0
    """How much more an example of an open label window weighs in fitting than a closed
    one of the same age (on top of the recency weight)."""
    weigh_open_zeros_by_seen: bool = True
    """A 0 of an open window weighs only the share of the window seen so far: an account
    whose signs have started may still leave in the part not seen yet (a 1 is certain)."""

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
    if len(examples) == 0:
        return np.ones(0)
    weights = np.where(examples.complete, 1.0, options.open_weight)
    if options.weigh_open_zeros_by_seen:
        unsure = ~examples.complete & (examples.y == 0)
        weights = np.where(unsure, weights * examples.seen, weights)
    if options.half_life_days is None:
        return np.asarray(weights, dtype=np.float64)
    cutoffs = examples.frame["cutoff"]
    latest = max(cutoffs)  # once: inside the loop it made every scoring run quadratic
    age = np.asarray([(latest - c).days for c in cutoffs], dtype=np.float64)
    return np.asarray(weights * 0.5 ** (age / options.half_life_days), dtype=np.float64)


def fit_calibrated(kind: ModelName, examples: Examples, options: TrainingOptions) -> ChurnModel:
    """A model fitted on ``examples`` and calibrated out of fold on their latest slice."""
    if kind == "blend":
        return fit_all(examples, options)["blend"]
    return fit_all(examples, options, (kind,))[kind]


def fit_all(
    examples: Examples, options: TrainingOptions, kinds: Sequence[ModelName] = MODELS
) -> dict[ModelName, ChurnModel]:
    """Each of ``kinds`` fitted on ``examples`` and calibrated out of fold on their latest
    slice; with every fitted model, also their ``blend``, calibrated on the mean of their
    out-of-fold scores (no further fitting)."""
    in_slice = examples.frame["cutoff"].isin(set(calibration_slice(examples, options).cutoffs))
    latest = (in_slice & examples.complete).to_numpy()
    later = examples.y[latest]
    if not (usable(examples) and len(np.unique(later)) == 2):
        raise ChurnDataError(
            "not enough history to calibrate: the latest cutoffs need churned and retained accounts"
        )
    weights = recency_weights(examples, options)
    models: dict[ModelName, ChurnModel] = {}
    held_out: list[Floats] = []
    for kind in kinds:
        scores = out_of_fold_scores(kind, examples, options)[latest]
        held_out.append(scores)
        model = ChurnModel(kind, FEATURE_NAMES, options.seed).fit(examples.x, examples.y, weights)
        models[kind] = model.calibrate(_calibrator(scores, later, options))
    if set(MODELS) <= set(kinds):
        blend = BlendModel([models[kind] for kind in MODELS])
        models["blend"] = blend.calibrate(_calibrator(np.mean(held_out, axis=0), later, options))
    return models


def _calibrator(scores: Floats, outcomes: Ints, options: TrainingOptions) -> Calibrator:
    known = ~np.isnan(scores)
    return Calibrator(options.calibration).fit(scores[known], outcomes[known])


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
    kinds: tuple[ModelName, ...] = (*MODELS, "blend")
    predictions: dict[ModelName, tuple[list[Ints], list[Floats]]] = {m: ([], []) for m in kinds}
    for number, test_cutoff in enumerate(tests, start=1):
        train = fold_training(examples, test_cutoff, options)
        if recent is not None:
            train = train.plus(recent(test_cutoff))
        test = examples.at([test_cutoff])
        for kind, model in fit_all(train, options).items():
            p = model.predict_proba(test.x)
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
    """The model with the highest pooled ROC AUC; of those within 0.005 of it, the one with
    the lowest Brier score."""
    best = max((m.roc_auc or 0.0) for m in pooled.values())
    close = [kind for kind, m in pooled.items() if (m.roc_auc or 0.0) >= best - 0.005]
    return min(close, key=lambda kind: pooled[kind].brier)
