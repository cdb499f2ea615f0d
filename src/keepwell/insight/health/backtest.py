"""The team's health rule judged like the churn model: the same time-based backtest.

At every test cutoff of the churn backtest, each account alive then gets its health score
from the features it had at that cutoff (the rule is fixed, so nothing is trained on the
test period); accounts without any component data count as 50. The ranking (lower health,
higher risk) gives ROC AUC, PR AUC and top-decile lift; for the Brier score and the
calibration table the score is mapped to a churn rate by a logistic fit on the latest
training cutoffs before the test cutoff, as the churn model is calibrated. The churn rate
per health band against the base rate shows whether "at risk" means what it says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from keepwell.insight.churn.backtest import (
    FoldResult,
    TrainingOptions,
    calibration_slice,
    fold_training,
    usable,
)
from keepwell.insight.churn.bands import band_rates
from keepwell.insight.churn.calibration import Calibrator
from keepwell.insight.churn.examples import FEATURE_NAMES, Examples
from keepwell.insight.churn.metrics import Metrics, evaluate
from keepwell.insight.health.config import HealthConfig
from keepwell.insight.health.score import health_score

NO_DATA_SCORE = 50.0
BANDS = ("healthy", "watch", "at_risk", "no_data")
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class HealthBacktest:
    """The health rule's metrics per test cutoff and pooled, and its churn rate per band."""

    folds: list[FoldResult]
    pooled: Metrics
    bands: list[dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        """Pooled metrics and the churn rate per band, as plain JSON values."""
        return {**self.pooled.as_dict(with_calibration=False), "bands": self.bands}


def health_backtest(
    examples: Examples,
    test_cutoffs: list[date],
    config: HealthConfig,
    segments: Mapping[int, str | None],
    options: TrainingOptions,
) -> HealthBacktest | None:
    """The health rule's backtest on the churn backtest's cutoffs (None without any)."""
    scores, bands = _health(examples, config, segments)
    cutoffs = examples.frame["cutoff"].to_numpy()
    folds: list[FoldResult] = []
    ys: list[npt.NDArray[np.int64]] = []
    ps: list[Floats] = []
    marks: list[str] = []
    for number, cutoff in enumerate(test_cutoffs, start=1):
        test = cutoffs == cutoff
        slice_ = calibration_slice(fold_training(examples, cutoff, options), options)
        if not test.any() or not usable(slice_):
            continue
        fit = examples.frame["cutoff"].isin(set(slice_.cutoffs)).to_numpy()
        calibrator = Calibrator("platt").fit(-scores[fit], examples.y[fit])
        p = calibrator.predict(-scores[test])
        y = examples.y[test]
        train = len(fold_training(examples, cutoff, options))
        folds.append(FoldResult("health", cutoff, number, train, evaluate(y, p)))
        ys.append(y)
        ps.append(p)
        marks.extend(bands[test])
    if not folds:
        return None
    y_all = np.concatenate(ys)
    return HealthBacktest(
        folds, evaluate(y_all, np.concatenate(ps)), band_rates(y_all, marks, BANDS)
    )


def _health(
    examples: Examples, config: HealthConfig, segments: Mapping[int, str | None]
) -> tuple[Floats, npt.NDArray[np.str_]]:
    """Every example's health score (no data: :data:`NO_DATA_SCORE`) and band."""
    x = examples.x
    accounts = examples.frame["account_id"].to_numpy()
    scores = np.empty(len(x))
    bands = []
    for row, values in enumerate(x):
        features = {
            name: None if np.isnan(value) else float(value)
            for name, value in zip(FEATURE_NAMES, values, strict=True)
        }
        health = health_score(config, features, segments.get(int(accounts[row])))
        scores[row] = NO_DATA_SCORE if health.score is None else health.score
        bands.append(health.band)
    return scores, np.asarray(bands)
