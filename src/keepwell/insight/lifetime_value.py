"""Fitting the repeat-purchase models to the orders in the shared customer record."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from keepwell.insight.btyd import (
    BGNBDModel,
    GammaGammaModel,
    ParetoNBDModel,
    calibration_holdout_summary,
    rfm_summary,
)
from keepwell.record.models import Order

ModelName = Literal["bgnbd", "paretonbd", "gammagamma"]
UNITS = {"day": "D", "week": "W"}


def order_transactions(engine: Engine) -> pd.DataFrame:
    """Every non-cancelled order as (customer_id, date, amount)."""
    query = select(Order.account_id, Order.ordered_at, Order.amount).where(
        Order.status != "cancelled"
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        raise ValueError("the database holds no orders")
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def fit_clv(
    engine: Engine, model: ModelName, calibration_end: date, unit: str = "week"
) -> dict[str, Any]:
    """Fit ``model`` on orders up to ``calibration_end``; compare with the holdout if any."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    transactions = order_transactions(engine)
    has_holdout = transactions["date"].max() > calibration_end
    if has_holdout:
        summary = calibration_holdout_summary(
            transactions,
            amount_col="amount",
            calibration_end=calibration_end,
            time_unit=UNITS[unit],
        ).rename(columns=lambda c: c.removesuffix("_cal"))
    else:
        summary = rfm_summary(
            transactions,
            amount_col="amount",
            observation_end=calibration_end,
            time_unit=UNITS[unit],
        )
    report: dict[str, Any] = {
        "model": model,
        "unit": unit,
        "calibration_end": calibration_end.isoformat(),
        "customers": len(summary),
        "repeat_purchases": int(summary["frequency"].sum()),
    }
    if model == "gammagamma":
        report.update(_fit_spend(summary, has_holdout))
    else:
        report.update(_fit_transactions(model, summary, has_holdout))
    return report


def _fit_transactions(model: ModelName, summary: pd.DataFrame, holdout: bool) -> dict[str, Any]:
    fitted = (BGNBDModel() if model == "bgnbd" else ParetoNBDModel()).fit(
        summary["frequency"], summary["recency"], summary["T"]
    )
    out: dict[str, Any] = {"params": fitted.params_, "log_likelihood": fitted.log_likelihood_}
    if holdout:
        duration = float(summary["duration_holdout"].iloc[0])
        predicted = fitted.conditional_expected_number_of_purchases_up_to_time(
            duration, summary["frequency"], summary["recency"], summary["T"]
        )
        age = summary["T"].to_numpy()
        to_end = float(np.sum(fitted.expected_number_of_purchases_up_to_time(age + duration)))
        to_cal = float(np.sum(fitted.expected_number_of_purchases_up_to_time(age)))
        out["holdout"] = _comparison(
            duration,
            float(summary["frequency_holdout"].sum()),
            float(np.sum(predicted)),
            to_end - to_cal,
        )
        actual_total = float(summary["frequency"].sum() + summary["frequency_holdout"].sum())
        out["holdout"]["cumulative_actual_repeat_purchases"] = actual_total
        out["holdout"]["cumulative_predicted_repeat_purchases"] = to_end
        out["holdout"]["cumulative_error_pct"] = 100.0 * (to_end - actual_total) / actual_total
    return out


def _fit_spend(summary: pd.DataFrame, holdout: bool) -> dict[str, Any]:
    repeaters = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if repeaters.empty:
        raise ValueError("no customer has a repeat purchase with a positive amount")
    fitted = GammaGammaModel().fit(repeaters["frequency"], repeaters["monetary_value"])
    out: dict[str, Any] = {
        "customers_with_repeat_purchases": len(repeaters),
        "params": fitted.params_,
        "log_likelihood": fitted.log_likelihood_,
    }
    if holdout:
        active = repeaters[repeaters["frequency_holdout"] > 0]
        expected = fitted.conditional_expected_average_profit(
            active["frequency"], active["monetary_value"]
        )
        out["holdout"] = {
            "customers": len(active),
            "actual_mean_spend": float(active["monetary_value_holdout"].mean()),
            "predicted_mean_spend": float(np.mean(expected)),
        }
    return out


def _comparison(
    duration: float, actual: float, conditional: float, cohort: float
) -> dict[str, float]:
    """Holdout repeat purchases: actual, the sum of each customer's conditional forecast, and
    the cohort (unconditional) forecast used in the published tracking plots."""

    def error(predicted: float) -> float:
        return 100.0 * (predicted - actual) / actual if actual else float("nan")

    return {
        "duration": duration,
        "actual_repeat_purchases": actual,
        "predicted_repeat_purchases": conditional,
        "error_pct": error(conditional),
        "cohort_predicted_repeat_purchases": cohort,
        "cohort_error_pct": error(cohort),
    }


def repeat_customer_scores(
    transactions: pd.DataFrame, as_of: date, *, horizon_days: int = 365, discount_rate: float = 0.01
) -> pd.DataFrame:
    """Per account: probability alive, expected orders and discounted expected value.

    BG/NBD and Gamma-Gamma are fitted on the orders up to ``as_of`` (weeks). Accounts without
    a repeat order get the Gamma-Gamma population mean spend. Index: account id.
    """
    summary = rfm_summary(
        transactions[transactions["date"] <= as_of],
        amount_col="amount",
        observation_end=as_of,
        time_unit="W",
    )
    transaction_model = BGNBDModel().fit(summary["frequency"], summary["recency"], summary["T"])
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    weeks = horizon_days / 7.0
    out = pd.DataFrame(index=summary.index)
    out["p_alive"] = transaction_model.conditional_probability_alive(f, r, t)
    out["expected_orders"] = transaction_model.conditional_expected_number_of_purchases_up_to_time(
        weeks, f, r, t
    )
    repeaters = summary[(f > 0) & (summary["monetary_value"] > 0)]
    if len(repeaters) >= 3:
        spend = GammaGammaModel().fit(repeaters["frequency"], repeaters["monetary_value"])
        value = spend.conditional_expected_average_profit(
            f, summary["monetary_value"].where(f > 0, 0)
        )
        months = horizon_days / (365.25 / 12)
        discount = (1.0 + discount_rate) ** (-months / 2.0)
        out["expected_value"] = out["expected_orders"] * value * discount
    else:
        out["expected_value"] = np.nan
    return out
