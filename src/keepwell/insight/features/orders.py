"""Order features: recency, frequency, value, their trend and the usual order rhythm.

Cancelled orders are left out. Trends compare a window with the same window a year
earlier (90 days) or with the year before (365 days) and are missing when that earlier
window had nothing.
"""

from __future__ import annotations

import ibis.expr.types as ir

from keepwell.insight.features.frame import Frame, keyed, ratio

SPARE_PARTS = "spare_parts"
"""The order kind of spare parts: their cadence shows whether the customer still buys them
from us while its machines run."""


def live_orders(frame: Frame) -> ir.Table:
    """Orders that were not cancelled."""
    orders = frame.table("orders")
    return orders.filter(orders.status.fill_null("") != "cancelled")


def order_features(frame: Frame) -> ir.Table:
    """Recency, 90/365-day frequency and value, year-over-year trends (also of spare parts),
    order gaps."""
    h = frame.history(live_orders(frame), "ordered_at")
    ago, amount = h.ago, h.amount
    windows = {
        "90d": ago <= 90,
        "365d": ago <= 365,
        "90d_ly": ago.between(366, 455),
        "365d_py": ago.between(366, 730),
    }
    counts = {f"orders_{k}": ago.count(where=w) for k, w in windows.items()}
    values = {f"revenue_{k}": amount.sum(where=w).fill_null(0.0) for k, w in windows.items()}
    parts = h.kind.fill_null("") == SPARE_PARTS
    for k in ("365d", "365d_py"):
        values[f"spare_parts_{k}"] = amount.sum(where=windows[k] & parts).fill_null(0.0)
    agg = keyed(
        h,
        days_since_last_order=ago.min(),
        first_order_ago=ago.max(),
        order_days=h.ordered_at.nunique(),
        **counts,
        **values,
    )
    gap = (agg.first_order_ago - agg.days_since_last_order) / (agg.order_days - 1).nullif(0)
    return agg.mutate(
        orders_90d_vs_last_year=ratio(agg.orders_90d, agg.orders_90d_ly),
        revenue_90d_vs_last_year=ratio(agg.revenue_90d, agg.revenue_90d_ly),
        orders_365d_vs_prior_year=ratio(agg.orders_365d, agg.orders_365d_py),
        revenue_365d_vs_prior_year=ratio(agg.revenue_365d, agg.revenue_365d_py),
        spare_parts_365d_vs_prior_year=ratio(agg.spare_parts_365d, agg.spare_parts_365d_py),
        mean_order_gap_days=gap,
        gap_ratio=ratio(agg.days_since_last_order, gap),
    )
