"""How good a set of churn predictions is: ranking, precision, calibration and lift."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

from keepwell.insight.churn.calibration import CalibrationBin, brier, calibration_table

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Metrics:
    """Scores of predictions ``p`` against outcomes ``y``.

    ``roc_auc`` and ``pr_auc`` are missing when only one outcome occurred; the lift is how
    many times more often the riskiest tenth churned than all examples did.
    """

    n: int
    positives: int
    roc_auc: float | None
    pr_auc: float | None
    brier: float
    top_decile_lift: float | None
    calibration: list[CalibrationBin] = field(default_factory=list)

    def as_dict(self, *, with_calibration: bool = True) -> dict[str, Any]:
        """Plain JSON values, rounded."""
        data: dict[str, Any] = {
            "n": self.n,
            "positives": self.positives,
            "roc_auc": _round(self.roc_auc),
            "pr_auc": _round(self.pr_auc),
            "brier": _round(self.brier),
            "top_decile_lift": _round(self.top_decile_lift),
        }
        if with_calibration:
            data["calibration"] = [b.as_dict() for b in self.calibration]
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluate(y: Ints, p: Floats) -> Metrics:
    """All metrics of predictions ``p`` for outcomes ``y``."""
    if len(y) == 0:
        raise ValueError("no examples to evaluate")
    both = len(np.unique(y)) == 2
    return Metrics(
        n=len(y),
        positives=int(np.sum(y)),
        roc_auc=float(roc_auc_score(y, p)) if both else None,
        pr_auc=float(average_precision_score(y, p)) if both else None,
        brier=brier(y, p),
        top_decile_lift=top_decile_lift(y, p),
        calibration=calibration_table(y, p),
    )


def top_decile_lift(y: Ints, p: Floats) -> float | None:
    """Churn rate among the 10% highest predictions divided by the overall churn rate."""
    base = float(np.mean(y))
    if base == 0.0:
        return None
    top = np.argsort(-p, kind="stable")[: max(1, int(np.ceil(len(p) / 10)))]
    return float(np.mean(y[top])) / base
