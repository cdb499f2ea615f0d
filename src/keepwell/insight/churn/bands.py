"""Risk bands: a churn probability several times the usual, and the evidence behind it.

The churn model's probabilities are calibrated: an account at 15 % is expected to leave
within the horizon about 15 times in 100. "At risk" is therefore a probability of at
least :data:`AT_RISK_FACTOR` times the base rate (the share of the chosen model's pooled
backtest examples that churned), capped at :data:`MAX_AT_RISK`; "watch" at least
:data:`WATCH_FACTOR` times it. The backtest then says whether that held: each band keeps
its evidence (examples, churners, churn rate, how many times the base rate), and the
bands are ``validated`` when the backtest examples in the at-risk band, at least
:data:`MIN_EXAMPLES` of them with :data:`MIN_CHURNERS` churners, really left at least
:data:`AT_RISK_FACTOR` times as often as all did.

Tying the thresholds to the base rate keeps them steady from one weekly run to the next
(the base rate moves slowly); the lowest threshold whose accounts *together* reach the
factor, used before, let a strong top pull in many accounts at the usual rate and moved
with every run. The bands are stored on every scoring run as ``metrics["risk_bands"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from keepwell.insight.risk import AT_RISK_FACTOR, MAX_AT_RISK, WATCH_FACTOR

MIN_EXAMPLES = 20
"""The at-risk band needs at least this many backtest examples to be validated, so one
lucky churner validates nothing."""
MIN_CHURNERS = 3

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def risk_bands(y: Ints, p: Floats) -> dict[str, Any]:
    """``{"at_risk", "watch", "base_rate", "validated", "bands", ...}`` from backtest
    outcomes ``y`` and predicted probabilities ``p``.

    Without churners (no base rate) both thresholds are ``None``.
    """
    y, p = np.asarray(y, dtype=np.int64), np.asarray(p, dtype=np.float64)
    base = float(np.mean(y)) if len(y) else 0.0
    at_risk = min(AT_RISK_FACTOR * base, MAX_AT_RISK) if base > 0 else None
    watch = min(WATCH_FACTOR * base, at_risk) if at_risk is not None else None
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
        "validated": at_risk is not None and _held(bands[0], base),
        "examples": len(y),
        "churned": int(np.sum(y)),
        "bands": bands,
    }


def _held(band: dict[str, Any], base: float) -> bool:
    """Whether the at-risk band's backtest examples left as often as the band claims."""
    examples, churned = int(band["examples"]), int(band["churned"])
    return (
        examples >= MIN_EXAMPLES
        and churned >= MIN_CHURNERS
        and churned >= AT_RISK_FACTOR * base * examples
    )


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
