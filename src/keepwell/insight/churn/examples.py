"""Training examples: feature snapshots at rolling cutoffs, each with its churn label.

Features come from the feature pipeline (data strictly before each cutoff); labels come
from the churn definition (what happened in the horizon after it). Only cutoffs whose
horizon has fully elapsed by the data end become training examples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from keepwell.errors import Invalid
from keepwell.insight.churn.definition import ChurnEvent, labels
from keepwell.insight.churn.early_signs import REASON_DETAILS
from keepwell.insight.churn.extra import EXTRA_FEATURES
from keepwell.insight.features import FEATURES, KEYS

FEATURE_NAMES: tuple[str, ...] = (*FEATURES, *EXTRA_FEATURES)
"""The model's inputs: every registered feature, then the churn-specific extras."""

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.int64]


class ChurnDataError(Invalid):
    """The record holds too little to train or judge a churn model."""


def monthly_cutoffs(first: date, last: date) -> list[date]:
    """The first day of every month from ``first`` (rounded up) through ``last``."""
    day = first if first.day == 1 else _next_month(first)
    days: list[date] = []
    while day <= last:
        days.append(day)
        day = _next_month(day)
    return days


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def monthly_steps(anchor: date, first: date, last: date) -> list[date]:
    """Days whole months before ``anchor`` (its day of month, at most the 28th), oldest first,
    from ``first`` through ``last``."""
    day_of_month = min(anchor.day, 28)
    days: list[date] = []
    year, month = anchor.year, anchor.month
    while True:
        day = date(year, month, day_of_month)
        if day < first:
            return days[::-1]
        if day <= last:
            days.append(day)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def training_cutoffs(
    first_day: date,
    data_end: date,
    outcome_days: int,
    warmup_days: int,
    anchor: date | None = None,
) -> list[date]:
    """Monthly cutoffs after ``warmup_days`` of history whose outcome is known by ``data_end``.

    ``outcome_days`` is the horizon plus the definition's settle days. With an ``anchor``
    (the scoring day) the cutoffs are whole months before it, so they sit at the same
    distance from the data end whatever day the data end on; without one, the first
    day of every month.
    """
    first, last = first_day + timedelta(days=warmup_days), data_end - timedelta(days=outcome_days)
    if anchor is None:
        return monthly_cutoffs(first, last)
    return monthly_steps(anchor, first, last)


def feature_frame(table: pa.Table) -> pd.DataFrame:
    """The pipeline's Arrow table as a frame of floats keyed by account and cutoff: the
    model's inputs, then the reasons' details (0 where missing)."""
    frame = table.to_pandas()
    out = frame[list(KEYS)].copy()
    out["account_id"] = out["account_id"].astype("int64")
    for name in FEATURE_NAMES:
        column = pd.to_numeric(frame[name], errors="raise").astype("float64")
        fill = EXTRA_FEATURES[name].fill if name in EXTRA_FEATURES else None
        out[name] = column.fillna(fill) if fill is not None else column
    for name in REASON_DETAILS:
        if name in frame:
            out[name] = pd.to_numeric(frame[name], errors="raise").astype("float64").fillna(0)
    return out


@dataclass(frozen=True)
class Examples:
    """Rows of (account, cutoff, features, label), oldest cutoff first.

    ``complete`` marks the rows whose label window had closed (and settled) by the day
    the labels were read; the others are open: labelled 1 when a churn confirmed by
    then falls in their window, else 0 for now (see :func:`open_examples`).
    """

    frame: pd.DataFrame

    @property
    def x(self) -> Matrix:
        """The feature matrix (missing values as NaN)."""
        return np.asarray(self.frame[list(FEATURE_NAMES)].to_numpy(dtype=np.float64))

    @property
    def y(self) -> Vector:
        """The labels."""
        return np.asarray(self.frame["label"].to_numpy(dtype=np.int64))

    @property
    def cutoffs(self) -> list[date]:
        """The distinct cutoffs, oldest first."""
        return sorted(set(self.frame["cutoff"]))

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def complete(self) -> npt.NDArray[np.bool_]:
        """Which rows have a closed label window (all rows of :func:`build_examples`)."""
        if "complete" not in self.frame:
            return np.ones(len(self.frame), dtype=bool)
        return np.asarray(self.frame["complete"].to_numpy(dtype=bool))

    def at(self, cutoffs: Sequence[date]) -> Examples:
        """The examples of some cutoffs only."""
        return Examples(self.frame[self.frame["cutoff"].isin(set(cutoffs))])

    @property
    def seen(self) -> npt.NDArray[np.float64]:
        """The share of each row's label window known when it was labelled (1 when closed)."""
        if "seen" not in self.frame:
            return np.ones(len(self.frame))
        values = self.frame["seen"].to_numpy(dtype=np.float64)
        return np.asarray(np.where(np.isnan(values), 1.0, values), dtype=np.float64)

    def closed(self) -> Examples:
        """The examples whose label window had closed."""
        return Examples(self.frame[self.complete])

    def plus(self, other: Examples) -> Examples:
        """These examples and ``other``'s, oldest cutoff first."""
        if len(other) == 0:
            return self
        if len(self) == 0:
            return other
        mine = self.frame.assign(complete=self.complete, seen=self.seen)
        both = pd.concat([mine, other.frame], ignore_index=True)
        both = both.sort_values(["cutoff", "account_id"], kind="stable")
        return Examples(both.reset_index(drop=True))


def build_examples(
    features: pd.DataFrame,
    events: Mapping[int, Sequence[ChurnEvent]],
    cutoffs: Sequence[date],
    horizon_days: int,
) -> Examples:
    """Features at ``cutoffs`` joined with the labels of accounts alive at each of them."""
    at_cutoffs = features[features["cutoff"].isin(set(cutoffs))]
    outcome = labels(events, at_cutoffs["account_id"].unique().tolist(), cutoffs, horizon_days)
    joined = at_cutoffs.merge(outcome, on=list(KEYS), how="inner", validate="one_to_one")
    return Examples(joined.sort_values(["cutoff", "account_id"]).reset_index(drop=True))


def open_examples(
    features: pd.DataFrame,
    known: Mapping[int, Sequence[ChurnEvent]],
    cutoffs: Sequence[date],
    horizon_days: int,
    confirmed_until: date | None = None,
) -> Examples:
    """Examples at cutoffs whose label window is still open, labelled with what is known.

    ``known`` are the churns the data confirmed by the day the labels are read (the
    churn definition run with that day as its data end): an account that churned in the
    window so far is a 1, every other account alive at the cutoff a 0 for now. These
    recent examples show the model how customers leave today (with data sources that
    only reach back a year, such as machine readings), at the price of counting some
    who leave later in the window as staying; the closed windows still calibrate the risk.
    ``confirmed_until`` (the last day whose churns are confirmed) gives each example the
    ``seen`` share of its window known so far (1 without it), which weighs its 0.
    """
    found = build_examples(features, known, cutoffs, horizon_days)
    seen = [
        1.0
        if confirmed_until is None
        else min(max((confirmed_until - c).days / horizon_days, 0.0), 1.0)
        for c in found.frame["cutoff"]
    ]
    return Examples(found.frame.assign(complete=False, seen=seen))


def alive_at(
    features: pd.DataFrame, events: Mapping[int, Sequence[ChurnEvent]], cutoff: date
) -> pd.DataFrame:
    """Feature rows at ``cutoff`` of the accounts not inside a churn then."""
    rows = features[features["cutoff"] == cutoff]
    gone = {a for a, found in events.items() if any(e.covers(cutoff) for e in found)}
    return rows[~rows["account_id"].isin(gone)].reset_index(drop=True)
