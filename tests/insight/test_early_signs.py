"""The early-sign churn features: hand-computed values and no leakage (DuckDB = Spark is
checked in test_features.py, with every churn feature)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from keepwell.insight.churn.early_signs import (
    EARLY_SIGN_BLOCKS,
    EARLY_SIGN_FEATURES,
    REASON_DETAILS,
)
from keepwell.insight.features import compute_features, connect, write_tables

CUTOFF = date(2024, 7, 1)


def _day(days: int) -> date:
    """``days`` before the cutoff (negative: after it)."""
    return CUTOFF - timedelta(days=days)


def _time(days: int, hour: int = 10) -> datetime:
    return datetime.combine(_day(days), datetime.min.time()).replace(hour=hour)


def _order(
    number: int,
    account: int,
    ago: int,
    *,
    promised: int | None = None,
    delivered: int | None = None,
    status: str = "open",
) -> dict[str, Any]:
    return {
        "id": number,
        "account_id": account,
        "ordered_at": _day(ago),
        "amount": 100.0,
        "status": status,
        "promised_at": None if promised is None else _day(promised),
        "delivered_at": None if delivered is None else _day(delivered),
    }


def _tables(*, later: bool) -> dict[str, pa.Table]:
    """Two accounts; with ``later``, records dated on or after the cutoff as well."""
    orders = [
        _order(1, 1, 10, promised=5),  # promised 5 days ago, not yet late
        _order(2, 1, 60, promised=30, delivered=-3 if later else None),  # missing at cutoff
        _order(3, 1, 200, promised=190, delivered=150),  # 40 days late
        _order(4, 1, 300, promised=290, delivered=291),  # early
        _order(5, 1, 400, promised=390, delivered=380),  # promised outside 365 days
        *(_order(6 + k, 1, ago) for k, ago in enumerate((500, 600, 720))),
        _order(20, 2, 20, promised=15, delivered=14),  # on time
        _order(21, 2, 40, promised=30, status="cancelled"),  # cancelled: not counted
    ]
    touches = [(1, ago) for ago in (10, 50, 100, 200, 300, 455)]
    # account 1's team wrote down warning signs 50 and 200 days ago (the latter too old)
    warnings = {(1, 50): "competitor deliveries", (1, 200): "volumes"}
    surveys = [
        (1, "nps", 3.0, 60),  # followed up 10 days later
        (1, "nps", 5.0, 150),  # nothing within 14 days after
        (1, "nps", 2.0, 5),  # too young to judge
        (1, "nps", 9.0, 30),  # not a detractor
        (1, "csat", 1.0, 70),  # not an NPS answer
        (2, "nps", 4.0, 190),  # outside 180 days
    ]
    # account 1's machine ran 10 hours a day, then 5 in the last 30 days: a decline seen
    # within the year of readings; account 2's ran 8 hours a day for 100 days
    readings = [(1, ago, 5.0 if ago <= 30 else 10.0) for ago in range(1, 201)]
    readings += [(2, ago, 8.0) for ago in range(1, 101)]
    readings.append((1, 400, 1000.0))  # older than the 365-day window
    # account 1 answered its last 180 days' RFQs in 10 and 2 days, earlier ones in 4
    quotes = [(1, 100, 90), (1, 30, 28), (1, 20, None), (1, 300, 296), (1, 800, 700)]
    quotes.append((2, 10, 9))  # no earlier RFQ: no usual turnaround
    if later:
        quotes[2] = (1, 20, -2)  # answered after the cutoff
        quotes.append((2, -3, -4))
        orders.append(_order(30, 1, -5, promised=-20))
        touches += [(1, 0), (2, -10)]
        warnings |= {(1, 0): "leaving", (2, -10): "competitor"}
        surveys.append((2, "nps", 1.0, -1))
        readings += [(1, 0, 24.0), (2, 0, 24.0), (2, -5, 24.0)]
    return {
        "accounts": pa.Table.from_pylist(
            [{"id": 1, "started_on": date(2020, 1, 1)}, {"id": 2, "started_on": _day(50)}]
        ),
        "orders": pa.Table.from_pylist(orders),
        "quotes": pa.Table.from_pylist(
            [
                {
                    "id": n,
                    "account_id": a,
                    "received_at": _day(received),
                    "responded_at": None if answered is None else _day(answered),
                }
                for n, (a, received, answered) in enumerate(quotes, start=1)
            ]
        ),
        "interactions": pa.Table.from_pylist(
            [
                {
                    "id": n,
                    "account_id": a,
                    "occurred_at": _time(ago),
                    "kind": "call",
                    "warning_signs": warnings.get((a, ago), ""),
                }
                for n, (a, ago) in enumerate(touches, start=1)
            ]
        ),
        "assets": pa.Table.from_pylist(
            [{"id": a, "account_id": a, "installed_at": date(2020, 1, 1)} for a in (1, 2)]
        ),
        "telemetry_events": pa.Table.from_pylist(
            [
                {"id": n, "asset_id": a, "ts": _time(ago), "metric": "run_hours", "value": v}
                for n, (a, ago, v) in enumerate(readings, start=1)
            ]
            + [{"id": 9999, "asset_id": 1, "ts": _time(3), "metric": "temp_c", "value": 70.0}]
        ),
        "survey_responses": pa.Table.from_pylist(
            [
                {
                    "id": n,
                    "account_id": a,
                    "kind": kind,
                    "score": score,
                    "responded_at": _time(ago, 9),
                }
                for n, (a, kind, score, ago) in enumerate(surveys, start=1)
            ]
        ),
    }


ALPHA = {
    "orders_180d_vs_usual": 2 / (6 * 180 / 540),  # 2 recent; 6 in the 540 days before
    "revenue_180d_vs_usual": 200 / (600 * 180 / 540),
    "orders_90d_vs_usual": 2 / (6 * 90 / 630),  # 2 in 90 days; 6 in the 630 days before
    "quote_turnaround_vs_usual": (10 + 2) / 2 - 4,  # 800 days ago: outside the window
    "interactions_90d_vs_usual": 2 / (4 * 90 / 365),  # first touch 455 days ago
    "late_delivery_share_365d": 2 / 3,  # orders 2 and 3 late, 4 on time, 1 undecided
    "late_share_vs_everyone_365d": 2 / 3 - 2 / 4,  # everyone: 2 of 4 late
    "late_share_vs_everyone_180d": 1 / 1 - 1 / 2,  # order 2 of 1; everyone: 1 of 2 late
    "unanswered_detractors_180d": 1,
    "usage_30d_vs_usual": 5 / 10,  # 30 days at 5 against 170 earlier days at 10
    "usage_vs_everyone": (5 / 10) / ((5 + 8) / (10 + 8)),
    "warning_notes_180d": 1,  # 50 days ago; 200 days ago is outside the window
    "warning_notes_180d_competitor": 1,
    "warning_notes_180d_volumes": 0,
    "warning_notes_180d_deliveries": 1,
    "warning_notes_180d_discontent": 0,
    "warning_notes_180d_leaving": 0,
}
BETA = {
    "orders_180d_vs_usual": None,  # too little earlier history
    "revenue_180d_vs_usual": None,
    "orders_90d_vs_usual": None,
    "quote_turnaround_vs_usual": None,
    "interactions_90d_vs_usual": None,
    "late_delivery_share_365d": 0.0,
    "late_share_vs_everyone_365d": -2 / 4,
    "late_share_vs_everyone_180d": 0 - 1 / 2,
    "unanswered_detractors_180d": None,  # no row: the churn frame fills 0
    "usage_30d_vs_usual": 8 / 8,  # first reading 100 days ago: 70 earlier days
    "usage_vs_everyone": 1 / ((5 + 8) / (10 + 8)),
    "warning_notes_180d": None,  # no row: the churn frame fills 0
    **dict.fromkeys(REASON_DETAILS),
}


def _features(folder: Path) -> dict[int, dict[str, Any]]:
    con = connect("duckdb", folder)
    try:
        table = compute_features(con, [CUTOFF], extra_blocks=EARLY_SIGN_BLOCKS)
    finally:
        con.disconnect()
    return {
        row["account_id"]: {name: row[name] for name in (*EARLY_SIGN_FEATURES, *REASON_DETAILS)}
        for row in table.to_pylist()
    }


def _same(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        got = actual[name]
        if value is None or got is None:
            assert got is value, (name, got, value)
        else:
            assert math.isclose(got, value, abs_tol=1e-9), (name, got, value)


def test_early_signs_match_hand_computed_values(tmp_path: Path) -> None:
    write_tables(_tables(later=False), tmp_path)
    found = _features(tmp_path)
    _same(found[1], ALPHA)
    _same(found[2], BETA)


def test_a_usual_usage_level_needs_30_days_of_earlier_readings(tmp_path: Path) -> None:
    tables = _tables(later=False)
    short = [r for r in tables["telemetry_events"].to_pylist() if r["ts"] >= _time(50, 0)]
    tables["telemetry_events"] = pa.Table.from_pylist(short)
    write_tables(tables, tmp_path)
    found = _features(tmp_path)
    # with 49 days of readings only 19 lie before the last 30: too few for a usual level
    assert found[1]["usage_30d_vs_usual"] is None and found[1]["usage_vs_everyone"] is None


def test_early_signs_do_not_see_data_after_the_cutoff(tmp_path: Path) -> None:
    write_tables(_tables(later=False), tmp_path / "before")
    write_tables(_tables(later=True), tmp_path / "after")
    assert _features(tmp_path / "after") == _features(tmp_path / "before")
