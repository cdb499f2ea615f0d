"""90-day usage trends over the raw Parquet store, as one Ibis expression.

``usage_trends`` takes any Ibis table of raw readings (DuckDB over the Parquet store by
default; a PySpark table of the same files works the same way) and returns, per asset,
usage in the last 30 days, in the 60 days before, and its change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from keepwell.telemetry.rawstore import raw_dir

RECENT_DAYS = 30
WINDOW_DAYS = 90


def raw_table(telemetry_dir: Path) -> ir.Table:
    """The raw store as an Ibis table on an in-process DuckDB."""
    pattern = str(raw_dir(telemetry_dir) / "*" / "*.parquet")
    return ibis.duckdb.connect().read_parquet(pattern, hive_partitioning=True)


def usage_trends(raw: ir.Table, as_of: date, metric: str = "run_hours") -> ir.Table:
    """Per asset: ``recent`` (30 days to ``as_of``), ``prior`` (the 60 before), ``change``."""
    end = datetime.combine(as_of + timedelta(days=1), time())
    start = end - timedelta(days=WINDOW_DAYS)
    split = end - timedelta(days=RECENT_DAYS)
    window = raw.filter(raw.metric == metric, raw.ts >= start, raw.ts < end)
    is_recent = window.ts >= split
    grouped = window.group_by("asset_id").aggregate(
        recent=window.value.sum(where=is_recent).fill_null(0.0),
        prior=window.value.sum(where=~is_recent).fill_null(0.0),
        readings=window.count(),
    )
    baseline = grouped.prior * RECENT_DAYS / (WINDOW_DAYS - RECENT_DAYS)
    return grouped.mutate(
        change=ibis.ifelse(baseline > 0, grouped.recent / baseline - 1.0, ibis.null("float64"))
    )


def usage_trends_frame(telemetry_dir: Path, as_of: date, metric: str = "run_hours") -> pd.DataFrame:
    """``usage_trends`` of the local raw store, computed by DuckDB."""
    return usage_trends(raw_table(telemetry_dir), as_of, metric).order_by("asset_id").execute()
