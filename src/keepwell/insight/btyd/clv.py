"""Expected spend and customer lifetime value: a transaction model times a spend model.

``customer_lifetime_value`` follows the discrete-time recipe of ``lifetimes``: for each month
``i = 1..time`` the expected number of purchases in that month (from the conditional
expectation of the transaction model) times the expected transaction value (Gamma-Gamma),
discounted by ``(1 + discount_rate) ** i`` — ``discount_rate`` is per month.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from keepwell.insight.btyd.base import FloatArray, TransactionModel, check_horizon
from keepwell.insight.btyd.gammagamma import GammaGammaModel
from keepwell.insight.btyd.summary import unit_days

#: Average month length (365.25 / 12 days).
DAYS_PER_MONTH = 365.25 / 12.0


def periods_per_month(time_unit: str) -> float:
    """How many of the model's time units make a month ("D": 30.44, "W": 4.35)."""
    return DAYS_PER_MONTH / unit_days(time_unit)


def expected_spend(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel,
    t: float,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
) -> FloatArray:
    """Expected (undiscounted) spend over the next ``t`` time units, per customer."""
    purchases = transaction_model.conditional_expected_number_of_purchases_up_to_time(
        t, frequency, recency, T
    )
    value = spend_model.conditional_expected_average_profit(frequency, monetary_value)
    return np.asarray(purchases * value, dtype=np.float64)


def customer_lifetime_value(
    transaction_model: TransactionModel,
    spend_model: GammaGammaModel,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    *,
    time: int = 12,
    discount_rate: float = 0.01,
    time_unit: str = "W",
    periods_per_month_override: float | None = None,
) -> FloatArray:
    """Discounted expected spend over the next ``time`` months, per customer.

    Args:
        transaction_model: fitted BG/NBD or Pareto/NBD model.
        spend_model: fitted Gamma-Gamma model.
        frequency, recency, T: as the transaction model was fitted with (same time unit).
        monetary_value: mean repeat-purchase value (0 without repeat purchases).
        time: horizon in months.
        discount_rate: monthly discount rate (e.g. 0.01 = 1% a month).
        time_unit: the transaction model's time unit, "D" or "W".
        periods_per_month_override: time units per month, instead of ``365.25/12`` days
            (``lifetimes`` uses 4.345 weeks or 30 days).
    """
    if not (isinstance(time, int | np.integer) and time >= 1):
        raise ValueError(f"time must be a whole number of months >= 1, got {time!r}")
    rate = float(discount_rate)
    if not math.isfinite(rate) or rate <= -1.0:
        raise ValueError(f"discount_rate must be finite and > -1, got {discount_rate!r}")
    factor = (
        periods_per_month(time_unit)
        if periods_per_month_override is None
        else check_horizon(periods_per_month_override, "periods_per_month_override")
    )
    if factor <= 0:
        raise ValueError("periods_per_month_override must be positive")
    value = spend_model.conditional_expected_average_profit(frequency, monetary_value)
    clv = np.zeros_like(value)
    previous = np.zeros_like(value)
    for month in range(1, int(time) + 1):
        cumulative = transaction_model.conditional_expected_number_of_purchases_up_to_time(
            month * factor, frequency, recency, T
        )
        clv = clv + value * (cumulative - previous) / (1.0 + rate) ** month
        previous = cumulative
    return np.asarray(clv, dtype=np.float64)
