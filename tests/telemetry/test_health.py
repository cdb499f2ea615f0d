"""Asset health and account usage trends from the daily rollups; rollups from file imports."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select

from keepwell.db import session_scope
from keepwell.intake.mapping import Mapping
from keepwell.intake.service import import_file
from keepwell.telemetry.health import account_usage_trends, asset_health
from keepwell.telemetry.ingest import ingest
from keepwell.telemetry.models import TelemetryDaily
from keepwell.telemetry.parse import decode_payload
from keepwell.telemetry.rollups import ensure_rollups, rebuild_rollups

AS_OF = date.today() - timedelta(days=1)


def day(ago: int) -> str:
    return datetime.combine(AS_OF - timedelta(days=ago), time(12)).isoformat()


def history() -> list[dict[str, object]]:
    """90 days: SN-1 and SN-3 run 8 h a day; SN-2 drops to 2 h, then stops 5 days after an alarm."""
    items: list[dict[str, object]] = []
    for ago in range(90):
        items.append({"asset": "SN-1", "ts": day(ago), "metric": "run_hours", "value": 8})
        items.append({"asset": "SN-3", "ts": day(ago), "metric": "run_hours", "value": 8})
        sn2 = 8 if ago >= 30 else 2 if ago >= 5 else 0
        if sn2:
            items.append({"asset": "SN-2", "ts": day(ago), "metric": "run_hours", "value": sn2})
    items.append({"asset": "SN-2", "ts": day(4), "alarm_code": "E7", "severity": "critical"})
    return items


def load(engine: Engine) -> None:
    with session_scope(engine) as session:
        ingest(session, decode_payload(json.dumps(history()).encode(), 65536), channel="http")


def test_asset_health_against_baseline_fleet_and_downtime(
    engine: Engine, assets: dict[str, int]
) -> None:
    load(engine)
    with session_scope(engine) as session:
        health = {h.serial: h for h in asset_health(session, AS_OF)}
    sn1, sn2 = health["SN-1"], health["SN-2"]
    assert (sn1.usage_30d, sn1.baseline_30d, sn1.usage_change) == (240.0, 240.0, 0.0)
    assert (sn2.usage_30d, sn2.baseline_30d) == (50.0, 240.0)
    assert sn2.usage_change == pytest.approx(50 / 240 - 1)
    assert sn1.vs_fleet == pytest.approx(240 / 145)
    assert (sn2.downtime_days, sn2.downtime_fault_days, sn2.downtime_customer_days) == (5, 2, 3)
    assert (sn2.alarms_30d, sn2.critical_alarms_30d, sn1.downtime_days) == (1, 1, 0)
    assert sn1.run_hours == 720.0 and sn1.trend == "steady" and sn2.trend == "falling"
    assert len(sn2.weekly_usage) == 13


def test_account_usage_trends_feed_the_usage_decline_signal(
    engine: Engine, assets: dict[str, int]
) -> None:
    load(engine)
    with session_scope(engine) as session:
        trends = {t.account: t for t in account_usage_trends(session, AS_OF)}
    acme, beta = trends["Acme Pumps"], trends["Beta Works"]
    assert (acme.assets, acme.usage_30d, acme.baseline_30d) == (2, 290.0, 480.0)
    assert acme.usage_change == pytest.approx(290 / 480 - 1)
    assert (acme.alarms_30d, acme.alarm_rate, acme.baseline_alarm_rate) == (1, 0.5, 0.0)
    assert (beta.usage_change, beta.alarm_rate) == (0.0, 0.0)


def test_rebuilt_rollups_equal_the_incremental_ones(engine: Engine, assets: dict[str, int]) -> None:
    load(engine)

    def rollups() -> list[tuple[object, ...]]:
        with session_scope(engine) as session:
            d = TelemetryDaily
            rows = session.execute(
                select(
                    d.asset_id,
                    d.day,
                    d.metric,
                    d.readings,
                    d.total,
                    d.minimum,
                    d.maximum,
                    d.alarms,
                    d.critical_alarms,
                ).order_by(d.asset_id, d.day, d.metric)
            )
            return [tuple(r) for r in rows]

    incremental = rollups()
    with session_scope(engine) as session:
        assert rebuild_rollups(session) == len(incremental)
    assert rollups() == incremental


def test_file_imported_telemetry_is_rolled_up_with_the_import(
    engine: Engine, assets: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "telemetry.csv"
    lines = [f"SN-1,{day(ago)},run_hours,6" for ago in range(40)]
    path.write_text("asset,ts,metric,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(engine, "telemetry", path, Mapping(source="machines"))
    assert result.ok, result.errors
    with session_scope(engine) as session:
        health = {h.serial: h for h in asset_health(session, AS_OF)}
    assert (health["SN-1"].usage_30d, health["SN-1"].baseline_30d) == (180.0, 30.0)


def test_reading_health_writes_nothing_and_the_run_builds_missing_rollups(
    engine: Engine, assets: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "telemetry.csv"
    lines = [f"SN-1,{day(ago)},run_hours,6" for ago in range(40)]
    path.write_text("asset,ts,metric,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert import_file(engine, "telemetry", path, Mapping(source="machines")).ok
    with session_scope(engine) as session:
        session.execute(delete(TelemetryDaily))  # readings loaded some other way
    with session_scope(engine) as session:
        assert asset_health(session, AS_OF)[0].usage_30d in (None, 0.0)
        assert not session.dirty and not session.new
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(TelemetryDaily)) == 0
        assert ensure_rollups(session) is True
        assert ensure_rollups(session) is False
    with session_scope(engine) as session:
        health = {h.serial: h for h in asset_health(session, AS_OF)}
    assert health["SN-1"].usage_30d == 180.0
