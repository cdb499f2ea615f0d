"""The raw Parquet store: export of complete days, late data, retention, Ibis trends."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.telemetry.test_health import AS_OF, day, history
from typer.testing import CliRunner

from keepwell.cli import app
from keepwell.db import session_scope
from keepwell.record.models import TelemetryEvent
from keepwell.telemetry.health import asset_health
from keepwell.telemetry.ingest import ingest
from keepwell.telemetry.models import TelemetryDaily
from keepwell.telemetry.parse import decode_payload
from keepwell.telemetry.rawstore import export_raw, prune_raw, raw_dir
from keepwell.telemetry.trends import usage_trends_frame

TODAY = AS_OF + timedelta(days=1)


def deliver(engine: Engine, items: list[dict[str, object]]) -> None:
    with session_scope(engine) as session:
        ingest(session, decode_payload(json.dumps(items).encode(), 65536), channel="http")


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_export_then_trends_match_the_rollups(
    engine: Engine, assets: dict[str, int], tmp_path: Path
) -> None:
    deliver(engine, history())
    with session_scope(engine) as session:
        first = export_raw(session, tmp_path, before=TODAY)
        again = export_raw(session, tmp_path, before=TODAY)
    assert (first.days, first.rows, again.days) == (90, count(engine, TelemetryEvent), 0)
    trends = usage_trends_frame(tmp_path, AS_OF)
    with session_scope(engine) as session:
        health = {h.asset_id: h for h in asset_health(session, AS_OF)}
    for row in trends.itertuples():
        assert row.recent == pytest.approx(health[row.asset_id].usage_30d)
        baseline = health[row.asset_id].baseline_30d
        assert row.prior / 2 == pytest.approx(baseline)

    deliver(
        engine,
        [
            {
                "asset": "SN-1",
                "ts": day(10).replace("12:00", "13:00"),
                "metric": "run_hours",
                "value": 1,
            }
        ],
    )
    with session_scope(engine) as session:
        late = export_raw(session, tmp_path, before=TODAY)
    assert (late.days, late.rows) == (1, 4)
    sn1 = usage_trends_frame(tmp_path, AS_OF).set_index("asset_id").loc[assets["SN-1"]]
    assert sn1.recent == 241.0


def test_retention_removes_old_raw_days_and_keeps_rollups(
    engine: Engine,
    database_url: str,
    assets: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliver(engine, history())
    rollups = count(engine, TelemetryDaily)
    monkeypatch.setenv("KEEPWELL_TELEMETRY_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("KEEPWELL_TELEMETRY_RETENTION_DAYS", "30")
    from keepwell.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    try:
        out = runner.invoke(app, ["--database-url", database_url, "telemetry", "export", "--json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["days"] >= 89
        pruned = runner.invoke(app, ["--database-url", database_url, "telemetry", "prune"])
        assert pruned.exit_code == 0, pruned.output
    finally:
        get_settings.cache_clear()
    partitions = sorted(p.name for p in raw_dir(tmp_path / "store").iterdir())
    cutoff = date.today() - timedelta(days=30)
    assert partitions[0] == f"day={cutoff.isoformat()}"
    with session_scope(engine) as session:
        oldest = session.scalar(select(func.min(TelemetryEvent.ts)))
        assert oldest is not None and oldest.date() >= cutoff
        assert prune_raw(session, tmp_path / "store", retention_days=30, today=date.today()) == 0
    assert count(engine, TelemetryDaily) == rollups
