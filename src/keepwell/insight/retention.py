"""Retention curves: Kaplan-Meier customer survival and gross/net revenue retention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pandas as pd


@dataclass(frozen=True)
class SurvivalCurve:
    """Kaplan-Meier estimate: survival just after each distinct event time."""

    times: tuple[float, ...]
    survival: tuple[float, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    n: int

    def at(self, t: float) -> float:
        """Estimated share still a customer at time ``t``."""
        index = np.searchsorted(np.asarray(self.times), t, side="right") - 1
        return 1.0 if index < 0 else self.survival[index]

    def median(self) -> float | None:
        """First time survival drops to 0.5 or below (``None`` if it never does)."""
        for time, value in zip(self.times, self.survival, strict=True):
            if value <= 0.5:
                return time
        return None


def kaplan_meier(
    durations: npt.ArrayLike, observed: npt.ArrayLike, entry: npt.ArrayLike | None = None
) -> SurvivalCurve:
    """Kaplan-Meier survival from durations and churn indicators (0 = still a customer).

    ``entry`` is the tenure at which each customer came under observation (delayed
    entry, for customers older than the record): a customer counts as at risk only
    between its entry and its duration, so customers lost before the record began do
    not make the survivors look immortal.
    """
    t = np.asarray(durations, dtype=np.float64)
    e = np.asarray(observed, dtype=bool)
    start = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=np.float64)
    if t.shape != e.shape or t.shape != start.shape or t.ndim != 1:
        raise ValueError("durations, observed and entry must be 1-d arrays of the same length")
    if len(t) == 0:
        raise ValueError("no customers to estimate survival from")
    if np.isnan(t).any() or (t < 0).any():
        raise ValueError("durations must be non-negative numbers")
    if np.isnan(start).any() or (start < 0).any() or (start > t).any():
        raise ValueError("entry times must be non-negative and not after the duration")
    times = np.unique(t[e])
    entered = (start < times[:, None]) | (start == 0)
    at_risk = (entered & (t >= times[:, None])).sum(axis=1).astype(np.int64)
    events = np.array([((t == time) & e).sum() for time in times], dtype=np.int64)
    keep = at_risk > 0
    times, at_risk, events = times[keep], at_risk[keep], events[keep]
    survival = np.cumprod(1.0 - events / at_risk)
    return SurvivalCurve(
        tuple(times.tolist()),
        tuple(survival.tolist()),
        tuple(at_risk.tolist()),
        tuple(events.tolist()),
        len(t),
    )


def survival_by_group(
    durations: Sequence[float],
    observed: Sequence[bool],
    groups: Sequence[str],
    entry: Sequence[float] | None = None,
) -> dict[str, SurvivalCurve]:
    """One curve per group (start cohort, segment, ...), with optional delayed entry."""
    frame = pd.DataFrame(
        {"t": durations, "e": observed, "g": groups, "s": entry or [0.0] * len(durations)}
    )
    return {
        str(name): kaplan_meier(part["t"].to_numpy(), part["e"].to_numpy(), part["s"].to_numpy())
        for name, part in frame.groupby("g", sort=True)
    }


@dataclass(frozen=True)
class RevenueRetention:
    """Gross and net revenue retention of one period against the one before."""

    period: str
    starting_revenue: float
    retained_revenue: float
    revenue: float
    gross: float
    net: float


def revenue_retention(
    accounts: Sequence[object], periods: Sequence[str], amounts: Sequence[float]
) -> list[RevenueRetention]:
    """GRR and NRR per period over the accounts that bought in the previous period.

    GRR caps each account's revenue at what it spent before (no expansion, churn and
    contraction count); NRR includes expansion. Periods sort as strings (e.g. "2024-Q1").
    """
    frame = pd.DataFrame({"account": accounts, "period": periods, "amount": amounts})
    table = frame.pivot_table(
        index="account", columns="period", values="amount", aggfunc="sum", fill_value=0.0
    ).sort_index(axis=1)
    out: list[RevenueRetention] = []
    columns = list(table.columns)
    for before, now in pairwise(columns):
        base = table[table[before] > 0]
        start = float(base[before].sum())
        current = float(base[now].sum())
        retained = float(np.minimum(base[now], base[before]).sum())
        out.append(
            RevenueRetention(str(now), start, retained, current, retained / start, current / start)
        )
    return out
