"""Turning model scores into probabilities that mean what they say, and checking that.

A calibrator maps a model's raw score (log-odds) to a probability. It is always fitted
on examples the model was not fitted on and that are later in time than them (see
:mod:`keepwell.insight.churn.backtest`), and never on the examples it is judged on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

CalibrationMethod = Literal["platt", "isotonic"]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class Calibrator:
    """A monotone map from raw scores to probabilities; ``fit`` returns ``self``."""

    def __init__(self, method: CalibrationMethod = "platt") -> None:
        self.method = method

    def fit(self, scores: Floats, y: Ints) -> Calibrator:
        """Learn the map from ``scores`` and their outcomes ``y`` (both classes needed)."""
        if len(np.unique(y)) < 2:
            raise ValueError("calibration needs churned and retained examples")
        column = np.asarray(scores, dtype=np.float64).reshape(-1, 1)
        self.constant_: float | None = None
        if self.method == "platt":
            self.model_: LogisticRegression | IsotonicRegression = LogisticRegression(
                C=1e6, max_iter=1000
            ).fit(column, y)
            if float(self.model_.coef_[0, 0]) <= 0.0:
                # Higher scores did not mean more churn on held-out examples: the map would
                # turn the ranking upside down, so every score gets the observed rate.
                self.constant_ = float(np.mean(y))
        elif self.method == "isotonic":
            self.model_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
                column[:, 0], y
            )
        else:
            raise ValueError(f"unknown calibration method {self.method!r}")
        return self

    def predict(self, scores: Floats) -> Floats:
        """Probabilities for raw ``scores``."""
        column = np.asarray(scores, dtype=np.float64).reshape(-1, 1)
        if self.constant_ is not None:
            return np.full(len(column), self.constant_, dtype=np.float64)
        if isinstance(self.model_, LogisticRegression):
            return np.asarray(self.model_.predict_proba(column)[:, 1], dtype=np.float64)
        return np.asarray(self.model_.predict(column[:, 0]), dtype=np.float64)


@dataclass(frozen=True)
class CalibrationBin:
    """One group of examples ranked by predicted risk: mean predicted vs observed rate."""

    bin: int
    n: int
    mean_predicted: float
    observed: float

    def as_dict(self) -> dict[str, float | int]:
        """The bin as plain JSON values."""
        return {
            "bin": self.bin,
            "n": self.n,
            "mean_predicted": round(self.mean_predicted, 4),
            "observed": round(self.observed, 4),
        }


def calibration_table(y: Ints, p: Floats, bins: int = 10) -> list[CalibrationBin]:
    """Examples sorted by prediction and cut into ``bins`` equal groups (deciles by default)."""
    order = np.argsort(p, kind="stable")
    groups = [g for g in np.array_split(order, min(bins, len(order))) if len(g)]
    return [
        CalibrationBin(number + 1, len(g), float(np.mean(p[g])), float(np.mean(y[g])))
        for number, g in enumerate(groups)
    ]


def brier(y: Ints, p: Floats) -> float:
    """The mean squared difference between prediction and outcome (lower is better)."""
    return float(np.mean((np.asarray(p, dtype=np.float64) - y) ** 2))
