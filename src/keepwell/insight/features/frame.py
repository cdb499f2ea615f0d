"""What every feature block works with: the tables, the cutoffs and day arithmetic.

Each event is paired with the cutoffs it precedes and gets ``ago``, the whole days from
the event's day to the cutoff (1 = the day before). Timestamps are naive UTC, so an
event is before a cutoff exactly when its day is; windows are ranges of ``ago``. Only
portable Ibis expressions are used, so DuckDB and Spark run the same plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

KEYS = ("account_id", "cutoff")
"""The key of every feature block's output."""

Stamp = Callable[[ir.Table], ir.Table]
"""Adds the ``cutoff`` column to a table: one copy per cutoff."""


def cross_stamp(cutoffs: list[date]) -> Stamp:
    """Pair rows with every cutoff through a cross join with a small in-memory table."""
    frame = ibis.memtable({"cutoff": cutoffs}, schema={"cutoff": "date"})
    return lambda table: table.cross_join(frame)


def literal_stamp(cutoff: date) -> Stamp:
    """Give rows one cutoff as a constant column."""
    return lambda table: table.mutate(cutoff=ibis.literal(cutoff, type="date"))


@dataclass(frozen=True)
class Frame:
    """The backend's tables and the cutoffs one pipeline run computes features at."""

    tables: Mapping[str, ir.Table]
    stamp: Stamp
    first: date
    last: date
    usage_metric: str | None = "run_hours"

    def table(self, name: str) -> ir.Table:
        """A snapshot table."""
        return self.tables[name]

    def history(self, table: ir.Table, when: str, horizon: int | None = None) -> ir.Table:
        """Rows dated before each cutoff (within ``horizon`` days), with ``cutoff``, ``ago``."""
        column = table[when]
        table = table.filter(column < self._bound(column, self.last))
        if horizon is not None:
            table = table.filter(
                column >= self._bound(column, self.first - timedelta(days=horizon))
            )
        stamped = self.stamp(table)
        stamped = stamped.mutate(ago=days_before(stamped, when))
        if horizon is None:
            return stamped.filter(stamped.ago >= 1)
        return stamped.filter(stamped.ago >= 1, stamped.ago <= horizon)

    @staticmethod
    def _bound(column: ir.Value, day: date) -> Any:
        if column.type().is_timestamp():
            return ibis.literal(datetime(day.year, day.month, day.day))
        return ibis.literal(day, type="date")


def days_before(table: ir.Table, when: str) -> ir.IntegerValue:
    """Whole days from ``table[when]``'s day to the cutoff (negative after it, null if none)."""
    column = table[when]
    day = column.date() if column.type().is_timestamp() else column
    return table.cutoff.delta(day, unit="day")


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator``, missing when the denominator is zero or missing."""
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def keyed(table: ir.Table, **aggregates: Any) -> ir.Table:
    """``table`` aggregated per account and cutoff."""
    return table.group_by(list(KEYS)).aggregate(**aggregates)
