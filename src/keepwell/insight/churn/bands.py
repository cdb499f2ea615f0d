"""Risk bands from evidence: the churn probabilities above which customers really left more.

From the pooled backtest predictions of the chosen model (each a probability made before
the outcome was known, and the outcome), ``at_risk`` is the lowest threshold at which
the accounts at or above it churned at least :data:`AT_RISK_FACTOR` times as often as all
examples did (the base rate), and ``watch`` the lowest threshold below it at which the
accounts between the two churned at least :data:`WATCH_FACTOR` times as often. Each band
keeps its evidence: examples, churners, churn rate and how many times the base rate that
is. The bands are stored on every scoring run as ``metrics["risk_bands"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

AT_RISK_FACTOR = 3.0
WATCH_FACTOR = 1.5
MIN_EXAMPLES = 20
"""A band needs at least this many backtest examples, so one lucky churner sets no band."""
MIN_CHURNERS = 3

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def risk_bands(y: Ints, p: Floats) -> dict[str, Any]:
    """``{"at_risk", "watch", "base_rate", "bands", ...}`` from outcomes ``y`` and risks ``p``.

    A threshold no band of enough examples reaches is ``None`` (no validated band).
    """
    y, p = np.asarray(y, dtype=np.int64), np.asarray(p, dtype=np.float64)
    base = float(np.mean(y)) if len(y) else 0.0
    at_risk = _lowest(y, p, np.inf, AT_RISK_FACTOR * base)
    watch = _lowest(y, p, at_risk if at_risk is not None else np.inf, WATCH_FACTOR * base)
    top = np.inf
    edges: list[tuple[str, float, float]] = []
    for name, low in (("at_risk", at_risk), ("watch", watch)):
        if low is not None:
            edges.append((name, low, top))
            top = low
    edges.append(("low", 0.0, top))
    bands = [
        _evidence(name, y[(p >= low) & (p < high)], base, low, None if high == np.inf else high)
        for name, low, high in edges
    ]
    return {
        "at_risk": _round(at_risk),
        "watch": _round(watch),
        "base_rate": round(base, 4),
        "at_risk_factor": AT_RISK_FACTOR,
        "watch_factor": WATCH_FACTOR,
        "examples": len(y),
        "churned": int(np.sum(y)),
        "bands": bands,
    }


def _lowest(y: Ints, p: Floats, below: float, rate: float) -> float | None:
    """The lowest threshold t < ``below`` whose examples in [t, below) churn at ``rate`` or more."""
    if rate <= 0:
        return None
    inside = p < below
    order = np.argsort(-p[inside], kind="stable")
    ranked_p, ranked_y = p[inside][order], y[inside][order]
    churned = np.cumsum(ranked_y)
    counts = np.arange(1, len(ranked_y) + 1)
    best: float | None = None
    for index in range(len(ranked_p)):
        last_of_tie = index + 1 == len(ranked_p) or ranked_p[index + 1] < ranked_p[index]
        enough = counts[index] >= MIN_EXAMPLES and churned[index] >= MIN_CHURNERS
        if last_of_tie and enough and churned[index] / counts[index] >= rate:
            best = float(ranked_p[index])
    return best


def _evidence(name: str, y: Ints, base: float, low: float, high: float | None) -> dict[str, Any]:
    rate = float(np.mean(y)) if len(y) else None
    return {
        "band": name,
        "from": _round(low),
        "below": _round(high),
        "examples": len(y),
        "churned": int(np.sum(y)),
        "churn_rate": _round(rate),
        "times_base_rate": _round(rate / base) if rate is not None and base else None,
    }


def band_rates(y: Ints, labels: Sequence[str], names: Sequence[str]) -> list[dict[str, Any]]:
    """Churn rate per named band (``labels[i]`` is example i's band) against the base rate."""
    y = np.asarray(y, dtype=np.int64)
    base = float(np.mean(y)) if len(y) else 0.0
    marks = np.asarray(labels)
    rows = []
    for name in names:
        inside = y[marks == name]
        rate = float(np.mean(inside)) if len(inside) else None
        rows.append(
            {
                "band": name,
                "examples": len(inside),
                "churned": int(np.sum(inside)),
                "churn_rate": _round(rate),
                "times_base_rate": _round(rate / base) if rate is not None and base else None,
            }
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)
