"""Per-customer summaries (frequency, recency, T, monetary value) from a transaction log.

Conventions (those of the customer-base-analysis literature and of ``lifetimes``):

* Purchases on the same calendar day are merged into one (amounts summed).
* ``frequency``: number of *repeat* purchase days (distinct purchase days minus one).
* ``recency``: time from the first to the last purchase (0 without repeat purchases).
* ``T``: time from the first purchase to the end of the period (the end date is inclusive).
* ``monetary_value``: mean amount of the repeat purchases (the first purchase excluded), 0 for
  customers without repeat purchases. This is the input the Gamma-Gamma spend model expects.
* Time unit: ``"D"`` (days) or ``"W"`` (weeks = days / 7).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_UNIT_DAYS = {"D": 1.0, "day": 1.0, "days": 1.0, "W": 7.0, "week": 7.0, "weeks": 7.0}


def unit_days(time_unit: str) -> float:
    """Length of ``time_unit`` in days."""
    try:
        return _UNIT_DAYS[time_unit]
    except KeyError:
        raise ValueError(
            f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}"
        ) from None


def _to_day(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a date: {value!r}") from exc
    if pd.isna(ts):
        raise ValueError(f"{name} is missing")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def daily_purchases(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
) -> pd.DataFrame:
    """One row per (customer, purchase day), amounts summed; columns customer, day, amount."""
    missing = [c for c in (customer_col, date_col, amount_col) if c and c not in transactions]
    if missing:
        raise ValueError(f"transactions lack column(s) {missing}")
    customers = transactions[customer_col]
    if customers.isna().any():
        raise ValueError(f"{customer_col} has missing values")
    try:
        stamps = pd.to_datetime(transactions[date_col])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{date_col} could not be read as dates: {exc}") from exc
    if stamps.dt.tz is not None:  # the calendar day where the purchase happened
        stamps = stamps.dt.tz_localize(None)
    days = stamps.dt.normalize()
    if days.isna().any():
        raise ValueError(f"{date_col} has missing values")
    if amount_col is not None:
        amounts = pd.to_numeric(transactions[amount_col], errors="coerce").astype(np.float64)
        if amounts.isna().any() or not np.isfinite(amounts.to_numpy()).all():
            raise ValueError(f"{amount_col} has missing or non-numeric values")
    else:
        amounts = pd.Series(0.0, index=transactions.index)
    frame = pd.DataFrame(
        {"customer": customers.to_numpy(), "day": days.to_numpy(), "amount": amounts.to_numpy()}
    )
    return frame.groupby(["customer", "day"], sort=True, as_index=False)["amount"].sum()


def _summarise(daily: pd.DataFrame, end: pd.Timestamp, days_per_unit: float) -> pd.DataFrame:
    """RFM summary of merged daily purchases (all on or before ``end``), one row per customer."""
    grouped = daily.groupby("customer", sort=True)
    first = grouped["day"].min()
    last = grouped["day"].max()
    n_days = grouped.size()
    total = grouped["amount"].sum()
    first_amount = grouped["amount"].first()  # rows are sorted by day within customer
    frequency = (n_days - 1).astype(np.float64)
    repeat_total = total - first_amount
    monetary = (repeat_total / frequency.where(frequency > 0)).fillna(0.0)
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first).dt.days.astype(np.float64) / days_per_unit,
            "T": (end - first).dt.days.astype(np.float64) / days_per_unit,
            "monetary_value": monetary.astype(np.float64),
        }
    )
    out.index.name = "customer"
    return out


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    observation_end: Any = None,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Per-customer ``frequency, recency, T`` (and ``monetary_value`` if ``amount_col``).

    ``observation_end`` (inclusive) defaults to the last transaction day; later transactions
    are ignored.
    """
    per_unit = unit_days(time_unit)
    daily = daily_purchases(
        transactions, customer_col=customer_col, date_col=date_col, amount_col=amount_col
    )
    if daily.empty:
        raise ValueError("no transactions")
    end = daily["day"].max() if observation_end is None else _to_day(observation_end, "end")
    daily = daily[daily["day"] <= end]
    if daily.empty:
        raise ValueError("no transactions on or before observation_end")
    out = _summarise(daily, end, per_unit)
    return out if amount_col is not None else out.drop(columns="monetary_value")


def calibration_holdout_summary(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    calibration_end: Any,
    observation_end: Any = None,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Calibration-period summary plus what the same customers did in the holdout period.

    Customers are those with a purchase on or before ``calibration_end`` (inclusive). Columns:
    ``frequency_cal, recency_cal, T_cal, [monetary_value_cal], frequency_holdout,
    [monetary_value_holdout], duration_holdout``. ``frequency_holdout`` counts purchase days in
    ``(calibration_end, observation_end]``; ``monetary_value_holdout`` is their mean amount.
    """
    per_unit = unit_days(time_unit)
    daily = daily_purchases(
        transactions, customer_col=customer_col, date_col=date_col, amount_col=amount_col
    )
    if daily.empty:
        raise ValueError("no transactions")
    cal_end = _to_day(calibration_end, "calibration_end")
    obs_end = daily["day"].max() if observation_end is None else _to_day(observation_end, "end")
    if obs_end <= cal_end:
        raise ValueError("observation_end must be after calibration_end")
    cal = daily[daily["day"] <= cal_end]
    if cal.empty:
        raise ValueError("no transactions on or before calibration_end")
    summary = _summarise(cal, cal_end, per_unit).add_suffix("_cal")
    hold = daily[(daily["day"] > cal_end) & (daily["day"] <= obs_end)]
    hold = hold[hold["customer"].isin(summary.index)]
    hg = hold.groupby("customer", sort=True)
    summary["frequency_holdout"] = hg.size().reindex(summary.index, fill_value=0).astype(np.float64)
    summary["monetary_value_holdout"] = (
        hg["amount"].mean().reindex(summary.index, fill_value=0.0).astype(np.float64)
    )
    summary["duration_holdout"] = float((obs_end - cal_end).days) / per_unit
    if amount_col is None:
        summary = summary.drop(columns=["monetary_value_cal", "monetary_value_holdout"])
    return summary
